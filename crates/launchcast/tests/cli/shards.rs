//! A run in parts: `run --shard K/N --partial PATH` on each part and `merge` gives the JSON,
//! CSV and HTML of the run made whole on one machine, byte for byte (drivers included, run
//! by the merge); broken sets of parts exit 2 naming the part.

use crate::support::*;

#[test]
fn parts_merged_are_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    let (whole, whole_csv) = (d("whole.json"), d("whole-csv"));
    ok(&[
        "run",
        "-n",
        "3001",
        "--seed",
        "4",
        "--json",
        s(&whole),
        "--csv",
        s(&whole_csv),
        "-q",
    ]);
    for k in 1..=3 {
        let part = d(&format!("p{k}.lcpart"));
        ok(&[
            "run",
            "-n",
            "3001",
            "--seed",
            "4",
            "--shard",
            &format!("{k}/3"),
            "--partial",
            s(&part),
            "-q",
        ]);
    }
    let (merged, merged_csv) = (d("merged.json"), d("merged-csv"));
    ok(&[
        "merge",
        s(&d("p2.lcpart")),
        s(&d("p3.lcpart")),
        s(&d("p1.lcpart")),
        "--json",
        s(&merged),
        "--csv",
        s(&merged_csv),
        "-q",
    ]);
    assert!(
        std::fs::read(&whole).unwrap() == std::fs::read(&merged).unwrap(),
        "JSON differs"
    );
    for file in launchcast_report::CSV_FILES {
        let a = std::fs::read(whole_csv.join(file)).unwrap();
        let b = std::fs::read(merged_csv.join(file)).unwrap();
        assert!(a == b, "{file} differs");
    }
}

#[test]
fn broken_sets_of_parts_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    let part = |k: u32, n: u32, seed: &str, name: &str| {
        ok(&[
            "run",
            "-n",
            "500",
            "--seed",
            seed,
            "--no-drivers",
            "--shard",
            &format!("{k}/{n}"),
            "--partial",
            s(&d(name)),
            "-q",
        ]);
    };
    part(1, 2, "1", "a1");
    part(2, 2, "1", "a2");
    part(2, 2, "9", "b2");
    part(1, 3, "1", "c1");
    bad(&["merge", s(&d("a1"))], &["parts missing: 2 of 2"]);
    bad(
        &["merge", s(&d("a1")), s(&d("a1")), s(&d("a2"))],
        &["a1", "part 1 of 2 is given twice"],
    );
    bad(
        &["merge", s(&d("a1")), s(&d("b2"))],
        &["b2", "another seed"],
    );
    bad(
        &["merge", s(&d("a1")), s(&d("c1"))],
        &["c1", "another number of parts"],
    );
    let bytes = std::fs::read(d("a2")).unwrap();
    std::fs::write(d("cut"), &bytes[..bytes.len() / 2]).unwrap();
    bad(
        &["merge", s(&d("a1")), s(&d("cut"))],
        &["cut", "truncated or corrupted"],
    );
    let mut flipped = bytes.clone();
    flipped[bytes.len() / 3] ^= 0x40;
    std::fs::write(d("flipped"), &flipped).unwrap();
    bad(
        &["merge", s(&d("a1")), s(&d("flipped"))],
        &["flipped", "truncated or corrupted"],
    );
    bad(
        &["merge", s(&d("a1")), "examples/xiaomi-2022.toml"],
        &["xiaomi-2022.toml", "not a launchcast partial result"],
    );
    // A part is not a result: no --json with --shard, and K/N must name a part.
    bad(&["run", "--shard", "1/2"], &["--partial"]);
    bad(
        &["run", "--shard", "3/2", "--partial", s(&d("x"))],
        &["3/2"],
    );
    bad(
        &[
            "run",
            "--shard",
            "1/2",
            "--partial",
            s(&d("x")),
            "--json",
            "-",
        ],
        &["--json"],
    );
}
