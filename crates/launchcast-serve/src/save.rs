//! Saving changes back into the model file: each `item.field` value replaced in place with
//! `toml_edit`, keeping comments, order and formatting (a value keeps the spaces and the
//! comment around it), written atomically. Nothing is written when the file changed on
//! disk since it was loaded (the caller answers 409 with [`diff`]), nor when the edited text
//! is not a valid model.

use serde_json::{Map, Value};
use toml_edit::{DocumentMut, Item, Table};

use crate::errors::ApiError;

/// `text` with every `item.field = value` of `set` written into the item's own table.
pub(crate) fn edit(text: &str, set: &Map<String, Value>) -> Result<String, ApiError> {
    edit_with_switches(text, set, &[], &[])
}

/// `text` with each item of `off` switched off (`disabled = true` in its table) and each of
/// `on` switched back on (its `disabled` key removed), and `set` written as [`edit`] does.
pub(crate) fn edit_with_switches(
    text: &str,
    set: &Map<String, Value>,
    off: &[String],
    on: &[String],
) -> Result<String, ApiError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| ApiError::internal(format!("the model file cannot be edited: {e}")))?;
    for (id, switch_off) in off
        .iter()
        .map(|i| (i, true))
        .chain(on.iter().map(|i| (i, false)))
    {
        // A promise has no switch.
        let Some(table) = find_item(&mut doc, id, &["task", "risk", "plant"]) else {
            return Err(ApiError::bad(format!(
                "`{id}` is not a task, risk or plant written in the model file"
            ))
            .key(id)
            .help("items of an [[include]] are switched in their own file"));
        };
        if switch_off {
            set_keeping_decor(table, "disabled", true.into());
        } else {
            table.remove("disabled");
        }
    }
    for (key, v) in set {
        let Some((item, field)) = key.split_once('.') else {
            return Err(ApiError::bad(format!(
                "`{key}` is not an `item.field` key (e.g. `own_licence.chance`)"
            ))
            .key(key));
        };
        let value = toml_value(key, v)?;
        let table = if item == "program" {
            doc.get_mut("program").and_then(Item::as_table_mut)
        } else {
            find_item(&mut doc, item, &["task", "risk", "plant", "promise"])
        };
        let Some(table) = table else {
            return Err(ApiError::bad(format!(
                "`{item}` is not a task, risk, plant or promise written in the model file"
            ))
            .key(key)
            .help("items of an [[include]] are changed in their own file"));
        };
        if !set_promise_part(table, field, &value) {
            set_keeping_decor(table, field, value);
        }
    }
    Ok(doc.to_string())
}

/// The table of one of `kinds` (`task`, `risk`, `plant`, `promise`) whose `id` is `id`.
fn find_item<'d>(doc: &'d mut DocumentMut, id: &str, kinds: &[&str]) -> Option<&'d mut Table> {
    let has = |t: &Table| t.get("id").and_then(Item::as_str) == Some(id);
    let kind = kinds.iter().find(|kind| {
        doc.get(kind)
            .and_then(Item::as_array_of_tables)
            .is_some_and(|ts| ts.iter().any(has))
    })?;
    doc.get_mut(kind)?
        .as_array_of_tables_mut()?
        .iter_mut()
        .find(|t| has(t))
}

/// A promise's `date`, `at_least`, `at_most` or `year`, inside its `deliveries_by`,
/// `deliveries_in_year` or `spend_by` table; false if `table` has no such part.
fn set_promise_part(table: &mut Table, field: &str, value: &toml_edit::Value) -> bool {
    if !matches!(field, "date" | "at_least" | "at_most" | "year") {
        return false;
    }
    for kind in ["deliveries_by", "deliveries_in_year", "spend_by"] {
        match table.get_mut(kind) {
            Some(Item::Value(toml_edit::Value::InlineTable(t))) if t.contains_key(field) => {
                if let Some(old) = t.get_mut(field) {
                    let mut new = value.clone();
                    *new.decor_mut() = old.decor().clone();
                    *old = new;
                }
                return true;
            }
            Some(Item::Table(t)) if t.contains_key(field) => {
                set_keeping_decor(t, field, value.clone());
                return true;
            }
            _ => {}
        }
    }
    false
}

fn set_keeping_decor(table: &mut Table, field: &str, mut value: toml_edit::Value) {
    if let Some(old) = table.get_mut(field).and_then(Item::as_value_mut) {
        *value.decor_mut() = old.decor().clone();
        *old = value;
    } else {
        table.insert(field, Item::Value(value));
    }
}

