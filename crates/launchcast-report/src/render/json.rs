//! The JSON result.

use crate::Summary;

/// Bytes of pretty JSON per task per scenario (its `tasks` entry and its `sensitivity` row
/// take about 400), so that the buffer is sized once instead of doubled some twenty times
/// (each doubling copies all that was written and touches fresh pages).
const BYTES_PER_TASK: usize = 448;

/// The JSON result of `docs/model-format.md`: pretty-printed with 2-space indentation, fields in
/// contract order, ending with a newline.
pub fn to_json(summary: &Summary) -> String {
    let tasks: usize = summary.scenarios.iter().map(|s| s.tasks.len()).sum();
    let mut out = Vec::with_capacity(16 * 1024 + tasks * BYTES_PER_TASK);
    // Plain structs with string keys and finite-or-null numbers: serialization cannot fail,
    // and serde_json writes UTF-8 only.
    serde_json::to_writer_pretty(&mut out, summary).expect("a Summary always serializes");
    out.push(b'\n');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}
