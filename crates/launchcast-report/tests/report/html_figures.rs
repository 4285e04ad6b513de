//! What the HTML report says: one basis per figure (its cards show the tables' figures),
//! and only what applies to the model.

use launchcast_model::Dist;
use launchcast_report::{Summary, render_terminal};

use crate::fixtures::*;
use crate::html_markup::well_formed;

/// A launch whose licence may fail (chance 0.6): in `base` about 4 futures in 10 never
/// deliver; `sure` makes the licence certain.
pub(crate) const PART_DELIVERS: &str = r#"
[program]
name = "A launch that may never deliver"
start = 2024-01-01
horizon = 2027-12-31

[[task]]
id = "licence"
name = "Obtain the licence"
duration = "tri(2mo, 4mo, 9mo)"
chance = 0.6

[[task]]
id = "build"
name = "Build the plant"
duration = "tri(6mo, 9mo, 14mo)"

[[task]]
id = "sop"
name = "Start of production"
duration = "1mo"
after = ["licence", "build"]

[[plant]]
id = "p"
capacity = 10000
starts = "sop"
ramp = "6mo"

[[promise]]
id = "first"
name = "First car by mid-2025"
first_delivery_by = 2025-06-30

[[scenario]]
id = "sure"
name = "Licence certain"
set = { "licence.chance" = 1.0 }
"#;

/// A six-week project: no plants, no promises, no costs, a two-year horizon.
pub(crate) const SIX_WEEKS: &str = r#"
[program]
name = "Office move"
start = 2024-03-04
horizon = 2026-03-04

[[task]]
id = "plan"
name = "Plan the move"
duration = "tri(5d, 8d, 15d)"

[[task]]
id = "pack"
name = "Pack"
duration = "tri(10d, 14d, 25d)"
after = ["plan"]

[[task]]
id = "move"
name = "Move"
duration = "tri(3d, 5d, 10d)"
after = ["pack"]
"#;

/// `&gt;` and friends back to text.
pub(crate) fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every text between `open` and the next `close` in `s`, in order.
pub(crate) fn between(s: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        let Some(j) = rest.find(close) else { break };
        out.push(unescape(&rest[..j]));
        rest = &rest[j..];
    }
    out
}

