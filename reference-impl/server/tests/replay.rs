//! Replay of the recorded ASP.NET Core 10 sessions against `brasa-server` (issue 12, "Replay").
//!
//! For the counter, todo and form prerender captures (`../shared/reference/captures/prerender/`),
//! every client message of `messages.jsonl` is sent, in the recorded order, to a real
//! `brasa-server` over a WebSocket by the protocol client of `tests/support`, and every recorded
//! server message is matched, in order, against the next message Brasa sends; each session runs
//! against a server that prerenders, as ASP.NET Core did (SRV-3.5), and one that does not
//! (SRV-3.2). The client messages are adapted to the live session only where it requires:
//!
//! - `StartCircuit` and `UpdateRootComponents` carry the base URI, URI, marker (descriptor) and
//!   state of the page Brasa serves (SRV-3.2, SRV-3.3, SRV-3.4, SRV-4.1);
//! - each `DispatchEventAsync` is re-targeted: the recorded `eventHandlerId` is looked up in the
//!   recorded batches (applied to a `brasa-dom` document as they arrived) to find its element (by
//!   id, or by tag, class and position under the nearest element with an id) and event name; the
//!   event is sent to the handler id Brasa's latest batch gives the same element and event, with
//!   `eventFieldInfo.componentId` set to the component that rendered Brasa's handler (CIR-6.5).
//!
//! The server's messages are compared by kind and order, not by bytes or component ids (server.md
//! section 8: Brasa's component tree is not ASP.NET Core's): the attach call and its handle, the
//! secret's completion, `JS.AttachComponent`'s selector, the batch ids 2, 3, 4, … (CIR-2.1), the
//! acknowledgements the recorded client sent for them (CIR-2.2; each must release a batch, as
//! `/metrics` counts, SRV-7.1), `JS.EndUpdateRootComponents`, the Router's start-up calls and
//! their handles (SRV-4.3), and each `JS.EndInvokeDotNet` after its event's batch (CIR-6.5; it may
//! come earlier than recorded, never later: see `Replay::matches`); nothing more may follow. Every
//! batch must apply in `brasa-dom`, and at every recorded DOM snapshot (`dom-NNN-LABEL.html`) the
//! live document must show, for every element with an id, the text the recorded page showed (as
//! `../shared/tools/idtext.py` compares; values and checked states are not compared, since a
//! browser's typed values never reach the DOM model). Every wait is bounded.
//!
//! Not compared (informative): the handler ids themselves. ASP.NET Core gives an element bound
//! with `@bind` a new handler id on every render (the recorded `#title` of the todo session is
//! 1, 7, 13, 23; the form's `#name` 1, 12, 22), where Brasa's pages keep theirs (1 throughout).

mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use brasa_dom::{NodeId, NodeKind};
use support::*;

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// The recording

/// One line of `messages.jsonl` that carries a hub message.
struct Recorded {
    /// The line's index in `messages.jsonl` (the message index of the report).
    index: usize,
    /// `true` for client → server.
    out: bool,
    /// The decoded message: `[type, headers, invocationId, target, args, …]` or `[6]`.
    msg: serde_json::Value,
}

/// A DOM snapshot of the recorded page: its label, the last batch the page had received when it
/// was taken, and the ids' texts it showed.
struct Snapshot {
    label: String,
    after_batch: i64,
    texts: BTreeMap<String, String>,
}

struct Recording {
    dir: PathBuf,
    route: String,
    messages: Vec<Recorded>,
    snapshots: Vec<Snapshot>,
    /// The batch each recorded `DispatchEventAsync` rendered, by call id.
    batch_of_call: BTreeMap<String, i64>,
}

/// Page chrome outside the components (as idtext.py's CHROME): the template's layout, which Brasa
/// serves as static markup (SRV-3.1).
const CHROME: [&str; 5] = [
    "blazor-error-ui",
    "components-reconnect-modal",
    "components-seconds-to-next-attempt",
    "components-reconnect-button",
    "components-resume-button",
];

