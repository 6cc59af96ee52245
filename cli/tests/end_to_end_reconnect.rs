//! `brasa serve --app conformance` end to end, past the happy path (issue 12; spec/circuit.md
//! CIR-2.5, CIR-4.2 to CIR-4.4): a cut connection and the reconnect (`capture.mjs reconnect`),
//! unacknowledged batches resent once and in order, the session that ends after the retention
//! period, the unload beacon that ends a circuit at once, and a second peer (the official
//! `@microsoft/signalr` client).
//! The browser and peer scripts are `conformance/harness/reconnect.mjs` and `second-peer.mjs`; the
//! cutting proxy and `capture.mjs` come from `../shared/tools/browser`. They need `node`, Debian's
//! `chromium` (`/usr/bin/chromium`, or `CHROMIUM`) and `npm ci --prefix conformance/harness`; a
//! missing one fails the test, naming it. Everything runs on loopback, on free ports, and every
//! child process is bounded in time and killed at the end, also when the test fails.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use support::*;

/// Runs `conformance/harness/reconnect.mjs MODE OUT` against `server` through a proxy on a free
/// port; its JSON summary (the last line of its output).
fn browser_mode(server: &Server, dir: &Path, mode: &str) -> Value {
    let shared = require_shared();
    let harness = require_harness();
    let chromium = chromium();
    let mut node = Command::new("node");
    node.arg(harness.join("reconnect.mjs"))
        .arg(mode)
        .arg(dir.join(mode))
        .current_dir(&harness)
        .env("SHARED", &shared)
        .env("SERVER_PORT", server.port.to_string())
        .env("PROXY_PORT", free_port().to_string())
        .env("CHROMIUM", &chromium);
    let (status, output) = run(node, dir, mode, Duration::from_secs(120));
    let summary = last_json(&output).unwrap_or_else(|| {
        panic!(
            "reconnect.mjs {mode}: no summary ({status}):\n{}\nserver log:\n{}",
            tail(&output, 40),
            server.log_tail()
        )
    });
    assert!(
        status.success() && summary.get("error").is_none(),
        "reconnect.mjs {mode} failed ({status}): {}\nsteps: {}\nserver log:\n{}",
        summary.get("error").and_then(Value::as_str).unwrap_or_default(),
        summary["steps"],
        server.log_tail()
    );
    assert_eq!(
        summary["pageErrors"],
        serde_json::json!([]),
        "{mode}: errors in the page\nconsole: {}",
        summary["console"]
    );
    summary
}

/// The last line of `output` that is a JSON object.
fn last_json(output: &str) -> Option<Value> {
    output
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<Value>(l).ok().filter(Value::is_object))
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list of batch ids: {v}"))
        .iter()
        .map(|i| i.as_i64().unwrap())
        .collect()
}

/// The wire of a session whose first socket was cut (`reconnect.mjs analyze` output): the client
/// opened a second socket, `ConnectCircuit` answered true, the batches the server resent before
/// that completion are the ones not acknowledged on the first socket (each once, in order; exactly
/// those when `exact`), and the batch ids the client applied are consecutive, with every batch it
/// received among them and acknowledged (CIR-2.5, CIR-4.3).
fn assert_resumed(label: &str, frames: &Value, exact: bool) -> Vec<i64> {
    let sockets = frames["sockets"].as_array().unwrap();
    assert!(
        sockets.len() >= 2,
        "{label}: the client did not open a second WebSocket: {frames}"
    );
    let connects: Vec<&Value> = frames["connects"].as_array().unwrap().iter().collect();
    assert_eq!(
        connects.iter().filter(|c| c["answered"] == Value::Bool(true)).count(),
        1,
        "{label}: one ConnectCircuit answered true: {connects:?}"
    );
    assert_eq!(
        connects.len(),
        1,
        "{label}: the first reconnect attempt succeeds: {connects:?}"
    );
    let first = &sockets[0];
    let (received, acked) = (ids(&first["received"]), ids(&first["acked"]));
    let unacked: Vec<i64> = received.iter().copied().filter(|id| !acked.contains(id)).collect();
    let resent = ids(&connects[0]["batchesBefore"]);
    if exact {
        assert_eq!(
            resent, unacked,
            "{label}: the batches resent before the ConnectCircuit completion (left) are not those unacknowledged on the cut socket (right)"
        );
    } else {
        assert!(
            unacked.iter().all(|id| resent.contains(id)),
            "{label}: unacknowledged batches {unacked:?} not all resent: {resent:?}"
        );
        assert!(
            resent.iter().all(|id| received.contains(id)),
            "{label}: resent {resent:?}, never sent before {received:?}"
        );
    }
    assert!(
        resent.windows(2).all(|w| w[1] == w[0] + 1),
        "{label}: resent batches not once each, in order: {resent:?}"
    );
    let applied = ids(&frames["applied"]);
    let all = ids(&frames["received"]);
    assert!(
        applied.windows(2).all(|w| w[1] == w[0] + 1) && all.iter().all(|id| applied.contains(id)),
        "{label}: applied batch ids {applied:?} not consecutive or missing some of {all:?}"
    );
    for socket in sockets {
        let (received, acked) = (ids(&socket["received"]), ids(&socket["acked"]));
        let mut unique = received.clone();
        unique.dedup();
        assert_eq!(unique, received, "{label}: a batch twice on socket {}", socket["ws"]);
        assert_eq!(socket["ackErrors"], serde_json::json!([]), "{label}: acks with errors");
        if socket["ws"] != 0 {
            assert_eq!(
                acked, received,
                "{label}: every batch on the new socket acknowledged, in order"
            );
        }
    }
    assert_eq!(frames["errors"], serde_json::json!([]), "{label}: errors on the wire");
    resent
}

