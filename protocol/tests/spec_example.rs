//! Keeps `spec/render-batch.md` honest.
//!
//! * Every worked example (a `hex-example` block followed by its `json-example` block) decodes to
//!   its JSON form, and that form encodes back to exactly its bytes (RB-6.3). The `@N` offsets
//!   in the hex annotations must match the bytes before each line.
//! * The requirement ids the chapter defines (`**[RB-x.y]**` paragraphs) are unique and listed in
//!   increasing order, and every id cited in this crate's sources is defined there.
//! * Every error kind name of the reader appears in the chapter.

use std::path::{Path, PathBuf};

use brasa_protocol::render_batch::{DecodeErrorKind, RenderBatch, decode, encode};

fn chapter_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/render-batch.md")
}

fn chapter() -> String {
    let path = chapter_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A fenced code block: its info string, its body and the line (1-based) of its opening fence.
struct Block {
    info: String,
    body: String,
    line: usize,
}

/// The fenced code blocks of a Markdown text (backtick fences of three or more).
fn fenced_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Block)> = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let ticks = trimmed.len() - trimmed.trim_start_matches('`').len();
        match &mut open {
            None if ticks >= 3 => {
                let fence = "`".repeat(ticks);
                let info = trimmed[ticks..].trim().to_owned();
                open = Some((
                    fence,
                    Block {
                        info,
                        body: String::new(),
                        line: number + 1,
                    },
                ));
            }
            None => {}
            Some((fence, _)) if ticks >= fence.len() && trimmed[ticks..].trim().is_empty() => {
                blocks.push(open.take().expect("a block is open").1);
            }
            Some((_, block)) => {
                block.body.push_str(line);
                block.body.push('\n');
            }
        }
    }
    assert!(open.is_none(), "an unclosed code fence in {}", chapter_path().display());
    blocks
}

/// Parses an annotated hex dump: on each line, what follows `#` is a comment; whitespace is
/// ignored. A comment starting with `@N` states the offset of the line's first byte.
fn parse_hex(block: &Block) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (i, line) in block.body.lines().enumerate() {
        let line_number = block.line + 1 + i;
        let (data, comment) = match line.split_once('#') {
            Some((data, comment)) => (data, Some(comment.trim())),
            None => (line, None),
        };
        let digits: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            digits.len() % 2 == 0,
            "line {line_number}: an odd number of hex digits in {data:?}"
        );
        if let Some(offset) = comment.and_then(|c| c.strip_prefix('@')) {
            let offset: String = offset.chars().take_while(char::is_ascii_digit).collect();
            if !offset.is_empty() && !digits.is_empty() {
                assert_eq!(
                    offset.parse::<usize>().expect("decimal offset"),
                    bytes.len(),
                    "line {line_number}: the annotation's offset does not match the bytes before it"
                );
            }
        }
        for pair in digits.as_bytes().chunks(2) {
            let pair = std::str::from_utf8(pair).expect("ASCII");
            let byte = u8::from_str_radix(pair, 16)
                .unwrap_or_else(|_| panic!("line {line_number}: {pair:?} is not a hex byte"));
            bytes.push(byte);
        }
    }
    bytes
}

/// The (hex block, JSON block) pairs of the chapter. Each `hex-example` block must be followed
/// by a `json-example` block before any other `hex-example` block.
fn examples(blocks: &[Block]) -> Vec<(&Block, &Block)> {
    let mut pairs = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if block.info != "hex-example" {
            continue;
        }
        let next = blocks[i + 1..]
            .iter()
            .find(|b| b.info == "json-example" || b.info == "hex-example")
            .unwrap_or_else(|| panic!("the hex-example at line {} has no json-example after it", block.line));
        assert_eq!(
            next.info, "json-example",
            "the hex-example at line {} is followed by another hex-example before any json-example",
            block.line
        );
        pairs.push((block, next));
    }
    pairs
}