fn load(session: &str) -> Recording {
    let dir = shared().join("reference/captures/prerender").join(session);
    let text = std::fs::read_to_string(dir.join("messages.jsonl")).expect("messages.jsonl");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();

    // The socket opens, the client sends the blazorpack handshake, the server answers `{}`, the
    // client pings (SRV-5.1): Client::handshake does exactly this.
    assert_eq!(lines[0]["event"], "open", "{session}: the socket opens first");
    assert_eq!(lines[1]["text"], "{\"protocol\":\"blazorpack\",\"version\":1}\u{1e}");
    assert_eq!(
        (&lines[2]["dir"], &lines[2]["text"]),
        (&"in".into(), &"{}\u{1e}".into())
    );
    assert_eq!(lines[3]["msg"], serde_json::json!([6]));
    let messages: Vec<Recorded> = lines
        .iter()
        .enumerate()
        .skip(4)
        .filter(|(_, line)| line.get("msg").is_some())
        .map(|(index, line)| Recorded {
            index,
            out: line["dir"] == "out",
            msg: line["msg"].clone(),
        })
        .collect();
    let start = &messages[0].msg;
    assert_eq!(start[3], "StartCircuit");
    let uri = start[4][1].as_str().expect("the page's URI");
    let route = uri[uri.find("://").unwrap() + 3..]
        .split_once('/')
        .map(|(_, path)| format!("/{path}"))
        .unwrap();

    // Each snapshot shows the batches the page had received when it was taken.
    let batches = read_json(&dir.join("batches/index.json"));
    let batches: Vec<(u64, i64)> = batches
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["t"].as_u64().unwrap(), b["batchId"].as_i64().unwrap()))
        .collect();
    let steps = read_json(&dir.join("steps.json"));
    let mut snapshots = Vec::new();
    for step in steps.as_array().unwrap() {
        let Some(label) = step["snap"].as_str() else {
            continue;
        };
        let t = step["t"].as_u64().unwrap();
        let after_batch = batches
            .iter()
            .filter(|(bt, _)| *bt <= t)
            .map(|(_, id)| *id)
            .max()
            .expect("a batch before the snapshot");
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with("dom-") && name.ends_with(&format!("-{label}.html"))
            })
            .unwrap_or_else(|| panic!("{session}: no dom file for {label}"));
        let mut texts = html_id_texts(&std::fs::read_to_string(file).unwrap());
        texts.retain(|id, _| !CHROME.contains(&id.as_str()));
        snapshots.push(Snapshot {
            label: label.to_owned(),
            after_batch,
            texts,
        });
    }
    assert!(!snapshots.is_empty());

    // Which batch each event rendered. ASP.NET Core's renderer runs the events in the order they
    // arrive (CIR-5.2), and each recorded event renders one batch, before its completion
    // (CIR-6.5): the first batch after a dispatch that no earlier dispatch claimed is its batch.
    let mut batch_of_call = BTreeMap::new();
    let mut waiting: VecDeque<String> = VecDeque::new();
    for message in &messages {
        let msg = &message.msg;
        match (message.out, msg[3].as_str()) {
            (true, Some("BeginInvokeDotNetFromJS")) if msg[4][2] == "DispatchEventAsync" => {
                waiting.push_back(msg[4][0].as_str().unwrap().to_owned());
            }
            (false, Some("JS.RenderBatch")) => {
                if let Some(call) = waiting.pop_front() {
                    batch_of_call.insert(call, msg[4][0].as_i64().unwrap());
                }
            }
            (false, Some("JS.EndInvokeDotNet")) => {
                let call = msg[4][0].as_str().unwrap();
                assert!(
                    batch_of_call.contains_key(call),
                    "{session}: message {}: the recorded event {call} completed before it rendered",
                    message.index
                );
            }
            _ => {}
        }
    }
    assert!(waiting.is_empty(), "{session}: an event rendered nothing");
    Recording {
        dir,
        route,
        messages,
        snapshots,
        batch_of_call,
    }
}

