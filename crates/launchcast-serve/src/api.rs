//! The routes: the page, the JSON API and its answers. Every route sits behind the door
//! ([`crate::guard`]) and a body limit; nothing here takes a path from a request: the only
//! file read or written is the model file the server was started with.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use launchcast_history::{History, NewRun};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::pool::{Job, Made};
use crate::state::{App, Current, load};
use crate::whatif::{WhatIf, changed_model};

/// The header of a what-if answer that names the history run it was kept as.
pub const KEPT_AS: &str = "x-launchcast-run";

/// Largest request body: a what-if or a save is a few hundred bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Every route, behind the door.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/result", get(result))
        .route("/api/whatif", post(whatif))
        .route("/api/whatif/page", post(whatif_page))
        .route("/api/save", post(save))
        .route("/api/reload", post(reload))
        .route("/api/history", get(history))
        .route("/api/trend", get(trend_json))
        .route("/trend", get(trend_page))
        .route("/api/status", get(status))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad(format!("the request body is not what was expected: {e}")).help(
            "send JSON such as {\"set\": {\"own_licence.chance\": 0.9}, \"disable\": [\"baic_talks\"], \"iterations\": 100000}",
        )
    })
}

async fn page(State(app): State<Arc<App>>, request: Request) -> Response {
    let current = app.current();
    let html = crate::page::render(&app, &current);
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            // Its own script and style only, requests to this server only, never in a frame,
            // and no address (with its token) sent on as a referrer.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                 img-src data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
                 form-action 'none'",
            ),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response();
    // Loaded with the token in the address: later requests of the page carry the cookie.
    if request.uri().query().is_some_and(|q| q.contains("token="))
        && let Ok(v) = app.door.set_cookie().parse()
    {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

async fn result(State(app): State<Arc<App>>) -> Response {
    json(StatusCode::OK, app.current().made.json.clone())
}

/// Reads, checks and runs a what-if.
async fn run_whatif(app: &App, body: &[u8], render: bool) -> Result<(Made, Option<i64>), ApiError> {
    let w: WhatIf = parse(body)?;
    if w.keep && app.history.is_none() {
        return Err(history_missing().key("keep"));
    }
    let current = app.current();
    let model = changed_model(&current, &w, &app.source.dir)?;
    let selection = model
        .select(&w.scenarios)
        .map_err(|e| ApiError::bad(e.to_string()).help(e.help()).key("scenarios"))?;
    let limit = app.options.max_iterations;
    let iterations = match w.iterations {
        None => model.program.iterations.min(limit),
        Some(n) if (1..=limit).contains(&n) => n,
        Some(n) => {
            return Err(ApiError::bad(format!(
                "{n} iterations: this server runs from 1 to {limit} iterations per what-if"
            ))
            .help("ask for fewer, or start the server with a larger --max-iterations")
            .key("iterations"));
        }
    };
    let seed = w.seed.unwrap_or(model.program.seed);
    let made = app
        .pool
        .run(Job {
            model,
            selection,
            iterations,
            seed,
            drivers: w.drivers,
            render,
            keep: w.keep,
        })
        .await?;
    let kept = match &made.headline {
        Some((headline, scenarios)) => {
            let changes =
                serde_json::json!({"set": w.set, "disable": w.disable, "enable": w.enable});
            Some(
                keep(
                    app, &current, headline, scenarios, &changes, seed, iterations,
                )
                .await?,
            )
        }
        None => None,
    };
    Ok((made, kept))
}

/// Records a kept what-if in the history: the model as loaded, and the changes beside it.
async fn keep(
    app: &App,
    current: &Current,
    headline: &launchcast_history::Headline,
    scenarios: &[String],
    changes: &Value,
    seed: u64,
    iterations: u64,
) -> Result<i64, ApiError> {
    let text = current
        .text
        .clone()
        .unwrap_or_else(|| current.settings_doc.clone());
    let run = NewRun {
        kind: "whatif",
        model_path: &app.source.history_name,
        model_text: &text,
        seed,
        iterations,
        scenarios,
        changes: Some(changes),
        headline,
    };
    // A short write: the lock is held for one transaction.
    with_history(app, |db| {
        db.record(&run)
            .map_err(|e| ApiError::internal(format!("the what-if ran but was not recorded: {e}")))
    })
}

/// `f` of the open history database (501 without one), held for its duration.
fn with_history<T>(
    app: &App,
    f: impl FnOnce(&mut History) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let Some(history) = &app.history else {
        return Err(history_missing());
    };
    let mut db = history
        .lock()
        .map_err(|_| ApiError::internal("the history database is unusable after a fault"))?;
    f(&mut db)
}

async fn whatif(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, ApiError> {
    let (made, kept) = run_whatif(&app, &body, false).await?;
    let timing = made.timing.parse().ok();
    let mut response = json(StatusCode::OK, made.json);
    if let Some(t) = timing {
        response.headers_mut().insert("server-timing", t);
    }
    if let Some(id) = kept {
        response.headers_mut().insert(KEPT_AS, id.into());
    }
    Ok(response)
}

/// A what-if for the page: the result and the report's sections to show.
async fn whatif_page(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, ApiError> {
    let (made, _) = run_whatif(&app, &body, true).await?;
    let mut response = page_answer(&made);
    if let Ok(t) = made.timing.parse() {
        response.headers_mut().insert("server-timing", t);
    }
    Ok(response)
}

fn page_answer(made: &Made) -> Response {
    let html = Value::String(made.html.clone().unwrap_or_default());
    json(
        StatusCode::OK,
        format!("{{\"result\":{},\"html\":{html}}}", made.json.trim_end()),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveBody {
    #[serde(default)]
    set: Map<String, Value>,
    /// Items to switch off in the file (`disabled = true`).
    #[serde(default)]
    disable: Vec<String>,
    /// Items switched off in the file to switch on (the key removed).
    #[serde(default)]
    enable: Vec<String>,
}

async fn save(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, ApiError> {
    let body: SaveBody = parse(&body)?;
    let Some(file) = app.source.file.clone() else {
        return Err(ApiError::bad(format!(
            "{} is not a model file this server can write",
            app.source.label
        ))
        .help("start `launchcast serve MODEL.toml` on a model file to save changes to it"));
    };
    let _one_at_a_time = app.writing.lock().await;
    let current = app.current();
    let Some(loaded) = current.text.as_deref() else {
        return Err(ApiError::bad("the model was not read from a model file"));
    };
    // The changes are checked as a what-if first: a bad value is never written.
    changed_model(
        &current,
        &WhatIf {
            set: body.set.clone(),
            disable: body.disable.clone(),
            enable: body.enable.clone(),
            ..WhatIf::default()
        },
        &app.source.dir,
    )?;
    let disk = launchcast_model::read_model_text(&file)
        .map_err(|e| ApiError::new(StatusCode::CONFLICT, e.plain()))?;
    if disk != loaded {
        let mut e = ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "{} changed on disk since it was loaded: nothing was written",
                file.display()
            ),
        )
        .help("reload it (POST /api/reload) and make the changes again");
        e.diff = Some(crate::save::diff(loaded, &disk));
        return Err(e);
    }
    let text = crate::save::edit_with_switches(loaded, &body.set, &body.disable, &body.enable)?;
    launchcast_model::ReadModel::parse(&text, &app.source.label)
        .map_err(|e| ApiError::from_model(&e))?;
    launchcast_report::write_atomic(&file, text.as_bytes())
        .map_err(|e| ApiError::internal(format!("{}: cannot write: {e}", file.display())))?;
    let fresh = reread(&app).await?;
    let answer = format!(
        "{{\"saved\":{},\"result\":{}}}",
        Value::String(file.display().to_string()),
        fresh.made.json.trim_end()
    );
    app.replace(fresh);
    Ok(json(StatusCode::OK, answer))
}

/// The model read again from its source, with its result.
async fn reread(app: &App) -> Result<crate::state::Current, ApiError> {
    let reload = app.source.reload.clone();
    let read = tokio::task::spawn_blocking(move || reload())
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|message| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message))?;
    load(&app.pool, read, &app.source.dir).await
}

async fn reload(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let _one_at_a_time = app.writing.lock().await;
    let fresh = reread(&app).await?;
    let answer = fresh.made.json.clone();
    app.replace(fresh);
    Ok(json(StatusCode::OK, answer))
}

fn history_missing() -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "history not available: this server records no history",
    )
    .help("start it with --history DB, or without --no-history (LAUNCHCAST_HISTORY=off)")
}

