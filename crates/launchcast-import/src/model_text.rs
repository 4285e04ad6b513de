//! The text of an imported model: what `launchcast import` writes and the Python package's
//! `import_schedule` returns, one function so that both give the same bytes.

use std::path::Path;

use launchcast_model::Model;

use crate::{Applied, Format, Schedule};

/// The model file for `model`, imported from `input` (read as `schedule`) with the
/// uncertainty rules `uncertainty` (if any) as `applied` says: a header saying where it came
/// from and how time is kept, then the model, then its correlation groups.
pub fn imported_model_text(
    input: &Path,
    schedule: &Schedule,
    model: &Model,
    applied: &Applied,
    uncertainty: Option<&Path>,
) -> String {
    let working = model.tasks.iter().filter(|t| t.calendar.is_some()).count();
    let time = if working == 0 {
        "durations and lags in calendar days, so that the planned\n\
         # durations reproduce the file's working-time dates"
            .to_string()
    } else {
        format!(
            "{working} of {} tasks run in working time on the file's\n\
             # calendars (durations in working days), the others keep their calendar-day span\n\
             # (elapsed durations, calendars with hours off the 15-minute grid); lags in\n\
             # calendar days; so the planned durations reproduce the file's working-time dates",
            model.tasks.len()
        )
    };
    let mut text = format!(
        "# Imported by `launchcast import` from {} ({}).\n\
         # Leaf tasks only (summary tasks lend their links to the tasks under them); ids are\n\
         # `{}` + the file's task id; {time}.\n\
         # {applied}{}.\n\n",
        input.display(),
        schedule.format.name(),
        if schedule.format == Format::Psplib {
            "j"
        } else {
            "t"
        },
        uncertainty.map_or_else(String::new, |r| format!(" by {}", r.display())),
    );
    text.push_str(&launchcast_model::to_toml(model));
    if !model.correlations.is_empty() && !text.contains("[[correlate]]") {
        text.push_str(&crate::correlations_toml(model));
    }
    text
}