/// The text of `#count` in a DOM snapshot of capture.mjs, without Blazor's comments.
fn count_text(html: &str) -> String {
    let start = html.find("id=\"count\"").expect("#count in the snapshot");
    let from = start + html[start..].find('>').unwrap() + 1;
    let to = from + html[from..].find("</p>").unwrap();
    let mut text = String::new();
    let mut rest = &html[from..to];
    while let Some(open) = rest.find("<!--") {
        text.push_str(&rest[..open]);
        rest = &rest[open + rest[open..].find("-->").unwrap() + 3..];
    }
    text.push_str(rest);
    text
}

fn snapshot(dir: &Path, label: &str) -> String {
    let suffix = format!("-{label}.html");
    let file = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().ends_with(&suffix))
        .unwrap_or_else(|| panic!("no snapshot `{label}` in {}", dir.display()));
    std::fs::read_to_string(file).unwrap()
}

#[test]
fn the_reconnect_scenario_reconnects_and_keeps_counting() {
    // Issue 12: capture.mjs's `reconnect` (/counter, two clicks, the proxy cuts the socket, two
    // more clicks): no page error, a second socket, ConnectCircuit true, nothing lost or twice,
    // and the count a person sees is 2 after the reconnect and 4 at the end.
    let shared = require_shared();
    let harness = require_harness();
    let chromium = chromium();
    let dir = out_dir("reconnect-capture");
    let captures = dir.join("captures");
    let server = Server::start(&dir);

    let mut capture = Command::new("node");
    capture
        .arg(shared.join("tools/browser/capture.mjs"))
        .arg(&captures)
        .arg("reconnect")
        .current_dir(&harness)
        .env("SERVER_PORT", server.port.to_string())
        .env("PROXY_PORT", free_port().to_string())
        .env("CHROMIUM", &chromium);
    let (status, output) = run(capture, &dir, "capture", Duration::from_secs(120));
    assert!(
        status.success(),
        "capture.mjs failed ({status}):\n{}\nserver log:\n{}",
        tail(&output, 60),
        server.log_tail()
    );
    let scenario = captures.join("reconnect");
    let steps: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(scenario.join("steps.json"))
            .unwrap_or_else(|e| panic!("no steps.json ({e}); capture.mjs:\n{}", tail(&output, 40))),
    )
    .unwrap();
    let problems: Vec<&Value> = steps
        .iter()
        .filter_map(|s| s.get("error").or_else(|| s.get("pageerror")))
        .collect();
    assert!(
        problems.is_empty(),
        "reconnect: the scenario failed in the browser: {problems:#?}\nserver log:\n{}",
        server.log_tail()
    );
    assert!(
        steps.iter().any(|s| s["step"] == "done"),
        "reconnect: the scenario did not reach its end"
    );

    let mut analyze = Command::new("node");
    analyze
        .arg(harness.join("reconnect.mjs"))
        .arg("analyze")
        .arg(&scenario)
        .current_dir(&harness);
    let (status, report) = run(analyze, &dir, "analyze", Duration::from_secs(30));
    assert!(status.success(), "reconnect.mjs analyze failed ({status}):\n{report}");
    let frames = last_json(&report).expect("the analysis");
    assert_resumed("reconnect", &frames, false);

    assert_eq!(count_text(&snapshot(&scenario, "reconnected")), "Current count: 2");
    assert_eq!(count_text(&snapshot(&scenario, "after")), "Current count: 4");
}

