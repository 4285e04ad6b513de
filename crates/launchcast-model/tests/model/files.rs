//! Reading files: unreadable, empty and non-UTF-8 files.

use super::*;

#[test]
fn parse_file_reports_unreadable_empty_and_non_utf8_files() {
    let dir = std::env::temp_dir().join(format!("launchcast-model-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.toml");
    std::fs::write(&empty, "  \n").unwrap();
    let e = parse_file(&empty).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: the file is empty", empty.display())
    );
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, b"[program]\nname = \"caf\xe9\"\n").unwrap();
    let e = parse_file(&bad).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: the file is not valid UTF-8: invalid byte at offset 21 (line 2)",
            bad.display()
        )
    );
    assert!(e.plain().contains("help: save the file as UTF-8"));
    let missing = dir.join("missing.toml");
    let e = parse_file(&missing).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{}: no such file", missing.display()))
    );
    let good = dir.join("good.toml");
    std::fs::write(&good, BASE).unwrap();
    assert_eq!(parse_file(&good).unwrap(), model(BASE));
    let invalid = dir.join("invalid.toml");
    std::fs::write(&invalid, format!("{PROG}x = 1\n")).unwrap();
    let e = parse_file(&invalid).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{}:5:1: program.x: ", invalid.display())),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
