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

/// Validating must take at most this many times a memcpy of the same bytes.
pub const VALIDATE_OVER_MEMCPY: f64 = 8.0;
/// Encoding must be at least this many times faster than serde_json encoding the same batch.
pub const JSON_OVER_ENCODE: f64 = 10.0;
/// Encoding must be at least this many times faster than ASP.NET Core's `RenderBatchWriter`.
pub const ASPNETCORE_OVER_ENCODE: f64 = 5.0;

/// A group's median of `function`, in ns.
fn median(group: &Group, function: &str) -> Option<f64> {
    group.times.get(function).copied()
}

/// The reader and the writer with working memory passed by the caller (`validate_with`,
/// `encode_with`, as a host handling batch after batch), or by the thread (`validate`, `encode`)
/// where a run has no such measurement.
fn validate_time(group: &Group) -> Option<f64> {
    median(group, "validate_with").or(median(group, "validate"))
}

fn encode_time(group: &Group) -> Option<f64> {
    median(group, "encode_with").or(median(group, "encode"))
}

/// One target's verdict line: where it holds on every batch with data, its range; else the
/// batches where it is missed, with their ratios.
fn verdict(what: &str, results: &[(String, f64)], holds: impl Fn(f64) -> bool) -> String {
    let missed: Vec<String> = results
        .iter()
        .filter(|(_, r)| !holds(*r))
        .map(|(n, r)| format!("{n} ({})", ratio(*r)))
        .collect();
    let (worst, best) = results
        .iter()
        .map(|(_, r)| *r)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| (lo.min(r), hi.max(r)));
    if results.is_empty() {
        format!("- {what}: no data")
    } else if missed.is_empty() {
        format!(
            "- {what}: **holds** on all {} batches (range {}–{})",
            results.len(),
            ratio(worst),
            ratio(best)
        )
    } else {
        format!(
            "- {what}: **missed** on {} of {}: {}",
            missed.len(),
            results.len(),
            missed.join(", ")
        )
    }
}

