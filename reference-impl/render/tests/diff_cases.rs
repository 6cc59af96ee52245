//! The diff-case oracle: every case in `reference/diff-cases/` (931 sequences of render trees
//! with the batches ASP.NET Core 10's renderer wrote for them) must render to the same bytes.
//! `BRASA_REFERENCE` may point at the `reference` directory instead of `../shared/reference`.

use std::path::PathBuf;

use libtest_mimic::{Arguments, Failed, Trial};

const EXPECTED_CASES: usize = 931;

fn reference_dir() -> PathBuf {
    match std::env::var_os("BRASA_REFERENCE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn check_case(path: &PathBuf) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let case: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let expected: Vec<&str> = case["batches"]
        .as_array()
        .ok_or("no batches")?
        .iter()
        .map(|b| b.as_str().unwrap_or_default())
        .collect();
    let actual = brasa_render::render_tree_sequence(&text).map_err(|e| e.to_string())?;
    if actual.len() != expected.len() {
        return Err(format!("{} batches, expected {}", actual.len(), expected.len()).into());
    }
    for (index, (actual, expected)) in actual.iter().zip(&expected).enumerate() {
        let actual = hex(actual);
        if actual != *expected {
            let describe = |hex: &str| {
                let bytes: Vec<u8> = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0))
                    .collect();
                match brasa_protocol::render_batch::decode(&bytes) {
                    Ok(batch) => brasa_protocol::render_batch::describe(&batch),
                    Err(e) => format!("(undecodable: {e})"),
                }
            };
            return Err(format!(
                "batch {index} differs\n--- expected:\n{}\n--- actual:\n{}",
                describe(expected),
                describe(&actual)
            )
            .into());
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let dir = reference_dir().join("diff-cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    let found = paths.len();
    let mut trials = vec![Trial::test("all_diff_cases_present", move || {
        if found >= EXPECTED_CASES {
            Ok(())
        } else {
            Err(format!(
                "found {found} diff cases in {}, expected {EXPECTED_CASES}",
                dir.display()
            )
            .into())
        }
    })];
    for path in paths {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        trials.push(Trial::test(name, move || check_case(&path)));
    }
    libtest_mimic::run(&args, trials).exit();
}
