//! Integration tests of the importers, one module per subject. Tests that read the shared
//! data (`../shared/data` beside the workspace) are ignored without it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use launchcast_import::{Format, inspect, read_bytes, read_psplib, to_model};

mod bad_input;
mod calendars;
mod cpm;
mod fuzz;
// Shared with the command line's tests, which include it by path.
#[path = "../support/generate.rs"]
#[allow(unreachable_pub)]
mod generate;
mod german_mpx;
mod includes;
mod ms_project;
mod psplib_instances;
mod reference;
mod reproduce;
mod rules;
mod stored_dates;
mod two_formats;

use reference::csv_fields;
use reproduce::{engine_dates, engine_finish};

/// The shared test data beside the workspace (tests that read it are ignored without it).
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// Where a generated report goes: the build's target directory (`CARGO_TARGET_DIR` when
/// set, else the workspace's `target/`).
fn report_path(name: &str) -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
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
