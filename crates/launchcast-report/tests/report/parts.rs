//! A run cut into parts and merged is the run: the JSON result of the merged outcomes equals
//! the whole run's byte for byte, whatever the number of parts, their order, and whether the
//! subsample behind the per-task statistics takes every iteration or every k-th lane group.

use launchcast_engine::{Merge, Part, Plan, RunOptions, run, run_part};
use launchcast_model::ValidModel;

fn opts(iterations: u64, seed: u64, threads: usize) -> RunOptions<'static> {
    RunOptions {
        iterations,
        seed,
        threads,
        progress: None,
        statistics: true,
    }
}

fn json(model: &ValidModel, plan: &Plan, outcomes: &launchcast_engine::Outcomes) -> String {
    let summary = launchcast_report::summarize(model, plan.scenarios(), outcomes);
    launchcast_report::to_json(&summary)
}

/// The parts of `count`, simulated in `order`, merged.
fn merged(plan: &Plan, o: &RunOptions, count: u64, order: &[u64]) -> launchcast_engine::Outcomes {
    let mut merge = Merge::new(o.iterations, count);
    for &k in order {
        let part = Part::new(k, count).expect("a part");
        merge
            .add(part, run_part(plan, o, part).expect("runs"))
            .expect("fits");
    }
    merge.finish().expect("complete")
}

#[test]
fn the_example_in_parts_is_the_example() {
    let text = include_str!("../../../../examples/xiaomi-2022.toml");
    let model = ValidModel::parse(text, "examples/xiaomi-2022.toml").expect("example");
    let plan = Plan::compile(&model);
    // Not a multiple of 32: the last part ends inside a lane group.
    let o = opts(5_001, 7, 2);
    let whole = json(&model, &plan, &run(&plan, &o).expect("runs"));
    for (count, order) in [
        (1, vec![0]),
        (2, vec![1, 0]),
        (3, vec![2, 0, 1]),
        (7, vec![3, 6, 0, 5, 1, 4, 2]),
    ] {
        let parts = json(&model, &plan, &merged(&plan, &o, count, &order));
        assert!(parts == whole, "{count} parts differ from the whole run");
    }
}

#[test]
fn a_subsampled_run_in_parts_is_the_run() {
    // 3,000 tasks: the per-task statistics take every 2nd lane group of 20,000 iterations,
    // and rows every few sampled groups.
    let mut text =
        String::from("[program]\nname = \"net\"\nstart = 2024-01-01\nhorizon = 2060-12-31\n");
    for t in 0..3000 {
        text.push_str(&format!(
            "[[task]]\nid = \"t{t}\"\nduration = \"tri(5d, 10d, {}d)\"\n",
            20 + t % 17
        ));
        if t >= 3 {
            text.push_str(&format!(
                "after = [\"t{}\", \"t{}\"]\n",
                t - 1 - t % 3,
                t / 2
            ));
        }
    }
    let model = ValidModel::parse(&text, "net.toml").expect("valid");
    let plan = Plan::compile(&model);
    let o = opts(20_000, 3, 2);
    let whole_outcomes = run(&plan, &o).expect("runs");
    assert!(
        whole_outcomes.scenarios[0].tasks.sampled < 20_000,
        "a subsample"
    );
    let whole = json(&model, &plan, &whole_outcomes);
    let parts = json(&model, &plan, &merged(&plan, &o, 4, &[2, 3, 1, 0]));
    assert!(parts == whole, "4 parts differ from the whole run");
}

#[test]
fn parts_that_do_not_make_a_run_are_named() {
    let text = include_str!("../../../../examples/xiaomi-2022.toml");
    let model = ValidModel::parse(text, "examples/xiaomi-2022.toml").expect("example");
    let plan = Plan::compile(&model);
    let o = opts(1_000, 1, 1);
    let part = |k| Part::new(k, 3).expect("a part");
    let mut merge = Merge::new(1_000, 3);
    merge
        .add(part(0), run_part(&plan, &o, part(0)).unwrap())
        .unwrap();
    let again = merge.add(part(0), run_part(&plan, &o, part(0)).unwrap());
    assert_eq!(again.unwrap_err().to_string(), "part 1 of 3 is given twice");
    // A part of another cut of the run.
    let other = Part::new(1, 4).unwrap();
    let e = merge
        .add(other, run_part(&plan, &o, other).unwrap())
        .unwrap_err();
    assert!(e.to_string().contains("cut into 4 parts"), "{e}");
    let e = merge.finish().unwrap_err();
    assert_eq!(e.to_string(), "parts missing: 2 of 3, 3 of 3");
    assert!(Part::new(3, 3).is_none());
}

#[test]
fn partial_files_carry_a_part_whole_and_refuse_damage() {
    use launchcast_report::{PartialError, PartialHeader, read_partial, write_partial};
    let text = include_str!("../../../../examples/xiaomi-2022.toml");
    let model = ValidModel::parse(text, "examples/xiaomi-2022.toml").expect("example");
    let plan = Plan::compile(&model);
    let o = opts(3_000, 5, 2);
    let whole = json(&model, &plan, &run(&plan, &o).expect("runs"));
    let header = |k: u64| PartialHeader {
        format: launchcast_report::PARTIAL_FORMAT,
        launchcast: "test".into(),
        model_path: "m.toml".into(),
        model_text: text.into(),
        model_hash: format!("{:016x}", launchcast_report::fnv1a(text.as_bytes())),
        seed: 5,
        iterations: 3_000,
        shard: k + 1,
        shards: 3,
        scenarios: vec![],
    };
    let files: Vec<Vec<u8>> = (0..3)
        .map(|k| {
            let part = Part::new(k, 3).unwrap();
            write_partial(&header(k), &run_part(&plan, &o, part).unwrap())
        })
        .collect();
    let mut merge = Merge::new(3_000, 3);
    for bytes in files.iter().rev() {
        let (h, outcomes) = read_partial(bytes).expect("reads back");
        let part = Part::new(h.shard - 1, h.shards).unwrap();
        merge.add(part, outcomes).unwrap();
    }
    assert!(json(&model, &plan, &merge.finish().unwrap()) == whole);
    // Every byte counts; a cut anywhere is seen; other files are named for what they are.
    let mut flipped = files[1].clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 1;
    assert_eq!(read_partial(&flipped).unwrap_err(), PartialError::Corrupted);
    for cut in [9, 100, files[1].len() - 1] {
        assert_eq!(
            read_partial(&files[1][..cut]).unwrap_err(),
            PartialError::Corrupted
        );
    }
    assert_eq!(
        read_partial(b"{\"a\": 1}").unwrap_err(),
        PartialError::NotPartial
    );
}
