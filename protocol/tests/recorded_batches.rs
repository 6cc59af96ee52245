//! Every render batch ASP.NET Core 10 wrote in `../shared/reference/` (captures, js-framework-
//! benchmark batches, diff cases) is one trial: it must validate, decode, survive the canonical
//! JSON form, and re-encode to exactly the recorded bytes (RB-6.3, RB-5.6, RB-5.7). And the limit
//! on the bytes of referenced strings (RB-1.5) holds exactly: the batch passes under a limit of
//! its own total and is refused under one byte less; under a limit that low the reader checks every
//! reference in full, so this also runs its complete path on every recorded batch.

use std::path::{Path, PathBuf};

use brasa_protocol::render_batch::{self, DecodeErrorKind, Limits, RenderBatch};
use libtest_mimic::{Arguments, Failed, Trial};

mod support;

fn reference_dir() -> PathBuf {
    std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"))
}

fn check(bytes: &[u8]) -> Result<(), Failed> {
    let view = render_batch::validate(bytes, &Limits::DEFAULT).map_err(|e| format!("validate: {e}"))?;
    let batch = view.to_owned_batch();
    let json = serde_json::to_string(&batch).map_err(|e| e.to_string())?;
    let back: RenderBatch = serde_json::from_str(&json).map_err(|e| format!("JSON form does not parse back: {e}"))?;
    if back != batch {
        return Err("JSON form does not round-trip".into());
    }
    let encoded = render_batch::encode(&back);
    if encoded != bytes {
        let first = encoded
            .iter()
            .zip(bytes)
            .position(|(a, b)| a != b)
            .unwrap_or(encoded.len().min(bytes.len()));
        return Err(format!(
            "re-encoded bytes differ from the recording at offset {first} ({} bytes vs {})",
            encoded.len(),
            bytes.len()
        )
        .into());
    }
    expansion_limit_is_exact(bytes, &batch)
}

fn expansion_limit_is_exact(bytes: &[u8], batch: &RenderBatch) -> Result<(), Failed> {
    let total = support::string_bytes(batch);
    let at = |max_expanded_string_bytes| Limits {
        max_expanded_string_bytes,
        ..Limits::DEFAULT
    };
    render_batch::validate(bytes, &at(total))
        .map_err(|e| format!("refused under a limit of its total {total}: {e}"))?;
    if total == 0 {
        return Ok(());
    }
    match render_batch::validate(bytes, &at(total - 1)) {
        Ok(_) => Err(format!("accepted under a limit of {} bytes of referenced strings", total - 1).into()),
        Err(e) => match e.kind {
            DecodeErrorKind::LimitExceeded {
                what: "bytes of referenced strings",
                count,
                limit,
            } if limit == total - 1 && count > limit && count <= total && e.requirement == "RB-1.5" => Ok(()),
            _ => Err(format!("under a limit of {}: {e}", total - 1).into()),
        },
    }
}

fn main() {
    let args = Arguments::from_args();
    let reference = reference_dir();
    let mut trials = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for pattern_dir in ["captures"] {
        let root = reference.join(pattern_dir);
        let Ok(apps) = std::fs::read_dir(&root) else { continue };
        for kind in apps.flatten() {
            let Ok(sessions) = std::fs::read_dir(kind.path()) else {
                continue;
            };
            for session in sessions.flatten() {
                let Ok(batches) = std::fs::read_dir(session.path().join("batches")) else {
                    continue;
                };
                files.extend(
                    batches
                        .flatten()
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|e| e == "bin")),
                );
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(reference.join("batches-jsfb")) {
        files.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "bin")),
        );
    }
    files.sort();
    for file in files {
        let name = file.strip_prefix(&reference).unwrap_or(&file).display().to_string();
        trials.push(Trial::test(name, move || {
            check(&std::fs::read(&file).map_err(|e| e.to_string())?)
        }));
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(reference.join("diff-cases"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default();
    cases.sort();
    for case in cases {
        let text = std::fs::read_to_string(&case).expect("diff case readable");
        let value: serde_json::Value = serde_json::from_str(&text).expect("diff case is JSON");
        let stem = case.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        for (i, hex) in value["batches"].as_array().expect("batches array").iter().enumerate() {
            let bytes = decode_hex(hex.as_str().expect("hex string"));
            trials.push(Trial::test(format!("diff-cases/{stem}#{i}"), move || check(&bytes)));
        }
    }
    // The recordings are the evidence: their absence is a failure, not a pass.
    let count = trials.len();
    trials.push(Trial::test("all 4,790 recorded batches are present", move || {
        if count == 4790 {
            Ok(())
        } else {
            Err(format!("found {count} recorded batches under {}", reference_dir().display()).into())
        }
    }));
    libtest_mimic::run(&args, trials).exit();
}

fn decode_hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}
