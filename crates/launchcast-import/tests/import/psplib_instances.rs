//! PSPLIB instances: the finish equals their `MPM-Time`; a known instance read.

use super::*;

#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
#[test]
fn psplib_finish_equals_mpm_time() {
    let data = data_dir();
    let t0 = Instant::now();
    let mut total = 0;
    let mut failures = Vec::new();
    for set in ["j30", "j60", "j90", "j120"] {
        let zip = std::fs::read(data.join(format!("psplib/{set}.sm.zip"))).expect("zip");
        for (name, bytes) in unzip(&zip) {
            if !name.ends_with(".sm") {
                continue;
            }
            total += 1;
            let inst = match read_psplib(&bytes) {
                Ok(i) => i,
                Err(e) => {
                    failures.push(format!("{name}: {e}"));
                    continue;
                }
            };
            let model = to_model(&inst.schedule, None);
            let finish = cpm::finish_days(&model).expect("acyclic");
            let summary = inspect(&inst.schedule);
            let expected = inst.mpm_time.map(f64::from);
            if Some(finish) != expected || summary.finish_days != expected {
                failures.push(format!(
                    "{name}: model finish {finish}, inspect {:?}, MPM-Time {expected:?}",
                    summary.finish_days
                ));
            }
        }
    }
    println!(
        "PSPLIB: {} of {total} instances match MPM-Time ({:?})",
        total - failures.len(),
        t0.elapsed()
    );
    assert_eq!(total, 2040, "expected 2,040 instances");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn psplib_reads_known_instance() {
    let text = "jobs (incl. supersource/sink ):  3\nhorizon : 10\n\
        PROJECT INFORMATION:\npronr.  #jobs rel.date duedate tardcost  MPM-Time\n 1 1 0 5 1 4\n\
        PRECEDENCE RELATIONS:\njobnr. #modes #successors successors\n 1 1 1 2\n 2 1 1 3\n 3 1 0\n\
        REQUESTS/DURATIONS:\njobnr. mode duration R 1\n----\n 1 1 0 0\n 2 1 4 1\n 3 1 0 0\n";
    let inst = read_psplib(text.as_bytes()).expect("reads");
    assert_eq!(inst.mpm_time, Some(4));
    let model = to_model(&inst.schedule, None);
    assert_eq!(model.tasks.len(), 3);
    assert_eq!(model.tasks[1].id, "j2");
    assert_eq!(cpm::finish_days(&model), Ok(4.0));
    let truncated = &text.as_bytes()[..text.len() - 20];
    let e = read_psplib(truncated).expect_err("truncated");
    assert!(e.to_string().contains("jobs"), "{e}");
}
