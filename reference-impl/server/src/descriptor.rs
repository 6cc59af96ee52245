//! Brasa's own opaque, tamper-proof component descriptors (fact sheet §2.3: only the server reads
//! them): standard base64 of `payload JSON || HMAC-SHA256(key, payload JSON)`, with a
//! per-process random key.
// SRV-3.4: opaque and tamper-proof descriptors; SRV-3.3: the same key protects the state comment.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;
const TAG: usize = 32;

/// What a descriptor carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Descriptor {
    /// The component type's name in [`crate::pages`].
    pub type_name: String,
    /// The marker's sequence.
    pub sequence: u64,
    /// The marker's key (`{"locationHash":…,"formattedComponentKey":""}`).
    pub key: Json,
}

/// The per-process key that protects descriptors and the persisted-state comment.
pub struct Keys {
    key: [u8; 32],
}

impl Keys {
    /// A key from the OS random source.
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the OS random source");
        Keys { key }
    }

    fn mac(&self, payload: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length");
        mac.update(payload);
        mac
    }

    /// A fresh prerender id: 128 random bits as 32 lower-case hex digits (as recorded).
    pub fn prerender_id(&self) -> String {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the OS random source");
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Protects `payload`: base64 of the payload and its tag.
    pub fn protect(&self, payload: &[u8]) -> String {
        let mut bytes = payload.to_vec();
        bytes.extend_from_slice(&self.mac(payload).finalize().into_bytes());
        STANDARD.encode(bytes)
    }

    /// The payload if `text` is a protected payload this process made.
    pub fn unprotect(&self, text: &str) -> Option<Vec<u8>> {
        let bytes = STANDARD.decode(text).ok()?;
        if bytes.len() < TAG {
            return None;
        }
        let (payload, tag) = bytes.split_at(bytes.len() - TAG);
        self.mac(payload).verify_slice(tag).ok()?;
        Some(payload.to_vec())
    }

    // SRV-3.2: the marker's `key`.
    /// The key of a marker for this component type (SHA-256 of its name, as Blazor's
    /// `locationHash`, and its sequence in the page).
    pub fn marker_key(type_name: &str) -> Json {
        let hash = Sha256::digest(format!("Brasa.Conformance.{type_name}").as_bytes());
        let hex: String = hash.iter().map(|b| format!("{b:02X}")).collect();
        json!({"locationHash": format!("{hex}:0"), "formattedComponentKey": ""})
    }

    /// A descriptor for a root component of this type at this sequence.
    pub fn descriptor(&self, type_name: &str, sequence: u64) -> String {
        let payload = json!({
            "typeName": type_name,
            "sequence": sequence,
            "key": Self::marker_key(type_name),
        });
        self.protect(payload.to_string().as_bytes())
    }

    /// Opens a descriptor this process made.
    pub fn open_descriptor(&self, text: &str) -> Option<Descriptor> {
        let payload: Json = serde_json::from_slice(&self.unprotect(text)?).ok()?;
        Some(Descriptor {
            type_name: payload.get("typeName")?.as_str()?.to_owned(),
            sequence: payload.get("sequence")?.as_u64()?,
            key: payload.get("key")?.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // SRV-3.4: a changed byte, or another process's key, opens nothing.
    #[test]
    fn descriptors_round_trip_and_reject_tampering() {
        let keys = Keys::random();
        let text = keys.descriptor("counter", 0);
        let opened = keys.open_descriptor(&text).unwrap();
        assert_eq!(opened.type_name, "counter");
        assert_eq!(opened.key, Keys::marker_key("counter"));
        let mut bytes = STANDARD.decode(&text).unwrap();
        bytes[2] ^= 1;
        assert!(keys.open_descriptor(&STANDARD.encode(bytes)).is_none());
        assert!(Keys::random().open_descriptor(&text).is_none(), "another process's key");
    }
}
