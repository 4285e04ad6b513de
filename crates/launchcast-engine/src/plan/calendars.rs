//! The working-time tables of a plan.

use launchcast_model::Model;

use crate::calendar::{CalendarTable, MARGIN_DAYS};
use crate::index::{CalendarId, Id, IdVec, Pos, TaskId};

/// Tables for the calendars tasks use (only those: each costs about 0.5 KB a day, 2 MB over a
/// decade), over the horizon plus a margin, and each position's table. Calendars with the
/// same week and exceptions (an imported schedule's copies of one calendar) share one table.
#[allow(clippy::type_complexity)]
pub(super) fn calendars(
    model: &Model,
    order: &IdVec<Pos, TaskId>,
    horizon: f64,
) -> (
    IdVec<CalendarId, CalendarTable>,
    IdVec<Pos, Option<CalendarId>>,
) {
    let days = horizon.max(0.0).ceil() as usize + 1 + MARGIN_DAYS;
    let mut table_of: Vec<Option<CalendarId>> = vec![None; model.calendars.len()];
    let mut tables: IdVec<CalendarId, CalendarTable> = IdVec::default();
    // The model calendar each table was made from.
    let mut made_from: Vec<usize> = Vec::new();
    let task_calendar = order
        .iter()
        .map(|&i| {
            let c = model.task_calendar(&model.tasks[i.index()])?;
            if table_of[c].is_none() {
                let cal = &model.calendars[c];
                let same = made_from.iter().position(|&o| {
                    let other = &model.calendars[o];
                    other.week == cal.week && other.exceptions == cal.exceptions
                });
                let table = match same {
                    Some(t) => tables[CalendarId::from_index(t)].sharing(cal),
                    None => CalendarTable::new(cal, model.program.start, days),
                };
                table_of[c] = Some(tables.push(table));
                made_from.push(c);
            }
            table_of[c]
        })
        .collect();
    (tables, task_calendar)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calendars with the same working time share one table (an imported schedule often holds
    /// copies of one calendar); each keeps its own hours per day, and a calendar with other
    /// hours gets its own table.
    #[test]
    fn calendars_with_the_same_working_time_share_a_table() {
        let mut m = crate::synthetic::network(6, false, 1);
        let site = launchcast_model::Calendar::standard("site");
        let mut copy = launchcast_model::Calendar::standard("copy");
        copy.hours_per_day = 7.5;
        let mut other = launchcast_model::Calendar::standard("other");
        other.week[5] = vec![(480, 720)];
        m.calendars = vec![site, copy, other];
        for (i, t) in m.tasks.iter_mut().enumerate() {
            t.calendar = Some(["site", "copy", "other"][i % 3].into());
        }
        let order: IdVec<Pos, TaskId> = (0..m.tasks.len()).map(TaskId::from_index).collect();
        let (tables, of) = calendars(&m, &order, 400.0);
        assert_eq!(tables.len(), 3);
        let table = CalendarId::from_index;
        assert_eq!(
            &of.as_slice()[..3],
            &[Some(table(0)), Some(table(1)), Some(table(2))]
        );
        assert!(tables[table(0)].shares_tables_with(&tables[table(1)]));
        assert!(!tables[table(0)].shares_tables_with(&tables[table(2)]));
        // The same work in other hours per day: 8 h of a 7.5-hour day end later.
        let (mut s0, mut s1) = ([0f32; crate::simd::LANES], [0f32; crate::simd::LANES]);
        let (mut f0, mut f1) = ([0f32; crate::simd::LANES], [0f32; crate::simd::LANES]);
        let dur = [3.0f32; crate::simd::LANES];
        tables[table(0)].schedule(&mut s0, &dur, &mut f0);
        tables[table(1)].schedule(&mut s1, &dur, &mut f1);
        assert!(f1[0] < f0[0], "{} {}", f0[0], f1[0]);
    }
}