#[test]
fn unacknowledged_batches_are_resent_once_and_in_order() {
    // Issue 12, the `resend` bullet: acks held in the page while three clicks render (batches the
    // server keeps), then the proxy cuts the socket. On the new socket the server resends exactly
    // those three, in order, before the ConnectCircuit completion; the client re-acknowledges them
    // without applying them twice, and the count goes on from 5 to 7. (capture.mjs's own `resend`
    // scenario needs the conformance app's /ticker, which `brasa serve` does not have yet.)
    let dir = out_dir("reconnect-resend");
    let server = Server::start(&dir);
    let summary = browser_mode(&server, &dir, "resend");
    assert_eq!(summary["heldAcks"], 3, "three acks held back: {}", summary["steps"]);
    let resent = assert_resumed("resend", &summary["frames"], true);
    assert_eq!(resent.len(), 3, "three batches resent: {resent:?}");
    assert_eq!(
        summary["reconnected"]["count"], "Current count: 5",
        "after the reconnect"
    );
    assert_eq!(summary["after"], "Current count: 7", "two clicks after the reconnect");
}

#[test]
fn past_the_retention_period_the_client_shows_that_the_session_ended() {
    // Issue 12, CIR-4.2: `--retention 2`; the proxy cuts the socket and refuses connections for
    // 3.5 s. The server expires the circuit, ConnectCircuit answers false, and the client shows
    // its rejected state: visible, and the page no longer reacts.
    let dir = out_dir("reconnect-expiry");
    let server = Server::start_with(&dir, &["--retention", "2"]);
    let summary = browser_mode(&server, &dir, "expiry");
    let ended = &summary["ended"];
    let by_modal = ended["modalClass"] == "components-reconnect-rejected";
    let by_overlay = ended["overlay"]
        .as_str()
        .is_some_and(|t| t.contains("The session has ended"));
    assert!(
        by_modal || by_overlay,
        "the client does not show the session ended: {ended}\nsteps: {}",
        summary["steps"]
    );
    assert!(
        if by_modal {
            ended["modalOpen"] == true
        } else {
            ended["overlayVisible"] == true
        },
        "the session-ended state is not visible to a person: {ended}"
    );
    let connects = summary["frames"]["connects"].as_array().unwrap();
    assert_eq!(
        connects.last().map(|c| &c["answered"]),
        Some(&Value::Bool(false)),
        "ConnectCircuit after the retention period: {connects:?}"
    );
    let metrics = &summary["metrics"];
    assert_eq!(metrics["brasa_circuits_ended_total_expired"], 1, "metrics: {metrics}");
    assert_eq!(metrics["brasa_circuits_retained"], 0, "metrics: {metrics}");
    assert_eq!(metrics["brasa_circuits_connected"], 0, "metrics: {metrics}");
    assert_eq!(summary["countAfterEnd"], "Current count: 1", "a click after the end");
}

#[test]
fn closing_the_page_ends_the_circuit_at_once() {
    // Issue 12, CIR-4.4: the unload beacon (POST /_blazor/disconnect) disposes the circuit when
    // the page closes: /metrics counts it as terminated within 2 s, not retained.
    let dir = out_dir("reconnect-close");
    let server = Server::start(&dir);
    let summary = browser_mode(&server, &dir, "close");
    let (before, after) = (&summary["metricsBefore"], &summary["metricsAfter"]);
    assert_eq!(before["brasa_circuits_connected"], 1, "before closing: {before}");
    assert_eq!(
        after["brasa_circuits_ended_total_terminated"].as_i64(),
        before["brasa_circuits_ended_total_terminated"].as_i64().map(|n| n + 1),
        "the circuit not terminated after the page closed: {after}"
    );
    assert_eq!(
        after["brasa_circuits_retained"], 0,
        "retained instead of ended: {after}"
    );
    assert_eq!(after["brasa_circuits_connected"], 0, "after closing: {after}");
    let ms = summary["endedAfterMs"].as_i64().unwrap();
    assert!(ms < 2000, "the circuit ended {ms} ms after the page closed");
    let log = std::fs::read_to_string(&server.log).unwrap_or_default();
    assert!(
        log.contains("disconnect"),
        "no POST /_blazor/disconnect in the server log:\n{}",
        server.log_tail()
    );
}

