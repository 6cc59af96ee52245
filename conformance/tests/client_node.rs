//! Brasa's browser client (`reference-impl/client/`) in Node, as part of the normal test command:
//! its reader against every render-batch vector, its applier against every semantics vector, the
//! replay of a recorded session, and a check that the committed bundle (`dist/brasa.js`, served by
//! the Server host) is what the sources build (RB-6.3, ED-1.1).
//!
//! Node and npm are required: without them the test fails (it does not skip). When
//! `reference-impl/client/node_modules` is missing it runs `npm ci` there first.

use std::path::{Path, PathBuf};
use std::process::Command;

fn client_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference-impl/client")
}

fn run(command: &mut Command, what: &str) -> std::process::Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}. Node.js (20 or later) and npm are required for this test."))
}

#[test]
fn browser_client_passes_its_node_tests() {
    let dir = client_dir();
    if !dir.join("node_modules").exists() {
        let out = run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir),
            "npm ci",
        );
        assert!(
            out.status.success(),
            "npm ci failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = run(
        Command::new("npm").args(["test", "--silent"]).current_dir(&dir),
        "npm test",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the client's Node tests failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // node --test's summary: every test passed and there were some.
    let passed = stdout
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("ℹ pass ")
                .or_else(|| l.trim().strip_prefix("# pass "))
        })
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0);
    assert!(passed >= 300, "only {passed} client tests passed:\n{stdout}");
}
