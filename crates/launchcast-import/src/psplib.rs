//! PSPLIB single-mode instances (`.sm`, Kolisch & Sprecher 1996): jobs, successors and
//! durations in periods (read as days). Resources are ignored for now.

use launchcast_model::LinkKind;

use crate::errors::{ImportError, Place};
use crate::schedule::{Duration, Format, Relation, Schedule, Task};

/// A PSPLIB instance: the schedule and the header values the file carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// The instance as a schedule of jobs and precedence links.
    pub schedule: Schedule,
    /// Periods; `horizon` in the header.
    pub horizon: Option<u32>,
    /// Critical-path length without resources (`MPM-Time` in the header).
    pub mpm_time: Option<u32>,
    /// Due date in periods, if the header gives one.
    pub due_date: Option<u32>,
}

/// Minutes in one PSPLIB period (read as a day of elapsed time).
const PERIOD: f64 = 1440.0;

fn place(line: usize, field: &str) -> Place {
    Place::Record {
        line,
        record: String::new(),
        field: field.into(),
    }
}

fn num(line: usize, field: &str, s: &str) -> Result<u32, ImportError> {
    s.parse().map_err(|_| {
        ImportError::syntax(
            place(line, field),
            format!("expected a whole number for {field}"),
        )
        .value(s)
        .hint("PSPLIB values are whole numbers of periods, jobs or units")
    })
}

#[derive(PartialEq)]
enum Section {
    Header,
    ProjectInfo,
    Precedence,
    Durations,
    Other,
}

