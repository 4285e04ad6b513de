//! Any bytes into the Xer reader: an error or a schedule, never a panic; a schedule read
//! is then inspected and turned into a model.
#![no_main]

use launchcast_import::{CalendarSet, Format, inspect, read_bytes, to_model};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(schedule) = read_bytes(Format::Xer, data) {
        let _ = inspect(&schedule);
        let calendars = CalendarSet::schedule(&schedule);
        let _ = to_model(&schedule, Some(&calendars));
    }
});
