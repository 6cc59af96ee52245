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
    /// The input is valid: it decodes to this form, and encoding that form gives back the input
    /// bytes (exactly, except for the JSON hub protocol, whose text need only decode the same).
    Valid {
        /// `render-batch`: the canonical JSON form of the batch (RB-6.1, RB-6.3); `hub`: the array
        /// of the messages' readable forms, in order (HUB-4.1).
        #[schemars(schema_with = "valid_form")]
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

fn valid_form(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "oneOf": [
            { "$ref": "render-batch.schema.json" },
            { "type": "array", "items": { "type": "object", "required": ["type"] } }
        ]
    })
}

fn error_kinds(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut names: Vec<&str> = brasa_protocol::render_batch::DecodeErrorKind::NAMES.to_vec();
    for name in brasa_protocol::hub::HubErrorKind::NAMES {
        if !names.contains(name) {
            names.push(name);
        }
    }
    schemars::json_schema!({ "type": "string", "enum": names })
}