/// Reads a PSPLIB `.sm` file.
pub fn read(bytes: &[u8]) -> Result<Instance, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ImportError::syntax(
            Place::File,
            format!(
                "not a PSPLIB file: invalid text at byte {}",
                e.valid_up_to()
            ),
        )
        .hint("PSPLIB .sm files are plain ASCII")
    })?;
    let mut section = Section::Header;
    let mut horizon = None;
    let mut mpm_time = None;
    let mut due_date = None;
    let mut jobs: Option<usize> = None;
    // (job, successors, line)
    let mut succ: Vec<(u32, Vec<u32>, usize)> = Vec::new();
    let mut dur: Vec<(u32, u32, usize)> = Vec::new();
    let mut saw_precedence = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.starts_with("****") || l.is_empty() || l.starts_with("----") {
            continue;
        }
        if l.starts_with("PROJECT INFORMATION") {
            section = Section::ProjectInfo;
            continue;
        }
        if l.starts_with("PRECEDENCE RELATIONS") {
            section = Section::Precedence;
            saw_precedence = true;
            continue;
        }
        if l.starts_with("REQUESTS/DURATIONS") {
            section = Section::Durations;
            continue;
        }
        if l.starts_with("RESOURCEAVAILABILITIES")
            || l.ends_with(':')
                && l.chars()
                    .all(|c| c.is_ascii_uppercase() || c == ' ' || c == ':' || c == '/')
        {
            section = Section::Other;
            continue;
        }
        let toks: Vec<&str> = l.split_whitespace().collect();
        match section {
            Section::Header => {
                if let Some((key, value)) = l.split_once(':') {
                    let key = key.trim();
                    let value = value.trim();
                    if key.starts_with("jobs") {
                        jobs = Some(num(line, "jobs", value)? as usize);
                    } else if key == "horizon" {
                        horizon = Some(num(line, "horizon", value)?);
                    }
                }
            }
            Section::ProjectInfo => {
                if toks.first().is_some_and(|t| t.starts_with("pronr")) {
                    continue;
                }
                if toks.len() >= 6 {
                    due_date = Some(num(line, "duedate", toks[3])?);
                    mpm_time = Some(num(line, "MPM-Time", toks[5])?);
                }
            }
            Section::Precedence => {
                if toks.first().is_some_and(|t| t.starts_with("jobnr")) {
                    continue;
                }
                let [job, _modes, n, rest @ ..] = toks.as_slice() else {
                    return Err(ImportError::syntax(
                        place(line, "successors"),
                        "expected `jobnr #modes #successors successors...`",
                    )
                    .value(l)
                    .hint("each line lists a job, its modes, its number of successors and them"));
                };
                let job = num(line, "jobnr", job)?;
                let n = num(line, "#successors", n)? as usize;
                if rest.len() != n {
                    return Err(ImportError::syntax(
                        place(line, "successors"),
                        format!(
                            "job {job} announces {n} successors but lists {}",
                            rest.len()
                        ),
                    )
                    .value(l)
                    .hint("list as many successors as the line announces"));
                }
                let s = rest
                    .iter()
                    .map(|t| num(line, "successors", t))
                    .collect::<Result<Vec<_>, _>>()?;
                succ.push((job, s, line));
            }
            Section::Durations => {
                if toks.first().is_some_and(|t| t.starts_with("jobnr")) {
                    continue;
                }
                // Lines of further modes of a multi-mode job start with the mode number;
                // single-mode files have `job mode duration r...`.
                let [job, _mode, d, ..] = toks.as_slice() else {
                    return Err(ImportError::syntax(
                        place(line, "duration"),
                        "expected `jobnr mode duration requests...`",
                    )
                    .value(l)
                    .hint("each line gives a job, its mode, its duration and its requests (the file may be cut short)"));
                };
                dur.push((num(line, "jobnr", job)?, num(line, "duration", d)?, line));
            }
            Section::Other => {}
        }
    }
    if !saw_precedence {
        return Err(ImportError::syntax(
            Place::File,
            "not a PSPLIB .sm file: no `PRECEDENCE RELATIONS:` section",
        )
        .hint("a single-mode PSPLIB instance lists its jobs under `PRECEDENCE RELATIONS:`"));
    }
    let n = jobs.unwrap_or(succ.len());
    if succ.len() != n || dur.len() != n {
        let last = text.lines().count().max(1);
        return Err(ImportError::syntax(
            Place::Record {
                line: last,
                record: String::new(),
                field: String::new(),
            },
            format!(
                "the header announces {n} jobs, but {} have successors and {} have durations (truncated file?)",
                succ.len(),
                dur.len()
            ),
        )
        .value(text.lines().last().unwrap_or("").trim())
        .hint("give every job a line of successors and a line of duration; the file may be cut short"));
    }
    let mut schedule = Schedule::new(Format::Psplib);
    schedule.minutes_per_day = PERIOD;
    schedule.start = Some(crate::schedule::DateTime::new(
        crate::schedule::default_start(),
        0,
    ));
    schedule.name = "PSPLIB instance".into();
    // Each job once in each section; its precedence line is where it is named.
    let mut succ_line = vec![0usize; n + 1];
    for (job, _, line) in &succ {
        once(
            *job,
            *line,
            n,
            &mut succ_line,
            "PRECEDENCE RELATIONS",
            "each job has one line of successors; number the jobs 1 to the `jobs` count",
        )?;
    }
    let mut known = vec![0usize; n + 1];
    for (job, d, line) in &dur {
        let j = once(
            *job,
            *line,
            n,
            &mut known,
            "REQUESTS/DURATIONS",
            "each job has one line of duration and requests in a single-mode file",
        )?;
        let mut t = Task::new(job.to_string());
        t.place = place(succ_line[j], "jobnr");
        t.name = format!("Job {job}");
        t.duration = Duration::elapsed(f64::from(*d) * PERIOD);
        t.milestone = *d == 0;
        schedule.tasks.push(t);
    }
    for (job, ss, line) in succ {
        for s in ss {
            if s == 0 || s as usize > n || known.get(s as usize).copied().unwrap_or(0) == 0 {
                return Err(ImportError::invalid(
                    place(line, "successors"),
                    format!("job {job} names successor {s}, which does not exist"),
                )
                .value(s.to_string()));
            }
            schedule.relations.push(Relation {
                pred: job.to_string(),
                succ: s.to_string(),
                kind: LinkKind::FinishToStart,
                lag: Duration::elapsed(0.0),
                place: place(line, "successors"),
            });
        }
    }
    crate::check::check(&schedule)?;
    Ok(Instance {
        schedule,
        horizon,
        mpm_time,
        due_date,
    })
}

/// Job `job` of line `line`, numbered 1..=`n`, seen for the first time in `section` (`seen`
/// holds the line of each job met so far): its index, or an error naming both lines.
fn once(
    job: u32,
    line: usize,
    n: usize,
    seen: &mut [usize],
    section: &str,
    hint: &str,
) -> Result<usize, ImportError> {
    let j = job as usize;
    if j == 0 || j > n {
        return Err(ImportError::invalid(
            place(line, "jobnr"),
            format!("job number out of range 1..={n}"),
        )
        .value(job.to_string())
        .hint("jobs are numbered 1 to the `jobs` count of the header"));
    }
    if seen[j] != 0 {
        return Err(ImportError::invalid(
            place(line, "jobnr"),
            format!(
                "job {job} is listed twice under {section}: at lines {} and {line}",
                seen[j]
            ),
        )
        .value(job.to_string())
        .hint(hint));
    }
    seen[j] = line;
    Ok(j)
}
