//! The `brasa` program as a user runs it: decode, encode, hex, errors, conformance run, schemas.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn brasa(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_brasa"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("brasa runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("write stdin");
    drop(input);
    child.wait_with_output().expect("brasa finishes")
}

fn reference() -> PathBuf {
    std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("brasa-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn decode_then_encode_reproduces_a_recorded_batch() {
    // RB-6.3 through the command line, binary and hex forms.
    let path = reference().join("captures/prerender/counter/batches/000-id2.bin");
    let bytes = std::fs::read(&path).unwrap();
    let decoded = brasa(&["decode", path.to_str().unwrap()], b"");
    assert!(decoded.status.success(), "{}", String::from_utf8_lossy(&decoded.stderr));
    let json: serde_json::Value = serde_json::from_slice(&decoded.stdout).expect("decode prints JSON");
    assert_eq!(json["updatedComponents"][0]["componentId"], 0);

    let encoded = brasa(&["encode", "-"], &decoded.stdout);
    assert!(encoded.status.success());
    assert_eq!(encoded.stdout, bytes);

    let hex_upper: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    let spaced = format!("{}\n  {}\n", &hex_upper[..10], &hex_upper[10..]);
    let from_hex = brasa(&["decode", "--hex"], spaced.as_bytes());
    assert!(
        from_hex.status.success(),
        "{}",
        String::from_utf8_lossy(&from_hex.stderr)
    );
    assert_eq!(from_hex.stdout, decoded.stdout);

    let hex_out = brasa(&["encode", "--hex"], &decoded.stdout);
    let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect::<String>() + "\n";
    assert_eq!(String::from_utf8(hex_out.stdout).unwrap(), expected);
}

#[test]
fn invalid_batch_reports_kind_offset_and_requirement() {
    // RB-1.3: a 40-byte batch whose trailer points past its end.
    let mut bytes = vec![0u8; 20];
    bytes.extend_from_slice(&[0, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0, 12, 0, 0, 0, 99, 0, 0, 0]);
    let out = brasa(&["decode"], &bytes);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("section_out_of_bounds"), "{stderr}");
    assert!(stderr.contains("byte offset 36"), "{stderr}");
    assert!(stderr.contains("RB-1.3"), "{stderr}");
    assert!(out.stdout.is_empty());

    // RB-1.4: a count of 2^31-1 in a 40-byte input fails at once.
    let mut huge = 0x7fff_ffffu32.to_le_bytes().to_vec();
    huge.extend_from_slice(&[0; 16]);
    huge.extend_from_slice(&[0, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0, 12, 0, 0, 0, 16, 0, 0, 0]);
    let out = brasa(&["decode"], &huge);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("count_exceeds_input at byte offset 0 (RB-1.4)"));
}

#[test]
fn bad_hex_and_bad_json_are_errors_not_panics() {
    let out = brasa(&["decode", "--hex"], b"abc");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("odd number of digits"));
    let out = brasa(&["decode", "--hex"], b"zz");
    assert_eq!(out.status.code(), Some(2));
    // A bad digit is named with its place among the digits (whitespace not counted), whether
    // it is the first or the second of its byte.
    for (input, place) in [(&b"00 g0"[..], "'g' (digit 2)"), (b"00\n0000 0x", "'x' (digit 7)")] {
        let out = brasa(&["decode", "--hex"], input);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("not a hex digit: {place}")), "{stderr}");
    }
    let out = brasa(&["encode"], br#"{"updatedComponents": []}"#);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("RB-6.1") && stderr.contains("referenceFrames"),
        "{stderr}"
    );
}

#[test]
fn encode_strict_rejects_a_form_that_encodes_to_an_invalid_batch() {
    // RB-6.3: the element claims a subtree of 5 frames in a batch of 1 (RB-3.5).
    let form = br#"{"updatedComponents": [], "referenceFrames": [{"type": "element", "subtreeLength": 5, "name": "div"}], "disposedComponentIds": [], "disposedEventHandlerIds": []}"#;
    let plain = brasa(&["encode", "--hex"], form);
    assert!(plain.status.success(), "without --strict the form is encoded as it is");
    assert!(!plain.stdout.is_empty());

    let strict = brasa(&["encode", "--hex", "--strict"], form);
    assert_eq!(strict.status.code(), Some(1));
    assert!(strict.stdout.is_empty(), "nothing is written");
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(
        stderr.contains("RB-6.3") && stderr.contains("subtree_out_of_bounds at byte offset 12 (RB-3.5)"),
        "{stderr}"
    );

    // A valid form passes --strict and gives the same bytes as without it.
    let path = reference().join("captures/prerender/counter/batches/000-id2.bin");
    let decoded = brasa(&["decode", path.to_str().unwrap()], b"");
    let strict = brasa(&["encode", "--strict"], &decoded.stdout);
    assert!(strict.status.success(), "{}", String::from_utf8_lossy(&strict.stderr));
    assert_eq!(strict.stdout, std::fs::read(&path).unwrap());
}