/// The scenario cards of a report: `(scenario id, markup of the card)`.
pub(crate) fn cards(html: &str) -> Vec<(String, String)> {
    html.split(r#"<div class="card" data-scenario=""#)
        .skip(1)
        .map(|c| {
            let id = c[..c.find('"').expect("id end")].to_string();
            let body = c[..c.find("</p></div>").expect("card end")].to_string();
            (id, body)
        })
        .collect()
}

/// The figure of class `class` on a card (`<b class=..>` or `<span class=..>`), if any.
pub(crate) fn card_value(card: &str, class: &str) -> Option<String> {
    between(card, &format!(r#"<b class="{class}">"#), "</b>")
        .into_iter()
        .chain(between(
            card,
            &format!(r#"<span class="{class}">"#),
            "</span>",
        ))
        .next()
}

/// The cells of class `class` in the table of dates, one per scenario.
pub(crate) fn date_cells(html: &str, class: &str) -> Vec<String> {
    let table = &between(html, r#"<table class="dates">"#, "</table>")[0];
    between(table, &format!(r#"<td class="num {class}">"#), "</td>")
}

/// A percentage as the report prints it, checked against the share it stands for: within
/// rounding, and `0.0%` / `100.0%` only for exactly 0 and 1.
pub(crate) fn assert_percent_of(text: &str, p: f64) {
    match text {
        "<0.1%" => assert!(p > 0.0 && p < 0.0005, "{text} for {p}"),
        ">99.9%" => assert!((0.9995..1.0).contains(&p), "{text} for {p}"),
        _ => {
            let v: f64 = text.trim_end_matches('%').parse().expect(text);
            assert!((v - p * 100.0).abs() <= 0.05 + 1e-9, "{text} for {p}");
            assert_eq!(v == 0.0, p == 0.0, "{text} for {p}");
            assert_eq!(v == 100.0, p == 1.0, "{text} for {p}");
        }
    }
}

/// The cards show exactly the table's figures, each with its basis: the chance over all
/// futures, the dates over the futures in which the event happens.
pub(crate) fn assert_cards_agree_with_tables(html: &str, summary: &Summary) {
    let cards = cards(html);
    let ids: Vec<&str> = cards.iter().map(|(id, _)| id.as_str()).collect();
    let want: Vec<&str> = summary.scenarios.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, want);
    let probs = date_cells(html, "prob");
    for (k, ((_, card), s)) in cards.iter().zip(&summary.scenarios).enumerate() {
        let fd = &s.first_delivery;
        let p = fd.probability;
        let prob = card_value(card, "prob").expect("chance on the card");
        assert_eq!(prob, probs[k], "{}: card and table chance", s.id);
        assert_percent_of(&prob, p);
        let dates = [
            ("p10", &fd.p10),
            ("p50", &fd.p50),
            ("p80", &fd.p80),
            ("p90", &fd.p90),
        ];
        let mut shown = 0;
        for (class, date) in dates {
            let cell = &date_cells(html, class)[k];
            assert_eq!(
                cell,
                date.as_deref().unwrap_or("-"),
                "{}: table {class}",
                s.id
            );
            if let Some(v) = card_value(card, class) {
                assert_eq!(&v, cell, "{}: card and table {class}", s.id);
                shown += 1;
            }
        }
        if p > 0.0 {
            assert!(
                card_value(card, "p80").is_some(),
                "{}: P80 on the card",
                s.id
            );
            assert!(shown >= 2, "{}: two dates on the card", s.id);
            let basis = if p < 1.0 {
                "Over those futures only"
            } else {
                "Over all of them"
            };
            assert!(card.contains(basis), "{}: basis of the dates: {card}", s.id);
        } else {
            assert_eq!(shown, 0, "{}: no date when it never happens", s.id);
        }
        if let Some(v) = card_value(card, "promise") {
            assert!(card.contains("over all simulated futures"), "{card}");
            assert_percent_of(&v, s.promises[0].probability);
        }
    }
}

#[test]
fn html_cards_show_the_tables_figures_with_their_basis() {
    let (model, summary, outcomes) = example_run();
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert_cards_agree_with_tables(&html, &summary);
    // Routes that deliver in under 8 futures in 10 still show their P80 date.
    assert!(
        summary
            .scenarios
            .iter()
            .any(|s| s.first_delivery.probability < 0.8)
    );
    assert!(!html.contains("not within the horizon"));

    let model = parse(PART_DELIVERS);
    let (summary, outcomes) = full_run(&model, 4000, 3);
    let base = summary.scenarios[0].first_delivery.probability;
    assert!((0.5..0.7).contains(&base), "{base}");
    assert_eq!(summary.scenarios[1].first_delivery.probability, 1.0);
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert_cards_agree_with_tables(&html, &summary);

    // Without a promise the big figure is the median date, still the table's.
    let mut model = model;
    model.promises.clear();
    let (summary, outcomes) = full_run(&model, 4000, 3);
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert_cards_agree_with_tables(&html, &summary);
    for (_, card) in cards(&html) {
        assert!(
            card.contains(r#"<div class="big"><span class="p50">"#),
            "{card}"
        );
    }
    assert!(
        !html.contains(r#"id="promises""#),
        "no empty promises table"
    );
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
}

#[test]
fn a_model_without_plants_gets_a_report_about_its_finish() {
    let model = parse(SIX_WEEKS);
    let (summary, outcomes) = full_run(&model, 5000, 5);
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
    assert_cards_agree_with_tables(&html, &summary);
    assert!(html.contains("When does the project finish?"));
    assert!(html.contains("The S-curve of the finish date"));
    for absent in [
        "first car",
        "first delivery",
        "first-delivery",
        "customer",
        "cars per",
        r#"id="chart-deliveries""#,
        r#"id="chart-spend""#,
        r#"id="volumes""#,
        r#"id="promises""#,
        "Spend to",
        "delivery lag",
    ] {
        assert!(
            !html.contains(absent),
            "{absent} in a report without plants"
        );
    }
    // The histogram has one bar per day, each the share of all futures finishing that day.
    let hist = &html[html.find(r#"id="chart-histogram""#).expect("histogram")..];
    let hist = &hist[..hist.find("</figure>").expect("end")];
    assert!(hist.contains("bars: one per day"), "{hist}");
    let bars = between(hist, "<title>base: ", "</title>");
    assert!(bars.len() >= 10, "{} bars", bars.len());
    let days = &outcomes.scenarios[0].headline_days;
    let mut total = 0.0;
    for bar in &bars {
        let (share, date) = bar.split_once(" of all futures on ").expect(bar);
        let n = days
            .iter()
            .filter(|&&d| {
                model
                    .program
                    .start
                    .add_days(f64::from(d))
                    .map(|d| d.to_string())
                    .as_deref()
                    == Some(date)
            })
            .count();
        assert_percent_of(share, n as f64 / days.len() as f64);
        total += n as f64;
    }
    assert!(
        total / days.len() as f64 > 0.98,
        "the bars cover the spread"
    );

    // The terminal too speaks of the finish only.
    let text = render_terminal(&summary, &model, 100);
    assert!(text.contains("\nFINISH "), "{text}");
    for absent in ["DELIVER", "SPEND", "PROMISE", "car", "first delivery"] {
        assert!(!text.contains(absent), "{absent} in:\n{text}");
    }

    // With costs, spend is back (and nothing about cars).
    let mut model = model;
    model.tasks[1].cost = Dist::Triangular {
        min: 1e4,
        mode: 2e4,
        max: 4e4,
    };
    let (summary, outcomes) = full_run(&model, 2000, 5);
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert!(html.contains(r#"id="chart-spend""#) && html.contains("What does it cost?"));
    assert!(!html.contains(r#"id="chart-deliveries""#) && !html.contains("first car"));
    let text = render_terminal(&summary, &model, 100);
    assert!(
        text.contains("SPEND PER YEAR") && !text.contains("DELIVER"),
        "{text}"
    );
}