#[test]
fn the_official_signalr_client_is_a_second_peer() {
    // Issue 12: `@microsoft/signalr` with its MessagePack protocol renamed `blazorpack` v1 starts a
    // circuit on /counter, acknowledges JS.RenderBatch, clicks #inc, and the next batch updates
    // the count's text node to "1" (decoded here with brasa-protocol).
    let harness = require_harness();
    for package in ["@microsoft/signalr", "@microsoft/signalr-protocol-msgpack"] {
        assert!(
            harness
                .join("node_modules")
                .join(package)
                .join("package.json")
                .is_file(),
            "the Node package `{package}` is missing from {}: run `npm ci --prefix conformance/harness`",
            harness.display()
        );
    }
    let dir = out_dir("reconnect-peer");
    let server = Server::start(&dir);
    let mut node = Command::new("node");
    node.arg(harness.join("second-peer.mjs"))
        .current_dir(&harness)
        .env("TARGET", server.target());
    let (status, output) = run(node, &dir, "peer", Duration::from_secs(60));
    let summary = last_json(&output).unwrap_or_else(|| {
        panic!(
            "second-peer.mjs: no summary ({status}):\n{}\nserver log:\n{}",
            tail(&output, 40),
            server.log_tail()
        )
    });
    assert!(
        status.success() && summary["errors"] == serde_json::json!([]),
        "second-peer.mjs failed ({status}): {}\nevents: {}\nserver log:\n{}",
        summary["errors"],
        summary["events"],
        server.log_tail()
    );
    assert_eq!(
        summary["protocol"],
        serde_json::json!({"name": "blazorpack", "version": 1})
    );
    assert_eq!(summary["circuit"], true, "StartCircuit answered a circuit id");
    let batches = summary["batches"].as_array().unwrap();
    assert!(batches.len() >= 2, "a first batch and the click's: {batches:?}");

    let decode = |b: &Value| {
        let hex = b["hex"].as_str().unwrap();
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        brasa_protocol::render_batch::decode(&bytes)
            .unwrap_or_else(|e| panic!("batch {} does not decode: {e:?}", b["id"]))
    };
    use brasa_protocol::render_batch::{Edit, Frame};
    let texts = |batch: &brasa_protocol::render_batch::RenderBatch| -> Vec<String> {
        batch
            .reference_frames
            .iter()
            .filter_map(|f| match f {
                Frame::Text { content } => Some(content.clone()),
                _ => None,
            })
            .collect()
    };
    let first = decode(&batches[0]);
    let first_texts = texts(&first);
    assert!(
        first_texts.iter().any(|t| t == "Current count: ") && first_texts.iter().any(|t| t == "0"),
        "the first batch renders the counter at 0: {first_texts:?}"
    );
    let clicked = batches
        .iter()
        .find(|b| b["id"] == summary["clicked"])
        .expect("the click's batch");
    let clicked = decode(clicked);
    let updated: Vec<String> = clicked
        .updated_components
        .iter()
        .flat_map(|d| d.edits.iter())
        .filter_map(|e| match e {
            Edit::UpdateText {
                reference_frame_index, ..
            } => match &clicked.reference_frames[*reference_frame_index as usize] {
                Frame::Text { content } => Some(content.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        updated,
        ["1"],
        "the click's batch updates the count's text to 1: {clicked:?}"
    );

    // Every batch acknowledged, in the order received.
    let events = summary["events"].as_array().unwrap();
    let acked: Vec<&Value> = events
        .iter()
        .filter(|e| e["out"] == "OnRenderCompleted")
        .map(|e| &e["batchId"])
        .collect();
    let got: Vec<&Value> = batches.iter().map(|b| &b["id"]).collect();
    assert_eq!(acked, got, "acks");
}
