//! Atomic file replacement.

use std::fs;
use std::path::Path;

use launchcast_report::write_atomic;

pub(crate) fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn atomic_write_replaces_whole_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("result.json");
    write_atomic(&path, b"first, longer content\n").expect("write");
    assert_eq!(fs::read(&path).expect("read"), b"first, longer content\n");
    write_atomic(&path, b"second\n").expect("overwrite");
    assert_eq!(fs::read(&path).expect("read"), b"second\n");
    assert_eq!(entries(dir.path()), ["result.json"]);

    // A missing directory is an error and creates nothing.
    let missing = dir.path().join("missing/result.json");
    assert_eq!(
        write_atomic(&missing, b"x").expect_err("no dir").kind(),
        std::io::ErrorKind::NotFound
    );
    assert_eq!(entries(dir.path()), ["result.json"]);

    // Renaming over a directory fails and leaves no temporary file behind.
    fs::create_dir(dir.path().join("taken")).expect("mkdir");
    assert!(write_atomic(&dir.path().join("taken"), b"x").is_err());
    assert_eq!(entries(dir.path()), ["result.json", "taken"]);
}

#[cfg(unix)]
#[test]
fn atomic_write_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("shared.csv");
    fs::write(&path, "old").expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    write_atomic(&path, b"new").expect("write");
    assert_eq!(
        fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), "new");
}