/// The model's recorded runs, newest first, with their headline results.
async fn history(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let runs = with_history(&app, |db| {
        db.list(Some(&app.source.history_name))
            .map_err(|e| ApiError::internal(e.to_string()))
    })?;
    let text =
        serde_json::to_string_pretty(&runs).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json(StatusCode::OK, text))
}

/// The model's recorded runs oldest first, with the keys changed between them.
fn trend_points(app: &App) -> Result<Vec<launchcast_history::TrendPoint>, ApiError> {
    with_history(app, |db| {
        db.trend(&app.source.history_name)
            .map_err(|e| ApiError::internal(e.to_string()))
    })
}

async fn trend_json(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let points = trend_points(&app)?;
    let text =
        serde_json::to_string_pretty(&points).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json(StatusCode::OK, text))
}

async fn trend_page(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let points = trend_points(&app)?;
    let html = crate::trend::render(&app.source.label, &points);
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response())
}

async fn status(State(app): State<Arc<App>>) -> Response {
    let c = &app.pool.counts;
    let n = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
    json(
        StatusCode::OK,
        serde_json::json!({
            "waiting": n(&c.waiting),
            "running": n(&c.running),
            "finished": n(&c.finished),
            "cancelled": n(&c.cancelled),
        })
        .to_string(),
    )
}

/// The middleware in front of every route.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    match app.door.check(request.headers(), request.uri().query()) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}
