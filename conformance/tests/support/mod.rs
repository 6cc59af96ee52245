//! What the agreement tests share: where the repository and the recordings are, hex, and running
//! one of the browser client's Node filters (`reference-impl/client/test-support/*-verdicts.mjs`)
//! over many inputs at once.

// Each test binary uses part of this module.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn reference() -> PathBuf {
    std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/reference"))
}

/// The files of `dir` whose names end in `.EXTENSION`, sorted; panics when `dir` cannot be read.
pub fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

pub fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `node test-support/SCRIPT` in the client's directory with one input line per element of
/// `lines` and returns its output lines, one per input. Installs the client's npm packages first
/// when they are missing; fails (never skips) without Node or npm.
pub fn client_filter(script: &str, lines: &[String]) -> Vec<String> {
    let client = root().join("reference-impl/client");
    if !client.join("node_modules").join("esbuild").exists() || !client.join("node_modules").join("jsdom").exists() {
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&client)
            .output()
            .expect("npm is required for this test");
        assert!(
            out.status.success(),
            "npm ci failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut child = Command::new("node")
        .arg(Path::new("test-support").join(script))
        .current_dir(&client)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Node.js (20 or later) is required for this test");
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("node finishes");
    writer.join().expect("writer").expect("write to node");
    assert!(
        out.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let output: Vec<String> = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(output.len(), lines.len(), "{script}: one output line per input line");
    output
}