/// The verdicts on the three targets of the render-batch codec, from the criterion groups of
/// the `render_batch` bench: validate within 8× memcpy, encode at least 10× faster than
/// serde_json, encode at least 5× faster than ASP.NET Core's recorded `RenderBatchWriter`
/// ([`crate::ASPNETCORE_WRITER`], by group name).
pub fn targets(groups: &BTreeMap<String, Group>) -> [String; 3] {
    let collect = |f: &dyn Fn(&str, &Group) -> Option<f64>| -> Vec<(String, f64)> {
        groups.iter().filter_map(|(n, g)| Some((n.clone(), f(n, g)?))).collect()
    };
    let aspnet = |name: &str| {
        crate::ASPNETCORE_WRITER
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|&(_, _, _, seconds)| seconds * 1e9)
    };
    [
        verdict(
            &format!("validate within {VALIDATE_OVER_MEMCPY}× memcpy"),
            &collect(&|_, g| Some(validate_time(g)? / median(g, "memcpy")?)),
            |r| r <= VALIDATE_OVER_MEMCPY,
        ),
        verdict(
            &format!("encode at least {JSON_OVER_ENCODE}× faster than serde_json encode"),
            &collect(&|_, g| Some(median(g, "serde_json_encode")? / encode_time(g)?)),
            |r| r >= JSON_OVER_ENCODE,
        ),
        verdict(
            &format!("encode at least {ASPNETCORE_OVER_ENCODE}× faster than RenderBatchWriter's recorded time"),
            &collect(&|n, g| Some(aspnet(n)? / encode_time(g)?)),
            |r| r >= ASPNETCORE_OVER_ENCODE,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(times: &[(&str, f64)]) -> Group {
        Group {
            bytes: Some(1000),
            times: times.iter().map(|&(f, t)| (f.to_owned(), t)).collect(),
        }
    }

    #[test]
    fn targets_compare_the_right_measurements_the_right_way_round() {
        let mut groups = BTreeMap::new();
        // Every target held, at its bounds: validate exactly 8× memcpy, encode exactly 10×
        // faster than serde_json and 5× faster than RenderBatchWriter (swap rows: 0.2 µs).
        groups.insert(
            "jsfb-04-swap-rows".to_owned(),
            group(&[
                ("memcpy", 10.0),
                ("validate_with", 80.0),
                ("encode_with", 40.0),
                ("serde_json_encode", 400.0),
            ]),
        );
        let [validate, json, aspnet] = targets(&groups);
        assert_eq!(
            validate,
            "- validate within 8× memcpy: **holds** on all 1 batches (range 8.00×–8.00×)"
        );
        assert_eq!(
            json,
            "- encode at least 10× faster than serde_json encode: **holds** on all 1 batches (range 10.0×–10.0×)"
        );
        assert_eq!(
            aspnet,
            "- encode at least 5× faster than RenderBatchWriter's recorded time: **holds** on all 1 batches (range 5.00×–5.00×)"
        );
        // Each missed just past its bound; `validate_with` and `encode_with` win over the
        // thread's-memory measurements when both are there; a group without a
        // RenderBatchWriter time is left out of that target only.
        groups.insert(
            "synthetic-x".to_owned(),
            group(&[
                ("memcpy", 10.0),
                ("validate_with", 81.0),
                ("validate", 10.0),
                ("encode_with", 41.0),
                ("encode", 1.0),
                ("serde_json_encode", 400.0),
            ]),
        );
        groups.insert(
            "jsfb-03-select-row".to_owned(),
            group(&[
                ("memcpy", 10.0),
                ("validate", 90.0),
                ("encode", 28_000.0 / 4.9),
                ("serde_json_encode", 1e6),
            ]),
        );
        let [validate, json, aspnet] = targets(&groups);
        assert_eq!(
            validate,
            "- validate within 8× memcpy: **missed** on 2 of 3: jsfb-03-select-row (9.00×), synthetic-x (8.10×)"
        );
        assert_eq!(
            json,
            "- encode at least 10× faster than serde_json encode: **missed** on 1 of 3: synthetic-x (9.76×)"
        );
        assert_eq!(
            aspnet,
            "- encode at least 5× faster than RenderBatchWriter's recorded time: **missed** on 1 of 2: jsfb-03-select-row (4.90×)"
        );
        assert_eq!(targets(&BTreeMap::new())[0], "- validate within 8× memcpy: no data");
    }

    #[test]
    fn criterion_medians_are_read_by_group_and_function() {
        let dir = std::env::temp_dir().join(format!("brasa-bench-report-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let write = |group: &str, function: &str, median: f64, bytes: Option<u64>| {
            let new = dir.join(group).join(function).join("new");
            std::fs::create_dir_all(&new).unwrap();
            let throughput = bytes.map_or(serde_json::Value::Null, |b| serde_json::json!({"Bytes": b}));
            let benchmark = serde_json::json!({"group_id": group, "function_id": function, "throughput": throughput});
            std::fs::write(new.join("benchmark.json"), benchmark.to_string()).unwrap();
            let estimates = serde_json::json!({"median": {"point_estimate": median}, "mean": {"point_estimate": 1.0}});
            std::fs::write(new.join("estimates.json"), estimates.to_string()).unwrap();
        };
        write("jsfb-00-create", "memcpy", 11.5, Some(571_013));
        write("jsfb-00-create", "encode_with", 89.0, None);
        write("render-x", "render", 5.0, None);
        let groups = load_groups(&dir, &["jsfb-", "synthetic-"]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(groups.keys().collect::<Vec<_>>(), ["jsfb-00-create"]);
        let group = &groups["jsfb-00-create"];
        assert_eq!(group.bytes, Some(571_013));
        assert_eq!(group.times.get("memcpy"), Some(&11.5));
        assert_eq!(group.times.get("encode_with"), Some(&89.0));
        assert_eq!(time(89.0), "89 ns");
        assert_eq!(time(1_160.0), "1.16 µs");
        assert_eq!(time(14.2e6), "14.20 ms");
    }
}
