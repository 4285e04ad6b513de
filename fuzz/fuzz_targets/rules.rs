//! Any text as an uncertainty rules file: an error with a place, or rules that apply.
#![no_main]

use launchcast_import::{Format, Rules, Schedule, Task, apply_rules, to_model};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = Rules::parse(text, "fuzz.toml") {
        let mut s = Schedule::new(Format::Mspdi);
        s.tasks.push(Task::new("1"));
        let mut m = to_model(&s, None);
        let _ = apply_rules(&r, Some(&s), &mut m);
    }
});
