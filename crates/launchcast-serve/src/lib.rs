//! `launchcast serve`: a live what-if workspace in the browser, on this machine.
//!
//! The server holds one model (a model file, the bundled example, or a schedule file with its
//! rules), simulates it once at start, and answers:
//! - `GET /` the page: the HTML report's own sections and charts for every scenario, beside
//!   controls for the numbers a user moves; each change is simulated at once on the same seed
//!   (common random numbers) and the page shows how far each promise moved;
//! - `GET /api/result` the result as `launchcast run --json` gives it (drivers included);
//! - `POST /api/whatif` the result of the model with changes (`set`, `disable`), read and
//!   applied as a `[[scenario]]` of the model would be ([`whatif`]);
//! - `POST /api/save` the changes written into the model file, keeping its comments
//!   ([`save`]); `POST /api/reload`; `GET /api/history` and `/api/trend` (501 with `--no-history`).
//!
//! Security ([`guard`]): bound to 127.0.0.1 unless told otherwise, a random token on every
//! request, `Host` and `Origin` checked. Robustness ([`pool`]): bodies limited, iterations
//! capped, simulations on a bounded pool, a run cancelled when its client goes away.
//!
//! Modules: `state` (the model held), `api` (routes) over `whatif`, `save`, `pool`, `page`;
//! `guard` and `errors` stand alone.

mod api;
mod errors;
mod guard;
mod page;
mod pool;
mod save;
mod state;
mod trend;
mod whatif;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc;

pub use api::{BODY_LIMIT, KEPT_AS};
pub use errors::ServeError;
pub use state::{Options, Reload, Reloaded, Source};

/// A server running on its own threads: its address and token; [`Running::wait`] until it
/// ends, or [`Running::stop`] (also on drop).
pub struct Running {
    addr: SocketAddr,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServeError>>>,
}

impl Running {
    /// The address bound (the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token every request must carry.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The address to open, with the token: on 127.0.0.1 when the server listens on every
    /// address.
    pub fn url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::IpAddr::from([127, 0, 0, 1]));
        }
        format!("http://{addr}/?token={}", self.token)
    }

    /// Blocks until the server ends.
    pub fn wait(mut self) -> Result<(), ServeError> {
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(ServeError::Internal("the server thread failed".into())),
            None => Ok(()),
        }
    }

    /// Stops accepting requests.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

type Ready = Result<(SocketAddr, tokio::sync::oneshot::Sender<()>), ServeError>;

/// Binds, simulates the model once, and serves on threads of its own; returns when the
/// first result is ready and the server answers.
pub fn spawn(source: Source, options: Options) -> Result<Running, ServeError> {
    let token = guard::new_token().map_err(ServeError::Internal)?;
    let (ready_tx, ready_rx) = mpsc::channel::<Ready>();
    let door_token = token.clone();
    let thread = std::thread::Builder::new()
        .name("launchcast-serve".into())
        .spawn(move || serve(source, options, door_token, ready_tx))
        .map_err(|e| ServeError::Internal(format!("cannot start the server thread: {e}")))?;
    match ready_rx.recv() {
        Ok(Ok((addr, stop))) => Ok(Running {
            addr,
            token,
            stop: Some(stop),
            thread: Some(thread),
        }),
        Ok(Err(e)) => Err(e),
        Err(_) => match thread.join() {
            Ok(Err(e)) => Err(e),
            _ => Err(ServeError::Internal("the server did not start".into())),
        },
    }
}

fn serve(
    source: Source,
    options: Options,
    token: String,
    ready: mpsc::Sender<Ready>,
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Internal(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let wanted = SocketAddr::new(options.host, options.port);
        let started = async {
            let listener = tokio::net::TcpListener::bind(wanted)
                .await
                .map_err(|source| ServeError::Bind {
                    addr: wanted.to_string(),
                    source,
                })?;
            let addr = listener
                .local_addr()
                .map_err(|e| ServeError::Internal(e.to_string()))?;
            let pool = pool::Pool::new(options.concurrent_runs, options.threads);
            let current = state::load(&pool, source.first.clone(), &source.dir)
                .await
                .map_err(|e| ServeError::Internal(e.message.clone()))?;
            let history = match &options.history {
                Some(path) => Some(
                    launchcast_history::History::open(path)
                        .map_err(|e| ServeError::History(e.to_string()))?,
                ),
                None => None,
            };
            let door = guard::Door::new(addr, token);
            let app = Arc::new(state::App::new(
                door, source, options, pool, current, history,
            ));
            Ok::<_, ServeError>((listener, addr, app))
        };
        let (listener, addr, app) = match started.await {
            Ok(s) => s,
            Err(e) => {
                let _ = ready.send(Err(e));
                return Ok(());
            }
        };
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
        let _ = ready.send(Ok((addr, stop_tx)));
        axum::serve(listener, api::router(app))
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await
            .map_err(|e| ServeError::Internal(format!("the server stopped: {e}")))
    })
}

/// Opens `url` in the desktop's browser, quietly; nothing happens where there is none.
pub fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
