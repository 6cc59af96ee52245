//! Reads criterion's results of the `render_batch` bench and prints Markdown tables: each
//! measurement as a ratio to its same-run baseline, the absolute times, ASP.NET Core's recorded
//! `RenderBatchWriter` times beside our encoder, and whether the design targets hold.
//!
//! Usage: `cargo run -p brasa-benches --bin bench-report [-- CRITERION_DIR]`
//! (default: `target/criterion` of the workspace, or `$CARGO_TARGET_DIR/criterion`).
//! Times are criterion's median estimates.

use brasa_benches::ASPNETCORE_WRITER;
use brasa_benches::report::{Group, criterion_dir, load_groups, targets, time};

fn ratio(x: Option<f64>) -> String {
    x.map_or("–".into(), brasa_benches::report::ratio)
}

fn main() {
    let dir = criterion_dir();
    let groups = load_groups(&dir, &["jsfb-", "synthetic-"]);
    if groups.is_empty() {
        eprintln!(
            "no results of the render_batch bench under {}; run `cargo bench -p brasa-benches --bench render_batch` first",
            dir.display()
        );
        std::process::exit(1);
    }

    let t = |g: &Group, f: &str| g.times.get(f).copied();
    let div = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
    // The writer with working memory passed by the caller (`encode_with`, as a host handling
    // batch after batch), or by the thread (`encode`) where the run has no such measurement.
    let encode = |g: &Group| t(g, "encode_with").or(t(g, "encode"));

    println!(
        "Ratios to same-run baselines (median times; lower is better in the columns over memcpy and over the floor, higher in the rest):\n"
    );
    println!(
        "| batch | bytes | validate_with / memcpy | floor / memcpy | validate_with / floor | validate / memcpy | decode / memcpy | serde_json encode / encode_with | serde_json encode / encode | rmp-serde encode / encode_with | serde_json decode / decode | rmp-serde decode / decode |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, g) in &groups {
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            g.bytes.map_or("–".into(), |b| b.to_string()),
            ratio(div(t(g, "validate_with"), t(g, "memcpy"))),
            ratio(div(t(g, "floor"), t(g, "memcpy"))),
            ratio(div(t(g, "validate_with"), t(g, "floor"))),
            ratio(div(t(g, "validate"), t(g, "memcpy"))),
            ratio(div(t(g, "decode"), t(g, "memcpy"))),
            ratio(div(t(g, "serde_json_encode"), t(g, "encode_with"))),
            ratio(div(t(g, "serde_json_encode"), t(g, "encode"))),
            ratio(div(t(g, "rmp_serde_encode"), t(g, "encode_with"))),
            ratio(div(t(g, "serde_json_decode"), t(g, "decode"))),
            ratio(div(t(g, "rmp_serde_decode"), t(g, "decode"))),
        );
    }

    println!(
        "\nAbsolute median times, and ASP.NET Core 10's RenderBatchWriter on the same batch (another run, same machine class; best of 5):\n"
    );
    println!(
        "| batch | memcpy | floor | validate_with / validate | decode | encode_with / encode | encode_with MB/s | serde_json enc / dec | rmp-serde enc / dec | RenderBatchWriter (another run) | RenderBatchWriter / encode_with |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let show = |x: Option<f64>| x.map_or("–".into(), time);
    for (name, g) in &groups {
        let aspnet = ASPNETCORE_WRITER
            .iter()
            .find(|(n, ..)| n == name)
            .map(|&(_, _, _, s)| s * 1e9);
        let mbps = match (g.bytes, encode(g)) {
            (Some(b), Some(ns)) => format!("{:.0}", b as f64 / ns * 1e3),
            _ => "–".into(),
        };
        println!(
            "| {name} | {} | {} | {} / {} | {} | {} / {} | {mbps} | {} / {} | {} / {} | {} | {} |",
            show(t(g, "memcpy")),
            show(t(g, "floor")),
            show(t(g, "validate_with")),
            show(t(g, "validate")),
            show(t(g, "decode")),
            show(t(g, "encode_with")),
            show(t(g, "encode")),
            show(t(g, "serde_json_encode")),
            show(t(g, "serde_json_decode")),
            show(t(g, "rmp_serde_encode")),
            show(t(g, "rmp_serde_decode")),
            show(aspnet),
            ratio(div(aspnet, encode(g))),
        );
    }

    println!("\nTargets (DESIGN.md), with `validate_with` and `encode_with`:\n");
    for line in targets(&groups) {
        println!("{line}");
    }
}
