//! Resolving references and the targets of scenario settings (`item.field`).

use super::{Found, Index, Item, Kind, Miss, Want};
use crate::grammar::valid_ref_id;
use crate::scenario::{PLANT_FIELDS, PROGRAM_FIELDS, Slot, TASK_FIELDS, risk_fields};
use crate::suggest::nearest;
use crate::{Dist, Quantity, Risk};

impl<'x> Index<'x> {
    /// The ids of the items of the kinds `keep` accepts, in model order.
    fn ids(&self, keep: impl Fn(Kind) -> bool) -> impl Iterator<Item = &'x str> {
        self.items
            .iter()
            .filter(move |it| keep(it.kind))
            .map(|it| it.id.as_str())
    }

    /// The first item with id `id`: its index in the items, and the item.
    pub(crate) fn first_item(&self, id: &str) -> Option<(usize, &'x Item)> {
        let i = *self.first.get(id)?;
        Some((i, self.items.get(i)?))
    }

    /// The kind of the first item with id `id`.
    fn kind(&self, id: &str) -> Option<Kind> {
        self.first_item(id).map(|(_, it)| it.kind)
    }

    /// Resolves a reference: an item of the wanted kind, or a task of an include whose tasks
    /// are not merged yet (accepted unchecked).
    pub(crate) fn resolve(&self, target: &str, want: Want) -> Result<Found, Miss> {
        self.resolve_hit(target, want, self.kind(target))
    }

    /// [`Index::resolve`], with the kind of the first item of id `target` looked up.
    pub(crate) fn resolve_hit(
        &self,
        target: &str,
        want: Want,
        kind: Option<Kind>,
    ) -> Result<Found, Miss> {
        let what = match want {
            Want::Task => "task",
            Want::Item => "task, risk or plant",
            Want::Correlatable => "task or plant",
        };
        if let Some((prefix, _)) = target.split_once('/') {
            if !valid_ref_id(target) {
                return Err(Miss {
                    label: "invalid id",
                    message: format!("`{target}` is not a valid id of an included task"),
                    help: "write prefix/id: the include's prefix, `/`, and the task's id as imported (letters, digits, _ . -)".into(),
                });
            }
            let declared = self.declared.contains(&prefix);
            let merged = self.merged.contains(prefix);
            if declared && !merged && self.pending {
                return Ok(Found::Included);
            }
            if !declared && !merged && kind.is_none() {
                let rest = target.get(prefix.len()..).unwrap_or("");
                let help = match nearest(prefix, self.declared.iter().copied()) {
                    Some(p) => format!("did you mean `{p}{rest}`?"),
                    None if self.declared.is_empty() => format!(
                        "refer to another schedule's tasks by declaring it: [[include]] file = \"schedule.xer\", prefix = \"{prefix}\""
                    ),
                    None => format!("declared include prefixes: {}", self.declared.join(", ")),
                };
                return Err(Miss {
                    label: "unknown prefix",
                    message: format!("unknown include prefix `{prefix}` in `{target}`"),
                    help,
                });
            }
        }
        match (kind, want) {
            (Some(k @ Kind::Task), _)
            | (Some(k @ (Kind::Risk | Kind::Plant)), Want::Item)
            | (Some(k @ Kind::Plant), Want::Correlatable) => return Ok(Found::Is(k)),
            _ => {}
        }
        if want == Want::Correlatable && kind == Some(Kind::Risk) {
            return Err(Miss {
                label: "a risk",
                message: format!("`{target}` is a risk, not a task or plant"),
                help: "only tasks (their duration) and plants (their ramp) can be correlated; a risk's impact is drawn once for all its tasks".into(),
            });
        }
        let candidates = self.ids(|k| match want {
            Want::Task => k == Kind::Task,
            Want::Item => true,
            Want::Correlatable => k != Kind::Risk,
        });
        let help = match (lag_split(target, self), nearest(target, candidates)) {
            (Some((id, lag)), _) => format!(
                "after an included task's id, a negative lag needs the link type: `{id}:FS{lag}`"
            ),
            (None, Some(c)) => format!("did you mean `{c}`?"),
            (None, None) if kind.is_some() => format!("`{target}` is a risk or plant, not a task"),
            (None, None) => format!("use the id of a {what} defined in this file"),
        };
        Err(Miss {
            label: "unknown id",
            message: format!("unknown {what} id `{target}`"),
            help,
        })
    }

    /// The fields a scenario may set on `item` (`program`, a task, risk or plant, or a task
    /// of an include not merged yet). `key` is the whole setting, for messages.
    pub(crate) fn setting_fields(
        &self,
        item: &str,
        key: &str,
        risks: &[Risk],
    ) -> Result<Vec<(&'static str, Slot)>, Miss> {
        if item == "program" {
            return Ok(PROGRAM_FIELDS.to_vec());
        }
        match self.kind(item) {
            Some(Kind::Task) => return Ok(TASK_FIELDS.to_vec()),
            Some(Kind::Risk) => {
                if let Some(r) = risks.iter().find(|r| r.id == item) {
                    return Ok(risk_fields(&r.impact));
                }
            }
            Some(Kind::Plant) => return Ok(PLANT_FIELDS.to_vec()),
            None => {}
        }
        if item.contains('/') {
            return match self.resolve(item, Want::Item) {
                Ok(_) => Ok(TASK_FIELDS.to_vec()),
                Err(m) if m.label == "unknown id" => Err(Miss {
                    message: format!("scenario setting `{key}`: unknown item `{item}`"),
                    ..m
                }),
                Err(m) => Err(m),
            };
        }
        let ids = self.ids(|_| true).chain(["program"]);
        let help = nearest(item, ids).map_or(
            "use `program` or the id of a task, risk or plant".to_string(),
            |c| format!("did you mean `{c}`?"),
        );
        Err(Miss {
            label: "unknown id",
            message: format!("scenario setting `{key}`: unknown item `{item}`"),
            help,
        })
    }
}

