//! `merge PARTS...`: the partial results of `run --shard K/N` into the whole run's result,
//! equal byte for byte to the run made on one machine (same model, seed and iterations).
//! Parts are read one at a time (memory: one run's outcomes, whatever their number); the
//! drivers in days are run here, from the model's text the parts carry (with the files of its
//! `[[include]]`s, read beside the model's path). The merge itself is
//! the report's ([`MergeParts`]), shared with the Python package.

use launchcast_report::{MergeParts, MergeRefused};

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

    let mut parts = MergeParts::new();
    for path in &args.parts {
        let name = path.display().to_string();
        let bytes = launchcast_model::read_input(path)
            .map_err(|e| CliError::input(format!("{name}: {}", e.message), &e.help))?;
        parts.add(&name, &bytes).map_err(refused)?;
    }
    let merged = parts
        .finish(|h| launchcast_import::valid_model_at(&h.model_text, &h.model_path))
        .map_err(refused)?;
    let summary = merged.summary(args.drivers, args.threads)?;
    let (model, outcomes, header) = (&merged.model, &merged.outcomes, &merged.header);
    super::run::write_result(
        model,
        &summary,
        outcomes,
        args.json.as_ref(),
        args.html.as_deref(),
        args.csv.as_deref(),
    )?;
    if !args.quiet && !matches!(args.json, Some(JsonTo::Stdout)) {
        let mut text =
            launchcast_report::render_terminal(&summary, model, super::run::terminal_width());
        text.push_str(&format!(
            "\nmerged from {} of {}\n",
            launchcast_report::format::count(header.shards, "part"),
            header.model_path
        ));
        out(&text)?;
    }
    Ok(())
}

/// A refused set of parts, exit 2, with the part's name.
fn refused(e: MergeRefused) -> CliError {
    match e {
        MergeRefused::Parts { message, help, .. } => CliError::input(message, help),
        MergeRefused::Model(e) => e.into(),
    }
}
