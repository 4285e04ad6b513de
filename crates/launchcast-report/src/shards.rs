//! A run in parts, the steps every front end shares: the header a part carries
//! ([`PartialHeader::of_run`]) and the merge of parts given as bytes ([`MergeParts`]) into the
//! model, scenarios and outcomes of the whole run, then its summary with the drivers in days
//! ([`Merged::summary`]). The command line (`run --shard`, `merge`) and the Python package
//! (`run_shard`, `merge`) both go through these, so their parts are the same bytes and their
//! merges refuse the same sets of parts with the same words.

use launchcast_engine::{EngineError, Merge, Outcomes, Part, Plan, RunOptions};
use launchcast_model::{InvalidModel, Selection, ValidModel};

use crate::partial::{PARTIAL_FORMAT, PartialHeader, read_partial, text_hash};
use crate::{Summary, summarize_with_drivers};

impl PartialHeader {
    /// The header of part `part` of a run of `model` with `run`'s seed and iterations:
    /// `model_path` names the model (and its `[[include]]`s are read beside it by the merge);
    /// `own_text` is the model file's own text ([`PartialHeader::model_text`]).
    pub fn of_run(
        model: &ValidModel,
        model_path: String,
        own_text: Option<String>,
        run: &RunOptions,
        part: Part,
        scenarios: Vec<String>,
    ) -> PartialHeader {
        let model_text = PartialHeader::model_text(model, own_text);
        PartialHeader {
            format: PARTIAL_FORMAT,
            launchcast: env!("CARGO_PKG_VERSION").to_string(),
            model_path,
            model_hash: text_hash(&model_text),
            model_text,
            seed: run.seed,
            iterations: run.iterations,
            shard: part.index() + 1,
            shards: part.count(),
            scenarios,
        }
    }
}

impl PartialHeader {
    /// The model's text a part carries: `own_text`, the model file as written, when there is
    /// one (a model with `[[include]]`s keeps them as written: the merge reads their files
    /// again, beside the model's path); otherwise (a schedule, a model built in code) the
    /// model as read, written as TOML.
    pub fn model_text(model: &ValidModel, own_text: Option<String>) -> String {
        own_text.unwrap_or_else(|| launchcast_model::to_toml(model))
    }
}

/// Why a set of parts does not make a run.
#[derive(Debug, thiserror::Error)]
pub enum MergeRefused {
    /// A part that is broken or does not belong with the others, a part missing, or no
    /// parts at all: `part` names the part (empty when the problem is not one part's).
    #[error("{message}")]
    Parts {
        /// The part's name, as given to [`MergeParts::add`].
        part: String,
        /// What is wrong, starting with the part's name.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// The model the parts carry cannot be read (a part written by another version).
    #[error(transparent)]
    Model(#[from] InvalidModel),
}

impl MergeRefused {
    fn part(name: &str, message: impl std::fmt::Display, help: &str) -> MergeRefused {
        MergeRefused::Parts {
            part: name.to_string(),
            message: format!("{name}: {message}"),
            help: help.to_string(),
        }
    }
}

/// Parts added one at a time (memory: one run's outcomes, whatever their number).
#[derive(Default)]
pub struct MergeParts {
    first: Option<(PartialHeader, String)>,
    merge: Option<Merge>,
}

/// The whole run the parts make.
pub struct Merged {
    /// The first part's header (every part's agrees with it).
    pub header: PartialHeader,
    /// The model, read from the text the parts carry.
    pub model: ValidModel,
    /// The scenarios run.
    pub selection: Selection,
    /// The outcomes of the whole run, equal to one run's.
    pub outcomes: Outcomes,
}

const REMAKE: &str = "make the part again with launchcast run MODEL --shard K/N --partial PATH";

impl MergeParts {
    /// No parts yet.
    pub fn new() -> MergeParts {
        MergeParts::default()
    }

    /// Adds the partial result `bytes`, named `name` in messages (its path, or its place
    /// in a list).
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), MergeRefused> {
        let (h, outcomes) = read_partial(bytes).map_err(|e| MergeRefused::part(name, e, REMAKE))?;
        if let Some((f, first)) = &self.first {
            let differs = [
                (f.model_hash != h.model_hash, "another model"),
                (f.seed != h.seed, "another seed"),
                (f.iterations != h.iterations, "another number of iterations"),
                (f.shards != h.shards, "another number of parts"),
                (f.scenarios != h.scenarios, "other scenarios"),
            ];
            if let Some((_, what)) = differs.iter().find(|(d, _)| *d) {
                return Err(MergeRefused::part(
                    name,
                    format_args!(
                        "part {} of {} is of {what} than {first} (part {} of {})",
                        h.shard, h.shards, f.shard, f.shards
                    ),
                    "merge the parts of one run: same model, seed, iterations, --scenario and N",
                ));
            }
        }
        let part = Part::new(h.shard.saturating_sub(1), h.shards).ok_or_else(|| {
            MergeRefused::part(
                name,
                format_args!("part {} of {} does not exist", h.shard, h.shards),
                "",
            )
        })?;
        let merge = self
            .merge
            .get_or_insert_with(|| Merge::new(h.iterations, h.shards));
        merge
            .add(part, outcomes)
            .map_err(|e| MergeRefused::part(name, e, "give every part of the run once"))?;
        if self.first.is_none() {
            self.first = Some((h, name.to_string()));
        }
        Ok(())
    }

    /// The whole run, once every part is in; its model read by `read` from the header the
    /// parts share: the model's text, and its path, beside which the files of its
    /// `[[include]]`s are read again where the parts are merged.
    pub fn finish(
        self,
        read: impl FnOnce(&PartialHeader) -> Result<ValidModel, InvalidModel>,
    ) -> Result<Merged, MergeRefused> {
        let (Some((header, _)), Some(merge)) = (self.first, self.merge) else {
            return Err(MergeRefused::Parts {
                part: String::new(),
                message: "no parts to merge".to_string(),
                help: "launchcast merge PART...".to_string(),
            });
        };
        let outcomes = merge.finish().map_err(|e| MergeRefused::Parts {
            part: String::new(),
            message: e.to_string(),
            help: "make the missing parts with launchcast run MODEL --shard K/N --partial PATH"
                .to_string(),
        })?;
        let model = read(&header)?;
        let selection = model
            .select(&header.scenarios)
            .map_err(|e| MergeRefused::Parts {
                part: String::new(),
                message: e.to_string(),
                help: e.help(),
            })?;
        Ok(Merged {
            header,
            model,
            selection,
            outcomes,
        })
    }
}

impl Merged {
    /// The summary of the whole run, as the run made on one machine has it: with `drivers`,
    /// the drivers in days, run here on `threads` threads (0: one per core) with the parts'
    /// seed and iterations.
    pub fn summary(&self, drivers: bool, threads: usize) -> Result<Summary, EngineError> {
        let plan = Plan::compile_selected(&self.model, &self.selection);
        let run = RunOptions {
            iterations: self.header.iterations,
            seed: self.header.seed,
            threads,
            progress: None,
            statistics: false,
        };
        summarize_with_drivers(
            &self.model,
            &self.selection,
            plan.scenarios(),
            &self.outcomes,
            drivers.then_some(&run),
        )
    }
}
