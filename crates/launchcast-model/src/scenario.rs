//! Scenarios: which `item.field` keys a scenario may set, applying a scenario to the base
//! model ([`Model::scenario_model`]), and a what-if ([`Model::with_what_if`]): one set of
//! changes applied to the base and to every scenario, the one meaning of "what if" for the
//! workspace, Python and the assistant server alike.

use crate::{Impact, Model, Quantity, Scenario, SettingValue};

/// What kind of value a settable field takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Slot {
    Dist(Quantity),
    /// A number in [0, 1].
    Fraction,
    Date,
    Curve,
}

pub(crate) const PROGRAM_FIELDS: [(&str, Slot); 2] = [
    ("delivery_lag", Slot::Dist(Quantity::Duration)),
    ("overhead_per_year", Slot::Dist(Quantity::Money)),
];
pub(crate) const TASK_FIELDS: [(&str, Slot); 4] = [
    ("duration", Slot::Dist(Quantity::Duration)),
    ("chance", Slot::Fraction),
    ("cost", Slot::Dist(Quantity::Money)),
    ("not_before", Slot::Date),
];
pub(crate) const PLANT_FIELDS: [(&str, Slot); 5] = [
    ("capacity", Slot::Dist(Quantity::Number)),
    ("ramp", Slot::Dist(Quantity::Duration)),
    ("ramp_start", Slot::Fraction),
    ("peak", Slot::Dist(Quantity::Number)),
    ("curve", Slot::Curve),
];

/// The fields a scenario may set on a risk with this impact (`delay` only on a delay risk...).
pub(crate) fn risk_fields(impact: &Impact) -> Vec<(&'static str, Slot)> {
    let mut v = vec![("chance", Slot::Fraction)];
    match impact {
        Impact::Delay(_) => v.push(("delay", Slot::Dist(Quantity::Duration))),
        Impact::Scale(_) => v.push(("scale", Slot::Dist(Quantity::Number))),
        Impact::Fail => {}
    }
    v
}

impl Model {
    /// The model as run in a scenario: `None` is the base model (a copy); `Some(i)` applies
    /// `scenarios[i]`: its `disable` ids get `disabled = true` and its `set` values replace
    /// the base ones. Tasks, risks and plants keep their order. An index out of range gives
    /// the base model.
    pub fn scenario_model(&self, scenario: Option<usize>) -> Model {
        match scenario.and_then(|i| self.scenarios.get(i)) {
            Some(s) => self.applied(s),
            None => self.clone(),
        }
    }

    /// A copy with scenario `s` applied: its `disable` ids switched off and its `set` values
    /// in place of the base ones.
    fn applied(&self, s: &Scenario) -> Model {
        let mut m = self.clone();
        for id in &s.disable {
            if let Some(t) = m.tasks.iter_mut().find(|t| &t.id == id) {
                t.disabled = true;
            }
            if let Some(r) = m.risks.iter_mut().find(|r| &r.id == id) {
                r.disabled = true;
            }
            if let Some(p) = m.plants.iter_mut().find(|p| &p.id == id) {
                p.disabled = true;
            }
        }
        for set in &s.set {
            let (f, v) = (set.field.as_str(), &set.value);
            if set.item == "program" {
                match (f, v) {
                    ("delivery_lag", SettingValue::Dist(d)) => m.program.delivery_lag = d.clone(),
                    ("overhead_per_year", SettingValue::Dist(d)) => {
                        m.program.overhead_per_year = d.clone()
                    }
                    _ => {}
                }
            } else if let Some(t) = m.tasks.iter_mut().find(|t| t.id == set.item) {
                match (f, v) {
                    ("duration", SettingValue::Dist(d)) => t.duration = d.clone(),
                    ("chance", SettingValue::Number(x)) => t.chance = *x,
                    ("cost", SettingValue::Dist(d)) => t.cost = d.clone(),
                    ("not_before", SettingValue::Date(d)) => t.not_before = Some(*d),
                    _ => {}
                }
            } else if let Some(r) = m.risks.iter_mut().find(|r| r.id == set.item) {
                match (f, v, &mut r.impact) {
                    ("chance", SettingValue::Number(x), _) => r.chance = *x,
                    ("delay", SettingValue::Dist(d), Impact::Delay(old))
                    | ("scale", SettingValue::Dist(d), Impact::Scale(old)) => *old = d.clone(),
                    _ => {}
                }
            } else if let Some(p) = m.plants.iter_mut().find(|p| p.id == set.item) {
                match (f, v) {
                    ("capacity", SettingValue::Dist(d)) => p.capacity = d.clone(),
                    ("ramp", SettingValue::Dist(d)) => p.ramp = d.clone(),
                    ("ramp_start", SettingValue::Number(x)) => p.ramp_start = *x,
                    ("peak", SettingValue::Dist(d)) => p.peak = d.clone(),
                    ("curve", SettingValue::Curve(c)) => p.curve = *c,
                    _ => {}
                }
            }
        }
        m
    }

    /// An id no scenario of the model has, for a what-if's changes read as one more
    /// `[[scenario]]`: `what_if`, else `what_if_2`, `what_if_3`...
    pub fn what_if_id(&self) -> String {
        let mut id = "what_if".to_string();
        let mut n = 1;
        while self.scenarios.iter().any(|s| s.id == id) {
            n += 1;
            id = format!("what_if_{n}");
        }
        id
    }

    /// The model with a what-if `change` (read as a scenario of this model) applied: the base
    /// becomes the base with the change, and every scenario keeps its own settings except
    /// where the change sets the same key (the change wins) and disables what the change
    /// disables too. So "what if the licence comes in March" holds in every scenario, as a
    /// user asking it means. `change` itself is not among the scenarios.
    pub fn with_what_if(&self, change: &Scenario) -> Model {
        let mut changed = self.applied(change);
        changed.scenarios = self
            .scenarios
            .iter()
            .filter(|s| s.id != change.id)
            .map(|s| {
                let mut s = s.clone();
                s.set.retain(|old| {
                    !change
                        .set
                        .iter()
                        .any(|new| new.item == old.item && new.field == old.field)
                });
                s.set.extend(change.set.iter().cloned());
                for id in &change.disable {
                    if !s.disable.contains(id) {
                        s.disable.push(id.clone());
                    }
                }
                s
            })
            .collect();
        changed
    }
}
