//! Agreement with the official SignalR protocol implementations (spec/hub.md, HUB-1.1, HUB-1.2,
//! HUB-2.2, HUB-3.2, HUB-4.1, and the handshake: HUB-5.1, HUB-5.2, HUB-5.3).
//!
//! Runs `conformance/node/agreement.mjs` under Node: it parses every hub vector with
//! `@microsoft/signalr`'s JsonHubProtocol and `@microsoft/signalr-protocol-msgpack`'s
//! MessagePackHubProtocol, writes the messages back with their writers, and exits non-zero on any
//! disagreement that its lists of known differences do not explain. It also prints, one JSON line
//! per case, bytes written by the official writers with the readable messages they must decode
//! to; this test decodes them with Brasa's decoder and compares. Lines with the protocol
//! `handshake` carry the official client's handshake request (which Brasa must read) and a
//! response recorded from ASP.NET Core 10 with the error the official client reads from it
//! (which Brasa must write, byte for byte, as its answer to that request).
//!
//! Node and npm are required: without them the test fails (it does not skip). When
//! `conformance/node/node_modules` is missing it runs `npm ci` there first (the registry must be
//! reachable then).

use std::path::{Path, PathBuf};
use std::process::Command;

use brasa_protocol::hub::handshake::{self, HandshakeResponse};
use brasa_protocol::hub::{self, Protocol, Value};
use serde::Deserialize;

fn node_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("node")
}

/// One official-writer case: `readable` is read with Brasa's readable-form reader, which keeps
/// member order (a `serde_json::Value` would sort it).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WriterCase {
    name: String,
    protocol: String,
    hex: String,
    readable: Vec<Value>,
}

fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "odd hex");
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

fn run(command: &mut Command, what: &str) -> std::process::Output {
    match command.output() {
        Ok(output) => output,
        Err(e) => panic!(
            "cannot run {what}: {e}. Node.js (20 or later) and npm are required for this test; install them (for example `apt-get install nodejs npm`)."
        ),
    }
}

#[test]
fn official_signalr_implementations_agree_with_brasa() {
    let dir = node_dir();
    let version = run(Command::new("node").arg("--version"), "node");
    assert!(version.status.success(), "`node --version` failed");

    if !dir
        .join("node_modules")
        .join("@microsoft")
        .join("signalr-protocol-msgpack")
        .exists()
    {
        let install = run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir),
            "npm",
        );
        assert!(
            install.status.success(),
            "`npm ci --prefix {}` failed:\n{}{}",
            dir.display(),
            String::from_utf8_lossy(&install.stdout),
            String::from_utf8_lossy(&install.stderr)
        );
    }

    let output = run(Command::new("node").arg(dir.join("agreement.mjs")), "node");
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stderr}");
    assert!(
        output.status.success(),
        "agreement.mjs reports disagreements with the official implementations:\n{stderr}"
    );

    // Official writer -> Brasa's decoder.
    let stdout = String::from_utf8(output.stdout).expect("agreement.mjs prints UTF-8");
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let case: WriterCase =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("agreement.mjs printed a bad line ({e}): {line}"));
        if case.protocol == "handshake" {
            if let Err(e) = check_handshake(&case) {
                failures.push(format!("{}: {e}", case.name));
            }
            checked += 1;
            continue;
        }
        let protocol = match case.protocol.as_str() {
            "messagepack" => Protocol::MessagePack,
            "json" => Protocol::Json,
            other => panic!("unknown protocol {other}"),
        };
        let label = format!("{} ({})", case.name, case.protocol);
        let expected: Vec<hub::HubMessage> = case
            .readable
            .iter()
            .map(|v| {
                hub::from_readable(v, 0)
                    .unwrap_or_else(|e| panic!("{label}: the expected readable form is invalid: {e}"))
            })
            .collect();
        match hub::decode_all(protocol, &unhex(&case.hex), hub::DEFAULT_MAX_MESSAGE_SIZE) {
            Err(e) => failures.push(format!("{label}: Brasa rejects the official writer's bytes: {e}")),
            Ok(decoded) => {
                let got: Vec<String> = decoded.iter().map(hub::readable_json).collect();
                let want: Vec<String> = expected.iter().map(hub::readable_json).collect();
                if decoded != expected || got != want {
                    failures.push(format!("{label}: Brasa decodes {got:?}, expected {want:?}"));
                }
            }
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "official writer -> Brasa:\n{}",
        failures.join("\n")
    );
    assert!(checked >= 30, "only {checked} official-writer cases");
    assert!(
        stdout.contains("\"protocol\":\"handshake\""),
        "agreement.mjs printed no handshake cases"
    );
}

/// HUB-5.1: Brasa reads the official client's request. HUB-5.2, HUB-5.3: Brasa answers it with
/// exactly the recorded response, and reads that response as the official client does.
fn check_handshake(case: &WriterCase) -> Result<(), String> {
    let [request, response] = case.readable.as_slice() else {
        return Err("expected [request, response]".into());
    };
    let field = |v: &Value, name: &str| match v {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| v.clone()),
        _ => None,
    };
    let bytes = unhex(&case.hex);
    let (read, used) = handshake::read_request(&bytes)
        .map_err(|e| format!("Brasa rejects the official request: {e}"))?
        .ok_or("Brasa finds the official request incomplete")?;
    if used != bytes.len() {
        return Err(format!("the request takes {used} of {} bytes", bytes.len()));
    }
    if Some(Value::str(read.protocol.clone())) != field(request, "protocol")
        || Some(Value::UInt(u64::from(read.version))) != field(request, "version")
    {
        return Err(format!("Brasa reads {read:?}"));
    }
    let recorded = match field(response, "response") {
        Some(Value::Str(hex)) => unhex(&hex),
        _ => return Err("no recorded response".into()),
    };
    let mut written = Vec::new();
    handshake::write_response(&handshake::answer(&read, "blazorpack", 1), &mut written);
    if written != recorded {
        return Err(format!(
            "Brasa answers {:?}, ASP.NET Core answered {:?}",
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&recorded)
        ));
    }
    let official = field(response, "error").unwrap_or(Value::Nil);
    let (brasa, _) = handshake::read_response(&recorded)
        .map_err(|e| format!("Brasa rejects the recorded response: {e}"))?
        .ok_or("Brasa finds the recorded response incomplete")?;
    let agrees = match (&brasa, &official) {
        (HandshakeResponse::Accepted, Value::Nil) => true,
        (HandshakeResponse::Refused(text), Value::Str(official)) => text == official,
        _ => false,
    };
    if !agrees {
        return Err(format!("Brasa reads {brasa:?}, the official client {official:?}"));
    }
    Ok(())
}
