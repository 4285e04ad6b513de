//! The JSON result.

use crate::Summary;

/// The JSON result of `docs/model-format.md`: pretty-printed with 2-space indentation, fields in
/// contract order, ending with a newline.
pub fn to_json(summary: &Summary) -> String {
    // Plain structs with string keys and finite-or-null numbers: serialization cannot fail.
    let mut s = serde_json::to_string_pretty(summary).expect("a Summary always serializes");
    s.push('\n');
    s
}
