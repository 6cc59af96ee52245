//! Reads the results of the `instructions` bench (gungraun's `summary.json` files) and prints two
//! Markdown tables: the codec's instructions per call on each input, less what the harness itself
//! counts (the `none` benchmark), with the ratios the design targets are stated in; and the
//! renderer's per js-framework-benchmark operation.
//!
//! Usage: `cargo bench -p brasa-benches --bench instructions -- --save-summary=json`, then
//! `cargo run -p brasa-benches --bin instructions-report [-- DIR]` (default: the workspace's
//! `target/gungraun/brasa-benches/instructions`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use brasa_benches::inputs;
use brasa_benches::report::ratio;

/// Instructions (callgrind's `Ir`) of one benchmark run, and the input it ran on (the argument
/// of its setup, as gungraun records it in `description`: `(encode_setup("jsfb-06-clear"))`).
fn read(path: &Path) -> Option<(String, String, u64)> {
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let function = json["function_name"].as_str()?.to_owned();
    let description = json["description"].as_str()?;
    let input = description.split('"').nth(1)?.to_owned();
    // The total over the run's parts (one part: the benchmark runs in one thread).
    let ir = json["profiles"][0]["data"]["total"]["metrics"]["Ir"]["values"]["new"].as_u64()?;
    Some((function, input, ir))
}

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/gungraun/brasa-benches/instructions"));
    // input → function → instructions
    let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut harness = None;
    for entry in std::fs::read_dir(dir.join("codec")).into_iter().flatten().flatten() {
        let Some((function, input, ir)) = read(&entry.path().join("summary.json")) else {
            continue;
        };
        if function == "none" {
            harness = Some(ir);
        } else {
            counts.entry(input).or_default().insert(function, ir);
        }
    }
    let Some(harness) = harness.filter(|_| !counts.is_empty()) else {
        eprintln!(
            "no results of the instructions bench under {} (with the `none` benchmark); run \
             `cargo bench -p brasa-benches --bench instructions -- --save-summary=json` first",
            dir.join("codec").display()
        );
        std::process::exit(1);
    };

    println!("Instructions per call (callgrind), less the harness's own {harness}:");
    println!();
    println!(
        "| batch | bytes | memcpy | floor | validate_with | validate_with / memcpy | validate_with / floor | \
         encode_with | serde_json encode | serde_json encode / encode_with |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for input in inputs() {
        let Some(c) = counts.get(&input.name) else { continue };
        let get = |f: &str| c.get(f).map(|&n| n.saturating_sub(harness));
        let cell = |n: Option<u64>| n.map_or("–".to_owned(), |n| n.to_string());
        let div = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) if b > 0 => ratio(a as f64 / b as f64),
            _ => "–".to_owned(),
        };
        let (memcpy, floor, validate, encode, json) = (
            get("memcpy"),
            get("floor"),
            get("validate"),
            get("encode"),
            get("serde_json_encode"),
        );
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            input.name,
            input.bytes.len(),
            cell(memcpy),
            cell(floor),
            cell(validate),
            div(validate, memcpy),
            div(validate, floor),
            cell(encode),
            cell(json),
            div(json, encode)
        );
    }

    // The renderer: operation name → instructions.
    let mut renders: BTreeMap<String, u64> = BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("renderer")).into_iter().flatten().flatten() {
        if let Some((_, operation, ir)) = read(&entry.path().join("summary.json")) {
            renders.insert(operation, ir.saturating_sub(harness));
        }
    }
    if renders.is_empty() {
        return;
    }
    println!();
    println!("The renderer, instructions per operation (from the state change or click to the batch):");
    println!();
    println!("| operation | batch bytes | render |");
    println!("|---|---:|---:|");
    for input in inputs() {
        let Some(operation) = input.name.strip_prefix("jsfb-") else {
            continue;
        };
        let Some(&ir) = renders.get(operation) else { continue };
        println!("| {operation} | {} | {ir} |", input.bytes.len());
    }
}