#[test]
fn serve_refuses_out_of_range_limits_and_times() {
    // SRV-6.1: each setting is checked before anything listens.
    for (flag, value) in [
        ("--max-buffered-batches", "0"),
        ("--max-message-size", "100"),
        ("--keep-alive", "0"),
        ("--client-timeout", "NaN"),
        ("--handshake-timeout", "soon"),
    ] {
        let out = brasa(&["serve", "--addr", "127.0.0.1:1", flag, value], b"");
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(flag), "{flag} {value}: {stderr}");
    }
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["decode", "--help"],
        vec!["encode", "--help"],
        vec!["conformance", "--help"],
        vec!["conformance", "run", "--help"],
        vec!["conformance", "list", "--help"],
        vec!["schema", "--help"],
    ] {
        let out = brasa(&args, b"");
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn conformance_run_passes_and_writes_reports() {
    let dir = temp_dir("reports");
    let out = brasa(&["conformance", "run", "--report", dir.to_str().unwrap()], b"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{stdout}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 80, "{last}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["passed"], passed);
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<testcase ").count(), passed);
}

#[test]
fn conformance_run_fails_on_a_wrong_vector() {
    // A vector that claims a valid batch is invalid must make the run fail, with a line naming it.
    let dir = temp_dir("wrong");
    let suite = dir.join("render-batch");
    std::fs::create_dir_all(&suite).unwrap();
    let empty = "000000000000000000000000000000000000000004000000080000000c00000010000000";
    let vector = serde_json::json!({
        "id": "render-batch/invalid/not-really",
        "requirements": ["RB-1.2"],
        "description": "The empty batch, wrongly expected to be rejected.",
        "hex": empty,
        "expect": {"invalid": {"error": "truncated", "requirement": "RB-1.3", "offset": 0}}
    });
    std::fs::write(suite.join("not-really.json"), vector.to_string()).unwrap();
    let out = brasa(
        &[
            "conformance",
            "run",
            "--vectors",
            dir.to_str().unwrap(),
            "--suite",
            "render-batch",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAIL render-batch/invalid/not-really"), "{stdout}");
    assert!(stdout.trim_end().ends_with("0 passed, 1 failed"), "{stdout}");
}

#[test]
fn published_schemas_are_up_to_date() {
    // RB-6.1: spec/schemas/ holds what the types generate (regenerate with `brasa schema NAME`).
    for name in ["render-batch", "vector", "semantic-vector"] {
        let out = brasa(&["schema", name], b"");
        assert!(out.status.success());
        let path = root().join(format!("spec/schemas/{name}.schema.json"));
        if std::env::var_os("BRASA_BLESS").is_some() {
            std::fs::write(&path, &out.stdout).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "{} is stale: run `brasa schema {name} > {}`",
            path.display(),
            path.display()
        );
    }
}

#[test]
fn schema_prints_each_event_schema_as_published() {
    // EV-7.1: `brasa schema events/NAME` prints spec/schemas/events/NAME.schema.json, for every
    // name `events/list` lists, and those are all the published files.
    let list = brasa(&["schema", "events/list"], b"");
    assert!(list.status.success());
    let names: Vec<String> = String::from_utf8(list.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let dir = root().join("spec/schemas/events");
    let published = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(names.len(), published, "{names:?}");
    for name in &names {
        let out = brasa(&["schema", name], b"");
        assert!(out.status.success(), "{name}");
        let file = dir.join(format!("{}.schema.json", name.strip_prefix("events/").unwrap()));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            std::fs::read_to_string(&file).unwrap(),
            "{name}"
        );
    }
    let unknown = brasa(&["schema", "events/nothing"], b"");
    assert_ne!(unknown.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown schema \"events/nothing\""));
}
