//! Why a model could not be compiled or run.

/// Why a model could not be compiled or run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A scenario id (or index) the model does not have.
    #[error("unknown scenario `{0}`")]
    UnknownScenario(String),
    /// A correlation group whose matrix has no Cholesky factor.
    #[error(
        "the correlations of {0} cannot hold together (not positive definite once converted to normal scores)"
    )]
    Correlation(String),
    /// A model without tasks.
    #[error("the model has no tasks: there is nothing to simulate")]
    NoTasks,
    /// A link, risk or plant naming a task the model does not have.
    #[error("unknown task `{0}`")]
    UnknownTask(String),
    /// Links that form a cycle, through the task named.
    #[error("the tasks form a cycle through `{0}`")]
    Cycle(String),
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
