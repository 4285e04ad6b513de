//! Reading another TOML file of launchcast (an uncertainty rules file) the way a model file
//! is read: typed accessors that keep spans, report every problem into a [`Cx`] and carry
//! on, unknown keys with the nearest known one suggested, wrong types and syntax errors
//! worded as for a model. [`Cx::into_error`] gives the problems as a [`crate::ModelError`],
//! each a [`crate::Problem`] with its line, column and help.
//!
//! ```
//! use launchcast_model::Quantity;
//! use launchcast_model::toml_reader::{Cx, Tab, dist, document, tables};
//!
//! let src = "[[step]]\nlength = \"2w\"\nlenght = 1\n";
//! let doc = document(src, "steps.toml")?;
//! let mut cx = Cx::new(src);
//! let top = Tab::top(&doc);
//! top.check_keys(&mut cx, &["step"]);
//! for step in tables(&mut cx, &top, "step") {
//!     step.check_keys(&mut cx, &["length"]);
//!     if let Some(v) = step.get("length") {
//!         dist(&mut cx, v, &step.sub("length"), Quantity::Duration);
//!     }
//! }
//! let e = cx.into_error("steps.toml");
//! let p = &e.problems()[0];
//! assert_eq!((p.line, p.column), (3, 1));
//! assert_eq!(p.message, "unknown key `lenght` in `step[0]`");
//! assert!(p.help.as_deref().is_some_and(|h| h.contains("did you mean `length`")));
//! # Ok::<(), launchcast_model::ModelError>(())
//! ```

pub use crate::raw::{
    Cx, Span, Tab, Val, boolean, dist, document, number, string, strings, table, tables,
};
