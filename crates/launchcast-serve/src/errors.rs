//! Every error of the workspace: why the server could not start ([`ServeError`]), and why one
//! request was refused ([`ApiError`], a status and a JSON body naming the key at fault).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use launchcast_model::{InvalidModel, ModelError};

/// Why `serve` could not start or stopped.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    #[diagnostic(help("choose another port with --port N, or --port 0 for any free port"))]
    Bind {
        /// The address asked for.
        addr: String,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The history database could not be opened.
    #[error("{0}")]
    #[diagnostic(help(
        "choose a writable place with --history DB, or serve without one with --no-history"
    ))]
    History(String),
    /// The server stopped with an error, or the first result could not be made.
    #[error("{0}")]
    Internal(String),
}

/// One refused request (boxed: it travels in every `Result` of the routes).
#[derive(Debug)]
pub(crate) struct ApiError(Box<Refusal>);

impl std::ops::Deref for ApiError {
    type Target = Refusal;

    fn deref(&self) -> &Refusal {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut Refusal {
        &mut self.0
    }
}

/// The status, a message and, for a bad change, the key it names.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    /// The change at fault as the request named it (`own_licence.chance`, or a disabled id).
    pub(crate) key: Option<String>,
    /// Where in the model, as the command line says it (`set."own_licence.chance"`).
    pub(crate) key_path: Option<String>,
    /// For a conflict: the file on disk against the model as loaded.
    pub(crate) diff: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError(Box::new(Refusal {
            status,
            message: message.into(),
            help: None,
            key: None,
            key_path: None,
            diff: None,
        }))
    }

    pub(crate) fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> ApiError {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn key(mut self, key: impl Into<String>) -> ApiError {
        self.key = Some(key.into());
        self
    }

    /// The first problem of a model error, as a 400.
    pub(crate) fn from_model(e: &ModelError) -> ApiError {
        match e.problems().first() {
            Some(p) => {
                let mut a = ApiError::bad(p.message.clone());
                a.key_path = (!p.key_path.is_empty()).then(|| p.key_path.clone());
                a.help = p.help.clone();
                a
            }
            None => ApiError::bad(e.plain()),
        }
    }

    pub(crate) fn from_invalid(e: &InvalidModel) -> ApiError {
        match e {
            InvalidModel::Problems(m) => ApiError::from_model(m),
            other => {
                let mut a = ApiError::bad(other.to_string());
                a.help = other.help().map(str::to_string);
                a
            }
        }
    }

    pub(crate) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let Refusal {
            status,
            message,
            help,
            key,
            key_path,
            diff,
        } = *self.0;
        let mut body = serde_json::json!({ "error": message });
        for (name, value) in [
            ("help", help),
            ("key", key),
            ("key_path", key_path),
            ("diff", diff),
        ] {
            if let Some(v) = value {
                body[name] = serde_json::Value::String(v);
            }
        }
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}
