//! Atomic file replacement: every file output goes through [`write_atomic`].

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` so that `path` holds either its old content or all of the new
/// one, never a part: the bytes go to a fresh temporary file in the same directory, which is
/// flushed to disk and then renamed over `path`. An existing file keeps its permissions. On
/// error the temporary file is removed and `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a file path: {}", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = name.to_string_lossy();
    remove_stale_temps(&dir, &name);
    let (tmp, mut file) = create_temp(&dir, &name)?;
    let result = (|| {
        file.write_all(bytes)?;
        if let Ok(meta) = fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    pending(|p| p.retain(|t| *t != tmp));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(&dir);
    Ok(())
}

/// Temporary files being written now, for [`remove_temp_files`].
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending(f: impl FnOnce(&mut Vec<PathBuf>)) {
    // A poisoned list is still a list of paths.
    let mut list = PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&mut list);
}

/// Removes the temporary files of writes in progress: for an interrupted program (Ctrl-C,
/// SIGTERM), so that it leaves nothing behind. The files being replaced keep their old
/// content.
pub fn remove_temp_files() {
    pending(|list| {
        for tmp in list.drain(..) {
            let _ = fs::remove_file(tmp);
        }
    });
}

/// Removes `.NAME.PID.N.tmp` files left in `dir` by earlier writes of `name` whose process
/// is gone (killed before it could clean up). Where processes cannot be looked up (no
/// `/proc`), nothing is removed.
fn remove_stale_temps(dir: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some((pid, n)) = rest.split_once('.') else {
            continue;
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if digits(pid)
            && digits(n)
            && pid != std::process::id().to_string()
            && !Path::new("/proc").join(pid).exists()
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A new, exclusively created `.NAME.PID.N.tmp` in `dir`.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        // Listed before it exists, so that an interruption at any moment finds it.
        pending(|p| p.push(tmp.clone()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) => {
                pending(|p| p.retain(|t| *t != tmp));
                if e.kind() != io::ErrorKind::AlreadyExists {
                    return Err(e);
                }
            }
        }
    }
}

/// Makes the rename durable where the platform allows it (best effort: the data itself is
/// already on disk, and some systems cannot open a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
