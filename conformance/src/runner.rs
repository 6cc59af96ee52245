//! Loading vector suites and checking Brasa's implementation against them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use brasa_protocol::render_batch::{self, Limits, RenderBatch};

use crate::report::{Outcome, Report};
use crate::vector::{Expectation, Vector};

/// The vector suites this runner knows, by directory name under the vectors directory.
pub const SUITES: &[&str] = &["render-batch", "hub", "semantics"];

/// The vectors shipped in this repository.
pub fn default_vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// A vector file that cannot be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a vector.
    #[error("{path}: not a valid vector file: {source}")]
    Parse {
        /// The path.
        path: PathBuf,
        /// What serde said.
        source: serde_json::Error,
    },
    /// The suite directory holds no vectors.
    #[error("suite {suite}: no vectors under {path}")]
    Empty {
        /// The suite.
        suite: String,
        /// Where it looked.
        path: PathBuf,
    },
    /// Two files declare the same id.
    #[error("vector id {id} appears twice")]
    DuplicateId {
        /// The id.
        id: String,
    },
    /// An unknown suite name.
    #[error("unknown suite {0:?} (known: {known})", known = SUITES.join(", "))]
    UnknownSuite(String),
}

/// A vector file as loaded: where it is, what it says, and its text (some suites read parts of
/// it in their own types, keeping the order of object members).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file.
    pub path: PathBuf,
    /// The vector.
    pub vector: Vector,
    /// The file's text.
    pub text: String,
}

/// Loads every vector of a suite (all `*.json` files below `dir/suite`, sorted by path).
pub fn load_suite(dir: &Path, suite: &str) -> Result<Vec<Loaded>, LoadError> {
    if !SUITES.contains(&suite) {
        return Err(LoadError::UnknownSuite(suite.to_owned()));
    }
    let root = dir.join(suite);
    let mut files = Vec::new();
    collect_json(&root, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(LoadError::Empty {
            suite: suite.to_owned(),
            path: root,
        });
    }
    let mut seen = std::collections::HashSet::new();
    let mut vectors = Vec::with_capacity(files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|source| LoadError::Io {
            path: path.clone(),
            source,
        })?;
        // A semantic vector has its own shape (`crate::semantics`); the record keeps its header.
        let parsed = if suite == "semantics" {
            crate::semantics::header(&text)
        } else {
            serde_json::from_str(&text)
        };
        let vector: Vector = parsed.map_err(|source| LoadError::Parse {
            path: path.clone(),
            source,
        })?;
        if !seen.insert(vector.id.clone()) {
            return Err(LoadError::DuplicateId { id: vector.id });
        }
        vectors.push(Loaded { path, vector, text });
    }
    Ok(vectors)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|source| LoadError::Io {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

fn parse_hex(hex: &str) -> Result<Vec<u8>, String> {
    if hex.len() % 2 != 0 {
        return Err(format!("hex has an odd number of digits ({})", hex.len()));
    }
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| format!("bad hex at digit {}", 2 * i)))
        .collect()
}

/// Checks one vector against Brasa's implementation; `Err` says what differs.
pub fn run_vector(suite: &str, loaded: &Loaded) -> Result<(), String> {
    match suite {
        "render-batch" => render_batch_vector(&loaded.vector),
        "hub" => hub_vector(loaded),
        "semantics" => crate::semantics::run_vector(&loaded.text),
        other => Err(format!("no runner for suite {other:?}")),
    }
}

