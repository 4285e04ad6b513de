//! Whole iterations kept as rows: which lane groups give them, each worker's records of
//! them, and their gathering into column-major [`Rows`] at the end.

use rayon::prelude::*;

use crate::index::{Id, IdVec, Pos, TaskId};
use crate::outcomes::Rows;
use crate::simd::LANES;

/// Row records of one worker: for each lane group its first row and row count, and then
/// [`RowLayout::len`] items of `LANES` values each.
#[derive(Default)]
pub(super) struct RowRecords {
    pub(super) index: Vec<[u32; 2]>,
    pub(super) data: Vec<f32>,
}

/// Which iterations become rows, and the layout of one row's record: task durations (plan
/// position), headline, cumulative deliveries at each month end, cumulative spend likewise.
#[derive(Clone, Copy)]
pub(super) struct RowLayout {
    pub(super) rows: usize,
    pub(super) tasks: usize,
    pub(super) months: usize,
    /// Months of deliveries and of spend in each record: `months`, or 0 where the values are
    /// zero by construction (no plants, no costs), which then cost neither time nor memory.
    pub(super) delivered_months: usize,
    pub(super) spent_months: usize,
    pub(super) sample_every: u64,
    /// Whether any lane group is sampled at all (see [`RunOptions::statistics`]).
    pub(super) statistics: bool,
    /// Every `row_every`-th sampled lane group gives rows, so rows span the whole run.
    pub(super) row_every: u64,
}

impl RowLayout {
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
}

/// Scatters the workers' row records (durations by plan position) into column-major
/// [`Rows`] (tasks in model order), columns in parallel.
pub(super) fn gather_rows(
    layout: &RowLayout,
    position: &IdVec<TaskId, Pos>,
    pieces: &[RowRecords],
) -> Rows {
    let (n, width) = (layout.rows, layout.len() * LANES);
    let mut rows = Rows {
        iterations: (0..n).map(|r| layout.iteration(r)).collect(),
        // Zeroed memory is mapped lazily: the columns are filled below, in parallel.
        durations: vec![0.0; layout.tasks * n],
        headline: vec![0.0; n],
        delivered: vec![0.0; layout.months * n],
        spent: vec![0.0; layout.months * n],
    };
    // Each record holds a lane group's rows item by item. Columns are written a group at a
    // time, record by record: each column front to back, and a record's items of one group
    // lie close together (plan order mostly follows model order), so reads stay within a few
    // pages.
    let records: Vec<(usize, usize, &[f32])> = pieces
        .iter()
        .flat_map(|p| p.index.iter().zip(p.data.chunks_exact(width)))
        .map(|(&[first, kept], record)| (first as usize, kept as usize, record))
        .collect();
    if n == 0 {
        return rows;
    }
    const GROUP: usize = 64;
    rows.durations
        .par_chunks_mut(n * GROUP)
        .zip(position.as_slice().par_chunks(GROUP))
        .for_each(|(columns, positions)| {
            gather(
                &records,
                n,
                columns,
                positions.iter().map(|p| p.index()),
                f32::NAN,
            );
        });
    gather(
        &records,
        n,
        &mut rows.headline,
        std::iter::once(layout.tasks),
        f32::INFINITY,
    );
    let (dm, sm) = (layout.delivered_months, layout.spent_months);
    let delivered = layout.tasks + 1..layout.tasks + 1 + dm;
    gather(
        &records,
        n,
        &mut rows.delivered[..dm * n],
        delivered.clone(),
        0.0,
    );
    let spent = delivered.end..delivered.end + sm;
    gather(&records, n, &mut rows.spent[..sm * n], spent, 0.0);
    rows
}

/// Fills `columns` (`n` values each) with the given items of every record, one item per
/// column; rows no record covers keep `missing`.
fn gather(
    records: &[(usize, usize, &[f32])],
    n: usize,
    columns: &mut [f32],
    items: impl Iterator<Item = usize> + Clone,
    missing: f32,
) {
    columns.fill(missing);
    for &(r, kept, record) in records {
        for (column, item) in columns.chunks_exact_mut(n).zip(items.clone()) {
            column[r..r + kept].copy_from_slice(&record[item * LANES..][..kept]);
        }
    }
}
