//! Text decoding shared by the text formats: UTF-16 (by BOM), UTF-8, else a legacy code page.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decodes `bytes`: UTF-16 if it starts with a BOM, UTF-8 if valid, else `fallback`
/// (Windows-1252 if `None`). Returns the text and a note when a fallback was used or bytes
/// were replaced.
pub(crate) fn decode(
    bytes: &[u8],
    fallback: Option<&'static Encoding>,
) -> (String, Option<String>) {
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        let (s, bad) = UTF_16LE.decode_without_bom_handling(rest);
        return (
            s.into_owned(),
            bad.then(|| "invalid UTF-16 replaced".to_string()),
        );
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let (s, bad) = UTF_16BE.decode_without_bom_handling(rest);
        return (
            s.into_owned(),
            bad.then(|| "invalid UTF-16 replaced".to_string()),
        );
    }
    let body = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return (s.to_string(), None);
    }
    let enc = fallback.unwrap_or(WINDOWS_1252);
    let (s, bad) = enc.decode_without_bom_handling(body);
    let mut note = format!("not UTF-8: decoded as {}", enc.name());
    if bad {
        note.push_str(" with invalid bytes replaced");
    }
    (s.into_owned(), Some(note))
}
