//! Statistics, JSON, CSV, terminal, HTML and file output of launchcast-report, on hand-built
//! outcomes and on short runs of the engine. One test binary; a module per subject.

mod atomic_write;
mod backtest;
mod calibration;
mod comparisons;
mod csv;
mod csv_records;
mod drivers;
mod drivers_reruns;
mod fixtures;
mod hostile_names;
mod html_figures;
mod html_markup;
mod parts;
mod quantiles;
mod sensitivity;
mod summary;
mod terminal;
