//! What Chromium showed, against what the model builds from the same batches: for every DOM
//! snapshot of the single-root sessions recorded with ASP.NET Core 10 (`captures/prerender/`),
//! the batches that had arrived by the snapshot's time are applied with `apply_to_html`, and both
//! sides are compared as `tools/oracle --only apply` compares them (normalised by `domnorm.py`,
//! with the oracle's page-chrome cut and ignore rules, which this test loads from the oracle
//! itself). A second, stricter comparison wants the exact bytes Chromium serialised, comments
//! and whitespace included, less the attributes that page scripts (not batches) set.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const NORMALISE: &str = r#"
import importlib.machinery, importlib.util, json, re, sys
tools = sys.argv[1]
sys.path.insert(0, tools)
sys.dont_write_bytecode = True
import domnorm
loader = importlib.machinery.SourceFileLoader("brasa_oracle", tools + "/oracle")
spec = importlib.util.spec_from_loader("brasa_oracle", loader)
oracle = importlib.util.module_from_spec(spec)
loader.exec_module(oracle)
page = (oracle.REF / "captures/prerender/counter/page.html").read_text(encoding="utf-8")
end = page.rindex("<!--Blazor:")
chrome = [(t, k) for t, k, _ in oracle.top_level(page[page.index("-->", end) + 3:page.rindex("</body>")])]
out = []
for item in json.load(sys.stdin):
    html = open(item["snap"], encoding="utf-8").read()
    top = oracle.top_level(html)
    if len(top) < len(chrome) or [(t, k) for t, k, _ in top[-len(chrome):]] != chrome:
        out.append({"error": "page chrome not found in the snapshot"})
        continue
    raw = html[:top[-len(chrome)][2]]
    # Attributes that page scripts set (the oracle's ignore list), removed for the exact comparison.
    exact = raw.replace('<h1 tabindex="-1">', "<h1>")
    exact = re.sub(r'(<details[^>]*?) open=""', r"\1", exact)
    exact = re.sub(r'(id="blazor-error-ui"[^>]*?) style="[^"]*"', r"\1", exact)
    out.append({
        "want": domnorm.normalise(raw, ignore=oracle.IGNORE),
        "got": domnorm.normalise(item["got"], ignore=oracle.IGNORE),
        "exact": exact,
    })
print(json.dumps(out))
"#;

#[test]
fn prerender_sessions_match_chromium_snapshots() {
    let shared = common::shared();
    let sessions_dir = shared.join("reference/captures/prerender");
    let mut sessions: Vec<_> = std::fs::read_dir(&sessions_dir)
        .expect("captures/prerender is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("steps.json").is_file())
        .collect();
    sessions.sort();
    assert!(
        sessions.len() >= 4,
        "expected the counter, events, form and todo sessions"
    );

    let mut items = Vec::new();
    for session in &sessions {
        let index = common::read_json(&session.join("batches/index.json"));
        let steps = common::read_json(&session.join("steps.json"));
        for (at, step) in steps.as_array().expect("steps").iter().enumerate() {
            let Some(snap) = step["snap"].as_str() else { continue };
            let t = step["t"].as_f64().expect("t");
            let mut seen = Vec::new();
            let mut batches = Vec::new();
            for entry in index.as_array().expect("index") {
                let id = entry["batchId"].as_i64().expect("batchId");
                if entry["t"].as_f64().expect("t") <= t && !seen.contains(&id) {
                    seen.push(id);
                    let file = session.join("batches").join(entry["file"].as_str().expect("file"));
                    batches.push(std::fs::read(&file).expect("batch readable"));
                }
            }
            if batches.is_empty() {
                continue; // before the first batch the page shows the prerendered HTML
            }
            let snapshot = session.join(format!("dom-{at:03}-{snap}.html"));
            let got = brasa_dom::apply_to_html(&batches)
                .unwrap_or_else(|e| panic!("{}: cannot apply: {e}", snapshot.display()));
            items.push((snapshot, got));
        }
    }
    assert!(
        items.len() >= 19,
        "expected at least 19 snapshots, found {}",
        items.len()
    );

    let input = json!(
        items
            .iter()
            .map(|(s, g)| json!({"snap": s, "got": g}))
            .collect::<Vec<_>>()
    );
    let mut child = Command::new("python3")
        .args(["-c", NORMALISE])
        .arg(shared.join("tools"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write to python3");
    let output = child.wait_with_output().expect("python3 finishes");
    assert!(
        output.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).expect("python3 prints JSON");
    assert_eq!(results.len(), items.len());

    let mut failures = Vec::new();
    for ((snapshot, got), result) in items.iter().zip(&results) {
        let name = snapshot.strip_prefix(&shared).unwrap_or(snapshot).display().to_string();
        if let Some(error) = result["error"].as_str() {
            failures.push(format!("{name}: {error}"));
            continue;
        }
        let want: Vec<&str> = result["want"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let have: Vec<&str> = result["got"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        if want != have {
            let i = want
                .iter()
                .zip(&have)
                .position(|(a, b)| a != b)
                .unwrap_or(want.len().min(have.len()));
            failures.push(format!(
                "{name}: line {i}: brasa {:?}, browser {:?}",
                have.get(i).unwrap_or(&"(end)"),
                want.get(i).unwrap_or(&"(end)")
            ));
            continue;
        }
        // Exact: Chromium's bytes up to where the page chrome starts; what follows the root
        // component's output there is whitespace of the page, not of component 0.
        let exact = result["exact"].as_str().unwrap();
        if !(exact.starts_with(got.as_str()) && exact[got.len()..].trim().is_empty()) {
            let i = exact
                .bytes()
                .zip(got.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(exact.len()));
            let from = i.saturating_sub(60);
            failures.push(format!(
                "{name}: exact bytes differ at {i}: brasa {:?}, browser {:?}",
                got.get(from..(i + 60).min(got.len())).unwrap_or(""),
                exact.get(from..(i + 60).min(exact.len())).unwrap_or("")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} snapshots differ:\n{}",
        failures.len(),
        items.len(),
        failures.join("\n")
    );
}
