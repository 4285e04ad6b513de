//! The HTML report's markup: well-formed, self-contained, every chart present, and no panic
//! on empty or mismatched outcomes.

use launchcast_engine::Outcomes;
use launchcast_report::summarize;

use crate::fixtures::*;

/// Checks that `html` is well-formed XML-compatible markup: every tag closed in order (void
/// elements written `<br/>`), attribute values quoted, only XML's own entities or numeric
/// references, no `<` or `&` inside `<style>`. Returns the first problem found.
pub(crate) fn well_formed(html: &str) -> Result<(), String> {
    let b = html.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    let entity_ok = |at: usize| -> bool {
        let rest = &html[at..];
        let Some(end) = rest.find(';') else {
            return false;
        };
        let name = &rest[1..end];
        matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || (name.starts_with("#x")
                && name.len() > 2
                && name[2..].chars().all(|c| c.is_ascii_hexdigit()))
            || (name.starts_with('#')
                && name.len() > 1
                && name[1..].chars().all(|c| c.is_ascii_digit()))
    };
    while i < b.len() {
        match b[i] {
            b'&' => {
                if !entity_ok(i) {
                    return Err(format!(
                        "bad entity at {i}: {:?}",
                        &html[i..(i + 12).min(html.len())]
                    ));
                }
                i += 1;
            }
            b'<' if html[i..].starts_with("<!DOCTYPE") => {
                i += html[i..].find('>').ok_or("unclosed doctype")? + 1;
            }
            b'<' if html[i..].starts_with("<!--") => {
                i += html[i..].find("-->").ok_or("unclosed comment")? + 3;
            }
            b'<' if html[i..].starts_with("</") => {
                let end = i + html[i..].find('>').ok_or("unclosed end tag")?;
                let name = html[i + 2..end].trim();
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("</{name}> at {i} closes {other:?}")),
                }
                i = end + 1;
            }
            b'<' => {
                // A start tag: name, then attributes with quoted values, then `>` or `/>`.
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':')
                {
                    j += 1;
                }
                let name = html[i + 1..j].to_string();
                if name.is_empty() {
                    return Err(format!("stray < at {i}"));
                }
                let mut attrs = Vec::new();
                loop {
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j >= b.len() {
                        return Err(format!("unclosed <{name}>"));
                    }
                    if b[j] == b'>' || html[j..].starts_with("/>") {
                        break;
                    }
                    let k = j;
                    while j < b.len() && b[j] != b'=' && !b[j].is_ascii_whitespace() && b[j] != b'>'
                    {
                        j += 1;
                    }
                    let attr = html[k..j].to_string();
                    if j >= b.len() || b[j] != b'=' || b.get(j + 1) != Some(&b'"') {
                        return Err(format!("attribute {attr} of <{name}> at {k} is not quoted"));
                    }
                    if attrs.contains(&attr) {
                        return Err(format!("duplicate attribute {attr} of <{name}> at {k}"));
                    }
                    attrs.push(attr);
                    let close = j + 2 + html[j + 2..].find('"').ok_or("unclosed attribute")?;
                    let value = &html[j + 2..close];
                    if value.contains('<') {
                        return Err(format!("< in an attribute of <{name}> at {k}"));
                    }
                    for (at, _) in value.match_indices('&') {
                        if !entity_ok(j + 2 + at) {
                            return Err(format!("bad entity in an attribute of <{name}> at {k}"));
                        }
                    }
                    j = close + 1;
                }
                if b[j] == b'>' {
                    if name == "style" {
                        let end = j + html[j..].find("</style>").ok_or("unclosed style")?;
                        if html[j + 1..end].contains(['<', '&']) {
                            return Err("< or & inside <style>".to_string());
                        }
                        i = end;
                        stack.push(name);
                        continue;
                    }
                    stack.push(name);
                    i = j + 1;
                } else {
                    i = j + 2;
                }
            }
            _ => i += 1,
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed elements: {stack:?}"))
    }
}

