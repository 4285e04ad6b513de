//! Why a run could not be made (a valid model always compiles).

/// Why a run could not be made: the machine's limits, never the model's content.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// More iterations than this machine can address.
    #[error("{0} iterations do not fit in memory on this machine")]
    TooManyIterations(u64),
    /// The worker threads could not be started.
    #[error("failed to start {threads} worker threads: {message}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// The system's reason.
        message: String,
    },
}
