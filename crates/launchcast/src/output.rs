//! Everything the commands write: standard output, and output files checked before any work
//! and written whole (atomically for regular files).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::errors::CliError;

/// Writes `text` to standard output. A reader that went away (`| head`) ends the command
/// quietly; any other failure is reported.
pub fn out(text: &str) -> Result<(), CliError> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| {
            if e.kind() == io::ErrorKind::BrokenPipe {
                CliError::StdoutClosed
            } else {
                CliError::Write {
                    path: PathBuf::from("standard output"),
                    source: e,
                }
            }
        })
}

/// An output file must be creatable: its directory exists and it is not itself a directory.
pub fn check_output_file(path: &Path, example: &str) -> Result<(), CliError> {
    if path.is_dir() {
        return Err(CliError::input(
            format!("cannot write {}: it is a directory", path.display()),
            format!("give a file name, e.g. {example}"),
        ));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(CliError::input(
            format!(
                "cannot write {}: the directory {} does not exist",
                path.display(),
                parent.display()
            ),
            "create the directory first, or write somewhere else",
        ));
    }
    Ok(())
}

/// An output directory is created if missing, but must not be an existing file.
pub fn check_output_dir(dir: &Path) -> Result<(), CliError> {
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::input(
            format!(
                "cannot write CSV files into {}: it is not a directory",
                dir.display()
            ),
            "give a directory (it is created if missing)",
        ));
    }
    Ok(())
}

/// Writes a whole output file. A regular file (or a link to one) is replaced atomically; a
/// device, pipe or socket (`/dev/stdout`, a FIFO) is written in place, never replaced.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let fail = |source: io::Error| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(fail(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory",
        ))),
        Ok(meta) if !meta.is_file() => {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(fail)?;
            file.write_all(bytes)
                .and_then(|()| file.flush())
                .map_err(fail)
        }
        Ok(_) => {
            let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            let target = if is_link {
                fs::canonicalize(path).map_err(fail)?
            } else {
                path.to_path_buf()
            };
            launchcast_report::write_atomic(&target, bytes).map_err(fail)
        }
        Err(_) => launchcast_report::write_atomic(path, bytes).map_err(fail),
    }
}