#[test]
fn worked_examples_decode_to_their_json_form_and_encode_back() {
    // RB-6.3
    let text = chapter();
    let blocks = fenced_blocks(&text);
    let pairs = examples(&blocks);
    assert!(!pairs.is_empty(), "spec/render-batch.md has no worked example");
    for (hex, json) in pairs {
        let bytes = parse_hex(hex);
        let form: RenderBatch = serde_json::from_str(&json.body)
            .unwrap_or_else(|e| panic!("the json-example at line {} is not a render batch: {e}", json.line));
        let decoded =
            decode(&bytes).unwrap_or_else(|e| panic!("the hex-example at line {} does not decode: {e}", hex.line));
        assert_eq!(
            decoded, form,
            "the hex-example at line {} does not decode to the JSON after it",
            hex.line
        );
        let encoded = encode(&form);
        assert!(
            encoded == bytes,
            "the json-example at line {} does not encode to the bytes of the hex-example at line {} \
             ({} bytes encoded, {} shown; first difference at {:?})",
            json.line,
            hex.line,
            encoded.len(),
            bytes.len(),
            encoded.iter().zip(&bytes).position(|(a, b)| a != b)
        );
        // The JSON shown is the canonical form itself (same members, eventHandlerId omitted
        // when 0), not merely something that parses to it.
        let shown: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
        let canonical = serde_json::to_value(&decoded).expect("serializable");
        assert_eq!(
            shown, canonical,
            "the json-example at line {} is not in canonical form",
            json.line
        );
    }
}

/// The `(major, minor)` ids of the requirement paragraphs, in the order they appear.
fn defined_ids(text: &str) -> Vec<(u32, u32, usize)> {
    let mut ids = Vec::new();
    let mut in_fence = false;
    for (number, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let Some(rest) = line.strip_prefix("**[RB-") else {
            continue;
        };
        let (id, _) = rest
            .split_once("]**")
            .unwrap_or_else(|| panic!("line {}: malformed requirement id", number + 1));
        let (major, minor) = id
            .split_once('.')
            .unwrap_or_else(|| panic!("line {}: requirement id RB-{id} is not RB-x.y", number + 1));
        let parse = |s: &str| {
            s.parse::<u32>()
                .unwrap_or_else(|_| panic!("line {}: requirement id RB-{id} is not RB-x.y", number + 1))
        };
        ids.push((parse(major), parse(minor), number + 1));
    }
    ids
}

#[test]
fn requirement_ids_are_unique_and_in_increasing_order() {
    let ids = defined_ids(&chapter());
    assert!(!ids.is_empty(), "spec/render-batch.md defines no requirement");
    for pair in ids.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        assert!(
            (a.0, a.1) < (b.0, b.1),
            "RB-{}.{} (line {}) comes after RB-{}.{} (line {}): ids must be unique and increasing",
            b.0,
            b.1,
            b.2,
            a.0,
            a.1,
            a.2
        );
    }
}

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_requirement_cited_by_the_reader_and_writer_is_defined() {
    let defined: Vec<String> = defined_ids(&chapter())
        .iter()
        .map(|(a, b, _)| format!("RB-{a}.{b}"))
        .collect();
    let mut files = Vec::new();
    rust_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut missing = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("RB-") {
            rest = &rest[at + 3..];
            let id: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let id = id.trim_end_matches('.');
            if id.contains('.') {
                let id = format!("RB-{id}");
                if !defined.contains(&id) && !missing.contains(&id) {
                    missing.push(id);
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "cited in protocol/src but not defined in spec/render-batch.md: {missing:?}"
    );
}

#[test]
fn every_error_kind_is_named_in_the_chapter() {
    let text = chapter();
    let missing: Vec<_> = DecodeErrorKind::NAMES
        .iter()
        .filter(|name| !text.contains(&format!("`{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "error kinds missing from spec/render-batch.md: {missing:?}"
    );
}
