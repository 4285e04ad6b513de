//! Format detection, the one-call import, and `inspect`.

use std::path::Path;

use launchcast_model::{LinkKind, Model};

use crate::calendar::CalendarSet;
use crate::errors::{ErrorKind, ImportError, Place};
use crate::schedule::{DateTime, Format, Schedule};
use crate::{mpx, mspdi, pmxml, psplib, xer};

/// Whether `path` is read as a schedule file rather than a model, as every front end
/// decides: not `.toml`, and either a schedule format's extension or content an importer
/// recognises (an unreadable or refused file is left to the model reader, which says why).
pub fn is_schedule(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("toml") => false,
        Some("xer" | "xml" | "mspdi" | "pmxml" | "mpx" | "sm") => true,
        _ => launchcast_model::read_input(path)
            .ok()
            .is_some_and(|b| detect(path, &b).is_some()),
    }
}

/// Chooses a reader from the content, then the extension.
pub fn detect(path: &Path, bytes: &[u8]) -> Option<Format> {
    let head: Vec<u8> = {
        // Skip a BOM and UTF-16 zero bytes for sniffing.
        let b = bytes.get(..4096.min(bytes.len())).unwrap_or(bytes);
        b.iter().copied().filter(|&c| c != 0).collect()
    };
    let head = String::from_utf8_lossy(&head);
    let h = head
        .trim_start_matches('\u{feff}')
        .trim_start_matches("\u{fffd}\u{fffd}");
    if h.starts_with("ERMHDR") {
        return Some(Format::Xer);
    }
    if h.starts_with("MPX,") || h.starts_with("MPX;") {
        return Some(Format::Mpx);
    }
    if h.contains("<APIBusinessObjects") {
        return Some(Format::Pmxml);
    }
    if h.contains("<Project") && h.contains("schemas.microsoft.com/project") {
        return Some(Format::Mspdi);
    }
    if h.contains("PRECEDENCE RELATIONS") || h.contains("jobs (incl. supersource") {
        return Some(Format::Psplib);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xer") => Some(Format::Xer),
        Some("mpx") => Some(Format::Mpx),
        Some("pmxml") => Some(Format::Pmxml),
        Some("sm") => Some(Format::Psplib),
        Some("xml") if h.contains("<Project") => Some(Format::Mspdi),
        _ => None,
    }
}

/// Reads `bytes` with the reader for `format`. Errors do not carry the path yet.
pub fn read_bytes(format: Format, bytes: &[u8]) -> Result<Schedule, ImportError> {
    match format {
        Format::Mspdi => mspdi::read(bytes),
        Format::Xer => xer::read(bytes),
        Format::Pmxml => pmxml::read(bytes),
        Format::Mpx => mpx::read(bytes),
        Format::Psplib => psplib::read(bytes).map(|i| i.schedule),
    }
}

/// Detects the format of `bytes` (named `path` in errors) and reads it.
pub fn import_bytes(path: &Path, bytes: &[u8]) -> Result<(Schedule, Model), ImportError> {
    let format = detect(path, bytes).ok_or_else(|| {
        ImportError::new(
            ErrorKind::UnknownFormat,
            Place::File,
            "not a schedule file this tool reads",
        )
        .in_file(path)
        .hint("launchcast imports MSPDI (.xml), Primavera XER and PMXML, MPX and PSPLIB .sm")
    })?;
    let schedule = read_bytes(format, bytes).map_err(|e| e.in_file(path))?;
    let cals = CalendarSet::schedule(&schedule);
    let model = crate::to_model(&schedule, Some(&cals));
    Ok((schedule, model))
}

