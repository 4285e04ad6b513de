//! What the history keeps of a result: per scenario, the promises' probabilities, the first
//! delivery's probability and quantiles, and deliveries and spend per year, in the types and
//! units of the `run --json` result (so a recorded headline reads like that result's).

use launchcast_report::{FirstDelivery, PromiseSummary, Summary, YearSummary};
use serde::{Deserialize, Serialize};

/// The headline results of one run, every scenario run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    /// `program.start`: every `*_days` counts from it.
    pub start: String,
    /// Label of every money amount.
    pub currency: String,
    /// In the order run (`base` first).
    pub scenarios: Vec<ScenarioHeadline>,
}

/// One scenario's headline results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioHeadline {
    /// Scenario id.
    pub id: String,
    /// The first delivery (or the finish, in a model without plants).
    pub first_delivery: FirstDelivery,
    /// Each promise's probability, in model order.
    pub promises: Vec<PromiseSummary>,
    /// Cars delivered per calendar year.
    pub deliveries_by_year: Vec<YearSummary>,
    /// Money spent per calendar year.
    pub spend_by_year: Vec<YearSummary>,
}

impl Headline {
    /// The headline of a result.
    pub fn of(summary: &Summary) -> Headline {
        Headline {
            start: summary.start.clone(),
            currency: summary.currency.clone(),
            scenarios: summary
                .scenarios
                .iter()
                .map(|s| ScenarioHeadline {
                    id: s.id.clone(),
                    first_delivery: s.first_delivery.clone(),
                    promises: s.promises.clone(),
                    deliveries_by_year: s.deliveries_by_year.clone(),
                    spend_by_year: s.spend_by_year.clone(),
                })
                .collect(),
        }
    }

    /// The scenario `id`, if it was run.
    pub fn scenario(&self, id: &str) -> Option<&ScenarioHeadline> {
        self.scenarios.iter().find(|s| s.id == id)
    }
}
