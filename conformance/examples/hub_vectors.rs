//! Writes the hub-protocol conformance vectors (`spec/hub.md`, HUB-*).
//!
//! ```text
//! cargo run -p brasa-conformance --example hub_vectors -- conformance/vectors/hub
//! ```
//!
//! * `valid/<slug>.json`: hub messages written out here in Rust (the intended meaning), the bytes
//!   of one input that carries them, and the array of their readable forms (HUB-4.1) as the
//!   expected result. MessagePack inputs are the encoder's bytes and must re-encode exactly;
//!   JSON inputs are either the encoder's text or text written here by hand (whitespace, member
//!   order, escapes), and their readable forms must re-encode to text that decodes to the same
//!   messages. The expected messages never come from the decoder under test: the generator only
//!   checks that the decoder gives them back, whole and fed one byte at a time (HUB-1.3), and
//!   stops with the vector's id if not.
//! * `invalid/<slug>.json`: bytes that a strict decoder rejects, with the error kind, requirement
//!   and byte offset it must report, worked out from the rules (each case says why in a
//!   comment), with the maximum message size at its default of 32,768 bytes. The generator
//!   checks them against [`decode_all`] (and against a decoder fed one byte at a time) and stops
//!   when the decoder reports something else, unless the id is listed in [`DECODER_DISAGREES`].
//! * `spec/hub.md` is checked on the way: requirement ids unique and increasing, every error kind
//!   named, every id a vector cites defined, and every worked example (an annotated hex dump and
//!   its readable forms) decoding and re-encoding exactly.
//!
//! Slugs start with the protocol (`msgpack-`, `json-`); ids are `hub/<group>/<slug>`. Output is
//! deterministic (pretty JSON, two-space indent, trailing newline, members of the readable forms
//! in order); files in the two group directories that this run did not write are removed. Ids
//! are immutable: rename nothing, add new slugs instead.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use brasa_protocol::hub::{
    CompletionResult, Decoder, HubError, HubMessage, Invocation, Protocol, Value, decode_all, encode, parse_readable,
    readable_json, to_readable, write_length_prefix,
};
use serde::Serialize;

/// The maximum message size every vector is checked with: SignalR's server default (HUB-1.4).
const MAX: usize = 32 * 1024;

/// Invalid vectors whose expectation the decoder is known not to meet, because the decoder (not
/// the vector) is believed wrong. The generator warns instead of stopping for these, and stops if
/// one of them starts to pass (so that the list cannot go stale).
const DECODER_DISAGREES: &[&str] = &[];

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| "conformance/vectors/hub".into()));
    generate(&root);
}

/// Writes every vector under `root` (`valid/`, `invalid/`) and removes stale files there.
pub fn generate(root: &Path) {
    let defined = check_chapter();
    let mut generator = Generator::new(root);
    messagepack_valid(&mut generator);
    json_valid(&mut generator);
    messagepack_invalid(&mut generator);
    json_invalid(&mut generator);
    for id in &generator.cited {
        assert!(
            defined.contains(id),
            "a vector cites {id}, which spec/hub.md does not define"
        );
    }
    generator.finish();
}

// ---------------------------------------------------------------------------------------------
// The chapter: its requirement ids, its error kinds and its worked examples

/// Checks `spec/hub.md`: ids defined once each and in increasing order, every error kind named,
/// and every worked example (a `hex-example` block, MessagePack, followed by its `json-example`
/// block, the array of readable messages) decodes to its readable forms, which encode back to
/// exactly its bytes; the `@N` offsets in the annotations must match. Returns the defined ids.
fn check_chapter() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/hub.md");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut ids: Vec<(u32, u32)> = Vec::new();
    for (at, _) in text.match_indices("**[HUB-") {
        let rest = &text[at + 7..];
        let id = &rest[..rest.find("]**").expect("closing ]**")];
        let (n, m) = id.split_once('.').expect("HUB-n.m");
        ids.push((n.parse().expect("n"), m.parse().expect("m")));
    }
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "spec/hub.md: requirement ids not unique and increasing: {ids:?}"
    );
    for kind in ERROR_KINDS {
        assert!(
            text.contains(&format!("`{kind}`")),
            "spec/hub.md does not name the error kind {kind}"
        );
    }
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(rest)) if rest.trim().is_empty() => blocks.push(open.take().expect("open block")),
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    let mut examples = 0;
    for pair in blocks.windows(2) {
        let [(hex_info, dump), (json_info, readable)] = pair else {
            continue;
        };
        if hex_info != "hex-example" {
            continue;
        }
        assert_eq!(
            json_info, "json-example",
            "spec/hub.md: a hex-example must be followed by a json-example"
        );
        let mut bytes = Vec::new();
        for line in dump.lines() {
            let (data, comment) = line.split_once('#').expect("every dump line has a # comment");
            let offset: usize = comment
                .trim()
                .strip_prefix('@')
                .and_then(|c| c.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("spec/hub.md: no @N in {line:?}"));
            assert_eq!(offset, bytes.len(), "spec/hub.md: wrong offset in {line:?}");
            bytes.extend(unhex(data));
        }
        let expected: Vec<Value> = serde_json::from_str(readable)
            .unwrap_or_else(|e| panic!("spec/hub.md: example readable forms do not parse: {e}"));
        let expected: Vec<HubMessage> = expected
            .iter()
            .map(|v| brasa_protocol::hub::from_readable(v, 0).expect("example readable form"))
            .collect();
        let decoded = decode_all(Protocol::MessagePack, &bytes, MAX)
            .unwrap_or_else(|e| panic!("spec/hub.md: example {} does not decode: {e}", examples + 1));
        assert_eq!(
            decoded,
            expected,
            "spec/hub.md: example {} decodes to other messages",
            examples + 1
        );
        assert_eq!(
            messagepack_bytes(&expected),
            bytes,
            "spec/hub.md: example {} readable forms do not encode to its bytes",
            examples + 1
        );
        examples += 1;
    }
    assert!(examples >= 2, "spec/hub.md: only {examples} worked examples");
    ids.iter().map(|(n, m)| format!("HUB-{n}.{m}")).collect()
}

// ---------------------------------------------------------------------------------------------
// Output

/// The vector file format of `conformance/README.md`, with `expect.valid.json` an array of
/// readable messages written in order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HubVector {
    id: String,
    requirements: Vec<String>,
    description: String,
    hex: String,
    expect: HubExpectation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum HubExpectation {
    Valid {
        json: Vec<Value>,
    },
    Invalid {
        error: String,
        requirement: String,
        offset: usize,
    },
}

/// Every error kind name the hub decoder can report (`HubErrorKind::name`).
const ERROR_KINDS: &[&str] = &[
    "length_prefix_unterminated",
    "length_prefix_invalid",
    "message_too_large",
    "truncated",
    "missing_record_separator",
    "malformed_messagepack",
    "trailing_bytes",
    "not_an_array",
    "not_an_object",
    "missing_type",
    "unknown_message_type",
    "wrong_length",
    "wrong_field",
    "unknown_field",
    "invalid_json",
    "not_representable",
    "invalid_handshake",
];

fn protocol_of(slug: &str) -> Protocol {
    if slug.starts_with("msgpack-") {
        Protocol::MessagePack
    } else if slug.starts_with("json-") {
        Protocol::Json
    } else {
        panic!("slug {slug:?} must start with msgpack- or json-")
    }
}

struct Generator {
    root: PathBuf,
    ids: BTreeSet<String>,
    written: BTreeSet<PathBuf>,
    /// valid MessagePack, valid JSON, invalid MessagePack, invalid JSON
    counts: [usize; 4],
    kinds: BTreeSet<(bool, String)>,
    bytes: usize,
    warnings: Vec<String>,
    /// Every requirement id a vector cites.
    cited: BTreeSet<String>,
}

impl Generator {
    fn new(root: &Path) -> Self {
        for group in ["valid", "invalid"] {
            fs::create_dir_all(root.join(group)).expect("create the vector directories");
        }
        Generator {
            root: root.to_owned(),
            ids: BTreeSet::new(),
            written: BTreeSet::new(),
            counts: [0; 4],
            kinds: BTreeSet::new(),
            bytes: 0,
            warnings: Vec::new(),
            cited: BTreeSet::new(),
        }
    }