fn hub_vector(loaded: &Loaded) -> Result<(), String> {
    use brasa_protocol::hub::{self, HubMessage, Protocol};
    let vector = &loaded.vector;
    let bytes = parse_hex(&vector.hex)?;
    let slug = vector.id.rsplit('/').next().unwrap_or_default();
    let protocol = if slug.starts_with("msgpack-") {
        Protocol::MessagePack
    } else if slug.starts_with("json-") {
        Protocol::Json
    } else {
        return Err(format!(
            "hub vector slug {slug:?} names no protocol (msgpack-… or json-…)"
        ));
    };
    let result = hub::decode_all(protocol, &bytes, hub::DEFAULT_MAX_MESSAGE_SIZE);
    // The messages' canonical comparison is their MessagePack encoding (NaN is not equal to NaN).
    let encode_all = |messages: &[HubMessage]| -> Vec<u8> {
        let mut out = Vec::new();
        for m in messages {
            let _ = hub::encode(Protocol::MessagePack, m, &mut out);
        }
        out
    };
    match (&vector.expect, result) {
        (Expectation::Valid { .. }, Ok(decoded)) => {
            // Read the expected forms from the file's text, keeping the order of map members.
            #[derive(serde::Deserialize)]
            struct File {
                expect: Expect,
            }
            #[derive(serde::Deserialize)]
            struct Expect {
                valid: Valid,
            }
            #[derive(serde::Deserialize)]
            struct Valid {
                json: Vec<hub::Value>,
            }
            let file: File = serde_json::from_str(&loaded.text).map_err(|e| format!("expected form: {e}"))?;
            let expected = file
                .expect
                .valid
                .json
                .iter()
                .map(|v| hub::from_readable(v, 0))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("the vector's expected form is not readable: {e}"))?;
            if encode_all(&decoded) != encode_all(&expected) {
                let got: Vec<String> = decoded.iter().map(hub::readable_json).collect();
                return Err(format!(
                    "decoded messages differ from the expected ones; decoded: [{}]",
                    got.join(",")
                ));
            }
            let mut encoded = Vec::new();
            for m in &expected {
                hub::encode(protocol, m, &mut encoded).map_err(|e| format!("cannot re-encode: {e}"))?;
            }
            let same = match protocol {
                Protocol::MessagePack => encoded == bytes,
                Protocol::Json => hub::decode_all(protocol, &encoded, usize::MAX)
                    .map(|again| encode_all(&again) == encode_all(&expected))
                    .unwrap_or(false),
            };
            if !same {
                return Err("re-encoding the expected messages does not give back the input".into());
            }
            Ok(())
        }
        (Expectation::Valid { .. }, Err(e)) => Err(format!("rejected valid input: {e}")),
        (
            Expectation::Invalid {
                error,
                requirement,
                offset,
            },
            Err(e),
        ) => {
            if e.kind.name() != error || e.requirement != requirement || e.offset != *offset {
                return Err(format!(
                    "expected {error} at byte {offset} ({requirement}), got {} at byte {} ({}): {}",
                    e.kind.name(),
                    e.offset,
                    e.requirement,
                    e.kind
                ));
            }
            Ok(())
        }
        (
            Expectation::Invalid {
                error,
                requirement,
                offset,
            },
            Ok(_),
        ) => Err(format!(
            "accepted invalid input (expected {error} at byte {offset}, {requirement})"
        )),
    }
}

fn render_batch_vector(vector: &Vector) -> Result<(), String> {
    let bytes = parse_hex(&vector.hex)?;
    let result = render_batch::validate(&bytes, &Limits::DEFAULT);
    match (&vector.expect, result) {
        (Expectation::Valid { json }, Ok(view)) => {
            let expected: RenderBatch = serde_json::from_value(json.clone())
                .map_err(|e| format!("the vector's expected JSON is not a canonical form: {e}"))?;
            let decoded = view.to_owned_batch();
            if decoded != expected {
                let got = serde_json::to_string(&decoded).unwrap_or_default();
                return Err(format!("decoded form differs from the expected one; decoded: {got}"));
            }
            let encoded = render_batch::encode(&expected);
            if encoded != bytes {
                let at = encoded
                    .iter()
                    .zip(&bytes)
                    .position(|(a, b)| a != b)
                    .unwrap_or(encoded.len().min(bytes.len()));
                return Err(format!(
                    "encoding the expected form gives different bytes (first difference at offset {at}; {} bytes vs {})",
                    encoded.len(),
                    bytes.len()
                ));
            }
            Ok(())
        }
        (Expectation::Valid { .. }, Err(e)) => Err(format!("rejected a valid batch: {e}")),
        (
            Expectation::Invalid {
                error,
                requirement,
                offset,
            },
            Err(e),
        ) => {
            if e.kind.name() != error || e.requirement != requirement || e.offset != *offset {
                return Err(format!(
                    "expected {error} at byte {offset} ({requirement}), got {} at byte {} ({}): {}",
                    e.kind.name(),
                    e.offset,
                    e.requirement,
                    e.kind
                ));
            }
            Ok(())
        }
        (
            Expectation::Invalid {
                error,
                requirement,
                offset,
            },
            Ok(_),
        ) => Err(format!(
            "accepted an invalid batch (expected {error} at byte {offset}, {requirement})"
        )),
    }
}

/// Runs the named suites (all known suites when `suites` is empty) from `dir`.
pub fn run(dir: &Path, suites: &[String]) -> Result<Report, LoadError> {
    let names: Vec<String> = if suites.is_empty() {
        SUITES.iter().map(|s| s.to_string()).collect()
    } else {
        suites.to_vec()
    };
    let mut outcomes = Vec::new();
    for suite in &names {
        for loaded in load_suite(dir, suite)? {
            let start = Instant::now();
            let result = run_vector(suite, &loaded);
            let (path, vector) = (loaded.path, loaded.vector);
            outcomes.push(Outcome {
                suite: suite.clone(),
                id: vector.id.clone(),
                file: path.strip_prefix(dir).unwrap_or(&path).display().to_string(),
                requirements: vector.requirements.clone(),
                description: vector.description.clone(),
                passed: result.is_ok(),
                message: result.err(),
                seconds: start.elapsed().as_secs_f64(),
            });
        }
    }
    Ok(Report { outcomes })
}
