//! Everything the commands write: standard output, and output files checked before any work
//! and written whole (atomically for regular files).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::errors::CliError;

/// Writes `text` to standard output, control characters escaped (a name from the user's
/// file must not drive the terminal; machine outputs such as JSON have none to escape). A
/// reader that went away (`| head`) ends the command quietly; any other failure is reported.
pub(crate) fn out(text: &str) -> Result<(), CliError> {
    let text = launchcast_model::printable(text);
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
pub(crate) fn check_output_file(path: &Path, example: &str) -> Result<(), CliError> {
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
pub(crate) fn check_output_dir(dir: &Path) -> Result<(), CliError> {
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
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
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

/// An output: one file, or a directory of CSV files.
pub(crate) enum Target {
    File(PathBuf),
    CsvDir(PathBuf),
}

/// The identity of a file for comparison: the device and inode of an existing file (so that
/// links and different spellings of one path compare equal), else its canonical path.
#[derive(Debug, PartialEq)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

fn file_id(path: &Path) -> FileId {
    #[cfg(unix)]
    if let Ok(meta) = fs::metadata(path) {
        use std::os::unix::fs::MetadataExt;
        return FileId::Inode(meta.dev(), meta.ino());
    }
    FileId::Path(canonical(path))
}

/// The canonical form of a path that may not exist yet: its directory's, joined with its name.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(c) = fs::canonicalize(path) {
        return c;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Whether `file` is a CSV file directly inside `dir` (which `--csv DIR` may replace).
fn in_csv_dir(file: &Path, dir: &Path) -> bool {
    let is_csv = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    is_csv && canonical(file).parent() == Some(canonical(dir).as_path())
}

/// Refuses, before any work, an output that is one of the inputs or another output (compared
/// as files: links and other spellings of a path count), naming both.
pub(crate) fn check_distinct(
    inputs: &[(String, PathBuf)],
    outputs: &[(String, Target)],
) -> Result<(), CliError> {
    let clash = |flag: &str, out: &Path, what: &str, other: &Path, help: &str| {
        CliError::input(
            format!(
                "{flag} {} is {what} {}: writing it would replace it",
                out.display(),
                other.display()
            ),
            help.to_string(),
        )
    };
    for (k, (flag, target)) in outputs.iter().enumerate() {
        match target {
            Target::File(out) => {
                let id = file_id(out);
                for (what, input) in inputs {
                    if file_id(input) == id {
                        return Err(clash(
                            flag,
                            out,
                            what,
                            input,
                            "write the output to another file; launchcast never overwrites its inputs",
                        ));
                    }
                }
                for (other_flag, other) in outputs.iter().skip(k + 1) {
                    let same = match other {
                        Target::File(o) => file_id(o) == id,
                        Target::CsvDir(d) => in_csv_dir(out, d),
                    };
                    if same {
                        return Err(clash(
                            flag,
                            out,
                            &format!("also the output of {other_flag}"),
                            match other {
                                Target::File(o) | Target::CsvDir(o) => o,
                            },
                            "give each output its own file",
                        ));
                    }
                }
            }
            Target::CsvDir(dir) => {
                for (what, input) in inputs {
                    if in_csv_dir(input, dir) {
                        return Err(clash(
                            flag,
                            dir,
                            &format!("the directory of {what}"),
                            input,
                            "write the CSV files into another directory; they could replace the input",
                        ));
                    }
                }
                for (other_flag, other) in outputs.iter().skip(k + 1) {
                    if let Target::File(o) = other
                        && in_csv_dir(o, dir)
                    {
                        return Err(clash(
                            other_flag,
                            o,
                            "a file in the directory of --csv",
                            dir,
                            "give each output its own file",
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}
