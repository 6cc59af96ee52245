//! `brasa load` against a real `brasa serve` on loopback, briefly: the report is sane (every
//! circuit counted, every click answered, the JSON parses). No timing assertions: speed is for
//! the benchmarks (`benches/README.md`, Capacity).

mod support;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Server, free_port, out_dir};

/// Runs `brasa load ARGS`, killed after 120 s.
fn load(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_brasa"))
        .arg("load")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("brasa load starts");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("brasa load {args:?} did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn report(output: &Output, server: &Server) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "brasa load failed ({}):\n{stdout}\n{stderr}\nserver log:\n{}",
        output.status,
        server.log_tail()
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("the report is not JSON ({e}):\n{stdout}"))
}

#[test]
fn idle_circuits_are_started_held_and_measured() {
    let dir = out_dir("load-idle");
    let server = Server::start(&dir);
    let pid = server.pid().to_string();
    let output = load(&[
        &server.target(),
        "--idle",
        "20",
        "--settle",
        "0.2",
        "--server-pid",
        &pid,
        "--json",
    ]);
    let report = report(&output, &server);
    assert_eq!(report["mode"], "idle");
    assert_eq!(report["circuits"], 20);
    assert_eq!(report["circuits_started"], 20);
    assert_eq!(report["circuits_failed"], 0);
    assert_eq!(report["errors"], Value::Array(vec![]));
    let idle = &report["idle"];
    assert_eq!(idle["circuits_open"], 20);
    let before = idle["server_rss_before_kib"].as_u64().expect("the RSS before");
    let after = idle["server_rss_after_kib"].as_u64().expect("the RSS after");
    assert!(before > 0 && after > 0, "{idle}");
    assert!(idle["server_bytes_per_circuit"].is_number(), "{idle}");
    // The progress display went to stderr, the report alone to stdout.
    assert!(String::from_utf8_lossy(&output.stderr).contains("circuits 20/20 started"));
}

#[test]
fn every_click_is_answered_by_a_batch() {
    let dir = out_dir("load-active");
    let server = Server::start(&dir);
    let output = load(&[&server.target(), "--users", "5", "--clicks", "20", "--json"]);
    let report = report(&output, &server);
    assert_eq!(report["mode"], "active");
    assert_eq!(report["circuits_started"], 5);
    let active = &report["active"];
    assert_eq!(active["users"], 5);
    assert_eq!(active["clicks"], 100);
    assert_eq!(active["clicks_answered"], 100);
    assert_eq!(active["users_failed"], 0);
    let latency = &active["latency_ms"];
    let (p50, p99, max) = (
        latency["p50"].as_f64().unwrap(),
        latency["p99"].as_f64().unwrap(),
        latency["max"].as_f64().unwrap(),
    );
    assert!(0.0 < p50 && p50 <= p99 && p99 <= max, "{latency}");
    assert!(active["clicks_per_second"].as_f64().unwrap() > 0.0);
    // The text form says the same.
    let output = load(&[&server.target(), "--users", "2", "--clicks", "3", "--threads", "2"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("6 of 6 clicks answered"), "{text}");
}

#[test]
fn failures_are_reported_not_panics() {
    let dir = out_dir("load-failures");
    let server = Server::start(&dir);
    // A page without a server component: every circuit fails to start, with the reason.
    let output = load(&[&server.target(), "--idle", "3", "--page", "/no-such-page", "--json"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["circuits_failed"], 3);
    let first = report["errors"][0].as_str().unwrap();
    assert!(
        first.contains("HTTP status 404") || first.contains("no server component marker"),
        "{first}"
    );
    // The element to click does not exist.
    let output = load(&[&server.target(), "--users", "1", "--clicks", "1", "--element", "nope"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("no element with id \"nope\""));
    // Nobody listens: a typed error and status 1 or 2, no panic.
    let url = format!("http://127.0.0.1:{}", free_port());
    let output = load(&[&url, "--idle", "1", "--timeout", "5"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("cannot connect"),
        "{output:?}"
    );
    // Not an http:// URL.
    let output = load(&["https://example.invalid", "--idle", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid URL"));
}
