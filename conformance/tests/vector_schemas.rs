//! Every conformance vector file conforms to the JSON Schema published for it in `spec/schemas/`
//! (`vector.schema.json` for the render-batch and hub suites, `semantic-vector.schema.json` for
//! the semantics suite), checked with a general JSON Schema validator (draft 2020-12), so that an
//! implementation in another language that reads the vectors through the schema reads what the
//! Rust runner reads. The runner's own serde types do not check the schema's constraints (at
//! least one requirement id, the error kinds it lists, the id's form).

use std::path::{Path, PathBuf};

use jsonschema::{Registry, Validator};
use serde_json::Value;

/// The base the schemas are published under for this check (they carry no `$id`; the vector
/// schema refers to `render-batch.schema.json` by a relative reference).
const BASE: &str = "https://brasa.invalid/schemas/";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn schema(name: &str) -> Value {
    read_json(&root().join("spec/schemas").join(name))
}

/// A validator for the published schema `name`, with the other published schemas it may refer to.
fn validator(name: &str) -> Validator {
    let registry = Registry::new()
        .add(
            format!("{BASE}render-batch.schema.json"),
            schema("render-batch.schema.json"),
        )
        .and_then(|r| r.prepare())
        .unwrap_or_else(|e| panic!("registry: {e}"));
    jsonschema::options()
        .with_base_uri(format!("{BASE}{name}"))
        .with_registry(&registry)
        .build(&schema(name))
        .unwrap_or_else(|e| panic!("{name} does not compile as a JSON Schema: {e}"))
}

/// The vector files of a suite (`conformance/vectors/<suite>/{valid,invalid}/*.json`).
fn vector_files(suite: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for group in ["valid", "invalid"] {
        let dir = root().join("conformance/vectors").join(suite).join(group);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The schema errors of each file that does not conform, one line each.
fn nonconforming(validator: &Validator, files: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for path in files {
        let vector = read_json(path);
        for error in validator.iter_errors(&vector) {
            failures.push(format!(
                "{}: at {:?}: {error}",
                path.display(),
                error.instance_path().as_str()
            ));
        }
    }
    failures
}

#[test]
fn every_vector_conforms_to_its_published_schema() {
    let vectors = validator("vector.schema.json");
    let semantic = validator("semantic-vector.schema.json");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (suite, validator) in [("render-batch", &vectors), ("hub", &vectors), ("semantics", &semantic)] {
        let files = vector_files(suite);
        assert!(!files.is_empty(), "no vectors in suite {suite}");
        checked += files.len();
        failures.extend(nonconforming(validator, &files));
    }
    assert!(
        failures.is_empty(),
        "{} schema errors in {checked} vector files:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every file of the three suites was read (the runner's count is 479 trials, 490 files).
    assert!(checked >= 400, "only {checked} vector files");
}

/// A change that makes a vector break its schema.
type Breaks = fn(&mut Value);

#[test]
fn the_schemas_reject_what_they_forbid() {
    // The check above can fail: a correct render-batch vector, then each way of breaking it.
    let vectors = validator("vector.schema.json");
    let path = root().join("conformance/vectors/render-batch/invalid/step-out-at-depth-zero.json");
    let good = read_json(&path);
    assert!(vectors.is_valid(&good), "{}", path.display());
    let broken: [(&str, Breaks); 6] = [
        ("no requirement id", |v| v["requirements"] = Value::Array(vec![])),
        ("no description", |v| {
            v.as_object_mut().expect("object").remove("description");
        }),
        ("an unknown field", |v| v["note"] = Value::from("x")),
        ("hex that is a number", |v| v["hex"] = Value::from(12)),
        ("both outcomes", |v| {
            v["expect"]["valid"] = serde_json::json!({ "json": {} })
        }),
        ("an offset below zero", |v| {
            v["expect"]["invalid"]["offset"] = Value::from(-1)
        }),
    ];
    for (what, breaks) in broken {
        let mut vector = good.clone();
        breaks(&mut vector);
        assert!(
            !vectors.is_valid(&vector),
            "the vector schema accepts a vector with {what}"
        );
    }
    // A valid vector's expected form is a render batch: a frame of an unknown type is refused
    // through the reference to render-batch.schema.json.
    let path = root().join("conformance/vectors/render-batch/valid/empty-batch.json");
    let mut valid = read_json(&path);
    assert!(vectors.is_valid(&valid), "{}", path.display());
    valid["expect"]["valid"]["json"]["referenceFrames"] = serde_json::json!([{ "type": "frobnicate" }]);
    assert!(
        !vectors.is_valid(&valid),
        "the expected form is not checked against render-batch.schema.json"
    );
}
