//! Reading the user's input files, bounded: every file launchcast reads (a model, an
//! `[[include]]`, uncertainty rules, a schedule) goes through [`read_input`], which refuses
//! anything that is not a regular file (a FIFO would block forever, `/dev/zero` never ends)
//! and anything larger than [`max_input_bytes`], so that a small mistake cannot take the
//! machine's memory or hang the program.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The default size limit of one input file: 256 MiB, far above any real model or schedule
/// (an MSPDI file of 50,000 tasks is about 150 MB).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 256 << 20;

static MAX_INPUT_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT_BYTES);

/// The size limit of one input file, in bytes ([`DEFAULT_MAX_INPUT_BYTES`] unless changed).
pub fn max_input_bytes() -> u64 {
    MAX_INPUT_BYTES.load(Ordering::Relaxed)
}

/// Changes the size limit of every input file read from now on (the command line's
/// `--max-input-mb`).
pub fn set_max_input_bytes(bytes: u64) {
    MAX_INPUT_BYTES.store(bytes, Ordering::Relaxed);
}

/// Why an input file was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The path as given.
    pub path: PathBuf,
    /// What is wrong, naming the offending value (a size, a kind of file).
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl InputError {
    fn new(path: &Path, message: impl Into<String>, help: impl Into<String>) -> InputError {
        InputError {
            path: path.to_path_buf(),
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for InputError {}

/// Reads the whole of the regular file `path`, at most [`max_input_bytes`] long.
///
/// Refused, with a message naming the file and a fix: a missing or unreadable file, a
/// directory, anything that is not a regular file (FIFO, socket, device such as `/dev/zero`),
/// a file over the limit (including one that grows while it is read). A FIFO is opened
/// without waiting for a writer, so that the refusal is immediate.
pub fn read_input(path: &Path) -> Result<Vec<u8>, InputError> {
    let limit = max_input_bytes();
    // Look before opening: opening a device can have effects of its own.
    let meta = std::fs::metadata(path).map_err(|e| cannot_open(path, &e))?;
    check_kind(path, &meta, limit)?;
    let file = open_nonblocking(path).map_err(|e| cannot_open(path, &e))?;
    // And look again at what was opened, in case the path changed in between.
    let meta = file.metadata().map_err(|e| cannot_open(path, &e))?;
    check_kind(path, &meta, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            InputError::new(
                path,
                format!("cannot read the file: {e}"),
                "check that the file is readable",
            )
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, None, limit));
    }
    Ok(bytes)
}

/// The kind of binary file `bytes` starts like, for a message such as "this is a zip
/// archive", or `None` for something that may be text. NUL bytes mean binary.
pub fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const KINDS: [(&[u8], &str); 7] = [
        (b"PK\x03\x04", "a zip archive"),
        (b"PK\x05\x06", "an empty zip archive"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"%PDF", "a PDF document"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "an OLE compound document (such as an MS Project .mpp or an Excel .xls file)",
        ),
        (b"\x7fELF", "a program (ELF executable)"),
        (b"SQLite format 3\0", "an SQLite database"),
    ];
    if let Some((_, kind)) = KINDS.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(kind);
    }
    // UTF-16 text (with its byte-order mark) holds NUL bytes but is text: let the reader
    // say how to save it.
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return None;
    }
    bytes
        .iter()
        .take(1 << 16)
        .any(|b| *b == 0)
        .then_some("binary data (it holds NUL bytes)")
}

/// How to turn a binary file of `kind` (see [`binary_kind`]) into something launchcast reads.
pub fn binary_help(kind: &str) -> &'static str {
    if kind.contains("zip") || kind.contains("gzip") {
        "unpack the archive and give the file inside it"
    } else if kind.contains("OLE") {
        "export the schedule from MS Project as XML (MSPDI), or save the model as UTF-8 text"
    } else {
        "give a model file (TOML, UTF-8 text) or a schedule file (MSPDI, XER, PMXML, MPX, PSPLIB)"
    }
}

fn check_kind(path: &Path, meta: &std::fs::Metadata, limit: u64) -> Result<(), InputError> {
    if meta.is_dir() {
        return Err(InputError::new(
            path,
            "it is a directory, not a file",
            "give the path of a file",
        ));
    }
    if !meta.is_file() {
        return Err(InputError::new(
            path,
            format!("it is {}, not a regular file", special_kind(meta)),
            "save the input to a regular file first and give that file",
        ));
    }
    if meta.len() > limit {
        return Err(too_large(path, Some(meta.len()), limit));
    }
    Ok(())
}

fn too_large(path: &Path, size: Option<u64>, limit: u64) -> InputError {
    let size = size.map_or_else(
        || "larger than the limit".to_string(),
        |s| format!("{} large", mib(s)),
    );
    InputError::new(
        path,
        format!(
            "the file is {size}; input files may be at most {}",
            mib(limit)
        ),
        "check that this is the file you meant; a larger limit can be set with --max-input-mb",
    )
}

/// `12.3 MiB`, `2,048 MiB`.
fn mib(bytes: u64) -> String {
    let m = bytes as f64 / (1u64 << 20) as f64;
    if m < 10.0 {
        format!("{m:.1} MiB")
    } else {
        format!("{m:.0} MiB")
    }
}

fn cannot_open(path: &Path, e: &std::io::Error) -> InputError {
    let help = match e.kind() {
        std::io::ErrorKind::NotFound => "check the path",
        std::io::ErrorKind::PermissionDenied => "check the file's permissions",
        _ => "check that the file exists and is readable",
    };
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => format!("cannot open the file: {e}"),
    };
    InputError::new(path, what, help)
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::Metadata) -> &'static str {
    "a special file"
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Whether [`printable`] escapes `c`.
pub(crate) fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character other than a newline or a tab (and the characters
/// that reorder text: bidirectional overrides and isolates) replaced by a visible escape
/// such as `\u{1b}`, so that text from a user's file cannot move the cursor, clear the
/// screen or change the window title when printed to a terminal.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = is_hidden;
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_every_control_but_newline_and_tab() {
        assert_eq!(printable("plain name"), "plain name");
        assert_eq!(printable("a\tb\nc"), "a\tb\nc");
        assert_eq!(printable("\u{1b}[2Jx"), "\\u{1b}[2Jx");
        assert_eq!(printable("bell\u{7}"), "bell\\u{7}");
        assert_eq!(printable("over\rwrite"), "over\\rwrite");
        assert_eq!(printable("c1\u{9b}31m"), "c1\\u{9b}31m");
        assert_eq!(printable("abc\u{202e}fed"), "abc\\u{202e}fed");
        for c in (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
            if c != '\n' && c != '\t' {
                assert!(!printable(&c.to_string()).chars().any(|d| d.is_control()));
            }
        }
    }

    #[test]
    fn binary_kinds_are_named() {
        assert_eq!(binary_kind(b"PK\x03\x04rest"), Some("a zip archive"));
        assert!(
            binary_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1..")
                .unwrap()
                .contains("mpp")
        );
        assert_eq!(binary_kind(b"[program]\nname = \"x\"\n"), None);
        assert_eq!(binary_kind(b"\xff\xfea\0b\0"), None);
        assert_eq!(
            binary_kind(b"abc\0def"),
            Some("binary data (it holds NUL bytes)")
        );
    }
}
