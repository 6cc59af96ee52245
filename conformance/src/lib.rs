//! Brasa's conformance vectors, the runner that checks an implementation against them, and
//! its reports (JSON and JUnit XML).
//!
//! Vectors live under `conformance/vectors/<suite>/` as language-neutral JSON files described
//! by `spec/schemas/vector.schema.json`; one file is one vector. Suites:
//! * `render-batch`: bytes that a strict render-batch reader accepts (with their canonical JSON
//!   form) or rejects (with the error kind and requirement), `spec/render-batch.md`.
//! * `semantics`: batches in order with the document and event handlers after each, or the
//!   error a strict client reports, `spec/edits.md`.
//! * `hub`: framed hub messages in both protocols (slugs `msgpack-…`, `json-…`), with their
//!   readable forms or the error a strict decoder reports, `spec/hub.md`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod report;
pub mod runner;
pub mod semantics;
pub mod vector;

pub use report::{Outcome, Report};
pub use runner::{LoadError, Loaded, SUITES, default_vectors_dir, load_suite, run, run_vector};
pub use vector::{Expectation, Vector};
