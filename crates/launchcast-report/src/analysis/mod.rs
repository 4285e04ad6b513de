//! What the outcomes say, as typed data: the summary and its exact quantiles, the
//! sensitivity of the headline to each task, the drivers in days and the scenario
//! comparisons. Nothing here formats text; the renderers read these types.

pub(crate) mod comparisons;
pub(crate) mod drivers;
pub(crate) mod quantiles;
pub(crate) mod references;
pub(crate) mod sensitivity;
pub(crate) mod series;
pub(crate) mod summary;
