//! The outputs: terminal tables, the JSON result, CSV tables and the HTML report with its
//! SVG charts. Renderers only read the [`crate::Summary`] (and, for the charts, the
//! engine's outcomes); they compute nothing the analysis could share.

pub(crate) mod csv;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod svg;
pub(crate) mod terminal;
