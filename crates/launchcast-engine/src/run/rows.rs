//! Whole iterations kept as rows: which lane groups give them, and where each block of
//! iterations writes them: straight into the column-major [`Rows`] of the run, each block
//! owning the part of every column its lane groups give (no copy of the rows is kept on the
//! side and gathered at the end).

use crate::index::{Id, IdVec, Pos, TaskId};
use crate::outcomes::Rows;
use crate::simd::LANES;

/// Which iterations become rows, and the items of one row: task durations (plan position),
/// headline, cumulative deliveries at each month end, cumulative spend likewise.
#[derive(Clone, Copy)]
pub(super) struct RowLayout {
    pub(super) rows: usize,
    pub(super) tasks: usize,
    pub(super) months: usize,
    /// Months of deliveries and of spend in each row: `months`, or 0 where the values are
    /// zero by construction (no plants, no costs), which then cost neither time nor memory.
    pub(super) delivered_months: usize,
    pub(super) spent_months: usize,
    pub(super) sample_every: u64,
    /// Whether any lane group is sampled at all (see [`RunOptions::statistics`]).
    ///
    /// [`RunOptions::statistics`]: super::RunOptions::statistics
    pub(super) statistics: bool,
    /// Every `row_every`-th sampled lane group gives rows, so rows span the whole run.
    pub(super) row_every: u64,
}

impl RowLayout {
    /// Items of a row.
    pub(super) fn len(&self) -> usize {
        self.tasks + 1 + self.delivered_months + self.spent_months
    }

    /// The row of iteration lane `l` of sampled lane group `group`, if it is kept.
    pub(super) fn row(&self, group: u64, l: usize) -> Option<usize> {
        let k = group / self.sample_every;
        let r = (k / self.row_every) as usize * LANES + l;
        (k.is_multiple_of(self.row_every) && r < self.rows).then_some(r)
    }

    fn iteration(&self, row: usize) -> u64 {
        let group = (row / LANES) as u64 * self.row_every * self.sample_every;
        group * LANES as u64 + (row % LANES) as u64
    }

    /// Empty rows of one scenario, every column allocated zeroed (mapped lazily: the blocks
    /// write them). Every row is written: the layout keeps only lanes that are run.
    pub(super) fn empty_rows(&self) -> Rows {
        let n = self.rows;
        Rows {
            iterations: (0..n).map(|r| self.iteration(r)).collect(),
            durations: vec![0.0; self.tasks * n],
            headline: vec![0.0; n],
            delivered: vec![0.0; self.months * n],
            spent: vec![0.0; self.months * n],
        }
    }
}

/// One block's part of one scenario's rows: rows `first ..`, and for each item of a row (in
/// [`RowLayout::len`] order, tasks by plan position) the slice of its column for them.
#[derive(Default)]
pub(super) struct BlockRows<'a> {
    pub(super) first: usize,
    pub(super) items: Vec<&'a mut [f32]>,
}

impl BlockRows<'_> {
    /// Writes the kept lanes `..kept` of one lane group, its rows from `row` on: `items`
    /// gives each item's lanes in [`RowLayout::len`] order.
    pub(super) fn write<'l>(
        &mut self,
        row: usize,
        kept: usize,
        items: impl Iterator<Item = &'l [f32; LANES]>,
    ) {
        let at = row - self.first;
        for (column, lanes) in self.items.iter_mut().zip(items) {
            if let Some(out) = column.get_mut(at..at + kept) {
                out.copy_from_slice(&lanes[..kept]);
            }
        }
    }
}

/// Cuts `rows` (of `layout`) into the parts of blocks of `block` iterations each (`blocks`
/// of them, from iteration `start`): a block's rows are those of its lane groups, a
/// contiguous range. Rows before `start` or after the last block belong to none.
pub(super) fn split_rows<'a>(
    layout: &RowLayout,
    position: &IdVec<TaskId, Pos>,
    rows: &'a mut Rows,
    start: u64,
    block: u64,
    blocks: usize,
) -> Vec<BlockRows<'a>> {
    let n = layout.rows;
    let bounds: Vec<usize> = (0..=blocks)
        .map(|b| {
            rows.iterations
                .partition_point(|&i| i < start + b as u64 * block)
        })
        .collect();
    let mut per_block: Vec<BlockRows<'a>> = bounds
        .windows(2)
        .map(|w| BlockRows {
            first: w[0],
            items: if w[1] > w[0] {
                (0..layout.len()).map(|_| <&mut [f32]>::default()).collect()
            } else {
                Vec::new()
            },
        })
        .collect();
    if n == 0 {
        return per_block;
    }
    let (dm, sm) = (layout.delivered_months, layout.spent_months);
    // Each column with its item: tasks at their plan positions, then the rest in order.
    let columns = rows
        .durations
        .chunks_exact_mut(n)
        .enumerate()
        .map(|(t, c)| (position[TaskId::from_index(t)].index(), c))
        .chain([(layout.tasks, &mut rows.headline[..])])
        .chain(
            rows.delivered
                .chunks_exact_mut(n)
                .take(dm)
                .enumerate()
                .map(|(m, c)| (layout.tasks + 1 + m, c)),
        )
        .chain(
            rows.spent
                .chunks_exact_mut(n)
                .take(sm)
                .enumerate()
                .map(|(m, c)| (layout.tasks + 1 + dm + m, c)),
        );
    let skipped = bounds[0];
    for (item, column) in columns {
        // Rows before `start` are another part's.
        let (_, mut column) = column.split_at_mut(skipped);
        for (part, w) in per_block.iter_mut().zip(bounds.windows(2)) {
            let (piece, rest) = column.split_at_mut(w[1] - w[0]);
            column = rest;
            if let Some(slot) = part.items.get_mut(item) {
                *slot = piece;
            }
        }
    }
    per_block
}
