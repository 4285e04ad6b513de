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
        &["3/2 is not a part of a run"],
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

/// A model that merges a contractor's schedule: its parts carry the model as read, with the
/// `[[include]]` as a table, and the merge reads the schedule again beside the model's path.
#[test]
fn parts_of_a_model_with_an_include_merge_into_its_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/plant.mpx"),
        "MPX,Microsoft Project,4.0\n30,Plant build,,,,01/02/2023 08:00,\n\
         61,1,2,3,40,50,70,81,90,98\n70,Site works,1,1,10d,01/02/2023 08:00,,No,1,1\n\
         70,Building,2,1,20d,,1,No,2,2\n70,Commissioning,3,1,0d,,2,Yes,3,3\n",
    )
    .unwrap();
    let model = write_model(
        dir.path(),
        "model.toml",
        "[program]\nname = \"With a contractor\"\nstart = 2022-11-01\nhorizon = 2026-12-31\n\n\
         [[include]]\nfile = \"sub/plant.mpx\"\nprefix = \"plant\"\n\n\
         [[task]]\nid = \"tooling\"\nduration = \"tri(20d, 30d, 60d)\"\nafter = [\"plant/t3\"]\n\n\
         [[risk]]\nid = \"permit\"\nchance = 0.4\ntasks = [\"plant/t2\"]\ndelay = \"tri(5d, 20d, 40d)\"\n\n\
         [[promise]]\nid = \"tooled_by_march\"\nfirst_delivery_by = 2023-03-20\n",
    );
    let d = |name: &str| dir.path().join(name);
    let run = ["run", s(&model), "-n", "2000", "--seed", "3"];
    let whole = ok(&[&run[..], &["--json", "-", "-q"]].concat()).stdout;
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let part = d(&format!("p{k}"));
        ok(&[&run[..], &["--shard", &shard, "--partial", s(&part), "-q"]].concat());
    }
    let merged = ok(&["merge", s(&d("p2")), s(&d("p1")), "--json", "-", "-q"]).stdout;
    assert!(whole == merged, "JSON differs:\n{whole}\n{merged}");
    assert!(whole.contains(r#""id": "tooled_by_march""#), "{whole}");
}
