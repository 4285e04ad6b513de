//! The limits a model must keep, wherever its values come from (the file, the command line,
//! a model built in code): checked by the problem kinds, documented in the README.

/// The most iterations a run may have, whether the number comes from the model file or the
/// command line.
pub const MAX_ITERATIONS: u64 = 100_000_000;

/// The horizon may lie at most this many days (100 years) after the start: simulated time,
/// the per-year results of every iteration and the working-time tables of calendars all grow
/// with the span, and the engine's day arithmetic keeps its precision within it.
pub const MAX_HORIZON_DAYS: i32 = 36_525;
