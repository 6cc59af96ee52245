//! Every hub message recorded from ASP.NET Core 10 (`../shared/reference/captures/*/*/messages.jsonl`,
//! each `raw` field, and `bad-input/*.json`) decodes, keeps its type and target, and re-encodes to
//! exactly its bytes through the readable form (HUB-1.2, HUB-2.2, HUB-4.1).

use std::path::{Path, PathBuf};

use brasa_protocol::hub::{self, HubMessage, Protocol};

fn reference() -> PathBuf {
    std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"))
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[test]
fn recorded_messages_round_trip_byte_for_byte() {
    let mut checked = 0;
    let mut sessions: Vec<PathBuf> = Vec::new();
    for kind in std::fs::read_dir(reference().join("captures"))
        .expect("captures")
        .flatten()
    {
        if let Ok(entries) = std::fs::read_dir(kind.path()) {
            sessions.extend(
                entries
                    .flatten()
                    .map(|e| e.path().join("messages.jsonl"))
                    .filter(|p| p.exists()),
            );
        }
    }
    sessions.sort();
    assert!(sessions.len() >= 6, "found {} captured sessions", sessions.len());
    for file in sessions {
        for (n, line) in std::fs::read_to_string(&file).unwrap().lines().enumerate() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            let Some(raw) = record["raw"].as_str() else { continue };
            let body = hex(raw);
            let mut framed = Vec::new();
            hub::write_length_prefix(body.len(), &mut framed);
            framed.extend_from_slice(&body);
            let place = format!("{}:{}", file.display(), n + 1);
            let messages =
                hub::decode_all(Protocol::MessagePack, &framed, usize::MAX).unwrap_or_else(|e| panic!("{place}: {e}"));
            assert_eq!(messages.len(), 1, "{place}");
            let message = &messages[0];
            let captured = &record["msg"];
            assert_eq!(
                u64::from(message.type_number()),
                captured[0].as_u64().unwrap(),
                "{place}"
            );
            if let HubMessage::Invocation(inv) = message {
                assert_eq!(inv.target, captured[3].as_str().unwrap(), "{place}");
            }
            let readable = hub::readable_json(message);
            let back = hub::parse_readable(&readable).unwrap_or_else(|e| panic!("{place}: {e}"));
            let mut out = Vec::new();
            hub::encode(Protocol::MessagePack, &back, &mut out).unwrap();
            assert_eq!(out, framed, "{place}: {readable}");
            checked += 1;
        }
    }
    assert!(checked >= 350, "only {checked} recorded messages");
}

#[test]
fn every_split_of_a_recorded_stream_decodes_the_same() {
    // HUB-1.3: decoders take input in any pieces.
    let path = reference().join("captures/prerender/counter/messages.jsonl");
    let mut stream = Vec::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(raw) = record["raw"].as_str() {
            let body = hex(raw);
            hub::write_length_prefix(body.len(), &mut stream);
            stream.extend_from_slice(&body);
        }
    }
    let whole = hub::decode_all(Protocol::MessagePack, &stream, usize::MAX).unwrap();
    for step in [1, 2, 3, 7, 64] {
        let mut decoder = hub::Decoder::new(Protocol::MessagePack, usize::MAX);
        let mut got = Vec::new();
        for piece in stream.chunks(step) {
            decoder.push(piece);
            while let Some(m) = decoder.next_message().unwrap() {
                got.push(m);
            }
        }
        decoder.finish().unwrap();
        assert_eq!(got, whole, "pieces of {step}");
    }
}
