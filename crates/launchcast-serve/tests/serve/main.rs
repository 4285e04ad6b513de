//! `launchcast serve` over real HTTP: a server on a free port per test, over a copy of a small
//! model with comments (`launch.toml`). The door (token, `Host`, `Origin`, body limit), the
//! what-if equal to `launchcast run` on the same changes written into the file, bad changes
//! named by key, saving that keeps the file's comments, conflicts with the disk, cancelled
//! runs; and the page driven in headless Chromium (`browser`).

mod api;
mod browser;
mod door;
mod support;
