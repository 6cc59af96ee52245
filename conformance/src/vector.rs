//! The language-neutral vector file format (`spec/schemas/vector.schema.json`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One conformance vector: an input and what a conforming implementation must make of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "Vector",
    description = "A Brasa conformance vector (conformance/README.md)."
)]
pub struct Vector {
    /// Stable identity: `suite/group/slug`, never reused for another case.
    pub id: String,
    /// The requirement ids of `spec/` that this vector checks.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// What the vector is about, for people.
    pub description: String,
    /// The input bytes as lower-case hex.
    pub hex: String,
    /// What must happen.
    pub expect: Expectation,
}

/// The expected outcome of a vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Expectation {
    /// The input is valid: it decodes to this canonical JSON form (RB-6.1), and encoding that
    /// form gives back exactly the input bytes (RB-6.3).
    Valid {
        /// The canonical JSON form.
        #[schemars(schema_with = "render_batch_ref")]
        json: serde_json::Value,
    },
    /// The input is invalid: a strict reader rejects it with this error kind.
    Invalid {
        /// The error kind's stable name (`DecodeErrorKind::name`).
        #[schemars(schema_with = "error_kinds")]
        error: String,
        /// The requirement the input breaks.
        #[schemars(regex(pattern = r"^[A-Z]+-[0-9]+\.[0-9]+$"))]
        requirement: String,
        /// Byte offset of the offending item, as Brasa's reader reports it.
        offset: usize,
    },
}

fn render_batch_ref(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "$ref": "render-batch.schema.json" })
}

fn error_kinds(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names = brasa_protocol::render_batch::DecodeErrorKind::NAMES;
    schemars::json_schema!({ "type": "string", "enum": names })
}
