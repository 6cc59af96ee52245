//! Reads criterion's results of the `render` bench and prints a Markdown table: per
//! js-framework-benchmark operation, the batch's size, our render, recycle and encode times, the
//! render time as a ratio to a same-run memcpy of the batch, and ASP.NET Core's recorded render
//! time beside ours (another run, same machine class) with the speed-up and whether the 3×
//! target holds.
//!
//! Usage: `cargo run -p brasa-benches --bin render-report [-- CRITERION_DIR]`
//! (default: `target/criterion` of the workspace, or `$CARGO_TARGET_DIR/criterion`).
//! Times are criterion's median estimates.

/// Rendering must be at least this many times faster than ASP.NET Core's recorded time.
use brasa_benches::report::{criterion_dir, load_groups, ratio, time};

const TARGET: f64 = 3.0;

/// ASP.NET Core 10's renderer, in process, time to render each operation, best of 5, as
/// recorded in `shared/reference/performance-anchors.md` (another run, same machine class):
/// (criterion group, operation, seconds).
const ASPNETCORE_RENDER: &[(&str, &str, f64)] = &[
    ("render-00-create-1000-rows", "create 1,000 rows", 3.17e-3),
    ("render-01-replace-1000-rows", "replace 1,000 rows", 2.16e-3),
    ("render-02-update-every-10th", "update every 10th row", 1.52e-3),
    ("render-03-select-row", "select row", 1.42e-3),
    ("render-04-swap-rows", "swap rows", 0.96e-3),
    ("render-05-remove-row", "remove row", 0.91e-3),
    ("render-06-clear", "clear 1,000 rows", 0.47e-3),
    ("render-07-create-10000-rows", "create 10,000 rows", 7.81e-3),
    ("render-08-clear-10000", "clear 10,000 rows", 1.35e-3),
    ("render-09-create-1000-rows-again", "create 1,000 rows again", 1.37e-3),
    ("render-10-append-1000-rows", "append 1,000 rows", 1.63e-3),
];

fn main() {
    let dir = criterion_dir();
    let groups = load_groups(&dir, &["render-"]);
    if groups.is_empty() {
        eprintln!(
            "no results of the render bench under {}; run `cargo bench -p brasa-benches --bench render` first",
            dir.display()
        );
        std::process::exit(1);
    }

    println!(
        "Median times; ASP.NET Core 10's renderer from performance-anchors.md (another run, same machine class; best of 5):\n"
    );
    println!(
        "| operation | batch bytes | render | recycle | encode | memcpy | render / memcpy | ASP.NET Core render (another run, same machine class) | speed-up (render) | {TARGET}× | speed-up (render + recycle) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|");
    let show = |x: Option<f64>| x.map_or("–".into(), time);
    let mut verdicts = Vec::new();
    for &(group, operation, seconds) in ASPNETCORE_RENDER {
        let Some(g) = groups.get(group) else {
            println!(
                "| {operation} | – | – | – | – | – | – | {} | – | – | – |",
                time(seconds * 1e9)
            );
            continue;
        };
        let t = |f: &str| g.times.get(f).copied();
        let aspnet = seconds * 1e9;
        let speedup = t("render").map(|render| aspnet / render);
        let total = t("render")
            .zip(t("recycle"))
            .map(|(render, recycle)| aspnet / (render + recycle));
        let holds = speedup.map(|s| s >= TARGET);
        if let (Some(s), Some(h)) = (speedup, holds) {
            verdicts.push((operation, s, h));
        }
        println!(
            "| {operation} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            g.bytes.map_or("–".into(), |b| b.to_string()),
            show(t("render")),
            show(t("recycle")),
            show(t("encode")),
            show(t("memcpy")),
            t("render").zip(t("memcpy")).map_or("–".into(), |(r, m)| ratio(r / m)),
            time(aspnet),
            speedup.map_or("–".into(), ratio),
            holds.map_or("–", |h| if h { "yes" } else { "**no**" }),
            total.map_or("–".into(), ratio),
        );
    }
    let missed: Vec<String> = verdicts
        .iter()
        .filter(|(_, _, holds)| !holds)
        .map(|(operation, s, _)| format!("{operation} ({})", ratio(*s)))
        .collect();
    println!();
    if verdicts.is_empty() {
        println!("- render at least {TARGET}× faster than ASP.NET Core: no data");
    } else if missed.is_empty() {
        let worst = verdicts.iter().map(|(_, s, _)| *s).fold(f64::INFINITY, f64::min);
        println!(
            "- render at least {TARGET}× faster than ASP.NET Core's recorded time: **holds** on all {} operations (the least: {})",
            verdicts.len(),
            ratio(worst)
        );
    } else {
        println!(
            "- render at least {TARGET}× faster than ASP.NET Core's recorded time: **missed** on {} of {}: {}",
            missed.len(),
            verdicts.len(),
            missed.join(", ")
        );
    }
}
