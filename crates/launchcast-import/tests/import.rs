//! Integration tests: PSPLIB instances against their `MPM-Time`, every schedule file of
//! `shared/data` against MPXJ's reference summary, and random bytes into every reader.

use std::path::{Path, PathBuf};
use std::time::Instant;

use launchcast_import::{Format, cpm, inspect, psplib, read_bytes, to_model};

fn data_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if d.is_dir() {
        Some(d)
    } else {
        println!("skipped: {} is absent", d.display());
        None
    }
}

/// The entries of a zip archive (stored or deflated), from its central directory.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]) as usize;
    let u32_at = |o: usize| {
        u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]) as usize
    };
    let eocd = (0..bytes.len() - 21)
        .rev()
        .find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .expect("zip end record");
    let count = u16_at(eocd + 10);
    let mut at = u32_at(eocd + 16);
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(bytes[at..at + 4], [0x50, 0x4b, 0x01, 0x02]);
        let method = u16_at(at + 10);
        let csize = u32_at(at + 20);
        let (nlen, xlen, clen) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let local = u32_at(at + 42);
        let name = String::from_utf8_lossy(&bytes[at + 46..at + 46 + nlen]).into_owned();
        at += 46 + nlen + xlen + clen;
        let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let raw = &bytes[data_at..data_at + csize];
        let data = match method {
            0 => raw.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec(raw).expect("inflate"),
            m => panic!("zip method {m}"),
        };
        out.push((name, data));
    }
    out
}

#[test]
fn psplib_finish_equals_mpm_time() {
    let Some(data) = data_dir() else { return };
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
            let inst = match psplib::read(&bytes) {
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
    let inst = psplib::read(text.as_bytes()).expect("reads");
    assert_eq!(inst.mpm_time, Some(4));
    let model = to_model(&inst.schedule, None);
    assert_eq!(model.tasks.len(), 3);
    assert_eq!(model.tasks[1].id, "j2");
    assert_eq!(cpm::finish_days(&model), Ok(4.0));
    let truncated = &text.as_bytes()[..text.len() - 20];
    let e = psplib::read(truncated).expect_err("truncated");
    assert!(e.to_string().contains("jobs"), "{e}");
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn all(bytes: &[u8]) {
        for f in [
            Format::Mspdi,
            Format::Xer,
            Format::Pmxml,
            Format::Mpx,
            Format::Psplib,
        ] {
            if let Ok(s) = read_bytes(f, bytes) {
                let _ = inspect(&s);
                let _ = to_model(&s, None);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            all(&bytes);
        }
    }
}