/// A recorded argument as the hub value the recorded bytes held.
fn to_value(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Value::UInt(u),
            (None, Some(i)) => Value::Int(i),
            _ => Value::F64(n.as_f64().unwrap()),
        },
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        serde_json::Value::Object(members) => Value::Map(
            members
                .iter()
                .map(|(k, v)| (Value::Str(k.clone()), to_value(v)))
                .collect(),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// What is compared

/// A server message reduced to what the replay compares: its kind and the arguments that do not
/// depend on component ids or bytes.
fn shape_of_call(call: &ServerCall) -> String {
    match call {
        // CIR-2.1: batch ids 2, 3, 4, … in order; the bytes are Brasa's own (server.md §8).
        ServerCall::RenderBatch { batch_id, .. } => format!("JS.RenderBatch({batch_id}, <batch>)"),
        // SRV-4.1: the selector is the ssrComponentId; the component id is Brasa's (§8).
        ServerCall::AttachComponent { selector, .. } => format!("JS.AttachComponent(<component>, {selector:?})"),
        // CIR-6.2 (the attach call), SRV-4.3 (the start-up calls), CIR-6.5 (EndInvokeDotNet),
        // SRV-4.1 (EndUpdateRootComponents): compared whole.
        other => format!("{other:?}"),
    }
}

fn shape_of_message(message: &HubMessage) -> String {
    match message {
        HubMessage::Invocation(invocation) => {
            match ServerCall::from_invocation(&invocation.target, &invocation.arguments) {
                Ok(call) => shape_of_call(&call),
                Err(e) => format!("unknown call {}: {e:?}", invocation.target),
            }
        }
        // CIR-6.2, CIR-3.1: StartCircuit completes with the secret, a string of Brasa's own.
        HubMessage::Completion {
            invocation_id,
            result: CompletionResult::Value(Value::Str(_)),
            ..
        } => format!("Completion({invocation_id:?}, <secret>)"),
        other => format!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Elements across the two documents

/// Where an element is, in terms that hold in both documents: its id, or, for an element without
/// one, the nearest ancestor with an id, its tag and class, and its position among the elements
/// so described that have a handler for the event.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Id(String),
    Within {
        scope: Option<String>,
        tag: String,
        class: Option<String>,
        ordinal: usize,
    },
}

fn nearest_id(document: &Document, node: NodeId) -> Option<String> {
    let mut at = document.parent(node);
    while let Some(node) = at {
        if let Some(id) = document.attribute(node, "id") {
            return Some(id.to_owned());
        }
        at = document.parent(node);
    }
    None
}

/// (tag, class, nearest id) of an element without an id.
fn description(document: &Document, node: NodeId) -> (String, Option<String>, Option<String>) {
    (
        document.element_name(node).unwrap_or_default().to_owned(),
        document.attribute(node, "class").map(str::to_owned),
        nearest_id(document, node),
    )
}

/// The connected elements without an id that carry a handler for `event` and match `described`,
/// in document order, with their handler ids and the components that rendered them.
fn candidates(
    document: &Document,
    event: &str,
    described: &(String, Option<String>, Option<String>),
) -> Vec<(Vec<usize>, brasa_dom::EventHandler)> {
    let mut found: Vec<(Vec<usize>, brasa_dom::EventHandler)> = document
        .handlers()
        .into_iter()
        .filter(|h| h.event_name == event && document.attribute(h.element, "id").is_none())
        .filter_map(|h| {
            let path = h.path.clone()?;
            (description(document, h.element) == *described).then_some((path, h))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn place_of(document: &Document, handler: &brasa_dom::EventHandler) -> Place {
    if let Some(id) = document.attribute(handler.element, "id") {
        return Place::Id(id.to_owned());
    }
    let described = description(document, handler.element);
    let ordinal = candidates(document, &handler.event_name, &described)
        .iter()
        .position(|(_, h)| h.event_handler_id == handler.event_handler_id)
        .expect("the handler's element is connected");
    let (tag, class, scope) = described;
    Place::Within {
        scope,
        tag,
        class,
        ordinal,
    }
}

fn handler_at(document: &Document, place: &Place, event: &str) -> Option<brasa_dom::EventHandler> {
    match place {
        Place::Id(id) => document
            .handlers()
            .into_iter()
            .find(|h| h.event_name == event && document.attribute(h.element, "id") == Some(id)),
        Place::Within {
            scope,
            tag,
            class,
            ordinal,
        } => candidates(document, event, &(tag.clone(), class.clone(), scope.clone()))
            .into_iter()
            .nth(*ordinal)
            .map(|(_, h)| h),
    }
}

// ---------------------------------------------------------------------------------------------
// Ids' texts, as idtext.py reads them

const VOID: [&str; 13] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
];

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `id` attribute of a start tag's text (between the name and `>`).
fn id_attribute(attributes: &str) -> Option<String> {
    let mut rest = attributes;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let mut value = None;
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    (&after[1..end], after.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = Some(v);
            rest = r;
        }
        if name.eq_ignore_ascii_case("id") {
            return value.map(decode_entities);
        }
    }
}

/// The text of every element with an id in serialised HTML, whitespace collapsed, as
/// `idtext.py` reads a snapshot (void elements have none).
fn html_id_texts(html: &str) -> BTreeMap<String, String> {
    let mut stack: Vec<(String, Option<String>, String)> = Vec::new();
    let mut texts = BTreeMap::new();
    let mut rest = html;
    let close = |stack: &mut Vec<(String, Option<String>, String)>, texts: &mut BTreeMap<String, String>, tag: &str| {
        while let Some((name, id, text)) = stack.pop() {
            if let Some(id) = id {
                texts.insert(id, normalise(&text));
            }
            if let Some(parent) = stack.last_mut() {
                parent.2.push_str(&text);
            }
            if name == tag {
                break;
            }
        }
    };
    while !rest.is_empty() {
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
        } else if let Some(end_tag) = rest.strip_prefix("</") {
            let end = end_tag.find('>').unwrap_or(end_tag.len());
            let tag = end_tag[..end].trim().to_ascii_lowercase();
            close(&mut stack, &mut texts, &tag);
            rest = end_tag.get(end + 1..).unwrap_or("");
        } else if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            let body = &rest[1..];
            let mut end = 0;
            let mut quote = None;
            for (i, c) in body.char_indices() {
                match (quote, c) {
                    (None, '"' | '\'') => quote = Some(c),
                    (Some(q), c) if c == q => quote = None,
                    (None, '>') => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let tag_text = &body[..end];
            let name_end = tag_text
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(tag_text.len());
            let name = tag_text[..name_end].to_ascii_lowercase();
            let id = id_attribute(&tag_text[name_end..]);
            rest = body.get(end + 1..).unwrap_or("");
            if VOID.contains(&name.as_str()) {
                continue;
            }
            if name == "script" || name == "style" {
                // Raw text up to the end tag.
                let end = rest.find(&format!("</{name}")).unwrap_or(rest.len());
                stack.push((name.clone(), id, rest[..end].to_owned()));
                rest = &rest[end..];
                continue;
            }
            stack.push((name, id, String::new()));
        } else {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..].find('<').map_or(rest.len(), |e| e + first);
            if let Some(top) = stack.last_mut() {
                top.2.push_str(&decode_entities(&rest[..end]));
            }
            rest = &rest[end..];
        }
    }
    close(&mut stack, &mut texts, "");
    texts
}

/// An element's `textContent` (text nodes only).
fn text_content(document: &Document, node: NodeId, out: &mut String) {
    for child in document.children(node) {
        match document.kind(child) {
            NodeKind::Text => out.push_str(document.text(child).unwrap_or_default()),
            NodeKind::Element => text_content(document, child, out),
            _ => {}
        }
    }
}

/// The text of every element with an id in a document, whitespace collapsed.
fn document_id_texts(document: &Document) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    let mut stack = vec![document.root()];
    while let Some(node) = stack.pop() {
        if let Some(id) = document.attribute(node, "id") {
            let name = document.element_name(node).unwrap_or_default();
            if !VOID.contains(&name) {
                let mut text = String::new();
                text_content(document, node, &mut text);
                texts.insert(id.to_owned(), normalise(&text));
            }
        }
        stack.extend(document.children(node));
    }
    texts
}

/// The ids whose text differs between a snapshot and a document.
fn text_differences(snapshot: &Snapshot, document: &Document) -> Vec<String> {
    let shown = document_id_texts(document);
    snapshot
        .texts
        .iter()
        .filter(|(id, text)| shown.get(*id) != Some(*text))
        .map(|(id, text)| format!("#{id}: {:?} != recorded {text:?}", shown.get(id)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The replay

/// The next hub message from the server, Pings skipped, within `WAIT`.
async fn receive(client: &mut Client) -> Result<HubMessage, String> {
    loop {
        if let Some(message) = client.queue.pop_front() {
            if message != HubMessage::Ping {
                return Ok(message);
            }
            continue;
        }
        match tokio::time::timeout(WAIT, client.socket.next()).await {
            Err(_) => return Err(format!("nothing within {WAIT:?}")),
            Ok(Some(Ok(Message::Binary(bytes)))) => client.queue.extend(
                hub::decode_all(Protocol::MessagePack, &bytes, usize::MAX)
                    .map_err(|e| format!("undecodable frame: {e:?}"))?,
            ),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {}
            Ok(Some(Ok(Message::Close(_))) | None) => return Err("the socket closed".into()),
            Ok(other) => return Err(format!("unexpected frame {other:?}")),
        }
    }
}

struct Replay {
    session: String,
    addr: SocketAddr,
    client: Client,
    /// The recorded batches, applied as the recorded client received them.
    recorded: Option<Document>,
    /// Brasa's batches, applied as they arrive.
    live: Option<Document>,
    /// The live page's marker and state comment.
    marker: serde_json::Value,
    state: String,
    secret: Option<String>,
    /// Readable log of the exchange, for failure messages.
    transcript: String,
    batches: usize,
    dispatches: usize,
    snapshots_compared: usize,
    /// The id of the last batch Brasa sent.
    last_batch: i64,
    /// `JS.EndInvokeDotNet`s Brasa sent before the place the recording has them (see `matches`).
    early: Vec<String>,
}

impl Replay {
    fn fail(&self, index: usize, what: String) -> ! {
        panic!(
            "{}: message {index}: {what}\n--- exchange so far (recorded index: message) ---\n{}",
            self.session, self.transcript
        );
    }

    fn log(&mut self, index: usize, line: &str) {
        let _ = writeln!(self.transcript, "{index:>3} {line}");
    }

    /// The recorded client message, adapted to the live session.
    fn adapt(&mut self, recording: &Recording, message: &Recorded) -> HubMessage {
        let msg = &message.msg;
        if msg[0] == 6 {
            return HubMessage::Ping;
        }
        assert_eq!(
            msg[0], 1,
            "{}: message {}: a client invocation",
            self.session, message.index
        );
        let target = msg[3].as_str().unwrap();
        let invocation_id = msg[2].as_str().map(str::to_owned);
        let mut arguments: Vec<Value> = msg[4].as_array().unwrap().iter().map(to_value).collect();
        match target {
            // SRV-4.1: the live page's URIs and state comment (SRV-3.3).
            "StartCircuit" => {
                assert_eq!(msg[4][2], "[]", "blazor.web.js starts with no markers");
                arguments[0] = Value::str(format!("http://{}/", self.addr));
                arguments[1] = Value::str(format!("http://{}{}", self.addr, recording.route));
                arguments[3] = Value::str(self.state.clone());
            }
            // SRV-4.1: one add per marker of the live page, with its descriptor (SRV-3.4); the
            // client's ssrComponentId and uniqueId are kept.
            "UpdateRootComponents" => {
                let mut operations: serde_json::Value =
                    serde_json::from_str(msg[4][0].as_str().unwrap()).expect("operations");
                let ops = operations["operations"].as_array_mut().unwrap();
                assert_eq!(ops.len(), 1, "one root component on the recorded page");
                let unique_id = ops[0]["marker"]["uniqueId"].clone();
                let mut marker = self.marker.clone();
                marker["uniqueId"] = unique_id;
                ops[0]["marker"] = marker;
                arguments[0] = Value::str(operations.to_string());
                arguments[1] = Value::str(self.state.clone());
            }
            "BeginInvokeDotNetFromJS" if msg[4][2] == "DispatchEventAsync" => {
                arguments[4] = Value::str(self.retarget(message.index, msg[4][4].as_str().unwrap()));
                self.dispatches += 1;
            }
            _ => {}
        }
        let call = ClientCall::from_invocation(target, &arguments)
            .unwrap_or_else(|e| self.fail(message.index, format!("recorded call not bound: {e:?}")));
        call.to_message(invocation_id)
    }

    /// The recorded `DispatchEventAsync` arguments, sent to the handler Brasa's latest batch gives
    /// the same element and event (CIR-6.5; CIR-2.6: a handler id is only valid while the batches
    /// that introduced it stand).
    fn retarget(&mut self, index: usize, arguments: &str) -> String {
        // The first element (the descriptor) is parsed; the second (the event args) is kept as
        // the recorded text.
        let inner = arguments.strip_prefix('[').expect("an array");
        let mut stream = serde_json::Deserializer::from_str(inner).into_iter::<serde_json::Value>();
        let descriptor = stream.next().expect("the descriptor").expect("JSON");
        let rest = inner[stream.byte_offset()..].trim_start();
        let event_args = rest
            .strip_prefix(',')
            .and_then(|r| r.strip_suffix(']'))
            .expect("[descriptor, args]");
        let recorded_id = descriptor["eventHandlerId"].as_u64().unwrap();
        let event = descriptor["eventName"].as_str().unwrap().to_owned();

        let recorded = self.recorded.as_ref().expect("the recorded document");
        let handler = recorded
            .handlers()
            .into_iter()
            .find(|h| h.event_handler_id == recorded_id)
            .unwrap_or_else(|| self.fail(index, format!("recorded handler {recorded_id} is in no recorded batch")));
        assert_eq!(handler.event_name, event, "{}: message {index}", self.session);
        let place = place_of(recorded, &handler);
        let field_info = &descriptor["eventFieldInfo"];
        if !field_info.is_null() {
            // The recorded client named the component that rendered the handler.
            assert_eq!(
                field_info["componentId"].as_i64(),
                Some(i64::from(handler.rendering_component_id)),
                "{}: message {index}",
                self.session
            );
        }

        let live = self.live.as_ref().expect("the live document");
        let Some(target) = handler_at(live, &place, &event) else {
            self.fail(index, format!("Brasa's document has no {event} handler at {place:?}"));
        };
        // The field belongs to the component that rendered Brasa's handler: the page under the
        // router for every field, where ASP.NET Core's page (6) and its Input components (13–17 in
        // the form session) rendered them (server.md section 8: the component trees differ).
        let field_info = if field_info.is_null() {
            "null".to_owned()
        } else {
            format!(
                "{{\"componentId\":{},\"fieldValue\":{}}}",
                target.rendering_component_id, field_info["fieldValue"]
            )
        };
        self.log(
            index,
            &format!(
                "→ DispatchEventAsync {event} at {place:?}: recorded handler {recorded_id}, Brasa's {}; \
                 eventFieldInfo {field_info}",
                target.event_handler_id
            ),
        );
        format!(
            "[{{\"eventHandlerId\":{},\"eventName\":\"{event}\",\"eventFieldInfo\":{field_info}}},{event_args}]",
            target.event_handler_id
        )
    }

    /// The recorded server message, as the replay compares it; applies a recorded batch.
    fn expect(&mut self, recording: &Recording, message: &Recorded) -> String {
        let msg = &message.msg;
        match msg[0].as_u64() {
            Some(1) => {
                let target = msg[3].as_str().unwrap();
                let mut arguments: Vec<Value> = msg[4].as_array().unwrap().iter().map(to_value).collect();
                if target == "JS.RenderBatch" {
                    let file = msg[4][1]["batchFile"].as_str().expect("a batch file");
                    let bytes = std::fs::read(recording.dir.join("batches").join(file)).expect("batch");
                    self.recorded
                        .as_mut()
                        .expect("AttachComponent before the first batch")
                        .apply_bytes(&bytes)
                        .unwrap_or_else(|e| panic!("recorded {file} applies: {e:?}"));
                    arguments[1] = Value::Bin(bytes);
                }
                let call = ServerCall::from_invocation(target, &arguments).expect("a recorded server call");
                if let ServerCall::AttachComponent { component_id, .. } = call {
                    self.recorded = Some(Document::with_root_component(component_id as i32));
                }
                shape_of_call(&call)
            }
            Some(3) => {
                let message = HubMessage::Completion {
                    headers: Default::default(),
                    invocation_id: msg[2].as_str().unwrap().to_owned(),
                    result: match msg[3].as_u64() {
                        Some(1) => CompletionResult::Error(msg[4].as_str().unwrap().to_owned()),
                        Some(2) => CompletionResult::Void,
                        _ => CompletionResult::Value(to_value(&msg[4])),
                    },
                };
                shape_of_message(&message)
            }
            _ => panic!(
                "{}: message {}: unexpected recorded message {msg}",
                self.session, message.index
            ),
        }
    }

    /// Brasa's next message: its shape, and the call; a batch is applied to the live document (it
    /// must apply).
    async fn next_live(&mut self, index: usize) -> (String, Option<ServerCall>) {
        let message = match receive(&mut self.client).await {
            Ok(message) => message,
            Err(e) => self.fail(index, format!("waiting for Brasa's message: {e}")),
        };
        if let HubMessage::Invocation(invocation) = &message {
            match ServerCall::from_invocation(&invocation.target, &invocation.arguments) {
                Ok(ServerCall::AttachComponent { component_id, .. }) => {
                    self.live = Some(Document::with_root_component(component_id as i32));
                }
                Ok(ServerCall::RenderBatch { batch_id, batch }) => {
                    let Some(live) = self.live.as_mut() else {
                        self.fail(index, "a batch before JS.AttachComponent".into());
                    };
                    if let Err(e) = live.apply_bytes(&batch) {
                        self.fail(index, format!("Brasa's batch {batch_id} does not apply: {e:?}"));
                    }
                    self.batches += 1;
                    self.last_batch = batch_id;
                }
                _ => {}
            }
        }
        if let HubMessage::Completion {
            result: CompletionResult::Value(Value::Str(secret)),
            ..
        } = &message
        {
            self.secret = Some(secret.clone());
        }
        let call = match &message {
            HubMessage::Invocation(invocation) => {
                ServerCall::from_invocation(&invocation.target, &invocation.arguments).ok()
            }
            _ => None,
        };
        (shape_of_message(&message), call)
    }

    /// Matches the recorded server message at `position` (whose shape is `expected`) with
    /// Brasa's messages.
    ///
    /// One difference of order is allowed: a `JS.EndInvokeDotNet` may come earlier than recorded,
    /// provided the batch its event rendered has been sent. CIR-6.5 requires an event's batches
    /// before its completion and nothing about the completion's place among the batches of later
    /// events. ASP.NET Core completes an event in a continuation queued on the renderer's
    /// dispatcher, so events that arrived before it ran are rendered first (recorded: form,
    /// messages 57–68: three events in 13 ms, batches 13 and 14 before the completions of 11 and
    /// 12); Brasa processes each message to its end before the next (CIR-5.2), so each event's
    /// completion follows its batch at once. Where the recording has the completion earlier,
    /// Brasa must not be later.
    async fn matches(&mut self, recording: &Recording, position: usize, expected: &str) {
        let index = recording.messages[position].index;
        if let Some(at) = self.early.iter().position(|e| e == expected) {
            self.early.remove(at);
            self.log(index, &format!("  (received earlier) {expected}"));
            return;
        }
        loop {
            let (got, call) = self.next_live(index).await;
            self.log(index, &format!("← {got}"));
            if got == expected {
                return;
            }
            let early = match &call {
                Some(ServerCall::EndInvokeDotNet { call_id, .. }) => {
                    let recorded_later = recording.messages[position + 1..].iter().any(|m| {
                        !m.out
                            && m.msg[3] == "JS.EndInvokeDotNet"
                            && ServerCall::from_invocation(
                                "JS.EndInvokeDotNet",
                                &m.msg[4].as_array().unwrap().iter().map(to_value).collect::<Vec<_>>(),
                            )
                            .is_ok_and(|c| shape_of_call(&c) == got)
                    });
                    let rendered = recording
                        .batch_of_call
                        .get(call_id)
                        .is_some_and(|&batch| self.last_batch >= batch);
                    recorded_later && rendered
                }
                _ => false,
            };
            if !early {
                self.fail(index, format!("expected {expected}\n got {got}"));
            }
            self.early.push(got);
        }
    }

    /// After batch `batch_id`, both documents show what the recorded page showed (SRV-3.1: same
    /// ids and text as the Razor pages).
    fn compare_snapshots(&mut self, recording: &Recording, batch_id: i64, index: usize) {
        for snapshot in recording.snapshots.iter().filter(|s| s.after_batch == batch_id) {
            // The recorded batches themselves show the snapshot: the snapshot is placed right.
            let recorded = self.recorded.as_ref().unwrap();
            let differences = text_differences(snapshot, recorded);
            assert!(
                differences.is_empty(),
                "{}: the recorded batches up to {batch_id} do not show snapshot {}: {differences:?}",
                self.session,
                snapshot.label
            );
            let differences = text_differences(snapshot, self.live.as_ref().unwrap());
            if !differences.is_empty() {
                self.fail(
                    index,
                    format!("snapshot {} after batch {batch_id}: {differences:#?}", snapshot.label),
                );
            }
            self.log(
                index,
                &format!("  snapshot {} shown ({} ids)", snapshot.label, snapshot.texts.len()),
            );
            self.snapshots_compared += 1;
        }
    }
}

/// Replays one recorded session against a server that prerenders (as ASP.NET Core did in the
/// recording) or not; returns (batches, dispatches, snapshots) compared.
async fn replay(name: &str, prerender: bool) -> (usize, usize, usize) {
    let recording = load(name);
    let session = &format!("{name} (prerender: {prerender})");
    let addr = start(Config {
        prerender,
        ..Config::default()
    })
    .await;
    let (marker, state) = marker(addr, &recording.route).await;
    // SRV-3.5, SRV-3.2: the client sends the marker as it parsed it, with or without the
    // prerenderId the recorded marker had; the circuit does not depend on it (server.md §8).
    assert_eq!(marker.get("prerenderId").is_some(), prerender, "{session}");
    let mut client = Client::open(addr).await;
    client.handshake().await;
    let mut replay = Replay {
        session: session.to_owned(),
        addr,
        client,
        recorded: None,
        live: None,
        marker,
        state,
        secret: None,
        transcript: String::new(),
        batches: 0,
        dispatches: 0,
        snapshots_compared: 0,
        last_batch: 0,
        early: Vec::new(),
    };
    for (position, message) in recording.messages.iter().enumerate() {
        if message.out {
            let adapted = replay.adapt(&recording, message);
            let line = format!("→ {}", hub::readable_json(&adapted));
            replay.log(message.index, &line.chars().take(160).collect::<String>());
            replay.client.send(&adapted).await;
            continue;
        }
        if message.msg == serde_json::json!([6]) {
            continue; // the server's keep-alive Pings depend on time (SRV-5.3)
        }
        let expected = replay.expect(&recording, message);
        replay.matches(&recording, position, &expected).await;
        if let Some(batch_id) = message.msg[4][0]
            .as_i64()
            .filter(|_| message.msg[3] == "JS.RenderBatch")
        {
            replay.compare_snapshots(&recording, batch_id, message.index);
        }
    }
    // Nothing more: no batch, call or completion the recording does not have.
    if let Ok(Ok(extra)) = tokio::time::timeout(Duration::from_millis(300), receive(&mut replay.client)).await {
        let last = recording.messages.last().unwrap().index;
        replay.fail(
            last,
            format!("Brasa sent more than the recording: {}", shape_of_message(&extra)),
        );
    }
    // The acknowledgements were taken (CIR-2.2): each recorded ack released a batch. An invoked
    // unknown method is answered with an error completion in turn (CIR-5.2), after every message
    // sent before it, so the counters are read once the last ack has been processed (SRV-7.1).
    let acks = recording
        .messages
        .iter()
        .filter(|m| m.out && m.msg[3] == "OnRenderCompleted")
        .count();
    replay
        .client
        .send(&HubMessage::Invocation(hub::Invocation {
            headers: Vec::new(),
            invocation_id: Some("barrier".into()),
            target: "NoSuchMethod".into(),
            arguments: Vec::new(),
            stream_ids: Some(Vec::new()),
        }))
        .await;
    match receive(&mut replay.client).await {
        Ok(HubMessage::Completion {
            invocation_id,
            result: CompletionResult::Error(_),
            ..
        }) if invocation_id == "barrier" => {}
        other => panic!("{session}: the unknown method's error completion, got {other:?}"),
    }
    let (status, metrics) = http(addr, "GET", "/metrics", None, b"").await;
    assert_eq!(status, 200);
    for line in [
        format!("brasa_batches_sent_total {}", replay.batches),
        format!("brasa_batches_acknowledged_total {acks}"),
        "brasa_circuits_connected 1".to_owned(),
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{session}: no {line:?} in\n{metrics}"
        );
    }
    let secret = replay.secret.as_deref().expect("the circuit's secret");
    assert!(!secret.is_empty());
    assert_eq!(replay.snapshots_compared, recording.snapshots.len());
    assert!(replay.early.is_empty(), "{session}: {:?}", replay.early);
    println!("{}", replay.transcript);
    (replay.batches, replay.dispatches, replay.snapshots_compared)
}

#[tokio::test]
async fn counter_session_replays_as_recorded() {
    for prerender in [true, false] {
        assert_eq!(replay("counter", prerender).await, (4, 3, 4));
    }
}

#[tokio::test]
async fn todo_session_replays_as_recorded() {
    for prerender in [true, false] {
        assert_eq!(replay("todo", prerender).await, (14, 13, 7));
    }
}

#[tokio::test]
async fn form_session_replays_as_recorded() {
    for prerender in [true, false] {
        assert_eq!(replay("form", prerender).await, (15, 14, 7));
    }
}

#[test]
fn html_id_texts_reads_as_idtext() {
    let texts = html_id_texts(
        "<!--x--><p id=\"a\">one <b id='b'>two</b>\n three &amp; <input id=\"c\"></p>\
         <script id=\"s\">if (a < b) {}</script><div id=d>&#39;x&#x27;</div><ul id=\"e\"><li>1<li>2</ul>",
    );
    assert_eq!(texts["a"], "one two three &");
    assert_eq!(texts["b"], "two");
    assert!(!texts.contains_key("c"));
    assert_eq!(texts["s"], "if (a < b) {}");
    assert_eq!(texts["d"], "'x'");
    assert_eq!(texts["e"], "12");
}
