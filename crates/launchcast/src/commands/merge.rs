//! `merge PARTS...`: the partial results of `run --shard K/N` into the whole run's result,
//! equal byte for byte to the run made on one machine (same model, seed and iterations).
//! Parts are read one at a time (memory: one run's outcomes, whatever their number); the
//! drivers in days are run here, from the model's text the parts carry.

use launchcast_engine::{Merge as Parts, Part, Plan, RunOptions};
use launchcast_model::ReadModel;
use launchcast_report::{PartialHeader, read_partial};

use crate::args::{JsonTo, Merge};
use crate::errors::CliError;
use crate::output::{Target, check_distinct, check_output_dir, check_output_file, out};

pub(super) fn merge(args: Merge) -> Result<(), CliError> {
    if let Some(path) = &args.html {
        check_output_file(path, "report.html")?;
    }
    if let Some(path) = args.json_file() {
        check_output_file(path, "result.json")?;
    }
    if let Some(dir) = &args.csv {
        check_output_dir(dir)?;
    }
    let inputs: Vec<(String, std::path::PathBuf)> = args
        .parts
        .iter()
        .map(|p| ("a part".to_string(), p.clone()))
        .collect();
    let mut outputs = Vec::new();
    if let Some(j) = args.json_file() {
        outputs.push(("--json".to_string(), Target::File(j.to_path_buf())));
    }
    if let Some(h) = &args.html {
        outputs.push(("--html".to_string(), Target::File(h.clone())));
    }
    if let Some(d) = &args.csv {
        outputs.push(("--csv".to_string(), Target::CsvDir(d.clone())));
    }
    check_distinct(&inputs, &outputs)?;

    let mut first: Option<(PartialHeader, std::path::PathBuf)> = None;
    let mut parts: Option<Parts> = None;
    for path in &args.parts {
        let bad = |message: String, help: &str| {
            CliError::input(format!("{}: {message}", path.display()), help)
        };
        let bytes =
            launchcast_model::read_input(path).map_err(|e| bad(e.message.clone(), &e.help))?;
        let (h, outcomes) = read_partial(&bytes).map_err(|e| {
            bad(
                e.to_string(),
                "make the part again with launchcast run MODEL --shard K/N --partial PATH",
            )
        })?;
        if let Some((f, fpath)) = &first {
            let differs = [
                (f.model_hash != h.model_hash, "another model"),
                (f.seed != h.seed, "another seed"),
                (f.iterations != h.iterations, "another number of iterations"),
                (f.shards != h.shards, "another number of parts"),
                (f.scenarios != h.scenarios, "other scenarios"),
            ];
            if let Some((_, what)) = differs.iter().find(|(d, _)| *d) {
                return Err(bad(
                    format!(
                        "part {} of {} is of {what} than {} (part {} of {})",
                        h.shard,
                        h.shards,
                        fpath.display(),
                        f.shard,
                        f.shards
                    ),
                    "merge the parts of one run: same model, seed, iterations, --scenario and N",
                ));
            }
        }
        let part = Part::new(h.shard.saturating_sub(1), h.shards).ok_or_else(|| {
            bad(
                format!("part {} of {} does not exist", h.shard, h.shards),
                "",
            )
        })?;
        let merge = parts.get_or_insert_with(|| Parts::new(h.iterations, h.shards));
        merge
            .add(part, outcomes)
            .map_err(|e| bad(e.to_string(), "give every part of the run once"))?;
        if first.is_none() {
            first = Some((h, path.clone()));
        }
    }
    let (Some((header, _)), Some(parts)) = (first, parts) else {
        return Err(CliError::input(
            "no parts to merge",
            "launchcast merge PART...",
        ));
    };
    let outcomes = parts.finish().map_err(|e| {
        CliError::input(
            e.to_string(),
            "make the missing parts with launchcast run MODEL --shard K/N --partial PATH",
        )
    })?;

    let model = launchcast_import::LoadedModel::Read(ReadModel::parse(
        &header.model_text,
        &header.model_path,
    )?)
    .valid()?;
    let selection = model
        .select(&header.scenarios)
        .map_err(|e| CliError::input(e.to_string(), e.help()))?;
    let plan = Plan::compile_selected(&model, &selection);
    let (mut summary, ranks) =
        launchcast_report::summarize_ranked(&model, plan.scenarios(), &outcomes);
    if args.drivers {
        let candidates =
            launchcast_report::driver_candidates_ranked(&model, &selection, &outcomes, &ranks);
        launchcast_report::add_drivers(
            &mut summary,
            &model,
            &selection,
            &candidates,
            &RunOptions {
                iterations: header.iterations,
                seed: header.seed,
                threads: args.threads,
                progress: None,
                statistics: false,
            },
        )?;
    }
    super::run::write_result(
        &model,
        &summary,
        &outcomes,
        args.json.as_ref(),
        args.html.as_deref(),
        args.csv.as_deref(),
    )?;
    if !args.quiet && !matches!(args.json, Some(JsonTo::Stdout)) {
        let mut text =
            launchcast_report::render_terminal(&summary, &model, super::run::terminal_width());
        text.push_str(&format!(
            "\nmerged from {} of {}\n",
            launchcast_report::format::count(header.shards, "part"),
            header.model_path
        ));
        out(&text)?;
    }
    Ok(())
}
