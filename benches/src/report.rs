//! What `bench-report` and `render-report` share: reading criterion's results and formatting
//! times and ratios.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One criterion group: its throughput in bytes and each function's median time.
#[derive(Default)]
pub struct Group {
    /// Bytes per iteration (the batch's size), when the group declared it.
    pub bytes: Option<u64>,
    /// Function id → median nanoseconds.
    pub times: BTreeMap<String, f64>,
}

/// Where criterion wrote its results: the first argument, else `$CARGO_TARGET_DIR/criterion`,
/// else the workspace's `target/criterion`.
pub fn criterion_dir() -> PathBuf {
    std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
            .join("criterion")
    })
}

fn find_estimates(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "new") {
                if path.join("estimates.json").is_file() {
                    out.push(path);
                }
            } else {
                find_estimates(&path, out);
            }
        }
    }
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// The groups under `dir` whose names start with one of `prefixes`, with each function's
/// median (criterion's `new/estimates.json`).
pub fn load_groups(dir: &Path, prefixes: &[&str]) -> BTreeMap<String, Group> {
    let mut found = Vec::new();
    find_estimates(dir, &mut found);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for new in found {
        let Some(benchmark) = read_json(&new.join("benchmark.json")) else {
            continue;
        };
        let (Some(group), Some(function)) = (benchmark["group_id"].as_str(), benchmark["function_id"].as_str()) else {
            continue;
        };
        if !prefixes.iter().any(|p| group.starts_with(p)) {
            continue;
        }
        let Some(median) = read_json(&new.join("estimates.json")).and_then(|e| e["median"]["point_estimate"].as_f64())
        else {
            continue;
        };
        let entry = groups.entry(group.to_owned()).or_default();
        entry.bytes = entry.bytes.or(benchmark["throughput"]["Bytes"].as_u64());
        entry.times.insert(function.to_owned(), median);
    }
    groups
}

/// A time in ns, µs or ms.
pub fn time(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

/// A ratio with two, one or no decimals as it grows.
pub fn ratio(r: f64) -> String {
    if r >= 100.0 {
        format!("{r:.0}×")
    } else if r >= 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.2}×")
    }
}
