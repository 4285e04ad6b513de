//! Where each value of a model file is: key path (`task[2].after[1]`, `scenario[0].set."a.b"`)
//! → byte range, kept from the one reading of the file, so that a problem found later (in a
//! model merged from includes, say) is shown at its place without reading the file again.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// One step of a key path: a key of a table or an index into an array.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// The byte range of every key's value and every array element of a model file, by key path.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    spans: HashMap<Vec<Step>, Range<usize>>,
}

impl SourceMap {
    /// The map of the TOML text `text` (empty if it is not TOML).
    pub fn of(text: &str) -> SourceMap {
        DeTable::parse(text).map_or_else(
            |_| SourceMap::default(),
            |d| SourceMap::from_doc(d.get_ref()),
        )
    }

    /// Walks the document without recursion (nesting is as deep as the file makes it).
    pub(crate) fn from_doc(doc: &DeTable<'_>) -> SourceMap {
        let mut spans = HashMap::new();
        let mut todo: Vec<(Vec<Step>, &DeValue<'_>)> = Vec::new();
        let mut visit = |path: Vec<Step>, span: Range<usize>, value, todo: &mut Vec<_>| {
            spans.insert(path.clone(), span);
            todo.push((path, value));
        };
        for (k, v) in doc.iter() {
            visit(
                vec![Step::Key(k.get_ref().to_string())],
                v.span(),
                v.get_ref(),
                &mut todo,
            );
        }
        while let Some((path, value)) = todo.pop() {
            let child = |step| {
                let mut p = path.clone();
                p.push(step);
                p
            };
            match value {
                DeValue::Table(t) => {
                    for (k, v) in t.iter() {
                        let p = child(Step::Key(k.get_ref().to_string()));
                        visit(p, v.span(), v.get_ref(), &mut todo);
                    }
                }
                DeValue::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        visit(child(Step::Index(i)), v.span(), v.get_ref(), &mut todo);
                    }
                }
                _ => {}
            }
        }
        SourceMap { spans }
    }

    /// The byte range of the value at `key_path`, or of the deepest part of it the file has
    /// (the table of a key it does not give).
    pub fn span(&self, key_path: &str) -> Option<Range<usize>> {
        let steps = steps(key_path);
        let mut found = None;
        for n in 1..=steps.len() {
            match self.spans.get(&steps[..n]) {
                Some(span) => found = Some(span.clone()),
                None => break,
            }
        }
        found
    }
}

/// Splits a key path into keys and indices: `scenario[0].set."a/b.c"` is `scenario`, 0,
/// `set`, `a/b.c`.
fn steps(key_path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let mut chars = key_path.chars().peekable();
    let mut key = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                    key.push(q);
                }
            }
            '.' => {
                if !key.is_empty() {
                    out.push(Step::Key(std::mem::take(&mut key)));
                }
            }
            '[' => {
                if !key.is_empty() {
                    out.push(Step::Key(std::mem::take(&mut key)));
                }
                let mut n = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    n.push(d);
                }
                if let Ok(n) = n.parse() {
                    out.push(Step::Index(n));
                }
            }
            c => key.push(c),
        }
    }
    if !key.is_empty() {
        out.push(Step::Key(key));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_split_into_steps() {
        let s = steps("scenario[0].set.\"plant/t1.2.duration\"");
        assert_eq!(
            s,
            [
                Step::Key("scenario".into()),
                Step::Index(0),
                Step::Key("set".into()),
                Step::Key("plant/t1.2.duration".into()),
            ]
        );
    }

    #[test]
    fn spans_are_those_of_values_or_of_the_deepest_part_given() {
        let text = "[[task]]\nid = \"a\"\nafter = [\"b\", \"c\"]\n";
        let map = SourceMap::of(text);
        let at = |p: &str| map.span(p).map(|s| &text[s]);
        assert_eq!(at("task[0].after[1]"), Some("\"c\""));
        assert_eq!(at("task[0].id"), Some("\"a\""));
        // A key the file does not give: its table, whose span is its header.
        assert_eq!(at("task[0].cost"), Some("[[task]]"));
        assert_eq!(at("risk[0].tasks"), None);
    }
}