    fn write(&mut self, group: &str, slug: &str, vector: HubVector) {
        assert!(
            !slug.is_empty()
                && slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "bad slug {slug:?}"
        );
        assert!(self.ids.insert(vector.id.clone()), "duplicate vector id {}", vector.id);
        assert!(
            !vector.description.is_empty() && vector.description.ends_with('.'),
            "{}: description",
            vector.id
        );
        assert!(!vector.requirements.is_empty(), "{}: requirements", vector.id);
        self.cited.extend(vector.requirements.iter().cloned());
        let path = self.root.join(group).join(format!("{slug}.json"));
        let mut text = serde_json::to_string_pretty(&vector).expect("serialize vector");
        text.push('\n');
        if fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            fs::write(&path, &text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        }
        self.bytes += text.len();
        self.written.insert(path);
    }

    /// A valid MessagePack vector: the encoder's bytes for `messages`.
    fn msgpack(&mut self, slug: &str, requirements: &[&str], description: &str, messages: Vec<HubMessage>) {
        let mut bytes = Vec::new();
        for message in &messages {
            encode(Protocol::MessagePack, message, &mut bytes).expect("MessagePack can carry every message");
        }
        self.valid(slug, requirements, description, bytes, messages);
    }

    /// A valid JSON vector: the encoder's text for `messages`.
    fn json(&mut self, slug: &str, requirements: &[&str], description: &str, messages: Vec<HubMessage>) {
        let mut bytes = Vec::new();
        for message in &messages {
            encode(Protocol::Json, message, &mut bytes).unwrap_or_else(|e| panic!("{slug}: {e}"));
        }
        self.valid(slug, requirements, description, bytes, messages);
    }

    /// A valid JSON vector whose text is written here, not by the encoder.
    fn json_text(
        &mut self,
        slug: &str,
        requirements: &[&str],
        description: &str,
        text: &str,
        messages: Vec<HubMessage>,
    ) {
        self.valid(slug, requirements, description, text.as_bytes().to_vec(), messages);
    }

    fn valid(
        &mut self,
        slug: &str,
        requirements: &[&str],
        description: &str,
        bytes: Vec<u8>,
        messages: Vec<HubMessage>,
    ) {
        let id = format!("hub/valid/{slug}");
        let protocol = protocol_of(slug);
        let same = |a: &[HubMessage], b: &[HubMessage]| messagepack_bytes(a) == messagepack_bytes(b);
        match decode_all(protocol, &bytes, MAX) {
            Ok(decoded) if same(&decoded, &messages) => {}
            Ok(decoded) => panic!("{id}: the decoder gives other messages:\nbuilt   {messages:?}\ndecoded {decoded:?}"),
            Err(e) => panic!("{id}: the decoder rejects the input: {e}"),
        }
        match decode_bytewise(protocol, &bytes) {
            Ok(decoded) if same(&decoded, &messages) => {}
            other => panic!("{id}: fed one byte at a time, the decoder gives {other:?}"),
        }
        // The readable forms read back to the same messages and re-encode (HUB-3.3, HUB-4.1).
        let mut again = Vec::new();
        for message in &messages {
            let text = readable_json(message);
            let back =
                parse_readable(&text).unwrap_or_else(|e| panic!("{id}: readable form {text} does not read back: {e}"));
            encode(protocol, &back, &mut again).unwrap_or_else(|e| panic!("{id}: {e}"));
        }
        match protocol {
            Protocol::MessagePack => assert_eq!(again, bytes, "{id}: the readable forms do not re-encode exactly"),
            Protocol::Json => {
                let decoded = decode_all(protocol, &again, usize::MAX).unwrap_or_else(|e| panic!("{id}: {e}"));
                assert!(
                    same(&decoded, &messages),
                    "{id}: the re-encoded JSON decodes to other messages"
                );
            }
        }
        self.counts[if protocol == Protocol::MessagePack { 0 } else { 1 }] += 1;
        let vector = HubVector {
            id,
            requirements: requirements.iter().map(|r| (*r).to_owned()).collect(),
            description: description.to_owned(),
            hex: hex(&bytes),
            expect: HubExpectation::Valid {
                json: messages.iter().map(|m| to_readable(m, true)).collect(),
            },
        };
        self.write("valid", slug, vector);
    }

    /// An invalid vector: a strict decoder must reject `bytes` with `error`, citing
    /// `requirement`, at byte `offset`. `also` lists further requirements the vector checks.
    #[allow(clippy::too_many_arguments)]
    fn invalid(
        &mut self,
        slug: &str,
        also: &[&str],
        description: &str,
        bytes: Vec<u8>,
        error: &str,
        requirement: &str,
        offset: usize,
    ) {
        let id = format!("hub/invalid/{slug}");
        let protocol = protocol_of(slug);
        assert!(ERROR_KINDS.contains(&error), "{id}: unknown error kind {error}");
        let expected = format!("{error} {requirement} at {offset}");
        let describe = |r: Result<Vec<HubMessage>, HubError>| match r {
            Ok(_) => "accepted".to_owned(),
            Err(e) => format!("{} {} at {}", e.kind.name(), e.requirement, e.offset),
        };
        let found = describe(decode_all(protocol, &bytes, MAX));
        let bytewise = describe(decode_bytewise(protocol, &bytes));
        assert_eq!(
            found, bytewise,
            "{id}: the decoder reports otherwise when fed one byte at a time"
        );
        let listed = DECODER_DISAGREES.contains(&id.as_str());
        match (found == expected, listed) {
            (true, false) => {}
            (true, true) => {
                panic!("{id}: listed in DECODER_DISAGREES but the decoder now agrees; remove it from the list")
            }
            (false, true) => self
                .warnings
                .push(format!("{id}: expected {expected}, the decoder reports {found}")),
            (false, false) => panic!(
                "{id}: the decoder disagrees with the vector\n  expected: {expected}\n  decoder:  {found}\n  hex: {}",
                if bytes.len() > 200 {
                    format!("{}…", hex(&bytes[..200]))
                } else {
                    hex(&bytes)
                }
            ),
        }
        self.counts[if protocol == Protocol::MessagePack { 2 } else { 3 }] += 1;
        self.kinds.insert((protocol == Protocol::MessagePack, error.to_owned()));
        let vector = HubVector {
            id,
            requirements: std::iter::once(requirement)
                .chain(also.iter().copied().filter(|r| *r != requirement))
                .map(str::to_owned)
                .collect(),
            description: description.to_owned(),
            hex: hex(&bytes),
            expect: HubExpectation::Invalid {
                error: error.to_owned(),
                requirement: requirement.to_owned(),
                offset,
            },
        };
        self.write("invalid", slug, vector);
    }

    fn finish(self) {
        let mut removed = 0;
        for group in ["valid", "invalid"] {
            let dir = self.root.join(group);
            let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
                .expect("list vector directory")
                .map(|e| e.expect("directory entry").path())
                .collect();
            entries.sort();
            for path in entries {
                if path.extension().is_some_and(|x| x == "json") && !self.written.contains(&path) {
                    fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
                    removed += 1;
                }
            }
        }
        for warning in &self.warnings {
            eprintln!("warning: decoder disagrees (listed): {warning}");
        }
        let [mv, jv, mi, ji] = self.counts;
        assert!(
            mv >= 30 && jv >= 30 && mi >= 30 && ji >= 30,
            "too few vectors: {:?}",
            self.counts
        );
        // Every error kind that a decoder of the protocol can report has a vector.
        for kind in [
            "length_prefix_unterminated",
            "length_prefix_invalid",
            "message_too_large",
            "truncated",
            "malformed_messagepack",
            "trailing_bytes",
            "not_an_array",
            "missing_type",
            "unknown_message_type",
            "wrong_length",
            "wrong_field",
        ] {
            assert!(
                self.kinds.contains(&(true, kind.to_owned())),
                "no MessagePack vector for {kind}"
            );
        }
        for kind in [
            "message_too_large",
            "missing_record_separator",
            "invalid_json",
            "not_an_object",
            "missing_type",
            "unknown_message_type",
            "wrong_field",
            "unknown_field",
        ] {
            assert!(
                self.kinds.contains(&(false, kind.to_owned())),
                "no JSON vector for {kind}"
            );
        }
        println!(
            "hub vectors: {mv} valid and {mi} invalid MessagePack, {jv} valid and {ji} invalid JSON, {} bytes, {removed} stale files removed",
            self.bytes
        );
    }
}

