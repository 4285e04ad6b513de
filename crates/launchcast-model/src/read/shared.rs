//! Shared reference files: `[[include]] references = "../references/plants.toml"` takes the
//! `[[reference]]` classes of another file, so that precedents used by many models are kept
//! once. A shared file grows as cases complete, so each of its observations must be dated
//! (the day its value became public), and a model keeps only those dated on or before its
//! `program.start`: a case modelled as of a date sees the library as it stood that day. The
//! later ones are left out (counted on the class, and listed by `check`), not an error; a
//! class left with fewer than two is an error only where the model draws from it.
//!
//! The file is read before anything of the model, as the model's own classes are, because a
//! value anywhere may draw from it. Its path is relative to the model file's directory.

use std::path::Path;

use toml::de::DeValue;

use super::Reader;
use crate::raw::{self, Cx, Tab};
use crate::{Date, ModelError};

/// Reads the classes of every shared reference file `top`'s `[[include]]`s name into `cx`.
/// A file that cannot be read is reported at its include; problems inside it are its own
/// error (its file, line and column).
pub(super) fn shared_classes(
    cx: &mut Cx<'_>,
    top: &Tab<'_, '_>,
    dir: &Path,
) -> Result<(), ModelError> {
    let Some(v) = top.get("include") else {
        return Ok(());
    };
    // Anything malformed here is reported when the includes are read.
    let DeValue::Array(items) = v.get_ref() else {
        return Ok(());
    };
    let as_of = program_start(top);
    for (i, item) in items.iter().enumerate() {
        let DeValue::Table(t) = item.get_ref() else {
            continue;
        };
        let Some(rv) = t.get("references") else {
            continue;
        };
        let DeValue::String(rel) = rv.get_ref() else {
            continue;
        };
        if rel.trim().is_empty() {
            continue;
        }
        let key = format!("include[{i}].references");
        let file = dir.join(rel.as_ref());
        let name = file.display().to_string();
        let text = match crate::read_model_text(&file) {
            Ok(text) => text,
            Err(e) => {
                let why = e
                    .problems()
                    .first()
                    .map_or_else(String::new, |p| format!(": {}", p.message));
                let msg = format!(
                    "cannot read the reference file `{}`{why}",
                    crate::printable(rel)
                );
                let help = "the path is relative to the model file; a reference file holds [[reference]] tables only";
                cx.report(rv.span(), &key, "here", msg, help);
                continue;
            }
        };
        let doc = raw::document(&text, &name)?;
        let mut fcx = Cx::new(&text);
        let ftop = Tab::top(&doc);
        ftop.check_keys(&mut fcx, &["reference"]);
        let mut reader = Reader {
            shared_as_of: Some(as_of),
            ..Reader::default()
        };
        reader.references(&mut fcx, &ftop);
        if fcx.has_problems() {
            return Err(fcx.into_error(&name));
        }
        for mut class in std::mem::take(&mut fcx.references) {
            // Shared files are read before the model's own classes: a class met here is in
            // another shared file.
            if let Some(other) = cx
                .references
                .iter()
                .find(|r| r.id == class.id)
                .and_then(|r| r.file.as_deref())
            {
                let msg = format!(
                    "class `{}` of `{}` is also in `{other}`",
                    class.id,
                    crate::printable(rel)
                );
                let help = "a class id names one class: remove one of the two includes, or rename the class in one file";
                cx.report(rv.span(), &key, "here", msg, help);
                continue;
            }
            class.file = Some(rel.to_string());
            cx.references.push(class);
        }
        cx.broken_references.append(&mut fcx.broken_references);
        cx.thin_references.append(&mut fcx.thin_references);
    }
    Ok(())
}

/// `program.start`'s day, as the program reads it (a date, or a local date-time whose time is
/// the start time); `None` if it is not one (reported where the program is read, and no
/// observation is left out).
fn program_start(top: &Tab<'_, '_>) -> Option<Date> {
    let DeValue::Table(p) = top.get("program")?.get_ref() else {
        return None;
    };
    match p.get("start")?.get_ref() {
        DeValue::Datetime(dt) if dt.offset.is_none() => dt
            .date
            .and_then(|d| Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))),
        DeValue::String(s) => Date::parse(s),
        _ => None,
    }
}
