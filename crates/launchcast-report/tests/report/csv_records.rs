//! Reading back what `write_csv` writes: RFC 4180 records, and the cells a spreadsheet would
//! take for a formula. Self-contained (no `crate::` paths), so that another crate's tests can
//! include this file with `#[path]` rather than keep their own copy.

/// Records of RFC 4180 text (quoted fields may hold commas, quotes and line breaks).
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "text ends with a newline"
    );
    records
}

/// Text a spreadsheet would take for a formula.
pub(crate) fn formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}