/// A scenario setting key split into item and field: `own_licence.chance`, or for an
/// included task (whose id may contain `.`) at the last dot: `plant/a1.2.duration`.
pub(crate) fn split_setting(key: &str) -> Option<(&str, &str)> {
    if key.contains('/') {
        key.rsplit_once('.')
    } else {
        key.split_once('.')
    }
}

impl Index<'_> {
    /// What a scenario setting `key` sets: the item, the field and the kind of value.
    pub(crate) fn setting_slot<'k>(
        &self,
        key: &'k str,
        risks: &[Risk],
    ) -> Result<(&'k str, &'k str, Slot), Miss> {
        let Some((item, field)) = split_setting(key) else {
            return Err(Miss {
                label: "expected item.field",
                message: format!("scenario setting `{key}` names no field"),
                help:
                    "write \"item.field\", e.g. \"own_licence.chance\" or \"program.delivery_lag\""
                        .into(),
            });
        };
        let slot = self.slot_of(item, field, key, risks)?;
        Ok((item, field, slot))
    }

    /// What kind of value scenario setting `key` (= `item.field`) takes.
    pub(crate) fn slot_of(
        &self,
        item: &str,
        field: &str,
        key: &str,
        risks: &[Risk],
    ) -> Result<Slot, Miss> {
        let fields = self.setting_fields(item, key, risks)?;
        if let Some(slot) = fields.iter().find(|(f, _)| *f == field).map(|(_, s)| *s) {
            return Ok(slot);
        }
        let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        let mean = nearest(field, names.iter().copied())
            .map_or(String::new(), |c| format!("did you mean `{c}`? "));
        let risk_note =
            if self.kind(item) == Some(Kind::Risk) && (field == "delay" || field == "scale") {
                format!("`{item}` is a risk of another kind; ")
            } else {
                String::new()
            };
        Err(Miss {
            label: "not settable",
            message: format!("scenario setting `{key}`: `{field}` cannot be set on `{item}`"),
            help: format!("{mean}{risk_note}settable here: {}", names.join(", ")),
        })
    }
}

/// `plant/a-5d` → (`plant/a`, `-5d`) if `plant/a` is a task and `-5d` a lag.
fn lag_split<'t>(target: &'t str, ix: &Index<'_>) -> Option<(&'t str, &'t str)> {
    let cut = target.rfind('-')?;
    let (id, lag) = (target.get(..cut)?, target.get(cut..)?);
    let is_lag = matches!(Dist::parse(lag, Quantity::Lag), Ok(Dist::Fixed(_)));
    (is_lag && ix.kind(id) == Some(Kind::Task)).then_some((id, lag))
}
