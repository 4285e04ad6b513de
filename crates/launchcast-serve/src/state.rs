//! What the server holds: the model it was started with ([`Source`]: where it came from, how
//! to read it again, the one file it may write), the model as loaded now with its result
//! ([`Current`], replaced whole by a reload or a save), and the shared parts of the app.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use launchcast_history::History;
use launchcast_import::LoadedModel;
use launchcast_model::{ModelError, ReadModel, ValidModel, Written};

use crate::errors::ApiError;
use crate::guard::Door;
use crate::pool::{Job, Made, Pool};

/// A model read again: the valid model and, for a model file, its text as read.
pub type Reloaded = (ValidModel, Option<String>);

/// Reads the model again (a reload, or after a save); the message says why it could not.
pub type Reload = Arc<dyn Fn() -> Result<Reloaded, String> + Send + Sync>;

/// The model the server serves: its name for people, the model file it may write (a TOML
/// model file; none for the bundled example or a schedule file), the model as first read,
/// and how to read it again.
pub struct Source {
    pub(crate) label: String,
    /// The model's name in the history: its canonical path, or `example`.
    pub(crate) history_name: String,
    pub(crate) file: Option<PathBuf>,
    /// Where the model's shared reference files are found: its file's directory.
    pub(crate) dir: PathBuf,
    pub(crate) first: Reloaded,
    pub(crate) reload: Reload,
}

impl Source {
    /// A model file (TOML), its `[[include]]`s merged; edits are saved back to it.
    pub fn model_file(path: &Path) -> Result<Source, String> {
        let owned = path.to_path_buf();
        let reload: Reload = Arc::new(move || read_model_file(&owned));
        Ok(Source {
            label: path.display().to_string(),
            history_name: launchcast_history::model_name(Some(path)),
            file: Some(path.to_path_buf()),
            dir: parent(path),
            first: reload()?,
            reload,
        })
    }

    /// A model given as text (the bundled example): served, never saved.
    pub fn text(name: &str, text: &'static str) -> Result<Source, String> {
        let dir = parent(Path::new(name));
        let name = name.to_string();
        let label = name.clone();
        let reload: Reload = Arc::new(move || {
            let model = ValidModel::parse(text, &name).map_err(|e| invalid_text(&e))?;
            Ok((model, Some(text.to_string())))
        });
        Ok(Source {
            label,
            history_name: launchcast_history::model_name(None),
            file: None,
            dir,
            first: reload()?,
            reload,
        })
    }

    /// Any other model (a schedule file with its rules): read by `reload`, never saved.
    pub fn built(label: &str, first: ValidModel, reload: Reload) -> Source {
        Source {
            label: label.to_string(),
            history_name: launchcast_history::model_name(Some(Path::new(label))),
            file: None,
            dir: parent(Path::new(label)),
            first: (first, None),
            reload,
        }
    }

    /// The name printed in the first line.
    pub fn label(&self) -> &str {
        &self.label
    }
}

fn parent(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn invalid_text(e: &launchcast_model::InvalidModel) -> String {
    match e {
        launchcast_model::InvalidModel::Problems(m) => m.plain(),
        other => other.to_string(),
    }
}

/// A model file as `launchcast run` reads it, with its text.
fn read_model_file(path: &Path) -> Result<Reloaded, String> {
    let text = launchcast_model::read_model_text(path).map_err(|e: ModelError| e.plain())?;
    let (model, _, _) =
        launchcast_import::read_model_file(path, false).map_err(|e: ModelError| e.plain())?;
    let model: LoadedModel = model;
    let valid = model.valid().map_err(|e| invalid_text(&e))?;
    Ok((valid, Some(text)))
}

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Address to listen on (127.0.0.1 unless `--host`).
    pub host: IpAddr,
    /// Port; 0: any free port.
    pub port: u16,
    /// Most iterations one what-if may ask for.
    pub max_iterations: u64,
    /// Most simulations at once; the others wait.
    pub concurrent_runs: usize,
    /// Worker threads of one simulation (0: one per core).
    pub threads: usize,
    /// The history database kept what-ifs are recorded in and `/api/history` lists; `None`:
    /// both answer 501.
    pub history: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            max_iterations: 1_000_000,
            concurrent_runs: 2,
            threads: 0,
            history: None,
        }
    }
}

/// The model as loaded now, and its result.
pub(crate) struct Current {
    pub(crate) model: ValidModel,
    /// The model file's text as read (what a save edits and compares with the disk).
    pub(crate) text: Option<String>,
    /// The text what-if changes are read against, as a `[[scenario]]` added to it.
    pub(crate) settings_doc: String,
    /// `run --json` of the model as loaded, drivers included.
    pub(crate) made: Made,
    /// The distributions as the file writes them (`ref(licences)`, `tri(2w, 1mo, 2mo)`),
    /// for the controls; empty for a model not read whole from one file.
    pub(crate) written: Written,
}

/// Everything the routes share.
pub(crate) struct App {
    pub(crate) door: Door,
    pub(crate) source: Source,
    pub(crate) options: Options,
    pub(crate) pool: Pool,
    current: RwLock<Arc<Current>>,
    /// One save or reload at a time.
    pub(crate) writing: tokio::sync::Mutex<()>,
    /// The history database, if any.
    pub(crate) history: Option<std::sync::Mutex<History>>,
}

impl App {
    pub(crate) fn new(
        door: Door,
        source: Source,
        options: Options,
        pool: Pool,
        current: Current,
        history: Option<History>,
    ) -> App {
        App {
            history: history.map(std::sync::Mutex::new),
            door,
            pool,
            source,
            options,
            current: RwLock::new(Arc::new(current)),
            writing: tokio::sync::Mutex::new(()),
        }
    }

    pub(crate) fn current(&self) -> Arc<Current> {
        match self.current.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn replace(&self, new: Current) {
        let mut slot = match self.current.write() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        *slot = Arc::new(new);
    }
}

/// The model's first result and the text its what-ifs are read against.
pub(crate) async fn load(
    pool: &Pool,
    (model, text): Reloaded,
    dir: &Path,
) -> Result<Current, ApiError> {
    let settings_doc = match &text {
        Some(t) if model.includes.is_empty() => t.clone(),
        _ => launchcast_model::to_toml(&model),
    };
    let written = match &text {
        Some(t) if model.includes.is_empty() => ReadModel::parse_in_dir(t, "model", dir, true)
            .map(|(_, _, w)| w)
            .unwrap_or_default(),
        _ => Written::default(),
    };
    let made = pool
        .run(Job {
            selection: model.all_scenarios(),
            iterations: model.program.iterations,
            seed: model.program.seed,
            model: model.clone(),
            drivers: true,
            render: true,
            keep: false,
        })
        .await?;
    Ok(Current {
        model,
        text,
        settings_doc,
        made,
        written,
    })
}
