//! Imported models reproduce the schedule: working-time finishes, the same project as XER
//! and PMXML, a truncated XER.

use super::*;

/// The engine's deterministic finish of a model, days from its start.
pub(crate) fn engine_finish(model: &launchcast_model::Model) -> f64 {
    engine_dates(model)
        .iter()
        .flatten()
        .map(|d| d.finish)
        .fold(0.0, f64::max)
}

/// The engine's deterministic start and finish of every model task, days from its start.
pub(crate) fn engine_dates(
    model: &launchcast_model::Model,
) -> Vec<Option<launchcast_engine::TaskDates>> {
    let model = launchcast_model::ValidModel::new(model.clone()).expect("imported models validate");
    let plan = launchcast_engine::Plan::compile(&model);
    plan.deterministic(0).expect("schedule")
}

#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
#[test]
fn imported_models_reproduce_working_time_finishes() {
    let data = data_dir();
    // Files without progress: the model's deterministic finish (tasks in working time on
    // their calendars, lags in calendar days) equals the working-time finish, in days from
    // the start; f32 days in the engine, so to a few seconds.
    for file in [
        "mpxj-junit/generated/task-links/task-links-project2003-mspdi.xml",
        "mpxj-junit/legacy/sample.xml",
        "aspose-tasks-net/MultiprojectWithExternal.xer",
        "mpxj-junit/mspdirelations.xml",
        "mpxj-junit/legacy/sample1.xml",
        "mpxj-junit/generated/assignment-flags/assignment-flags-project2003-mspdi.xml",
    ] {
        let path = data.join(file);
        if !path.is_file() {
            println!("absent: {file}");
            continue;
        }
        let (schedule, model) = launchcast_import::import_path(&path).expect(file);
        let i = inspect(&schedule);
        assert!(!i.has_progress, "{file}");
        let on_calendar = model.tasks.iter().filter(|t| t.calendar.is_some()).count();
        assert!(
            !model.calendars.is_empty() && on_calendar > 0,
            "{file}: no task in working time"
        );
        let finish = engine_finish(&model);
        // The model counts from 00:00 of its start date, the as-of date.
        let cals = launchcast_import::CalendarSet::schedule(&schedule);
        let day0 = launchcast_import::as_of(&schedule, Some(&cals)).expect("as-of date");
        assert_eq!(day0.date(), model.program.start, "{file}");
        let want =
            cals.finish.expect("finish").days_since(day0) + day0.minute_of_day() as f64 / 1440.0;
        assert!(
            (finish - want).abs() < 1e-4,
            "{file}: model {finish} vs schedule {want}"
        );
        // The model file reads back to the same model.
        let text = launchcast_model::to_toml(&model);
        let back = launchcast_model::parse(&text, "m.toml").expect("re-parses");
        assert_eq!(back, model, "{file}");
    }
}

#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
#[test]
fn same_project_as_xer_and_pmxml() {
    let data = data_dir();
    // Exported from the same P6 project: same leaf tasks, links, calendars and dates. XER
    // carries the project's WBS root node as a summary task, these PMXML exports do not.
    for (xer, xml) in [
        (
            "mpxj-junit/assignment/resource-rates-test.xer",
            "mpxj-junit/assignment/resource-rates-test.xml",
        ),
        (
            "mpxj-junit/generated/task-percentcomplete/percent-complete-8.4.xer",
            "mpxj-junit/generated/task-percentcomplete/percent-complete-8.4.pmxml",
        ),
    ] {
        let (a, _) = launchcast_import::import_path(&data.join(xer)).expect(xer);
        let (b, _) = launchcast_import::import_path(&data.join(xml)).expect(xml);
        let (a, b) = (inspect(&a), inspect(&b));
        assert_eq!(
            (a.tasks, a.milestones, &a.relations, a.calendars),
            (b.tasks, b.milestones, &b.relations, b.calendars),
            "{xer}"
        );
        assert_eq!(
            (&a.start, &a.finish, a.finish_days),
            (&b.start, &b.finish, b.finish_days),
            "{xer}"
        );
        assert_eq!((a.summary_tasks, b.summary_tasks), (1, 0), "{xer}");
    }
    // `PredecessorCalendar.xer` and `.xml` share a name but not a project: the XER is a
    // 2019 export (TEST PROJECT, 2019-06-10 to 2019-06-12), the PMXML a 2020 one (Test
    // Project, 2020-07-01 to 2021-04-19); MPXJ's reference rows differ the same way.
    let (a, _) = launchcast_import::import_path(&data.join("mpxj-junit/PredecessorCalendar.xer"))
        .expect("xer");
    let (b, _) = launchcast_import::import_path(&data.join("mpxj-junit/PredecessorCalendar.xml"))
        .expect("xml");
    let (a, b) = (inspect(&a), inspect(&b));
    assert_eq!(
        (a.tasks, a.summary_tasks, &a.relations),
        (b.tasks, b.summary_tasks, &b.relations)
    );
    assert_eq!(a.start.as_deref(), Some("2019-06-10T08:00"));
    assert_eq!(b.start.as_deref(), Some("2020-07-01T00:00"));
}

#[test]
fn truncated_xer_is_an_error_at_its_last_line() {
    let text = "ERMHDR\t8.0\n%T\tPROJECT\n%F\tproj_id\tproj_short_name\n%R\t1\tP";
    let e = launchcast_import::import_bytes(Path::new("cut.xer"), text.as_bytes())
        .expect_err("truncated");
    let msg = e.to_string();
    assert!(
        msg.starts_with("cut.xer: line 4, column 1: truncated"),
        "{msg}"
    );
}