fn decode_bytewise(protocol: Protocol, bytes: &[u8]) -> Result<Vec<HubMessage>, HubError> {
    let mut decoder = Decoder::new(protocol, MAX);
    let mut out = Vec::new();
    for byte in bytes {
        decoder.push(std::slice::from_ref(byte));
        while let Some(message) = decoder.next_message()? {
            out.push(message);
        }
    }
    decoder.finish()?;
    Ok(out)
}

fn messagepack_bytes(messages: &[HubMessage]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        encode(Protocol::MessagePack, m, &mut out).expect("encodes");
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn unhex(text: &str) -> Vec<u8> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// A MessagePack body behind its size prefix.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_length_prefix(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

/// `framed(unhex(body))`.
fn fh(body: &str) -> Vec<u8> {
    framed(&unhex(body))
}

/// A JSON message: the text and its record separator.
fn rs(text: &str) -> Vec<u8> {
    let mut out = text.as_bytes().to_vec();
    out.push(0x1e);
    out
}

// ---------------------------------------------------------------------------------------------
// Building messages

fn s(text: &str) -> Value {
    Value::str(text)
}
fn int(v: i64) -> Value {
    Value::int(v)
}
fn bin(bytes: &[u8]) -> Value {
    Value::Bin(bytes.to_vec())
}
fn arr(items: Vec<Value>) -> Value {
    Value::Array(items)
}
fn obj(entries: &[(&str, Value)]) -> Value {
    Value::Map(entries.iter().map(|(k, v)| (s(k), v.clone())).collect())
}

fn invocation(id: Option<&str>, target: &str, arguments: Vec<Value>, stream_ids: Option<&[&str]>) -> Invocation {
    Invocation {
        headers: vec![],
        invocation_id: id.map(str::to_owned),
        target: target.to_owned(),
        arguments,
        stream_ids: stream_ids.map(|ids| ids.iter().map(|s| (*s).to_owned()).collect()),
    }
}

/// A client invocation: 5 elements in MessagePack (no stream ids).
fn call(id: Option<&str>, target: &str, arguments: Vec<Value>) -> HubMessage {
    HubMessage::Invocation(invocation(id, target, arguments, None))
}

/// A server invocation: ASP.NET Core writes 6 elements, with an empty stream id array.
fn server_call(target: &str, arguments: Vec<Value>) -> HubMessage {
    HubMessage::Invocation(invocation(None, target, arguments, Some(&[])))
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn stream_item(id: &str, item: Value) -> HubMessage {
    HubMessage::StreamItem {
        headers: vec![],
        invocation_id: id.to_owned(),
        item,
    }
}

fn completion(id: &str, result: CompletionResult) -> HubMessage {
    HubMessage::Completion {
        headers: vec![],
        invocation_id: id.to_owned(),
        result,
    }
}

fn cancel(id: &str) -> HubMessage {
    HubMessage::CancelInvocation {
        headers: vec![],
        invocation_id: id.to_owned(),
    }
}

fn close(error: Option<&str>, allow_reconnect: Option<bool>) -> HubMessage {
    HubMessage::Close {
        error: error.map(str::to_owned),
        allow_reconnect,
    }
}

/// `OnRenderCompleted(batchId, null)`, the client's acknowledgement of a render batch.
fn ack_batch(batch_id: i64) -> HubMessage {
    call(None, "OnRenderCompleted", vec![int(batch_id), Value::Nil])
}

/// The 36-byte empty render batch (spec/render-batch.md, example 2).
fn empty_batch() -> Vec<u8> {
    unhex("00000000 00000000 00000000 00000000 00000000 04000000 08000000 0c000000 10000000")
}

/// One message of every type, as a stream.
fn every_type() -> Vec<HubMessage> {
    vec![
        call(Some("1"), "Echo", vec![s("hi")]),
        stream_item("2", int(7)),
        completion("1", CompletionResult::Value(s("hi"))),
        HubMessage::StreamInvocation(invocation(Some("2"), "Counter", vec![int(3)], None)),
        cancel("2"),
        HubMessage::Ping,
        HubMessage::Ack { sequence_id: 1 },
        HubMessage::Sequence { sequence_id: 2 },
        close(None, None),
    ]
}

/// Values of every MessagePack integer width, both signs.
fn integers() -> Vec<Value> {
    vec![
        int(0),
        int(127),
        int(128),
        int(255),
        int(256),
        int(65535),
        int(65536),
        int(4_294_967_295),
        int(4_294_967_296),
        int(9_007_199_254_740_993), // 2^53 + 1: not a double
        Value::UInt(u64::MAX),
        int(-1),
        int(-32),
        int(-33),
        int(-128),
        int(-129),
        int(-32768),
        int(-32769),
        int(i64::from(i32::MIN)),
        int(i64::from(i32::MIN) - 1),
        int(i64::MIN),
    ]
}

fn nested(depth: usize, leaf: Value) -> Value {
    (0..depth).fold(leaf, |inner, _| arr(vec![inner]))
}

// ---------------------------------------------------------------------------------------------
// Valid MessagePack

fn messagepack_valid(g: &mut Generator) {
    const FRAME: &[&str] = &["HUB-1.2", "HUB-2.1", "HUB-2.2"];
    let req = |extra: &[&'static str]| -> Vec<&'static str> { FRAME.iter().chain(extra).copied().collect() };

    // Invocations
    g.msgpack(
        "msgpack-invocation-non-blocking",
        &req(&[]),
        "OnRenderCompleted(2, null) as Blazor's client sends it: 5 elements, empty headers, nil invocation id, no stream ids.",
        vec![ack_batch(2)],
    );
    g.msgpack(
        "msgpack-invocation-with-id",
        &req(&[]),
        "An invocation that expects a completion: the string invocation id \"0\", as the client numbers its invoke calls.",
        vec![call(Some("0"), "ConnectCircuit", vec![s("CfDJ8abc")])],
    );
    g.msgpack(
        "msgpack-invocation-server-form",
        &req(&[]),
        "JS.AttachComponent(0, \"1\") as ASP.NET Core's server writes it: 6 elements, nil invocation id, an empty stream id array.",
        vec![server_call("JS.AttachComponent", vec![int(0), s("1")])],
    );
    g.msgpack(
        "msgpack-invocation-stream-ids",
        &req(&[]),
        "An invocation that uploads two streams: 6 elements with the stream ids \"1\" and \"2\".",
        vec![HubMessage::Invocation(invocation(
            Some("3"),
            "Upload",
            vec![s("file")],
            Some(&["1", "2"]),
        ))],
    );
    g.msgpack(
        "msgpack-invocation-headers",
        &req(&[]),
        "An invocation with two headers, kept in wire order (\"x\" before \"a\").",
        vec![HubMessage::Invocation(Invocation {
            headers: headers(&[("x", "y"), ("a", "b")]),
            ..invocation(Some("xyz"), "method", vec![int(42)], Some(&[]))
        })],
    );
    g.msgpack(
        "msgpack-invocation-no-arguments",
        &req(&[]),
        "An invocation with an empty argument array.",
        vec![call(None, "EndInvokeJSFromDotNet", vec![])],
    );
    g.msgpack(
        "msgpack-render-batch",
        &req(&["HUB-3.2"]),
        "JS.RenderBatch(2, batch) as the server writes it: the 36-byte empty render batch as a bin 8 argument.",
        vec![server_call("JS.RenderBatch", vec![int(2), bin(&empty_batch())])],
    );
    g.msgpack(
        "msgpack-stream-invocation",
        &req(&[]),
        "A stream invocation (type 4) in the 5-element form.",
        vec![HubMessage::StreamInvocation(invocation(
            Some("4"),
            "Counter",
            vec![int(10), int(500)],
            None,
        ))],
    );
    g.msgpack(
        "msgpack-stream-invocation-stream-ids",
        &req(&[]),
        "A stream invocation (type 4) in the 6-element form with one stream id.",
        vec![HubMessage::StreamInvocation(invocation(
            Some("5"),
            "Echo",
            vec![],
            Some(&["s1"]),
        ))],
    );

    // The other message types
    g.msgpack(
        "msgpack-stream-item",
        &req(&[]),
        "A stream item (type 2): headers, invocation id, item.",
        vec![stream_item("4", s("tick"))],
    );
    g.msgpack(
        "msgpack-completion-error",
        &req(&[]),
        "A completion with result kind 1 (error) and the error text, 5 elements, as recorded for an unknown hub method.",
        vec![completion(
            "77",
            CompletionResult::Error(
                "Failed to invoke 'NoSuchMethod' due to an error on the server. HubException: Method does not exist.".into(),
            ),
        )],
    );
    g.msgpack(
        "msgpack-completion-void",
        &req(&[]),
        "A completion with result kind 2 (void): 4 elements, no result.",
        vec![completion("1", CompletionResult::Void)],
    );
    g.msgpack(
        "msgpack-completion-result",
        &req(&[]),
        "ConnectCircuit's completion as recorded: result kind 3 with the result true.",
        vec![completion("0", CompletionResult::Value(Value::Bool(true)))],
    );
    g.msgpack(
        "msgpack-completion-result-nil",
        &req(&[]),
        "A completion with result kind 3 whose result is nil, which is not the same message as kind 2.",
        vec![completion("9", CompletionResult::Value(Value::Nil))],
    );
    g.msgpack(
        "msgpack-completion-headers",
        &req(&[]),
        "A completion that carries a header.",
        vec![HubMessage::Completion {
            headers: headers(&[("trace", "abc")]),
            invocation_id: "2".into(),
            result: CompletionResult::Value(int(5)),
        }],
    );
    g.msgpack(
        "msgpack-cancel-invocation",
        &req(&[]),
        "A cancel invocation (type 5): headers and invocation id.",
        vec![cancel("4")],
    );
    g.msgpack(
        "msgpack-ping",
        &req(&[]),
        "A ping (type 6), always the 2 bytes 91 06 behind its prefix.",
        vec![HubMessage::Ping],
    );
    g.msgpack(
        "msgpack-close-client",
        &req(&[]),
        "A close as Blazor's client sends it: 2 elements, nil error.",
        vec![close(None, None)],
    );
    g.msgpack(
        "msgpack-close-server",
        &req(&[]),
        "A close as ASP.NET Core's server writes it after a hub-level rejection: 3 elements, nil error, allowReconnect false.",
        vec![close(None, Some(false))],
    );
    g.msgpack(
        "msgpack-close-error-allow-reconnect",
        &req(&[]),
        "A close after a protocol error as recorded: the error text and allowReconnect true.",
        vec![close(Some("Connection closed with an error."), Some(true))],
    );
    g.msgpack(
        "msgpack-close-error-two-elements",
        &req(&[]),
        "A close with an error text and no allowReconnect element.",
        vec![close(Some("Server is shutting down."), None)],
    );
    g.msgpack(
        "msgpack-ack",
        &req(&[]),
        "An ack (type 8) with sequence id 36.",
        vec![HubMessage::Ack { sequence_id: 36 }],
    );
    g.msgpack(
        "msgpack-ack-large",
        &req(&["HUB-3.2"]),
        "An ack whose sequence id 2^40 needs a uint 64.",
        vec![HubMessage::Ack { sequence_id: 1 << 40 }],
    );
    g.msgpack(
        "msgpack-sequence",
        &req(&[]),
        "A sequence message (type 9) with sequence id 19.",
        vec![HubMessage::Sequence { sequence_id: 19 }],
    );

    // Values
    g.msgpack(
        "msgpack-integers",
        &req(&["HUB-3.2", "HUB-3.3"]),
        "Integers at the edge of every MessagePack width, positive and negative, up to 2^64-1 and down to -2^63, exact in the readable form.",
        vec![call(None, "Integers", integers())],
    );
    g.msgpack(
        "msgpack-float64",
        &req(&["HUB-3.2", "HUB-3.3"]),
        "Float 64 values, among them 2.0, which stays a float (its readable form has a fraction).",
        vec![call(
            None,
            "Floats",
            vec![
                Value::F64(0.5),
                Value::F64(-2.25),
                Value::F64(2.0),
                Value::F64(1e300),
                Value::F64(-0.0),
                Value::F64(0.1),
            ],
        )],
    );
    g.msgpack(
        "msgpack-float32",
        &req(&["HUB-3.3"]),
        "Float 32 values, written as $float32 in the readable form.",
        vec![call(
            None,
            "Floats",
            vec![Value::F32(1.5), Value::F32(-0.25), Value::F32(3.0)],
        )],
    );
    g.msgpack(
        "msgpack-float-non-finite",
        &req(&["HUB-3.3"]),
        "NaN and infinities as float 64 and float 32, tagged in the readable form.",
        vec![call(
            None,
            "Floats",
            vec![
                Value::F64(f64::NAN),
                Value::F64(f64::INFINITY),
                Value::F64(f64::NEG_INFINITY),
                Value::F32(f32::INFINITY),
            ],
        )],
    );
    g.msgpack(
        "msgpack-nil-and-booleans",
        &req(&["HUB-3.3"]),
        "nil, false and true as arguments.",
        vec![call(
            None,
            "Flags",
            vec![Value::Nil, Value::Bool(false), Value::Bool(true)],
        )],
    );
    g.msgpack(
        "msgpack-str-and-bin",
        &req(&["HUB-3.2", "HUB-3.3"]),
        "The string \"0102\" and the byte array 01 02: str and bin stay apart in the readable form.",
        vec![call(None, "Bytes", vec![s("0102"), bin(&[1, 2]), bin(&[])])],
    );
    g.msgpack(
        "msgpack-string-widths",
        &req(&["HUB-3.2"]),
        "Strings of 31, 32 and 256 bytes: fixstr, str 8 and str 16.",
        vec![call(
            None,
            "Strings",
            vec![s(&"a".repeat(31)), s(&"b".repeat(32)), s(&"c".repeat(256))],
        )],
    );
    g.msgpack(
        "msgpack-unicode",
        &req(&["HUB-3.1", "HUB-3.3"]),
        "Strings with two-, three- and four-byte UTF-8 sequences.",
        vec![call(None, "Unicode", vec![s("héllo"), s("✓ ☃"), s("😀")])],
    );
    g.msgpack(
        "msgpack-bin16",
        &req(&["HUB-3.2"]),
        "A 300-byte byte array: bin 16.",
        vec![server_call(
            "JS.ReceiveByteArray",
            vec![int(1), bin(&(0..300).map(|i| (i % 251) as u8).collect::<Vec<_>>())],
        )],
    );
    g.msgpack(
        "msgpack-nested",
        &req(&["HUB-3.3"]),
        "Maps in arrays in maps, kept in wire order (\"z\" before \"a\").",
        vec![completion(
            "3",
            CompletionResult::Value(obj(&[
                ("z", arr(vec![int(1), obj(&[("deep", arr(vec![obj(&[])]))])])),
                ("a", obj(&[("b", Value::Nil), ("c", arr(vec![]))])),
            ])),
        )],
    );
    g.msgpack(
        "msgpack-map-non-string-keys",
        &req(&["HUB-3.3"]),
        "A map with an integer key and a string key, written as $map.",
        vec![stream_item(
            "1",
            Value::Map(vec![(int(1), s("one")), (s("two"), int(2))]),
        )],
    );
    g.msgpack(
        "msgpack-map-dollar-key",
        &req(&["HUB-3.3"]),
        "A map whose string key starts with $, written as $map so that it cannot be read as a tag.",
        vec![stream_item("1", Value::Map(vec![(s("$bin"), s("not bytes"))]))],
    );
    g.msgpack(
        "msgpack-ext",
        &req(&["HUB-3.2", "HUB-3.3"]),
        "Extension values: fixext 1, fixext 4 and ext 8 with 3 bytes.",
        vec![call(
            None,
            "Ext",
            vec![
                Value::Ext(5, vec![1]),
                Value::Ext(100, vec![1, 2, 3, 4]),
                Value::Ext(-3, vec![9, 8, 7]),
            ],
        )],
    );
    g.msgpack(
        "msgpack-array16-map16",
        &req(&["HUB-3.2"]),
        "An argument array of 16 items (array 16) and a map of 16 entries (map 16).",
        vec![call(
            None,
            "Sixteen",
            (0..15)
                .map(int)
                .chain(std::iter::once(Value::Map(
                    (0..16).map(|i| (s(&format!("k{i:02}")), int(i))).collect(),
                )))
                .collect(),
        )],
    );
    g.msgpack(
        "msgpack-nesting-at-limit",
        &req(&["HUB-3.1"]),
        "Values nested 64 deep, the most a decoder accepts: the message array is depth 0 and the innermost integer depth 64.",
        vec![call(None, "Deep", vec![nested(62, int(1))])],
    );

    // Streams of messages and sizes
    let mut acks = vec![HubMessage::Ping];
    acks.extend((2..=10).map(ack_batch));
    g.msgpack(
        "msgpack-several-messages",
        &req(&["HUB-1.3"]),
        "A ping and nine OnRenderCompleted acknowledgements in one input, as one client frame carried them after a reconnect.",
        acks,
    );
    g.msgpack(
        "msgpack-every-type",
        &req(&["HUB-1.3"]),
        "One message of each of the nine types, one after another.",
        every_type(),
    );
    g.msgpack(
        "msgpack-size-prefix-two-bytes",
        &req(&[]),
        "Messages of 127 and 128 bytes: size prefixes 7f and 80 01.",
        vec![
            call(None, "P", vec![bin(&[0; 118])]),
            call(None, "P", vec![bin(&[0; 119])]),
        ],
    );
    g.msgpack(
        "msgpack-at-max-size",
        &req(&["HUB-1.4"]),
        "A message of exactly 32,768 bytes (size prefix 80 80 02), the default maximum: accepted.",
        vec![call(None, "x", vec![bin(&vec![0x5a; 32758])])],
    );
}

// ---------------------------------------------------------------------------------------------
// Valid JSON

fn json_valid(g: &mut Generator) {
    const FRAME: &[&str] = &["HUB-1.1", "HUB-2.1", "HUB-4.1"];
    let req = |extra: &[&'static str]| -> Vec<&'static str> { FRAME.iter().chain(extra).copied().collect() };

    g.json(
        "json-invocation-non-blocking",
        &req(&[]),
        "An invocation without an invocation id: the member is absent.",
        vec![call(None, "Send", vec![int(42), s("Test Message")])],
    );
    g.json(
        "json-invocation-with-id",
        &req(&[]),
        "An invocation with the invocation id \"123\".",
        vec![call(Some("123"), "Send", vec![int(42), s("Test Message")])],
    );
    g.json(
        "json-invocation-stream-ids",
        &req(&[]),
        "An invocation with a streamIds member.",
        vec![HubMessage::Invocation(invocation(
            Some("123"),
            "Send",
            vec![int(42)],
            Some(&["1"]),
        ))],
    );
    g.json(
        "json-invocation-empty-stream-ids",
        &req(&[]),
        "An invocation with an empty streamIds array, which is not the same message as one without the member.",
        vec![server_call("JS.AttachComponent", vec![int(0), s("1")])],
    );
    g.json(
        "json-invocation-headers",
        &req(&[]),
        "An invocation with headers, kept in order (\"Foo\" before \"Bar\").",
        vec![HubMessage::Invocation(Invocation {
            headers: headers(&[("Foo", "Bar"), ("Bar", "Baz")]),
            ..invocation(Some("123"), "Send", vec![int(42)], None)
        })],
    );
    g.json(
        "json-stream-invocation",
        &req(&[]),
        "A stream invocation (type 4).",
        vec![HubMessage::StreamInvocation(invocation(
            Some("123"),
            "Stream",
            vec![int(5)],
            None,
        ))],
    );
    g.json(
        "json-stream-item",
        &req(&[]),
        "A stream item (type 2).",
        vec![stream_item("123", int(42))],
    );
    g.json(
        "json-stream-item-null",
        &req(&[]),
        "A stream item whose item is null: the member is present.",
        vec![stream_item("123", Value::Nil)],
    );
    g.json(
        "json-completion-result",
        &req(&[]),
        "A completion with a result.",
        vec![completion("123", CompletionResult::Value(int(42)))],
    );
    g.json(
        "json-completion-result-null",
        &req(&[]),
        "A completion whose result is null: the member is present, unlike a void completion.",
        vec![completion("123", CompletionResult::Value(Value::Nil))],
    );
    g.json(
        "json-completion-error",
        &req(&[]),
        "A completion with an error.",
        vec![completion("123", CompletionResult::Error("It didn't work!".into()))],
    );
    g.json(
        "json-completion-void",
        &req(&[]),
        "A completion with neither result nor error.",
        vec![completion("123", CompletionResult::Void)],
    );
    g.json(
        "json-cancel-invocation",
        &req(&[]),
        "A cancel invocation (type 5).",
        vec![cancel("123")],
    );
    g.json("json-ping", &req(&[]), "A ping (type 6).", vec![HubMessage::Ping]);
    g.json(
        "json-close",
        &req(&[]),
        "A close without error or allowReconnect.",
        vec![close(None, None)],
    );
    g.json(
        "json-close-error",
        &req(&[]),
        "A close with an error.",
        vec![close(Some("Connection closed because of an error!"), None)],
    );
    g.json(
        "json-close-allow-reconnect",
        &req(&[]),
        "A close with an error and allowReconnect true.",
        vec![close(Some("Connection closed because of an error!"), Some(true))],
    );
    g.json(
        "json-ack",
        &req(&[]),
        "An ack (type 8).",
        vec![HubMessage::Ack { sequence_id: 1394 }],
    );
    g.json(
        "json-sequence",
        &req(&[]),
        "A sequence message (type 9).",
        vec![HubMessage::Sequence { sequence_id: 1234 }],
    );
    g.json(
        "json-integers",
        &req(&["HUB-3.3"]),
        "Integers up to 2^64-1 and down to -2^63, exact in the JSON protocol and in the readable form.",
        vec![call(None, "Integers", integers())],
    );
    g.json(
        "json-floats",
        &req(&["HUB-3.3"]),
        "Numbers with a fraction or exponent are float 64 values: 0.5, -2.25, 2.0, 1e300, 0.1.",
        vec![call(
            None,
            "Floats",
            vec![
                Value::F64(0.5),
                Value::F64(-2.25),
                Value::F64(2.0),
                Value::F64(1e300),
                Value::F64(0.1),
            ],
        )],
    );
    g.json_text(
        "json-number-forms",
        &req(&["HUB-3.3"]),
        "Numbers written by hand: 1E3 and 2.50 are floats, 7 is an integer, and 18446744073709551616 (2^64) is too large for an integer and reads as a float.",
        "{\"type\":1,\"target\":\"N\",\"arguments\":[1E3,2.50,7,18446744073709551616]}\u{1e}",
        vec![call(
            None,
            "N",
            vec![Value::F64(1000.0), Value::F64(2.5), int(7), Value::F64(18446744073709551616.0)],
        )],
    );
    g.json(
        "json-strings",
        &req(&[]),
        "Strings with quotes, backslashes, control characters and non-ASCII text.",
        vec![call(
            None,
            "Strings",
            vec![
                s("quote \" backslash \\ slash /"),
                s("line\nfeed\ttab\u{1}\u{1f}"),
                s("héllo ✓ 😀"),
                s(""),
            ],
        )],
    );
    g.json_text(
        "json-string-escapes",
        &req(&[]),
        "Strings written with \\u escapes, among them a surrogate pair, decode to the characters they stand for.",
        "{\"type\":1,\"target\":\"\\u0045cho\",\"arguments\":[\"\\u00e9\\u2713\",\"\\ud83d\\ude00\",\"\\/\"]}\u{1e}",
        vec![call(None, "Echo", vec![s("é✓"), s("😀"), s("/")])],
    );
    g.json(
        "json-nested",
        &req(&["HUB-3.3"]),
        "Objects in arrays in objects, kept in order (\"z\" before \"a\"), with booleans and null.",
        vec![completion(
            "3",
            CompletionResult::Value(obj(&[
                ("z", arr(vec![int(1), obj(&[("deep", arr(vec![obj(&[])]))])])),
                (
                    "a",
                    obj(&[
                        ("b", Value::Nil),
                        ("c", arr(vec![Value::Bool(true), Value::Bool(false)])),
                    ]),
                ),
            ])),
        )],
    );
    g.json(
        "json-dollar-member",
        &req(&["HUB-3.3"]),
        "An argument object whose member name starts with $: in the JSON protocol it is an ordinary object, written as $map in the readable form.",
        vec![call(None, "Obj", vec![Value::Map(vec![(s("$bin"), s("00"))])])],
    );
    g.json_text(
        "json-whitespace",
        &req(&[]),
        "Whitespace between tokens, including newlines, is allowed.",
        "{ \"type\" : 1 ,\n  \"target\" : \"Send\" ,\r\n\t\"arguments\" : [ 1 , \"a\" ] }\u{1e}",
        vec![call(None, "Send", vec![int(1), s("a")])],
    );
    g.json_text(
        "json-member-order",
        &req(&[]),
        "Members may come in any order: type last, arguments before target.",
        "{\"arguments\":[],\"invocationId\":\"7\",\"target\":\"Go\",\"type\":1}\u{1e}",
        vec![call(Some("7"), "Go", vec![])],
    );
    g.json_text(
        "json-empty-headers",
        &req(&[]),
        "An explicit empty headers object is the same message as one without headers.",
        "{\"type\":3,\"headers\":{},\"invocationId\":\"1\"}\u{1e}",
        vec![completion("1", CompletionResult::Void)],
    );
    g.json(
        "json-several-messages",
        &req(&["HUB-1.3"]),
        "Three messages in one input, each ended by 0x1E.",
        vec![
            HubMessage::Ping,
            call(Some("1"), "A", vec![]),
            completion("1", CompletionResult::Void),
        ],
    );
    g.json(
        "json-every-type",
        &req(&["HUB-1.3"]),
        "One message of each of the nine types, one after another.",
        every_type(),
    );
    // {"type":1,"target":"x","arguments":["…"]} is 39 bytes without the string's content.
    let base = "{\"type\":1,\"target\":\"x\",\"arguments\":[\"\"]}".len();
    g.json(
        "json-at-max-size",
        &req(&["HUB-1.4"]),
        "A message of exactly 32,768 bytes before its 0x1E, the default maximum: accepted.",
        vec![call(None, "x", vec![s(&"j".repeat(MAX - base))])],
    );
}

// ---------------------------------------------------------------------------------------------
// Invalid MessagePack

fn messagepack_invalid(g: &mut Generator) {
    // Framing (HUB-1.2, HUB-1.3, HUB-1.4). The stream offset of an error is that of the message's
    // first prefix byte for prefix and size errors, of the offending byte otherwise.
    g.invalid(
        "msgpack-prefix-unterminated",
        &["HUB-1.2"],
        "The input ends after a prefix byte with the continuation bit set.",
        unhex("80"),
        "length_prefix_unterminated",
        "HUB-1.3",
        0,
    );
    g.invalid(
        "msgpack-prefix-unterminated-after-message",
        &["HUB-1.2"],
        "A complete ping, then a size prefix cut after two of its bytes.",
        [fh("9106"), unhex("ff ff")].concat(),
        "length_prefix_unterminated",
        "HUB-1.3",
        3,
    );
    g.invalid(
        "msgpack-prefix-six-bytes",
        &[],
        "Five prefix bytes that all have the continuation bit set: a prefix is at most 5 bytes.",
        unhex("80 80 80 80 80 01"),
        "length_prefix_invalid",
        "HUB-1.2",
        0,
    );
    g.invalid(
        "msgpack-prefix-above-int32",
        &[],
        "A 5-byte prefix whose value is 2^31 (fifth byte 08): sizes are at most 2^31-1.",
        unhex("80 80 80 80 08"),
        "length_prefix_invalid",
        "HUB-1.2",
        0,
    );
    g.invalid(
        "msgpack-prefix-overlong",
        &[],
        "A ping whose size 2 is written in two bytes (82 00) instead of one: a strict decoder requires the shortest prefix.",
        unhex("82 00 91 06"),
        "length_prefix_invalid",
        "HUB-1.2",
        0,
    );
    g.invalid(
        "msgpack-prefix-overlong-zero",
        &[],
        "The size 0 written in two bytes (80 00).",
        unhex("80 00"),
        "length_prefix_invalid",
        "HUB-1.2",
        0,
    );
    g.invalid(
        "msgpack-zero-size",
        &[],
        "A size of 0: a message holds exactly one MessagePack value, which takes at least one byte.",
        unhex("00"),
        "truncated",
        "HUB-1.2",
        1,
    );
    g.invalid(
        "msgpack-truncated-body",
        &[],
        "The prefix announces 5 bytes and the input ends after 1: 4 bytes missing, reported at the end of the input.",
        unhex("05 91"),
        "truncated",
        "HUB-1.3",
        2,
    );
    g.invalid(
        "msgpack-truncated-second-message",
        &[],
        "A complete invocation, then a second one cut one byte short.",
        {
            let whole = fh("950180c0b14f6e52656e646572436f6d706c657465649203c0");
            [
                fh("950180c0b14f6e52656e646572436f6d706c657465649202c0"),
                whole[..whole.len() - 1].to_vec(),
            ]
            .concat()
        },
        "truncated",
        "HUB-1.3",
        51,
    );
    g.invalid(
        "msgpack-trailing-bytes",
        &[],
        "The size covers a ping and one more byte (c0) that belongs to no value.",
        unhex("03 91 06 c0"),
        "trailing_bytes",
        "HUB-1.2",
        3,
    );
    g.invalid(
        "msgpack-two-values-in-one-message",
        &[],
        "Two pings inside one size: a message holds exactly one value.",
        unhex("04 91 06 91 06"),
        "trailing_bytes",
        "HUB-1.2",
        3,
    );
    g.invalid(
        "msgpack-too-large",
        &["HUB-1.3"],
        "A message of 32,769 bytes, one more than the default maximum: refused at its size prefix.",
        framed(&{
            let mut body = unhex("950180c0a17891c5");
            body.extend_from_slice(&(32759u16).to_be_bytes());
            body.extend(std::iter::repeat_n(0x5a, 32759));
            body
        }),
        "message_too_large",
        "HUB-1.4",
        0,
    );
    g.invalid(
        "msgpack-too-large-prefix-only",
        &[],
        "Only the size prefix of a 2^31-1 byte message: refused as soon as the size is known, without waiting for the body.",
        unhex("ff ff ff ff 07"),
        "message_too_large",
        "HUB-1.4",
        0,
    );
    g.invalid(
        "msgpack-too-large-after-message",
        &[],
        "A ping, then the prefix of a 40,000-byte message: the offset is that of the second prefix.",
        [fh("9106"), unhex("c0 b8 02")].concat(),
        "message_too_large",
        "HUB-1.4",
        3,
    );

    // MessagePack values (HUB-3.1)
    g.invalid(
        "msgpack-never-used-byte",
        &["HUB-2.2"],
        "The byte c1, which MessagePack never uses, as an argument.",
        fh("950180c0a17891c1"),
        "malformed_messagepack",
        "HUB-3.1",
        8,
    );
    g.invalid(
        "msgpack-invalid-utf8-target",
        &["HUB-2.2"],
        "A target string whose bytes (c3 28) are not UTF-8: reported at the first bad byte.",
        fh("950180c0a2c32890"),
        "malformed_messagepack",
        "HUB-3.1",
        6,
    );
    g.invalid(
        "msgpack-invalid-utf8-argument",
        &["HUB-2.2"],
        "A string argument with a lone continuation byte after valid text (\"ab\" 80).",
        fh("950180c0a17891a3616280"),
        "malformed_messagepack",
        "HUB-3.1",
        11,
    );
    g.invalid(
        "msgpack-nesting-too-deep",
        &["HUB-2.2"],
        "Values nested 65 deep: the innermost value sits at depth 65, one more than a decoder accepts.",
        {
            let mut body = unhex("950180c0a17891");
            body.extend(std::iter::repeat_n(0x91, 63));
            body.push(0x01);
            framed(&body)
        },
        "malformed_messagepack",
        "HUB-3.1",
        // prefix (1) + 7 bytes of header: the argument array sits at body offset 6 (depth 1); the
        // 63 nested arrays take depths 2..=64 at body offsets 7..=69; the integer at body offset
        // 70 is depth 65.
        71,
    );
    g.invalid(
        "msgpack-str-runs-past-size",
        &["HUB-1.2"],
        "A str 8 that announces 200 bytes at the very end of a 9-byte message: reported at the end of the message.",
        fh("950180c0a17891d9c8"),
        "truncated",
        "HUB-3.1",
        10,
    );
    g.invalid(
        "msgpack-array-count-past-size",
        &["HUB-1.2"],
        "An array 32 that announces 2^32-1 elements in a 12-byte message: refused before anything is allocated for them.",
        fh("950180c0a17891ddffffffff"),
        "truncated",
        "HUB-3.1",
        13,
    );
    g.invalid(
        "msgpack-map-count-past-size",
        &["HUB-1.2"],
        "A map 16 that announces 65,535 entries (131,070 keys and values) in a 10-byte message.",
        fh("950180c0a17891deffff"),
        "truncated",
        "HUB-3.1",
        11,
    );
    g.invalid(
        "msgpack-bin-runs-past-size",
        &["HUB-1.2"],
        "A bin 32 that announces 1 MiB inside a 12-byte message.",
        fh("950180c0a17891c600100000"),
        "truncated",
        "HUB-3.1",
        13,
    );
    g.invalid(
        "msgpack-uint-runs-past-size",
        &["HUB-1.2"],
        "A uint 64 marker with only 2 of its 8 bytes inside the message.",
        fh("950180c0a17891cf0102"),
        "truncated",
        "HUB-3.1",
        11,
    );

    // Message layout (HUB-2.1, HUB-2.2): offsets are those of the message's body.
    g.invalid(
        "msgpack-not-an-array",
        &[],
        "A message whose value is the integer 6, not an array.",
        fh("06"),
        "not_an_array",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-map-message",
        &[],
        "A message whose value is a map, as a JSON-minded writer might produce.",
        fh("81a47479706506"),
        "not_an_array",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-empty-array",
        &[],
        "An empty array: no message type.",
        fh("90"),
        "missing_type",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-type-is-string",
        &[],
        "The message type written as the string \"6\".",
        fh("91a136"),
        "missing_type",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-type-is-float",
        &[],
        "The message type written as the float 6.0.",
        fh("91cb4018000000000000"),
        "missing_type",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-unknown-type-10",
        &[],
        "Message type 10, which SignalR does not define.",
        fh("910a"),
        "unknown_message_type",
        "HUB-2.1",
        1,
    );
    g.invalid(
        "msgpack-unknown-type-0",
        &[],
        "Message type 0.",
        fh("9100"),
        "unknown_message_type",
        "HUB-2.1",
        1,
    );
    g.invalid(
        "msgpack-unknown-type-negative",
        &[],
        "Message type -1.",
        fh("91ff"),
        "unknown_message_type",
        "HUB-2.1",
        1,
    );
    g.invalid(
        "msgpack-unknown-type-after-messages",
        &["HUB-1.3"],
        "Two pings, then a message of type 99: the offset is that of the third message's body.",
        [fh("9106"), fh("9106"), fh("9163")].concat(),
        "unknown_message_type",
        "HUB-2.1",
        7,
    );
    g.invalid(
        "msgpack-invocation-four-elements",
        &[],
        "An invocation of 4 elements: the arguments are missing.",
        fh("940180c0a178"),
        "wrong_length",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-invocation-seven-elements",
        &[],
        "An invocation of 7 elements: one after the stream ids.",
        fh("970180c0a178909090"),
        "wrong_length",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-ping-with-element",
        &[],
        "A ping of 2 elements: a ping is exactly [6].",
        fh("920680"),
        "wrong_length",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-completion-void-with-result",
        &[],
        "A completion with result kind 2 (void) and a fifth element.",
        fh("950380a13102c0"),
        "wrong_length",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-completion-error-without-text",
        &[],
        "A completion with result kind 1 (error) and only 4 elements.",
        fh("940380a13101"),
        "wrong_length",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-close-one-element",
        &[],
        "A close of 1 element: the error element is required (nil when there is none).",
        fh("9107"),
        "wrong_length",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-cancel-with-extra",
        &[],
        "A cancel invocation of 4 elements.",
        fh("940580a131c0"),
        "wrong_length",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-ack-without-id",
        &[],
        "An ack of 1 element: no sequence id.",
        fh("9108"),
        "wrong_length",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-headers-nil",
        &[],
        "An invocation whose headers element is nil instead of a map.",
        fh("9501c0c0a17890"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-header-value-integer",
        &[],
        "A header whose value is an integer: headers map strings to strings.",
        fh("950181a16101c0a17890"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-invocation-id-integer",
        &[],
        "An invocation id written as the integer 1 instead of a string.",
        fh("95018001a17890"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-target-nil",
        &[],
        "An invocation whose target is nil.",
        fh("950180c0c090"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-arguments-map",
        &[],
        "An invocation whose arguments are a map instead of an array.",
        fh("950180c0a17880"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-stream-ids-nil",
        &[],
        "A 6-element invocation whose stream ids element is nil instead of an array.",
        fh("960180c0a17890c0"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-stream-invocation-nil-id",
        &[],
        "A stream invocation without an invocation id (nil): a stream needs one.",
        fh("950480c0a17890"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-stream-item-nil-id",
        &[],
        "A stream item whose invocation id is nil.",
        fh("940280c001"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-completion-result-kind-4",
        &[],
        "A completion with result kind 4.",
        fh("950380a13104c0"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-completion-error-not-string",
        &[],
        "A completion with result kind 1 whose error is nil.",
        fh("950380a13101c0"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-close-allow-reconnect-nil",
        &[],
        "A close whose allowReconnect element is nil instead of a boolean.",
        fh("9307c0c0"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
    g.invalid(
        "msgpack-ack-negative",
        &[],
        "An ack with the sequence id -1.",
        fh("9208ff"),
        "wrong_field",
        "HUB-2.2",
        1,
    );
}

// ---------------------------------------------------------------------------------------------
// Invalid JSON

fn json_invalid(g: &mut Generator) {
    // Framing (HUB-1.1, HUB-1.3, HUB-1.4)
    g.invalid(
        "json-missing-record-separator",
        &["HUB-1.1"],
        "A complete JSON object without its 0x1E at the end of the input.",
        b"{\"type\":6}".to_vec(),
        "missing_record_separator",
        "HUB-1.3",
        0,
    );
    g.invalid(
        "json-missing-record-separator-second",
        &["HUB-1.1"],
        "A ping, then a second ping without its 0x1E: the offset is that of the second message.",
        [rs("{\"type\":6}"), b"{\"type\":6}".to_vec()].concat(),
        "missing_record_separator",
        "HUB-1.3",
        11,
    );
    g.invalid(
        "json-too-large",
        &["HUB-1.3"],
        "32,769 bytes without a 0x1E, one more than the default maximum: refused without waiting for the separator.",
        {
            let mut text = b"{\"type\":1,\"target\":\"x\",\"arguments\":[\"".to_vec();
            text.extend(std::iter::repeat_n(b'j', MAX + 1 - text.len()));
            text
        },
        "message_too_large",
        "HUB-1.4",
        0,
    );
    g.invalid(
        "json-too-large-complete",
        &[],
        "A complete message of 32,769 bytes before its 0x1E.",
        {
            let base = "{\"type\":1,\"target\":\"x\",\"arguments\":[\"\"]}".len();
            rs(&format!(
                "{{\"type\":1,\"target\":\"x\",\"arguments\":[\"{}\"]}}",
                "j".repeat(MAX + 1 - base)
            ))
        },
        "message_too_large",
        "HUB-1.4",
        0,
    );
    g.invalid(
        "json-empty-record",
        &["HUB-1.1"],
        "A 0x1E with nothing before it: an empty record is not a JSON value.",
        rs(""),
        "invalid_json",
        "HUB-1.1",
        0,
    );
    g.invalid(
        "json-trailing-comma",
        &[],
        "A comma before the closing brace: reported at the brace.",
        rs("{\"type\":6,}"),
        "invalid_json",
        "HUB-1.1",
        10,
    );
    g.invalid(
        "json-unterminated-object",
        &[],
        "The record ends inside the object: reported at its end.",
        rs("{\"type\":6"),
        "invalid_json",
        "HUB-1.1",
        8,
    );
    g.invalid(
        "json-bare-word",
        &[],
        "A bare word is not JSON.",
        rs("ping"),
        "invalid_json",
        "HUB-1.1",
        0,
    );
    g.invalid(
        "json-invalid-utf8",
        &[],
        "A target string holding the byte ff, which is not UTF-8.",
        [
            b"{\"type\":1,\"target\":\"".to_vec(),
            vec![0xff],
            b"\",\"arguments\":[]}\x1e".to_vec(),
        ]
        .concat(),
        "invalid_json",
        "HUB-1.1",
        20,
    );
    g.invalid(
        "json-two-values-in-one-record",
        &[],
        "Two objects before one 0x1E: a record holds exactly one JSON value.",
        rs("{\"type\":6}{\"type\":6}"),
        "invalid_json",
        "HUB-1.1",
        10,
    );
    g.invalid(
        "json-duplicate-member",
        &[],
        "The member target given twice: member names are unique, a strict decoder does not pick one.",
        rs("{\"type\":1,\"target\":\"a\",\"target\":\"b\",\"arguments\":[]}"),
        "invalid_json",
        "HUB-1.1",
        0,
    );
    g.invalid(
        "json-invalid-after-message",
        &["HUB-1.3"],
        "A valid ping, then a record that is not JSON: the offset counts from the start of the input.",
        [rs("{\"type\":6}"), rs("{\"type\":")].concat(),
        "invalid_json",
        "HUB-1.1",
        18,
    );

    // Message layout (HUB-4.1, HUB-2.1, HUB-2.2): offsets are those of the message's first byte.
    g.invalid(
        "json-array-message",
        &["HUB-1.1"],
        "A message that is a JSON array, as in the MessagePack layout.",
        rs("[6]"),
        "not_an_object",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-number-message",
        &["HUB-1.1"],
        "A message that is the number 6.",
        rs("6"),
        "not_an_object",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-null-message",
        &["HUB-1.1"],
        "A message that is null.",
        rs("null"),
        "not_an_object",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-missing-type",
        &["HUB-1.1"],
        "An empty object: no type.",
        rs("{}"),
        "missing_type",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-type-string",
        &["HUB-1.1"],
        "The type written as the string \"6\".",
        rs("{\"type\":\"6\"}"),
        "missing_type",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-type-float",
        &["HUB-1.1"],
        "The type written as 6.0, a number with a fraction.",
        rs("{\"type\":6.0}"),
        "missing_type",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-unknown-type",
        &["HUB-1.1"],
        "Message type 10.",
        rs("{\"type\":10}"),
        "unknown_message_type",
        "HUB-2.1",
        0,
    );
    g.invalid(
        "json-unknown-type-0",
        &["HUB-1.1"],
        "Message type 0, after a ping: the offset is that of the second message.",
        [rs("{\"type\":6}"), rs("{\"type\":0}")].concat(),
        "unknown_message_type",
        "HUB-2.1",
        11,
    );
    g.invalid(
        "json-unknown-member",
        &["HUB-1.1"],
        "A ping with a member x: unrecognised members are a protocol error.",
        rs("{\"type\":6,\"x\":1}"),
        "unknown_field",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-member-of-other-type",
        &["HUB-1.1"],
        "An invocation with an item member, which only stream items have.",
        rs("{\"type\":1,\"target\":\"a\",\"arguments\":[],\"item\":1}"),
        "unknown_field",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-close-with-headers",
        &["HUB-1.1"],
        "A close with a headers member: close messages carry no headers.",
        rs("{\"type\":7,\"headers\":{}}"),
        "unknown_field",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-member-name-case",
        &["HUB-1.1"],
        "The member Target with a capital T: names are case-sensitive.",
        rs("{\"type\":1,\"Target\":\"a\",\"arguments\":[]}"),
        "unknown_field",
        "HUB-4.1",
        0,
    );
    g.invalid(
        "json-invocation-without-target",
        &["HUB-1.1"],
        "An invocation without a target.",
        rs("{\"type\":1,\"arguments\":[]}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-invocation-without-arguments",
        &["HUB-1.1"],
        "An invocation without arguments.",
        rs("{\"type\":1,\"target\":\"a\"}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-target-number",
        &["HUB-1.1"],
        "An invocation whose target is a number.",
        rs("{\"type\":1,\"target\":1,\"arguments\":[]}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-arguments-object",
        &["HUB-1.1"],
        "An invocation whose arguments are an object.",
        rs("{\"type\":1,\"target\":\"a\",\"arguments\":{}}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-invocation-id-number",
        &["HUB-1.1"],
        "An invocation id written as the number 1.",
        rs("{\"type\":1,\"invocationId\":1,\"target\":\"a\",\"arguments\":[]}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-invocation-id-null",
        &[],
        "An invocation id written as null: in the JSON protocol an invocation without an id omits the member.",
        rs("{\"type\":1,\"invocationId\":null,\"target\":\"a\",\"arguments\":[]}"),
        "wrong_field",
        "HUB-1.1",
        0,
    );
    g.invalid(
        "json-header-value-number",
        &["HUB-1.1"],
        "A header whose value is a number.",
        rs("{\"type\":5,\"headers\":{\"a\":1},\"invocationId\":\"1\"}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-stream-ids-number",
        &["HUB-1.1"],
        "A streamIds array holding a number.",
        rs("{\"type\":1,\"target\":\"a\",\"arguments\":[],\"streamIds\":[1]}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-stream-item-without-item",
        &["HUB-1.1"],
        "A stream item without its item member.",
        rs("{\"type\":2,\"invocationId\":\"1\"}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-completion-result-and-error",
        &["HUB-1.1"],
        "A completion with both a result and an error, a protocol error.",
        rs("{\"type\":3,\"invocationId\":\"1\",\"result\":1,\"error\":\"e\"}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-completion-without-id",
        &["HUB-1.1"],
        "A completion without an invocation id.",
        rs("{\"type\":3,\"result\":1}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-stream-invocation-without-id",
        &["HUB-1.1"],
        "A stream invocation without an invocation id.",
        rs("{\"type\":4,\"target\":\"a\",\"arguments\":[]}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-close-allow-reconnect-string",
        &["HUB-1.1"],
        "A close whose allowReconnect is the string \"yes\".",
        rs("{\"type\":7,\"allowReconnect\":\"yes\"}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-close-error-null",
        &[],
        "A close whose error is null: a close without an error omits the member.",
        rs("{\"type\":7,\"error\":null}"),
        "wrong_field",
        "HUB-1.1",
        0,
    );
    g.invalid(
        "json-ack-negative",
        &["HUB-1.1"],
        "An ack with the sequence id -1.",
        rs("{\"type\":8,\"sequenceId\":-1}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
    g.invalid(
        "json-sequence-float",
        &["HUB-1.1"],
        "A sequence message whose sequence id is 1.5.",
        rs("{\"type\":9,\"sequenceId\":1.5}"),
        "wrong_field",
        "HUB-2.2",
        0,
    );
}
