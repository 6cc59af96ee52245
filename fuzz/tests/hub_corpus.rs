//! The hub and circuit fuzz bodies on a fixed corpus under a plain `cargo test`: every hub
//! vector, every recorded hub message stream, deterministic mutations of them, and pseudo-random
//! operation sequences for the circuit (HUB-1.3, HUB-4.1, CIR-5.3, CIR-6.6).

use std::path::{Path, PathBuf};

use brasa_fuzz::from_hex;
use brasa_fuzz::hub::{circuit, hub_decoder};
use brasa_protocol::hub::{Protocol, write_length_prefix};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn mutations(input: &[u8], rng: &mut Rng, out: &mut Vec<Vec<u8>>) {
    out.push(input.to_vec());
    for cut in [0, 1, input.len() / 2, input.len().saturating_sub(1)] {
        out.push(input[..cut.min(input.len())].to_vec());
    }
    for _ in 0..6 {
        let mut m = input.to_vec();
        if !m.is_empty() {
            let at = (rng.next() as usize) % m.len();
            m[at] ^= 1 << (rng.next() % 8);
        }
        out.push(m);
    }
}

fn hub_vectors() -> Vec<(Protocol, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors/hub");
    let mut out = Vec::new();
    for group in ["valid", "invalid"] {
        for entry in std::fs::read_dir(dir.join(group)).expect("hub vectors").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let bytes = from_hex(value["hex"].as_str().unwrap()).unwrap();
            let protocol = if name.starts_with("json-") {
                Protocol::Json
            } else {
                Protocol::MessagePack
            };
            out.push((protocol, bytes));
        }
    }
    out
}

fn recorded_streams() -> Vec<Vec<u8>> {
    let reference = std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"));
    let mut streams = Vec::new();
    for kind in std::fs::read_dir(reference.join("captures"))
        .expect("captures")
        .flatten()
    {
        let Ok(sessions) = std::fs::read_dir(kind.path()) else {
            continue;
        };
        for session in sessions.flatten() {
            let Ok(text) = std::fs::read_to_string(session.path().join("messages.jsonl")) else {
                continue;
            };
            let mut stream = Vec::new();
            for line in text.lines() {
                let record: serde_json::Value = serde_json::from_str(line).unwrap();
                if let Some(raw) = record["raw"].as_str() {
                    let body = from_hex(raw).unwrap();
                    write_length_prefix(body.len(), &mut stream);
                    stream.extend_from_slice(&body);
                }
            }
            streams.push(stream);
        }
    }
    streams
}

#[test]
fn hub_decoders_on_vectors_recordings_and_mutations() {
    let mut rng = Rng(7);
    let vectors = hub_vectors();
    assert!(vectors.len() >= 120, "found {} hub vectors", vectors.len());
    let mut inputs = 0;
    for (protocol, bytes) in &vectors {
        let mut all = Vec::new();
        mutations(bytes, &mut rng, &mut all);
        for input in all {
            hub_decoder(*protocol, &input);
            inputs += 1;
        }
    }
    let streams = recorded_streams();
    assert!(streams.len() >= 6);
    for stream in &streams {
        let mut all = Vec::new();
        mutations(stream, &mut rng, &mut all);
        for input in all {
            hub_decoder(Protocol::MessagePack, &input);
            inputs += 1;
        }
    }
    for _ in 0..2000 {
        let n = (rng.next() % 64) as usize;
        let input: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        hub_decoder(Protocol::MessagePack, &input);
        hub_decoder(Protocol::Json, &input);
        inputs += 2;
    }
    assert!(inputs > 5000);
}

#[test]
fn circuit_on_pseudo_random_operation_sequences() {
    let mut rng = Rng(11);
    // A sequence that certainly starts a circuit and exercises it.
    circuit(&[
        0, 1, 0, 2, 0, 0, 0, 2, 0, 1, 0, 2, 0, 3, 1, 0, 2, 0, 2, 2, 4, 5, 200, 6, 0,
    ]);
    for _ in 0..3000 {
        let n = (rng.next() % 96) as usize;
        // Bias toward opening connections and handshaking first, so that calls reach circuits.
        let mut input = vec![0, 1, 0];
        input.extend((0..n).map(|_| rng.next() as u8));
        circuit(&input);
    }
}