/// Every `http://` or `https://` in `text` that is not an XML namespace URI.
pub(crate) fn external_urls(text: &str) -> Vec<String> {
    const NAMESPACES: [&str; 2] = ["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml"];
    let mut out = Vec::new();
    for scheme in ["http://", "https://"] {
        for (at, _) in text.match_indices(scheme) {
            let url: String = text[at..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
                .collect();
            if !NAMESPACES.contains(&url.as_str()) {
                out.push(url);
            }
        }
    }
    out
}

#[test]
fn the_well_formedness_checker_finds_mistakes() {
    assert!(well_formed(r#"<!DOCTYPE html><p a="1">x &amp; y<br/></p>"#).is_ok());
    assert!(well_formed("<p><b></p></b>").is_err());
    assert!(well_formed("<p>a & b</p>").is_err());
    assert!(well_formed("<p>&nbsp;</p>").is_err());
    assert!(well_formed("<p class=x></p>").is_err());
    assert!(well_formed("<p><br></p>").is_err());
    assert!(well_formed("<style>a<b</style>").is_err());
    assert_eq!(
        external_urls(r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#),
        Vec::<String>::new()
    );
    assert_eq!(
        external_urls(r#"<img src="https://x.org/a.png"/>"#),
        ["https://x.org/a.png"]
    );
}

/// The report of the bundled example, from a short run of the engine.
pub(crate) fn example_report() -> String {
    let (model, summary, outcomes) = example_run();
    launchcast_report::render_html(&model, &summary, &outcomes)
}

#[test]
fn html_report_of_the_example_is_valid_self_contained_and_has_every_chart() {
    let html = example_report();
    if let Err(e) = well_formed(&html) {
        panic!("not well-formed: {e}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    for id in launchcast_report::CHART_IDS {
        let tag = format!(r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}""#);
        assert!(html.contains(&tag), "chart {id} missing");
    }
    for section in ["glance", "promises", "assumptions", "comparisons"] {
        assert!(
            html.contains(&format!(r#"id="{section}""#)),
            "section {section}"
        );
    }
    // Nothing to fetch: no URL but the namespaces, no script, stylesheet link, font or image.
    assert_eq!(external_urls(&html), Vec::<String>::new());
    for banned in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "@font-face",
        "src=",
    ] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.matches("url(").count() == html.matches("url(#").count());
    // Every promise and every scenario appears, the promised date is drawn on the S-curve.
    for s in [
        "First deliveries by end of 2024",
        "go_alone",
        "hyundai_stake",
        "baic_cobrand",
    ] {
        assert!(html.contains(s), "{s}");
    }
    let cdf = &html[html.find(r#"id="chart-cdf""#).unwrap()..];
    let cdf = &cdf[..cdf.find("</svg>").unwrap()];
    assert!(cdf.contains("class=\"refline\""), "promise line");
    assert!(cdf.contains("2024-12-31"), "promise date label");
    // Drivers, sensitivity and comparisons are drawn, not left as placeholders.
    assert!(!html.contains("not computed"));
    let tornado = &html[html.find(r#"id="chart-tornado""#).unwrap()..];
    assert!(tornado.contains("Regulator freezes new production licences again (risk)"));
    assert!(html.contains("Chance A delivers first earlier"));
    // Assumptions: tasks with their distributions, risks, plants.
    for s in [
        "tri(5mo, 9mo, 21mo)",
        "tri(2w, 1mo, 2mo)",
        "licence_freeze",
        "Yizhuang phase 1",
        "uniform(6bn, 13.4bn)",
    ] {
        assert!(html.contains(s), "assumption {s}");
    }
    // Small: the S-curves are downsampled.
    assert!(html.len() < 1_500_000, "{} bytes", html.len());
    assert!(cdf.len() < 80_000, "{} bytes of S-curve", cdf.len());
}

/// The fixture with whole iterations kept at 18 month ends (July 2022 to December 2023).
pub(crate) fn outcomes_with_rows() -> Outcomes {
    let mut o = outcomes();
    o.months = (0..18)
        .map(|k| (2022 + (6 + k) / 12, ((6 + k) % 12 + 1) as u32))
        .collect();
    let rows = 3;
    for (s, so) in o.scenarios.iter_mut().enumerate() {
        so.rows.iterations = vec![0, 1, 2];
        so.rows.durations = vec![30.0; 3 * rows];
        so.rows.headline = vec![30.0, INF, 10.0];
        so.rows.delivered = (0..18)
            .flat_map(|m| (0..rows).map(move |r| (m * 1000 * (r + 1) * (1 - s)) as f32))
            .collect();
        so.rows.spent = (0..18)
            .flat_map(|m| (0..rows).map(move |r| (m as f32 + 1.0) * 1e8 * (r as f32 + 1.0)))
            .collect();
    }
    o
}

#[test]
fn html_report_of_hand_built_outcomes() {
    let m = model();
    let out = outcomes_with_rows();
    let s = summarize(&m, &infos(), &out);
    let html = launchcast_report::render_html(&m, &s, &out);
    if let Err(e) = well_formed(&html) {
        panic!("not well-formed: {e}");
    }
    assert_eq!(external_urls(&html), Vec::<String>::new());
    // Names are escaped.
    assert!(html.contains("Test &quot;EV&quot; program, 2022"));
    assert!(html.contains("Obtain licence, with &quot;luck&quot;"));
    // Monthly deliveries and spend come from the rows; without drivers or sensitivity in the
    // summary their charts say so.
    assert!(html.contains("cars per month"));
    assert!(html.contains("not computed"));
    for id in launchcast_report::CHART_IDS {
        assert!(
            html.contains(&format!(r#"id="{id}""#)),
            "chart {id} missing"
        );
    }
    // Without rows the fan charts fall back to calendar years.
    let yearly = launchcast_report::render_html(&m, &s, &outcomes());
    assert!(yearly.contains("cars per year"));
    assert!(well_formed(&yearly).is_ok());
}

#[test]
fn html_report_never_panics_on_empty_or_mismatched_outcomes() {
    let m = model();
    let mut out = outcomes();
    out.scenarios.truncate(1);
    out.scenarios[0].headline_days = vec![INF; 5];
    out.scenarios[0].spend_by_year.clear();
    out.months = vec![(2022, 7)];
    let s = summarize(&m, &infos(), &out);
    let html = launchcast_report::render_html(&m, &s, &out);
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
    let mut empty = out.clone();
    empty.scenarios.clear();
    empty.iterations = 0;
    let s = summarize(&m, &infos(), &empty);
    let html = launchcast_report::render_html(&m, &s, &empty);
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
}