/// Reads a schedule file: the format is chosen by content, then by extension.
pub fn import_path(path: &Path) -> Result<(Schedule, Model), ImportError> {
    let bytes = launchcast_model::read_input(path).map_err(|e| {
        ImportError::new(ErrorKind::Io, Place::File, e.message)
            .in_file(path)
            .hint(e.help)
    })?;
    if let Some(kind) = launchcast_model::binary_kind(&bytes) {
        return Err(ImportError::new(
            ErrorKind::UnknownFormat,
            Place::File,
            format!("this is {kind}, not a schedule file"),
        )
        .in_file(path)
        .hint(launchcast_model::binary_help(kind)));
    }
    import_bytes(path, &bytes)
}

/// Links by type.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Relations {
    /// Finish-to-start links.
    #[serde(rename = "FS")]
    pub fs: usize,
    /// Start-to-start links.
    #[serde(rename = "SS")]
    pub ss: usize,
    /// Finish-to-finish links.
    #[serde(rename = "FF")]
    pub ff: usize,
    /// Start-to-finish links.
    #[serde(rename = "SF")]
    pub sf: usize,
}

/// What `launchcast inspect FILE --json` prints for a schedule file.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Inspect {
    /// The format's name (`MSPDI`, `XER`, …).
    pub format: &'static str,
    /// The project's name as the file gives it.
    pub name: String,
    /// Leaf tasks, milestones included.
    pub tasks: usize,
    /// Tasks flagged as milestones (a summary task may carry the flag too).
    pub milestones: usize,
    /// Summary tasks (structure only, not scheduled).
    pub summary_tasks: usize,
    /// Blank rows (MSPDI `IsNull`), which are no tasks.
    pub blank_rows: usize,
    /// Links by type.
    pub relations: Relations,
    /// Working-time calendars.
    pub calendars: usize,
    /// Project start as the file gives it (else the earliest task start).
    pub start: Option<String>,
    /// Deterministic finish computed here in working time.
    pub finish: Option<String>,
    /// Calendar days from `start` to `finish`.
    pub finish_days: Option<f64>,
    /// Project finish as the file gives it.
    pub file_finish: Option<String>,
    /// Status date as the file gives it, for a schedule in progress.
    pub status_date: Option<String>,
    /// Whether any task carries an actual start or finish.
    pub has_progress: bool,
    /// Things worth knowing about the file (what was read approximately, left out or repaired).
    pub notes: Vec<String>,
}

/// Counts and deterministic dates of a schedule.
pub fn inspect(schedule: &Schedule) -> Inspect {
    let cals = CalendarSet::schedule(schedule);
    let mut relations = Relations::default();
    for r in &schedule.relations {
        match r.kind {
            LinkKind::FinishToStart => relations.fs += 1,
            LinkKind::StartToStart => relations.ss += 1,
            LinkKind::FinishToFinish => relations.ff += 1,
            LinkKind::StartToFinish => relations.sf += 1,
        }
    }
    let start: Option<DateTime> = schedule.start.or_else(|| {
        schedule
            .tasks
            .iter()
            .filter(|t| !t.summary)
            .filter_map(|t| t.start.or(t.actual_start))
            .min()
    });
    // A schedule with nothing to schedule finishes where it starts.
    let finish = cals.finish.or(start);
    let mut notes = schedule.notes.clone();
    notes.extend(cals.notes.iter().cloned());
    Inspect {
        format: schedule.format.name(),
        name: schedule.name.clone(),
        tasks: schedule.leaf_tasks().count(),
        milestones: schedule.tasks.iter().filter(|t| t.milestone).count(),
        summary_tasks: schedule.tasks.iter().filter(|t| t.summary).count(),
        blank_rows: schedule.blank_rows,
        relations,
        calendars: schedule.calendars.len(),
        start: start.map(|d| d.to_string()),
        finish: finish.map(|d| d.to_string()),
        finish_days: match (start, finish) {
            (Some(s), Some(f)) => Some(f.days_since(s)),
            _ => None,
        },
        file_finish: schedule.finish.map(|d| d.to_string()),
        status_date: schedule.status_date.map(|d| d.to_string()),
        has_progress: schedule
            .tasks
            .iter()
            .any(|t| t.actual_start.is_some() || t.actual_finish.is_some()),
        notes,
    }
}
