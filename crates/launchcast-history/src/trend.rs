//! How a model's forecast moved over its recorded runs: per run (oldest first) each promise's
//! probability and the first delivery's P50 and P80 in every scenario, with the keys of the
//! model that changed since the run before, to annotate a chart of the trend.

use serde::Serialize;

use crate::diff::{KeyChange, model_changes};
use crate::errors::HistoryError;
use crate::store::History;

/// One recorded run on the trend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendPoint {
    /// The run's id.
    pub id: i64,
    /// When it was recorded, UTC.
    pub recorded_at: String,
    /// `run` or `whatif`.
    pub kind: String,
    /// Per scenario run: its id, each promise's `(id, probability)`, and the first delivery's
    /// P50 and P80 in days from `program.start` (absent when it does not happen often enough).
    pub scenarios: Vec<TrendScenario>,
    /// Model keys that differ from the run before (empty for the first, and when the text
    /// is the same).
    pub changes: Vec<KeyChange>,
    /// For a kept what-if: the changes it was asked for (`set`, `disable`) on that model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whatif: Option<serde_json::Value>,
}

/// One scenario of a [`TrendPoint`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendScenario {
    /// Scenario id.
    pub id: String,
    /// `(promise id, probability)`, in model order.
    pub promises: Vec<(String, f64)>,
    /// First delivery P50, days from start.
    pub p50_days: Option<f64>,
    /// First delivery P80, days from start.
    pub p80_days: Option<f64>,
    /// `program.start` of the run's model, `YYYY-MM-DD`.
    pub start: String,
}

impl History {
    /// The runs of model `model_path`, oldest first, as a trend.
    pub fn trend(&self, model_path: &str) -> Result<Vec<TrendPoint>, HistoryError> {
        let mut runs = self.list(Some(model_path))?;
        runs.reverse();
        let mut out = Vec::with_capacity(runs.len());
        // The model text of the run before, read once per change of model.
        let mut previous: Option<(String, String)> = None;
        for r in runs {
            let mut changes = Vec::new();
            if previous.as_ref().is_none_or(|(h, _)| *h != r.model_hash) {
                let text = self.model_text(&r.model_hash)?;
                if let Some((_, before)) = &previous {
                    changes = model_changes(before, &text);
                }
                previous = Some((r.model_hash.clone(), text));
            }
            out.push(TrendPoint {
                id: r.id,
                recorded_at: r.recorded_at.clone(),
                kind: r.kind.clone(),
                scenarios: r
                    .headline
                    .scenarios
                    .iter()
                    .map(|s| TrendScenario {
                        id: s.id.clone(),
                        promises: s
                            .promises
                            .iter()
                            .map(|p| (p.id.clone(), p.probability))
                            .collect(),
                        p50_days: s.first_delivery.p50_days,
                        p80_days: s.first_delivery.p80_days,
                        start: r.headline.start.clone(),
                    })
                    .collect(),
                changes,
                whatif: r.changes.clone(),
            });
        }
        Ok(out)
    }
}
