//! The kernel's working state.

use crate::index::{Checkpoint, DrawSlot, Driver, IdVec, Pos, RiskId, Row};
use crate::plan::Compiled;
use crate::simd::{LANES, Lanes};

/// "Never": +∞ propagates through max/min and sums without special cases.
pub(super) const INF: f32 = f32::INFINITY;

/// Per-lane-group working state, allocated once per worker and reused. Each entry holds one
/// task's (risk's, checkpoint's) values for all lanes, so a task costs one bounds check and
/// its lane loops compile to whole-vector operations.
///
/// A task's own values sit in its [`Row`]: its position in the full kernel, its slot in the
/// fast one.
pub(crate) struct Scratch {
    /// Start of each task; +∞ if it never starts.
    pub(crate) start: IdVec<Row, Lanes>,
    /// Start / finish if the task succeeded, else +∞ (what successors see).
    pub(crate) start_ok: IdVec<Row, Lanes>,
    pub(crate) finish_ok: IdVec<Row, Lanes>,
    /// Finish of a task that failed, else +∞ (what fallbacks see).
    pub(crate) fail_at: IdVec<Row, Lanes>,
    /// Full kernel only: the predecessor that set each task's start, if any.
    pub(crate) driver: IdVec<Pos, [Driver; LANES]>,
    pub(crate) risk_occurs: IdVec<RiskId, Lanes>,
    pub(crate) risk_value: IdVec<RiskId, Lanes>,
    /// Cumulative cars delivered and money spent at each checkpoint.
    pub(crate) delivered: IdVec<Checkpoint, Lanes>,
    pub(crate) spent: IdVec<Checkpoint, Lanes>,
    /// Correlated uniforms of this lane group, one per correlated draw.
    pub(crate) correlated: IdVec<DrawSlot, Lanes>,
    /// Normal scores of the largest correlation group.
    pub(crate) scores: Vec<[f64; LANES]>,
    /// Full kernel only: each task's duration (risks included), and cumulative cars and money
    /// at each month end.
    pub(crate) duration: IdVec<Pos, Lanes>,
    pub(crate) delivered_monthly: Vec<Lanes>,
    pub(crate) spent_monthly: Vec<Lanes>,
    /// Days to the headline event, and the task position whose chain set it.
    pub(crate) headline: Lanes,
    pub(crate) headline_driver: [Driver; LANES],
    /// This lane group's delivery lag (read again when a rerun redoes the plants).
    pub(crate) lag: Lanes,
    /// Combined into every stream key: the run's seed.
    pub(crate) seed: u64,
}

impl Scratch {
    pub(crate) fn new(plan: &Compiled, seed: u64) -> Scratch {
        let n = plan.order.len();
        let c = plan.checkpoints.len();
        let r = plan.risk_kind.len();
        Scratch {
            start: IdVec::filled([0.0; LANES], n),
            start_ok: IdVec::filled([0.0; LANES], n),
            finish_ok: IdVec::filled([0.0; LANES], n),
            fail_at: IdVec::filled([0.0; LANES], n),
            driver: IdVec::filled([Driver::NONE; LANES], n),
            risk_occurs: IdVec::filled([0.0; LANES], r),
            risk_value: IdVec::filled([0.0; LANES], r),
            delivered: IdVec::filled([0.0; LANES], c),
            spent: IdVec::filled([0.0; LANES], c),
            duration: IdVec::filled([0.0; LANES], n),
            correlated: IdVec::filled([0.5; LANES], plan.correlated_slots),
            scores: vec![
                [0.0; LANES];
                plan.correlation_groups
                    .iter()
                    .map(|g| g.keys.len())
                    .max()
                    .unwrap_or(0)
            ],
            delivered_monthly: vec![[0.0; LANES]; plan.month_ends.len()],
            spent_monthly: vec![[0.0; LANES]; plan.month_ends.len()],
            headline: [INF; LANES],
            headline_driver: [Driver::NONE; LANES],
            lag: [0.0; LANES],
            seed: crate::rng::seeded(seed),
        }
    }
}