/// A JSON value as the TOML value a model file would hold: numbers, text, true/false, and
/// dates (`"2024-03-31"` as a TOML date, as `not_before` takes it).
pub(crate) fn toml_value(key: &str, v: &Value) -> Result<toml_edit::Value, ApiError> {
    Ok(match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64().unwrap_or(f64::NAN).into(),
        },
        Value::String(s) => match s.trim().parse::<toml_edit::Datetime>() {
            Ok(d) => d.into(),
            Err(_) => s.as_str().into(),
        },
        Value::Bool(b) => (*b).into(),
        _ => {
            return Err(ApiError::bad(format!(
                "`{key}`: the value {v} is neither a number nor a text"
            ))
            .key(key)
            .help("write a number (0.9), a distribution (\"tri(8mo, 10mo, 14mo)\") or a date (\"2024-03-31\")"))
        }
    })
}

/// Most lines of either side [`diff`] compares line by line.
const DIFF_LINES: usize = 4000;

/// The lines that differ between the model as loaded and the file on disk, with two lines of
/// context, `-` for the loaded text and `+` for the disk's.
pub(crate) fn diff(loaded: &str, disk: &str) -> String {
    let a: Vec<&str> = loaded.lines().collect();
    let b: Vec<&str> = disk.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut out = String::from("--- as loaded\n+++ on disk\n");
    if ma.is_empty() && mb.is_empty() {
        out.push_str("(the same text)\n");
        return out;
    }
    if ma.len() > DIFF_LINES || mb.len() > DIFF_LINES {
        out.push_str(&format!(
            "@@ lines {}.. differ ({} lines as loaded, {} on disk) @@\n",
            head + 1,
            ma.len(),
            mb.len()
        ));
        return out;
    }
    // Longest common subsequence of the middle, then the edit script.
    let (n, m) = (ma.len(), mb.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * (m + 1) + j] = if ma[i] == mb[j] {
                lcs[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
            };
        }
    }
    let context = 2;
    out.push_str(&format!(
        "@@ line {} @@\n",
        head.saturating_sub(context) + 1
    ));
    for line in &a[head.saturating_sub(context)..head] {
        out.push_str(&format!(" {line}\n"));
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && ma[i] == mb[j] {
            out.push_str(&format!(" {}\n", ma[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
            out.push_str(&format!("-{}\n", ma[i]));
            i += 1;
        } else {
            out.push_str(&format!("+{}\n", mb[j]));
            j += 1;
        }
    }
    for line in a[a.len() - tail..].iter().take(context) {
        out.push_str(&format!(" {line}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# top\n[program]\nname = \"x\" # the name\n\n[[task]]\nid = \"a\"\nduration = \"tri(1mo, 2mo, 3mo)\"   # as quoted\nchance = 0.5\n\n[[risk]]\nid = \"r\"\nchance = 0.3 # guess\n\n[[promise]]\nid = \"p\"\nspend_by = { date = 2031-03-30, at_most = \"67bn\" }  # pledge\n";

    fn set(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn values_change_in_place_and_comments_stay() {
        let out = edit(
            TEXT,
            &set(&[
                ("a.duration", Value::from("tri(2mo, 3mo, 4mo)")),
                ("r.chance", Value::from(0.9)),
                ("a.not_before", Value::from("2023-01-01")),
                ("p.at_most", Value::from("70bn")),
                ("p.date", Value::from("2031-12-31")),
            ]),
        )
        .unwrap();
        let want = TEXT
            .replace(
                "{ date = 2031-03-30, at_most = \"67bn\" }",
                "{ date = 2031-12-31, at_most = \"70bn\" }",
            )
            .replace("tri(1mo, 2mo, 3mo)", "tri(2mo, 3mo, 4mo)")
            .replace("chance = 0.3 # guess", "chance = 0.9 # guess")
            .replace("chance = 0.5\n", "chance = 0.5\nnot_before = 2023-01-01\n");
        assert_eq!(out, want);
    }

    #[test]
    fn unknown_items_and_keys_are_refused() {
        let e = edit(TEXT, &set(&[("zz.chance", Value::from(0.1))])).unwrap_err();
        assert_eq!(e.status, 400);
        assert_eq!(e.key.as_deref(), Some("zz.chance"));
        assert!(edit(TEXT, &set(&[("nodot", Value::from(1))])).is_err());
    }

    #[test]
    fn the_diff_shows_the_changed_lines_only() {
        let disk = TEXT.replace("chance = 0.5", "chance = 0.6");
        let d = diff(TEXT, &disk);
        assert!(d.contains("-chance = 0.5\n+chance = 0.6\n"), "{d}");
        assert_eq!(d.lines().filter(|l| l.starts_with(['-', '+'])).count(), 4);
        assert_eq!(diff(TEXT, TEXT).lines().count(), 3);
    }
}
