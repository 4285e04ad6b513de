//! [`Written`]: the distributions of a model file as the user wrote them (`tri(2w, 1mo,
//! 2mo)`), kept from the one reading of the file, so that a description of the model can show
//! them so rather than in one unit, without reading the file again.

use toml::de::{DeTable, DeValue};

/// The tables whose distributions are kept, with their dist-valued keys.
const TABLES: [(&str, &[&str]); 4] = [
    ("program", &["delivery_lag", "overhead_per_year"]),
    ("task", &["duration", "cost"]),
    ("risk", &["delay", "scale"]),
    ("plant", &["capacity", "ramp", "peak"]),
];

/// The text of each distribution written as a string in a model file, by table and key:
/// read by [`crate::ReadModel::parse_keeping_written`]. A value written as a number, or a
/// table the file does not have, has no entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// (table, index of the table in its array, key, text trimmed), sorted for lookup.
    entries: Vec<(u8, usize, &'static str, Box<str>)>,
}

impl Written {
    /// The distributions of the document `doc` of a valid model file (so every `[[task]]`,
    /// `[[risk]]` and `[[plant]]` is a table, numbered as the model's items).
    pub(crate) fn of(doc: &DeTable<'_>) -> Written {
        let mut entries = Vec::new();
        for (code, (name, keys)) in (0u8..).zip(TABLES) {
            let tables: Vec<&DeTable<'_>> = match doc.get(name).map(|v| v.get_ref()) {
                Some(DeValue::Table(t)) => vec![t],
                Some(DeValue::Array(items)) => items
                    .iter()
                    .filter_map(|v| match v.get_ref() {
                        DeValue::Table(t) => Some(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for (index, t) in tables.into_iter().enumerate() {
                for key in keys {
                    if let Some(DeValue::String(s)) = t.get(*key).map(|v| v.get_ref()) {
                        entries.push((code, index, *key, s.trim().into()));
                    }
                }
            }
        }
        entries.sort_unstable_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
        Written { entries }
    }

    /// The text written for `key` of the `index`th `[[table]]` (`"task"`, `"risk"` or
    /// `"plant"`; `"program"` with index 0), trimmed: for the keys that hold distributions
    /// (`duration`, `cost`, `delay`, `scale`, `capacity`, `ramp`, `peak`, `delivery_lag`,
    /// `overhead_per_year`), when written as a string.
    pub fn get(&self, table: &str, index: usize, key: &str) -> Option<&str> {
        let code = TABLES.iter().position(|(name, _)| *name == table)?;
        let code = u8::try_from(code).ok()?;
        self.entries
            .binary_search_by(|e| (e.0, e.1, e.2).cmp(&(code, index, key)))
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|e| &*e.3)
    }
}
