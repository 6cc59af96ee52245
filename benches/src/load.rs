//! The body of `brasa load`: a protocol-level load generator for Blazor Server hosts (Brasa's or
//! ASP.NET Core's), the client of the capacity benchmarks (`benches/README.md`, "Capacity"). The
//! `brasa` program parses its command line into [`LoadOptions`], calls [`run`] and prints the
//! [`Report`]; another program can do the same.
//!
//! Each simulated user starts a circuit exactly as `blazor.web.js` does (fact sheet §1, §6 of
//! `../shared/reference/blazor-server-protocol.md`): it GETs the page, reads its server component
//! markers (`<!--Blazor:{...}-->`) and its persisted state comment
//! (`<!--Blazor-Server-Component-State:...-->`), POSTs `_blazor/negotiate?negotiateVersion=1`,
//! opens the WebSocket `_blazor?id=<connectionToken>`, sends the `blazorpack` handshake and a
//! Ping, invokes `StartCircuit(baseUri, uri, "[]", state)`, sends `UpdateRootComponents` when the
//! renderer attach call arrives and then answers it with `EndInvokeJSFromDotNet`, acknowledges
//! every `JS.RenderBatch` with `OnRenderCompleted`, answers every other `JS.BeginInvokeJS`, and
//! sends a keep-alive Ping after 15 s without sending anything.
//!
//! Two modes, as `../shared/tools/browser/load.mjs` (the harness that measured ASP.NET Core 10):
//! * `--idle N`: start N circuits, hold them, and report the server's RSS growth per circuit
//!   (`/proc/PID/status` of `--server-pid`).
//! * `--users N --clicks N`: start N circuits, then every user clicks the element `--element`
//!   (found by its `id` attribute in the render batches, with its `onclick` event handler id)
//!   back to back: a `DispatchEventAsync` call, answered by the next render batch. Reports
//!   clicks per second and click-to-batch latency (p50, p99, max).
//!
//! The hub codec, the typed hub calls and the render-batch reader are `brasa-protocol`'s; this
//! module adds only the transport (a minimal HTTP/1.1 client and tokio-tungstenite).

use std::io::{IsTerminal, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use brasa_protocol::blazor::{CallError, ClientCall, ServerCall};
use brasa_protocol::hub::handshake::{self, HandshakeResponse};
use brasa_protocol::hub::negotiate::NegotiateResponse;
use brasa_protocol::hub::{self, CompletionResult, Decoder, HubError, HubMessage, Protocol, Value};
use brasa_protocol::render_batch::{self, DecodeError, Frame, Limits};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::{self, Message, protocol::WebSocketConfig};

/// What a load run does: the options of `brasa load` (whose command line maps onto this).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadOptions {
    /// The server: `http://HOST:PORT`.
    pub url: String,
    /// Idle mode: start this many circuits, hold them idle and report the server's memory per
    /// circuit. Exactly one of `idle` and `users` is set.
    pub idle: Option<usize>,
    /// Active mode: users clicking back to back, each `clicks` times.
    pub users: Option<usize>,
    /// Clicks per user (active mode).
    pub clicks: Option<usize>,
    /// The page each user loads.
    pub page: String,
    /// The id of the element clicked (its `onclick` handler).
    pub element: String,
    /// The server's process id: its RSS (`/proc/PID/status`) is measured.
    pub server_pid: Option<u32>,
    /// Spread the WebSocket connections over this many source addresses 127.0.0.1, 127.0.0.2,
    /// ... (loopback targets only; each address has its own ~28,000 ephemeral ports). `None`:
    /// one address per 20,000 circuits.
    pub source_addresses: Option<u8>,
    /// Circuits being started at the same time.
    pub concurrency: usize,
    /// Idle mode: seconds to wait after the last circuit started before reading the RSS.
    pub settle: f64,
    /// Client threads (1: one event loop, as the Node harness).
    pub threads: usize,
    /// Seconds to wait for any one answer (a page, the circuit start, a click's batch).
    pub timeout: u64,
    /// The client's WebSocket read buffer per connection, in bytes.
    pub ws_buffer: usize,
}

impl LoadOptions {
    /// The defaults of `brasa load` against `url`, with no mode chosen yet (set `idle`, or
    /// `users` and `clicks`): page `/counter`, element `inc`, 50 circuits started at a time, 3 s
    /// to settle, one client thread, 30 s to wait for an answer, a 4 KiB WebSocket buffer.
    pub fn new(url: impl Into<String>) -> Self {
        LoadOptions {
            url: url.into(),
            idle: None,
            users: None,
            clicks: None,
            page: "/counter".into(),
            element: "inc".into(),
            server_pid: None,
            source_addresses: None,
            concurrency: 50,
            settle: 3.0,
            threads: 1,
            timeout: 30,
            ws_buffer: 4096,
        }
    }
}

/// Why a user, or the whole run, failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The URL is not `http://HOST:PORT`.
    #[error("invalid URL {url:?}: {why}")]
    Url {
        /// The URL given.
        url: String,
        /// What is wrong.
        why: &'static str,
    },
    /// The options do not fit together.
    #[error("{0}")]
    Options(String),
    /// The host name does not resolve.
    #[error("cannot resolve {host}: {source}")]
    Resolve {
        /// The host.
        host: String,
        /// The resolver's error.
        source: std::io::Error,
    },
    /// A TCP connection could not be made.
    #[error("{what}: cannot connect to {to}{}: {source}", from.map(|f| format!(" from {f}")).unwrap_or_default())]
    Connect {
        /// What the connection was for.
        what: &'static str,
        /// The source address bound, if any.
        from: Option<IpAddr>,
        /// The server.
        to: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// Reading or writing a socket failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// An HTTP response that is not HTTP/1.x.
    #[error("{what}: malformed HTTP response: {detail}")]
    HttpMalformed {
        /// The request.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// An HTTP status other than 200.
    #[error("{what}: HTTP status {status}: {body}")]
    HttpStatus {
        /// The request.
        what: &'static str,
        /// The status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The page has no server component marker.
    #[error("the page {page} has no server component marker (<!--Blazor:{{\"type\":\"server\",...}}-->)")]
    NoMarkers {
        /// The page.
        page: String,
    },
    /// A marker comment that is not a JSON object.
    #[error("the page {page} has an invalid component marker: {detail}")]
    Marker {
        /// The page.
        page: String,
        /// What is wrong.
        detail: String,
    },
    /// The negotiate body is not a negotiate v1 response.
    #[error("negotiate: invalid response: {0}")]
    Negotiate(serde_json::Error),
    /// The WebSocket failed.
    #[error("WebSocket, {during}: {source}")]
    WebSocket {
        /// The phase.
        during: &'static str,
        /// tungstenite's error.
        source: Box<tungstenite::Error>,
    },
    /// The hub handshake was refused or malformed.
    #[error("blazorpack handshake: {0}")]
    Handshake(String),
    /// A hub message that does not decode.
    #[error("{during}: invalid hub message: {source}")]
    Hub {
        /// The phase.
        during: &'static str,
        /// The codec's error.
        source: HubError,
    },
    /// A client method call whose arguments do not bind.
    #[error("{during}: {source}")]
    Call {
        /// The phase.
        during: &'static str,
        /// The binding error.
        source: CallError,
    },
    /// A render batch that does not validate.
    #[error("{during}: invalid render batch {batch_id}: {source}")]
    Batch {
        /// The phase.
        during: &'static str,
        /// The batch id.
        batch_id: i64,
        /// The reader's error.
        source: DecodeError,
    },
    /// The server closed the connection.
    #[error("{during}: the server closed the connection ({detail})")]
    Closed {
        /// The phase.
        during: &'static str,
        /// The Close message or frame.
        detail: String,
    },
    /// The server sent `JS.Error`: the circuit failed.
    #[error("{during}: the circuit failed: JS.Error({message:?})")]
    CircuitFailed {
        /// The phase.
        during: &'static str,
        /// The error text.
        message: String,
    },
    /// `StartCircuit` completed without a secret.
    #[error("StartCircuit did not return a circuit secret: {0}")]
    StartCircuit(String),
    /// The renderer attach call could not be read.
    #[error("the renderer attach call has no renderer object id: {0:?}")]
    Attach(String),
    /// Nothing arrived in time.
    #[error("{during}: no answer within {} s", after.as_secs())]
    Timeout {
        /// The phase.
        during: &'static str,
        /// The limit.
        after: Duration,
    },
    /// The element to click was not in the render batches.
    #[error("no element with id {element:?} and an onclick handler in the render batches")]
    NoHandler {
        /// The element id.
        element: String,
    },
    /// The server answered a click's `DispatchEventAsync` with a failure.
    #[error("the click on #{element} failed: {detail}")]
    DispatchFailed {
        /// The element id.
        element: String,
        /// The server's error text.
        detail: String,
    },
    /// The server's memory could not be read.
    #[error("reading the memory of process {pid} (/proc/{pid}/status): {detail}")]
    Rss {
        /// The process.
        pid: u32,
        /// What went wrong.
        detail: String,
    },
    /// Not enough file descriptors for the circuits asked for.
    #[error("open-file limit: {0}")]
    FileLimit(String),
}

type Result<T, E = LoadError> = std::result::Result<T, E>;

/// SignalR's client keep-alive: a Ping after this long without sending.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Largest HTTP response header block and body accepted.
const MAX_HTTP_HEADER: u64 = 64 * 1024;
const MAX_HTTP_BODY: usize = 16 * 1024 * 1024;
/// Largest hub message accepted from the server (the client has no limit in SignalR; a batch of
/// 10,000 rows is 5.5 MB).
const MAX_HUB_MESSAGE: usize = 64 * 1024 * 1024;
/// How many error messages the report keeps.
const ERRORS_KEPT: usize = 5;
/// One address's share of the ephemeral port range (28,232 ports by default).
const CIRCUITS_PER_ADDRESS: usize = 20_000;
/// The mouse event arguments blazor.web.js sends with a click (load.mjs's, field for field).
const CLICK_ARGS: &str = r#"{"detail":1,"screenX":0,"screenY":0,"clientX":0,"clientY":0,"offsetX":0,"offsetY":0,"pageX":0,"pageY":0,"movementX":0,"movementY":0,"button":0,"buttons":0,"ctrlKey":false,"shiftKey":false,"altKey":false,"metaKey":false,"type":"click"}"#;

// ---- the target -------------------------------------------------------------------------------

/// Where the server is.
#[derive(Debug, Clone)]
struct Target {
    /// `HOST:PORT` as given (the Host header and the WebSocket URL).
    authority: String,
    /// The resolved address.
    addr: SocketAddr,
}

impl Target {
    async fn parse(url: &str) -> Result<Target> {
        let bad = |why| LoadError::Url {
            url: url.to_owned(),
            why,
        };
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| bad("only http:// URLs are supported"))?;
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err(bad("no host"));
        }
        if authority.contains(['/', '?', '#', '@']) {
            return Err(bad("give the server as http://HOST:PORT and the page with --page"));
        }
        let with_port = if authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        let addr = tokio::net::lookup_host(&with_port)
            .await
            .map_err(|source| LoadError::Resolve {
                host: with_port.clone(),
                source,
            })?
            .find(|a| a.is_ipv4())
            .ok_or_else(|| bad("the host has no IPv4 address"))?;
        Ok(Target {
            authority: authority.to_owned(),
            addr,
        })
    }

    fn base_uri(&self) -> String {
        format!("http://{}/", self.authority)
    }
}

async fn connect(what: &'static str, from: Option<IpAddr>, to: SocketAddr) -> Result<TcpStream> {
    let fail = |source| LoadError::Connect { what, from, to, source };
    let socket = TcpSocket::new_v4().map_err(fail)?;
    if let Some(ip) = from {
        socket.bind(SocketAddr::new(ip, 0)).map_err(fail)?;
    }
    let stream = socket.connect(to).await.map_err(fail)?;
    // Every message is small and waited for: no Nagle delay.
    stream.set_nodelay(true).map_err(fail)?;
    Ok(stream)
}

// ---- HTTP/1.1 ---------------------------------------------------------------------------------

/// One keep-alive HTTP/1.1 connection, reopened when the server closes it.
struct HttpClient {
    target: Target,
    connection: Option<BufReader<TcpStream>>,
}

/// How an exchange failed: before any byte of the response (a keep-alive connection the server
/// closed meanwhile: retry once on a new one) or after.
enum Exchange {
    Early(LoadError),
    Late(LoadError),
}

impl HttpClient {
    fn new(target: Target) -> Self {
        HttpClient {
            target,
            connection: None,
        }
    }

    /// `method path`, an empty body; the status and the body.
    async fn request(&mut self, what: &'static str, method: &str, path: &str) -> Result<(u16, Vec<u8>)> {
        loop {
            let reused = self.connection.is_some();
            if self.connection.is_none() {
                let stream = connect(what, None, self.target.addr).await?;
                self.connection = Some(BufReader::new(stream));
            }
            let Some(connection) = self.connection.as_mut() else {
                continue;
            };
            let request = format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nAccept: */*\r\n\r\n",
                self.target.authority
            );
            match exchange(connection, what, request.as_bytes()).await {
                Ok((status, body, keep_alive)) => {
                    if !keep_alive {
                        self.connection = None;
                    }
                    return Ok((status, body));
                }
                Err(Exchange::Early(_)) if reused => self.connection = None,
                Err(Exchange::Early(e) | Exchange::Late(e)) => {
                    self.connection = None;
                    return Err(e);
                }
            }
        }
    }

    /// A request that must answer 200; its body.
    async fn fetch(&mut self, what: &'static str, method: &str, path: &str) -> Result<Vec<u8>> {
        let (status, body) = self.request(what, method, path).await?;
        if status != 200 {
            let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
            return Err(LoadError::HttpStatus {
                what,
                status,
                body: text,
            });
        }
        Ok(body)
    }
}

async fn exchange(
    connection: &mut BufReader<TcpStream>,
    what: &'static str,
    request: &[u8],
) -> std::result::Result<(u16, Vec<u8>, bool), Exchange> {
    let io = |source| LoadError::Io { what, source };
    let malformed = |detail: String| Exchange::Late(LoadError::HttpMalformed { what, detail });
    connection
        .get_mut()
        .write_all(request)
        .await
        .map_err(|e| Exchange::Early(io(e)))?;
    let mut line = Vec::new();
    let read = (&mut *connection)
        .take(MAX_HTTP_HEADER)
        .read_until(b'\n', &mut line)
        .await
        .map_err(|e| Exchange::Early(io(e)))?;
    if read == 0 {
        return Err(Exchange::Early(LoadError::HttpMalformed {
            what,
            detail: "the server closed the connection before answering".into(),
        }));
    }
    let status_line = String::from_utf8_lossy(&line).trim_end().to_owned();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(malformed(format!("status line {status_line:?}")));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| malformed(format!("status line {status_line:?}")))?;
    let mut keep_alive = version == "HTTP/1.1";
    let mut length = None;
    let mut chunked = false;
    let mut header_bytes = read as u64;
    loop {
        line.clear();
        let read = (&mut *connection)
            .take(MAX_HTTP_HEADER.saturating_sub(header_bytes))
            .read_until(b'\n', &mut line)
            .await
            .map_err(|e| Exchange::Late(io(e)))?;
        if read == 0 || !line.ends_with(b"\n") {
            return Err(malformed("the header block is cut short or too large".into()));
        }
        header_bytes += read as u64;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end();
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(malformed(format!("header line {text:?}")));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| malformed(format!("Content-Length {value:?}")))?,
                )
            }
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" => {
                let value = value.to_ascii_lowercase();
                if value.contains("close") {
                    keep_alive = false;
                } else if value.contains("keep-alive") {
                    keep_alive = true;
                }
            }
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            (&mut *connection)
                .take(1024)
                .read_until(b'\n', &mut line)
                .await
                .map_err(|e| Exchange::Late(io(e)))?;
            let text = String::from_utf8_lossy(&line);
            let size_text = text.trim().split(';').next().unwrap_or_default();
            let size =
                usize::from_str_radix(size_text, 16).map_err(|_| malformed(format!("chunk size {size_text:?}")))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    line.clear();
                    let read = (&mut *connection)
                        .take(MAX_HTTP_HEADER)
                        .read_until(b'\n', &mut line)
                        .await
                        .map_err(|e| Exchange::Late(io(e)))?;
                    if read == 0 || line.trim_ascii().is_empty() {
                        break;
                    }
                }
                break;
            }
            if body.len() + size > MAX_HTTP_BODY {
                return Err(malformed(format!("a body over {MAX_HTTP_BODY} bytes")));
            }
            let start = body.len();
            body.resize(start + size, 0);
            connection
                .read_exact(&mut body[start..])
                .await
                .map_err(|e| Exchange::Late(io(e)))?;
            let mut crlf = [0u8; 2];
            connection
                .read_exact(&mut crlf)
                .await
                .map_err(|e| Exchange::Late(io(e)))?;
        }
    } else if let Some(length) = length {
        if length > MAX_HTTP_BODY {
            return Err(malformed(format!("a body of {length} bytes (limit {MAX_HTTP_BODY})")));
        }
        body.resize(length, 0);
        connection
            .read_exact(&mut body)
            .await
            .map_err(|e| Exchange::Late(io(e)))?;
    } else {
        keep_alive = false;
        (&mut *connection)
            .take(MAX_HTTP_BODY as u64 + 1)
            .read_to_end(&mut body)
            .await
            .map_err(|e| Exchange::Late(io(e)))?;
        if body.len() > MAX_HTTP_BODY {
            return Err(malformed(format!("a body over {MAX_HTTP_BODY} bytes")));
        }
    }
    Ok((status, body, keep_alive))
}

// ---- the page ---------------------------------------------------------------------------------

/// What blazor.web.js reads from a page.
#[derive(Debug, Clone, PartialEq)]
struct Page {
    /// The server component markers, as parsed, in page order.
    markers: Vec<Value>,
    /// The persisted state comment's content (`""` when the page has none).
    state: String,
}

/// Reads the `<!--Blazor:{...}-->` markers with a `type` (end markers have none) and the
/// `<!--Blazor-Server-Component-State:...-->` comment.
fn parse_page(html: &str, page: &str) -> Result<Page> {
    let mut markers = Vec::new();
    let mut state = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<!--") {
        rest = &rest[at + 4..];
        let Some(end) = rest.find("-->") else {
            break;
        };
        let comment = &rest[..end];
        rest = &rest[end + 3..];
        if let Some(json) = comment.strip_prefix("Blazor:") {
            let json = json.trim();
            if !json.starts_with('{') {
                continue;
            }
            let value: Value = serde_json::from_str(json).map_err(|e| LoadError::Marker {
                page: page.to_owned(),
                detail: format!("{e}: {}", &json[..json.len().min(80)]),
            })?;
            let Value::Map(fields) = &value else {
                return Err(LoadError::Marker {
                    page: page.to_owned(),
                    detail: "not a JSON object".into(),
                });
            };
            let kind = fields
                .iter()
                .find(|(k, _)| k.as_str() == Some("type"))
                .and_then(|(_, v)| v.as_str());
            if matches!(kind, Some("server" | "auto")) {
                markers.push(value);
            }
        } else if let Some(content) = comment.strip_prefix("Blazor-Server-Component-State:") {
            state = content.trim().to_owned();
        }
    }
    if markers.is_empty() {
        return Err(LoadError::NoMarkers { page: page.to_owned() });
    }
    Ok(Page { markers, state })
}

/// The first `UpdateRootComponents` operations: one `add` per marker, `ssrComponentId` from 1 and
/// the marker as parsed plus the client's `uniqueId` from 0 (fact sheet §6.3).
fn add_operations(markers: &[Value]) -> String {
    let operations = markers
        .iter()
        .enumerate()
        .map(|(i, marker)| {
            let mut marker = marker.clone();
            if let Value::Map(fields) = &mut marker {
                fields.push((Value::str("uniqueId"), Value::int(i as i64)));
            }
            Value::Map(vec![
                (Value::str("type"), Value::str("add")),
                (Value::str("ssrComponentId"), Value::int(i as i64 + 1)),
                (Value::str("marker"), marker),
            ])
        })
        .collect();
    let root = Value::Map(vec![
        (Value::str("batchId"), Value::int(1)),
        (Value::str("operations"), Value::Array(operations)),
    ]);
    serde_json::to_string(&root).unwrap_or_default()
}

/// The event handler id of `element`'s `onclick` in a batch, as load.mjs finds it: an `id`
/// attribute names the element its frames belong to; handlers before it wait for it.
fn find_click_handler(frames: impl Iterator<Item = Frame<impl AsRef<str>>>, element: &str) -> Option<u64> {
    let mut found = None;
    let mut current_is_target: Option<bool> = None;
    let mut pending: Vec<u64> = Vec::new();
    for frame in frames {
        match frame {
            Frame::Element { .. } => {
                current_is_target = None;
                pending.clear();
            }
            Frame::Attribute {
                name,
                value,
                event_handler_id,
            } => {
                let name = name.as_ref();
                if name == "id" {
                    let is_target = value.as_ref().is_some_and(|v| v.as_ref() == element);
                    current_is_target = Some(is_target);
                    if let (true, Some(&id)) = (is_target, pending.last()) {
                        found = Some(id);
                    }
                }
                if event_handler_id != 0 && name == "onclick" {
                    match current_is_target {
                        Some(true) => found = Some(event_handler_id),
                        Some(false) => {}
                        None => pending.push(event_handler_id),
                    }
                }
            }
            _ => {}
        }
    }
    found
}

// ---- one circuit ------------------------------------------------------------------------------

type Ws = WebSocketStream<TcpStream>;

/// What a received message meant.
enum Event {
    /// A render batch (already acknowledged).
    Batch,
    /// The renderer attach call (not yet answered).
    Attach { async_handle: i64 },
    /// A completion of one of our invocations.
    Completion {
        invocation_id: String,
        result: CompletionResult,
    },
    /// The answer to a `BeginInvokeDotNetFromJS` with a call id.
    EndInvokeDotNet { success: bool, result_or_error: String },
    /// Anything else (answered if needed).
    Other,
}

/// One user's connection and circuit.
struct Circuit {
    ws: Ws,
    decoder: Decoder,
    /// Encoded messages not yet flushed.
    unflushed: bool,
    /// When we last sent anything (for the keep-alive Ping).
    last_sent: Instant,
    /// The renderer's DotNetObjectReference (DispatchEventAsync's target).
    renderer_id: i64,
    /// Batches received.
    batches: u64,
    /// The clicked element's current onclick handler id.
    click_handler: Option<u64>,
    element: Arc<str>,
    next_call_id: u64,
}

impl Circuit {
    fn new(ws: Ws, element: Arc<str>) -> Self {
        Circuit {
            ws,
            decoder: Decoder::new(Protocol::MessagePack, MAX_HUB_MESSAGE),
            unflushed: false,
            last_sent: Instant::now(),
            renderer_id: 0,
            batches: 0,
            click_handler: None,
            element,
            next_call_id: 0,
        }
    }

    /// Queues one message; it goes out with the next flush (before waiting for input).
    async fn feed(&mut self, message: &HubMessage, during: &'static str) -> Result<()> {
        let mut bytes = Vec::new();
        hub::encode(Protocol::MessagePack, message, &mut bytes).map_err(|source| LoadError::Hub { during, source })?;
        self.ws
            .feed(Message::Binary(bytes.into()))
            .await
            .map_err(|e| ws_error(during, e))?;
        self.unflushed = true;
        self.last_sent = Instant::now();
        Ok(())
    }

    async fn feed_call(&mut self, call: ClientCall, invocation_id: Option<&str>, during: &'static str) -> Result<()> {
        self.feed(&call.to_message(invocation_id.map(str::to_owned)), during)
            .await
    }

    async fn flush(&mut self, during: &'static str) -> Result<()> {
        if self.unflushed {
            self.ws.flush().await.map_err(|e| ws_error(during, e))?;
            self.unflushed = false;
        }
        Ok(())
    }

    /// Flushes what was fed, then reads the next data frame's bytes (control frames are
    /// tungstenite's).
    async fn read_frame(&mut self, during: &'static str, deadline: Option<Instant>) -> Result<Vec<u8>> {
        self.flush(during).await?;
        loop {
            let next = match deadline {
                Some(deadline) => {
                    tokio::time::timeout_at(deadline, self.ws.next())
                        .await
                        .map_err(|_| LoadError::Timeout {
                            during,
                            after: Duration::ZERO,
                        })?
                }
                None => self.ws.next().await,
            };
            match next {
                None => {
                    return Err(LoadError::Closed {
                        during,
                        detail: "end of stream".into(),
                    });
                }
                Some(Err(e)) => return Err(ws_error(during, e)),
                Some(Ok(Message::Binary(bytes))) => return Ok(bytes.into()),
                Some(Ok(Message::Text(text))) => return Ok(text.as_bytes().to_vec()),
                Some(Ok(Message::Close(frame))) => {
                    return Err(LoadError::Closed {
                        during,
                        detail: match frame {
                            Some(f) => format!("WebSocket close {} {:?}", u16::from(f.code), f.reason.as_str()),
                            None => "WebSocket close".into(),
                        },
                    });
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
            }
        }
    }

    /// The handshake: send the request, read the response; bytes after it go to the decoder.
    async fn handshake(&mut self, deadline: Instant) -> Result<()> {
        let during = "handshake";
        self.ws
            .send(Message::Text(
                "{\"protocol\":\"blazorpack\",\"version\":1}\u{1e}".into(),
            ))
            .await
            .map_err(|e| ws_error(during, e))?;
        self.last_sent = Instant::now();
        let mut buffer = Vec::new();
        loop {
            buffer.extend_from_slice(&self.read_frame(during, Some(deadline)).await?);
            if buffer.len() > handshake::MAX_HANDSHAKE_SIZE {
                return Err(LoadError::Handshake(format!("no response in {} bytes", buffer.len())));
            }
            match handshake::read_response(&buffer) {
                Ok(None) => continue,
                Ok(Some((HandshakeResponse::Accepted, used))) => {
                    self.decoder.push(&buffer[used..]);
                    return Ok(());
                }
                Ok(Some((HandshakeResponse::Refused(error), _))) => return Err(LoadError::Handshake(error)),
                Err(e) => return Err(LoadError::Handshake(e.to_string())),
            }
        }
    }

    /// The next hub message.
    async fn next_message(&mut self, during: &'static str, deadline: Option<Instant>) -> Result<HubMessage> {
        loop {
            if let Some(message) = self
                .decoder
                .next_message()
                .map_err(|source| LoadError::Hub { during, source })?
            {
                return Ok(message);
            }
            let bytes = self.read_frame(during, deadline).await?;
            self.decoder.push(&bytes);
        }
    }

    /// Does what blazor.web.js does with a message, except answer the attach call.
    async fn handle(&mut self, message: HubMessage, during: &'static str) -> Result<Event> {
        match message {
            HubMessage::Invocation(invocation) => {
                let call = match ServerCall::from_invocation(&invocation.target, &invocation.arguments) {
                    Ok(call) => call,
                    // SignalR's client ignores a method it has no handler for.
                    Err(CallError::UnknownMethod(_)) => return Ok(Event::Other),
                    Err(source) => return Err(LoadError::Call { during, source }),
                };
                match call {
                    ServerCall::RenderBatch { batch_id, batch } => {
                        let view =
                            render_batch::validate(&batch, &Limits::DEFAULT).map_err(|source| LoadError::Batch {
                                during,
                                batch_id,
                                source,
                            })?;
                        if let Some(id) = find_click_handler(view.reference_frames(), &self.element) {
                            self.click_handler = Some(id);
                        }
                        self.batches += 1;
                        self.feed_call(ClientCall::OnRenderCompleted { batch_id, error: None }, None, during)
                            .await?;
                        Ok(Event::Batch)
                    }
                    ServerCall::BeginInvokeJs {
                        async_handle,
                        identifier,
                        arguments_json,
                        ..
                    } => {
                        if identifier == "Blazor._internal.attachWebRendererInterop" {
                            self.renderer_id = renderer_object_id(&arguments_json)?;
                            return Ok(Event::Attach { async_handle });
                        }
                        if async_handle != 0 {
                            self.end_invoke_js(async_handle, during).await?;
                        }
                        Ok(Event::Other)
                    }
                    ServerCall::EndInvokeDotNet {
                        success,
                        result_or_error,
                        ..
                    } => Ok(Event::EndInvokeDotNet {
                        success,
                        result_or_error,
                    }),
                    ServerCall::Error { message } => Err(LoadError::CircuitFailed { during, message }),
                    _ => Ok(Event::Other),
                }
            }
            HubMessage::Completion {
                invocation_id, result, ..
            } => Ok(Event::Completion { invocation_id, result }),
            HubMessage::Close { error, allow_reconnect } => Err(LoadError::Closed {
                during,
                detail: format!("Close message: error {error:?}, allowReconnect {allow_reconnect:?}"),
            }),
            _ => Ok(Event::Other),
        }
    }

    /// `EndInvokeJSFromDotNet(handle, true, "[handle,true,null]")`: the call returned nothing.
    async fn end_invoke_js(&mut self, async_handle: i64, during: &'static str) -> Result<()> {
        self.feed_call(
            ClientCall::EndInvokeJsFromDotNet {
                async_handle,
                succeeded: true,
                arguments_json: Some(format!("[{async_handle},true,null]")),
            },
            None,
            during,
        )
        .await
    }

    /// One click on the element: `DispatchEventAsync`, then the batch that answers it.
    async fn click(&mut self, timeout: Duration) -> Result<Duration> {
        let during = "clicking";
        let handler = self.click_handler.ok_or_else(|| LoadError::NoHandler {
            element: self.element.to_string(),
        })?;
        self.next_call_id += 1;
        let before = self.batches;
        let start = Instant::now();
        self.feed_call(
            ClientCall::BeginInvokeDotNetFromJs {
                call_id: Some(self.next_call_id.to_string()),
                assembly_name: None,
                method_identifier: Some("DispatchEventAsync".into()),
                dotnet_object_id: self.renderer_id,
                arguments_json: Some(format!(
                    r#"[{{"eventHandlerId":{handler},"eventName":"click","eventFieldInfo":null}},{CLICK_ARGS}]"#
                )),
            },
            None,
            during,
        )
        .await?;
        let deadline = start + timeout;
        loop {
            let message = self
                .next_message(during, Some(deadline))
                .await
                .map_err(|e| with_timeout(e, timeout))?;
            match self.handle(message, during).await? {
                Event::Batch if self.batches > before => return Ok(start.elapsed()),
                Event::EndInvokeDotNet {
                    success: false,
                    result_or_error,
                } => {
                    return Err(LoadError::DispatchFailed {
                        element: self.element.to_string(),
                        detail: result_or_error,
                    });
                }
                _ => {}
            }
        }
    }

    /// Holds the circuit: acknowledges, answers, pings; returns when the server ends it.
    async fn hold(mut self) -> LoadError {
        let during = "idle";
        loop {
            let ping_at = self.last_sent + KEEP_ALIVE;
            let received = tokio::select! {
                message = self.next_message(during, None) => Some(message),
                _ = tokio::time::sleep_until(ping_at) => None,
            };
            let step = match received {
                Some(Ok(message)) => self.handle(message, during).await.map(|_| ()),
                Some(Err(e)) => Err(e),
                None => self.feed(&HubMessage::Ping, during).await,
            };
            if let Err(e) = step {
                return e;
            }
        }
    }
}

fn ws_error(during: &'static str, e: tungstenite::Error) -> LoadError {
    LoadError::WebSocket {
        during,
        source: Box::new(e),
    }
}

fn with_timeout(e: LoadError, after: Duration) -> LoadError {
    match e {
        LoadError::Timeout { during, .. } => LoadError::Timeout { during, after },
        other => other,
    }
}

/// The DotNetObjectReference id in `[rendererId, {"__dotNetObject": id}, ...]`.
fn renderer_object_id(arguments_json: &str) -> Result<i64> {
    let value: serde_json::Value =
        serde_json::from_str(arguments_json).map_err(|_| LoadError::Attach(arguments_json.to_owned()))?;
    value
        .get(1)
        .and_then(|o| o.get("__dotNetObject"))
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| LoadError::Attach(arguments_json.to_owned()))
}

/// What every user shares.
struct Plan {
    target: Target,
    page: String,
    element: Arc<str>,
    timeout: Duration,
    ws_config: WebSocketConfig,
    sources: Vec<IpAddr>,
}

/// Starts one circuit as blazor.web.js does.
async fn start_circuit(plan: &Plan, http: &mut HttpClient, index: usize) -> Result<Circuit> {
    let deadline = Instant::now() + plan.timeout;
    let within = |e| with_timeout(e, plan.timeout);
    let html = tokio::time::timeout_at(deadline, http.fetch("GET the page", "GET", &plan.page))
        .await
        .map_err(|_| LoadError::Timeout {
            during: "GET the page",
            after: plan.timeout,
        })??;
    let page = parse_page(&String::from_utf8_lossy(&html), &plan.page)?;
    let negotiate = tokio::time::timeout_at(
        deadline,
        http.fetch("negotiate", "POST", "/_blazor/negotiate?negotiateVersion=1"),
    )
    .await
    .map_err(|_| LoadError::Timeout {
        during: "negotiate",
        after: plan.timeout,
    })??;
    let negotiate = NegotiateResponse::parse(&String::from_utf8_lossy(&negotiate)).map_err(LoadError::Negotiate)?;
    let source = (!plan.sources.is_empty()).then(|| plan.sources[index % plan.sources.len()]);
    let stream = tokio::time::timeout_at(deadline, connect("WebSocket", source, plan.target.addr))
        .await
        .map_err(|_| LoadError::Timeout {
            during: "connecting",
            after: plan.timeout,
        })??;
    let url = format!(
        "ws://{}/_blazor?id={}",
        plan.target.authority,
        percent_encode(&negotiate.connection_token)
    );
    let (ws, _) = tokio::time::timeout_at(
        deadline,
        tokio_tungstenite::client_async_with_config(url, stream, Some(plan.ws_config)),
    )
    .await
    .map_err(|_| LoadError::Timeout {
        during: "WebSocket upgrade",
        after: plan.timeout,
    })?
    .map_err(|e| ws_error("WebSocket upgrade", e))?;
    let mut circuit = Circuit::new(ws, plan.element.clone());
    circuit.handshake(deadline).await.map_err(within)?;

    let during = "starting the circuit";
    // The client pings right after the handshake response (fact sheet §4.4), then invokes
    // StartCircuit with invocation id "0".
    circuit.feed(&HubMessage::Ping, during).await?;
    let base_uri = plan.target.base_uri();
    let uri = format!("http://{}{}", plan.target.authority, plan.page);
    circuit
        .feed_call(
            ClientCall::StartCircuit {
                base_uri: Some(base_uri),
                uri: Some(uri),
                components: Some("[]".into()),
                application_state: Some(page.state.clone()),
            },
            Some("0"),
            during,
        )
        .await?;
    let mut secret = None;
    let mut attached = false;
    while secret.is_none() || circuit.batches == 0 || !attached {
        let message = circuit.next_message(during, Some(deadline)).await.map_err(within)?;
        match circuit.handle(message, during).await? {
            Event::Attach { async_handle } => {
                // UpdateRootComponents first, then the attach call's answer (fact sheet §6.2).
                circuit
                    .feed_call(
                        ClientCall::UpdateRootComponents {
                            operations: Some(add_operations(&page.markers)),
                            application_state: Some(page.state.clone()),
                        },
                        None,
                        during,
                    )
                    .await?;
                circuit.end_invoke_js(async_handle, during).await?;
                attached = true;
            }
            Event::Completion { invocation_id, result } if invocation_id == "0" => match result {
                CompletionResult::Value(Value::Str(s)) => secret = Some(s),
                CompletionResult::Error(e) => return Err(LoadError::StartCircuit(e)),
                other => return Err(LoadError::StartCircuit(format!("{other:?}"))),
            },
            _ => {}
        }
    }
    circuit.flush(during).await?;
    Ok(circuit)
}

/// Percent-encodes what is not unreserved (RFC 3986 §2.3).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---- progress and memory ----------------------------------------------------------------------

#[derive(Default)]
struct Progress {
    started: AtomicUsize,
    failed: AtomicUsize,
    /// Idle circuits the server has ended since they started.
    lost: AtomicUsize,
    clicks: AtomicUsize,
    errors: std::sync::Mutex<Vec<String>>,
}

impl Progress {
    fn error(&self, e: &LoadError) {
        let mut errors = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        if errors.len() < ERRORS_KEPT {
            errors.push(e.to_string());
        }
    }

    fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Prints a status line on stderr: rewritten in place on a terminal, every 2 s otherwise, and
/// once more when `done` changes.
async fn show_progress(
    progress: Arc<Progress>,
    mut done: tokio::sync::watch::Receiver<bool>,
    goal: String,
    circuits: usize,
    clicks: usize,
) {
    let terminal = std::io::stderr().is_terminal();
    let every = if terminal {
        Duration::from_millis(250)
    } else {
        Duration::from_secs(2)
    };
    let start = Instant::now();
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    loop {
        let finished = tokio::select! {
            _ = ticker.tick() => false,
            _ = done.changed() => true,
        };
        let started = progress.started.load(Ordering::Relaxed);
        let failed = progress.failed.load(Ordering::Relaxed);
        let mut line = format!(
            "brasa load {goal}: {:>6.1} s, circuits {started}/{circuits} started, {failed} failed",
            start.elapsed().as_secs_f64()
        );
        let lost = progress.lost.load(Ordering::Relaxed);
        if lost > 0 {
            line.push_str(&format!(", {lost} ended by the server"));
        }
        if clicks > 0 {
            line.push_str(&format!(
                ", clicks {}/{clicks}",
                progress.clicks.load(Ordering::Relaxed)
            ));
        }
        let mut err = std::io::stderr().lock();
        let _ = if terminal {
            write!(err, "\r\x1b[2K{line}")
        } else {
            writeln!(err, "{line}")
        };
        if finished {
            if terminal {
                let _ = writeln!(err);
            }
            return;
        }
    }
}

/// A process's resident set size in KiB (`VmRSS` of `/proc/PID/status`).
fn rss_kib(pid: Option<u32>) -> Result<Option<u64>> {
    let Some(pid) = pid else {
        return Ok(None);
    };
    let fail = |detail: String| LoadError::Rss { pid, detail };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| fail(e.to_string()))?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .ok_or_else(|| fail("no VmRSS line".into()))?;
    let kib = line
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .map_err(|_| fail(format!("VmRSS {line:?}")))?;
    Ok(Some(kib))
}

/// Raises the soft open-file limit to what `needed` descriptors take (and the hard limit too,
/// when the process may).
fn raise_file_limit(needed: u64) -> Result<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let soft = limit.current.unwrap_or(u64::MAX);
    if soft >= needed {
        return Ok(soft);
    }
    let hard = limit.maximum.unwrap_or(u64::MAX);
    if hard < needed {
        // Only a privileged process may raise its hard limit.
        let raised = Rlimit {
            current: Some(needed),
            maximum: Some(needed),
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return Ok(needed);
        }
    }
    let target = hard.min(needed.max(soft));
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(target),
            maximum: limit.maximum,
        },
    )
    .map_err(|e| LoadError::FileLimit(format!("cannot raise the soft limit from {soft} to {target}: {e}")))?;
    if target < needed {
        return Err(LoadError::FileLimit(format!(
            "{needed} descriptors needed, but the hard limit is {hard} and this process may not raise it \
             (that takes CAP_SYS_RESOURCE, e.g. root's `ulimit -Hn {needed}`): spread the circuits over \
             several processes"
        )));
    }
    Ok(target)
}

// ---- the report -------------------------------------------------------------------------------

/// What `brasa load` found.
#[derive(Debug, Serialize)]
pub struct Report {
    /// `idle` or `active`.
    pub mode: &'static str,
    /// The server.
    pub url: String,
    /// The page.
    pub page: String,
    /// Circuits asked for.
    pub circuits: usize,
    /// Circuits started.
    pub circuits_started: usize,
    /// Circuits that failed to start.
    pub circuits_failed: usize,
    /// Seconds from the first request to the last circuit started.
    pub start_seconds: f64,
    /// Source addresses used.
    pub source_addresses: usize,
    /// Client threads.
    pub client_threads: usize,
    /// The first errors.
    pub errors: Vec<String>,
    /// Idle mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle: Option<IdleReport>,
    /// Active mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<ActiveReport>,
    /// The client's own RSS at the end, KiB.
    pub client_rss_kib: Option<u64>,
}

/// Memory per idle circuit.
#[derive(Debug, Serialize)]
pub struct IdleReport {
    /// Seconds waited after the last start.
    pub settle_seconds: f64,
    /// Circuits still open when the RSS was read.
    pub circuits_open: usize,
    /// The server's RSS before the first request, KiB.
    pub server_rss_before_kib: Option<u64>,
    /// The server's RSS after the settle time, KiB.
    pub server_rss_after_kib: Option<u64>,
    /// Growth per started circuit, KiB.
    pub server_kib_per_circuit: Option<f64>,
    /// Growth per started circuit, bytes.
    pub server_bytes_per_circuit: Option<f64>,
}

/// Clicks per second and latency.
#[derive(Debug, Serialize)]
pub struct ActiveReport {
    /// Users clicking.
    pub users: usize,
    /// Clicks per user asked for.
    pub clicks_per_user: usize,
    /// Clicks sent.
    pub clicks: usize,
    /// Clicks answered by a batch.
    pub clicks_answered: usize,
    /// Users whose clicking stopped on an error.
    pub users_failed: usize,
    /// Seconds from the first click to the last answer.
    pub seconds: f64,
    /// Clicks answered per second.
    pub clicks_per_second: f64,
    /// Click-to-batch latency, milliseconds.
    pub latency_ms: Option<Latency>,
    /// The server's RSS at the end, KiB.
    pub server_rss_kib: Option<u64>,
}

/// Latency percentiles (load.mjs's: the sorted sample at `floor(p × n)`).
#[derive(Debug, Serialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

impl Latency {
    fn of(samples: &mut [Duration]) -> Option<Latency> {
        if samples.is_empty() {
            return None;
        }
        samples.sort_unstable();
        let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
        let at = |p: f64| samples[((p * samples.len() as f64) as usize).min(samples.len() - 1)];
        let total: Duration = samples.iter().sum();
        Some(Latency {
            p50: ms(at(0.5)),
            p90: ms(at(0.9)),
            p99: ms(at(0.99)),
            max: ms(samples[samples.len() - 1]),
            mean: ms(total / samples.len() as u32),
        })
    }
}

impl Report {
    /// Whether every circuit started and stayed, and every click was answered.
    pub fn succeeded(&self) -> bool {
        self.circuits_failed == 0
            && self
                .idle
                .as_ref()
                .is_none_or(|i| i.circuits_open == self.circuits_started)
            && self
                .active
                .as_ref()
                .is_none_or(|a| a.users_failed == 0 && a.clicks_answered == a.clicks)
    }

    /// The readable form.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let target = format!("{}{}", self.url.trim_end_matches('/'), self.page);
        out.push_str(&format!(
            "{} of {} circuits started on {target} in {:.2} s ({} failed; {} source address(es), {} client thread(s))\n",
            self.circuits_started,
            self.circuits,
            self.start_seconds,
            self.circuits_failed,
            self.source_addresses,
            self.client_threads
        ));
        if let Some(idle) = &self.idle {
            out.push_str(&format!(
                "{} circuits still open after {:.1} s\n",
                idle.circuits_open, idle.settle_seconds
            ));
            match (
                idle.server_rss_before_kib,
                idle.server_rss_after_kib,
                idle.server_kib_per_circuit,
            ) {
                (Some(before), Some(after), Some(per)) => out.push_str(&format!(
                    "server RSS {before} KiB before, {after} KiB after: {per:.2} KiB ({:.0} bytes) per idle circuit\n",
                    idle.server_bytes_per_circuit.unwrap_or_default()
                )),
                _ => out.push_str("server memory not measured (give --server-pid)\n"),
            }
        }
        if let Some(active) = &self.active {
            out.push_str(&format!(
                "{} users x {} clicks: {} of {} clicks answered in {:.3} s: {:.0} clicks/s\n",
                active.users,
                active.clicks_per_user,
                active.clicks_answered,
                active.clicks,
                active.seconds,
                active.clicks_per_second
            ));
            if let Some(l) = &active.latency_ms {
                out.push_str(&format!(
                    "click-to-batch latency: p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms, mean {:.3} ms\n",
                    l.p50, l.p90, l.p99, l.max, l.mean
                ));
            }
            if let Some(rss) = active.server_rss_kib {
                out.push_str(&format!("server RSS {rss} KiB\n"));
            }
        }
        if let Some(rss) = self.client_rss_kib {
            out.push_str(&format!("client RSS {rss} KiB\n"));
        }
        for e in &self.errors {
            out.push_str(&format!("error: {e}\n"));
        }
        out
    }
}

// ---- the run ----------------------------------------------------------------------------------

/// Runs `brasa load` and returns its report (printing is the caller's).
pub fn run(args: &LoadOptions) -> Result<Report> {
    match (args.idle, args.users, args.clicks) {
        (Some(_), None, None) | (None, Some(_), Some(_)) => {}
        _ => {
            return Err(LoadError::Options(
                "give either --idle N, or --users N with --clicks N".into(),
            ));
        }
    }
    if args.threads == 0 || args.concurrency == 0 {
        return Err(LoadError::Options(
            "--threads and --concurrency must be at least 1".into(),
        ));
    }
    if !args.page.starts_with('/') {
        return Err(LoadError::Options(format!(
            "--page must start with '/': {:?}",
            args.page
        )));
    }
    let circuits = args.idle.or(args.users).unwrap_or_default();
    raise_file_limit(circuits as u64 + args.concurrency as u64 + 256)?;
    let runtime = if args.threads == 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads)
            .enable_all()
            .build()
    }
    .map_err(|source| LoadError::Io {
        what: "starting the tokio runtime",
        source,
    })?;
    let report = runtime.block_on(run_async(args.clone(), circuits));
    // Idle circuits' tasks and sockets go with the runtime, without waiting for them.
    runtime.shutdown_background();
    report
}

async fn run_async(args: LoadOptions, circuits: usize) -> Result<Report> {
    let target = Target::parse(&args.url).await?;
    let addresses = match args.source_addresses {
        Some(n) => usize::from(n),
        None => circuits.div_ceil(CIRCUITS_PER_ADDRESS),
    };
    let sources: Vec<IpAddr> = if addresses <= 1 {
        Vec::new()
    } else if !target.addr.ip().is_loopback() {
        return Err(LoadError::Options(
            "several source addresses need a loopback target (127.0.0.0/8)".into(),
        ));
    } else {
        (1..=addresses.min(254) as u8)
            .map(|i| IpAddr::V4(Ipv4Addr::new(127, 0, 0, i)))
            .collect()
    };
    let ws_config = WebSocketConfig::default()
        .read_buffer_size(args.ws_buffer)
        .write_buffer_size(args.ws_buffer)
        .max_write_buffer_size(MAX_HUB_MESSAGE);
    let plan = Arc::new(Plan {
        target,
        page: args.page.clone(),
        element: Arc::from(args.element.as_str()),
        timeout: Duration::from_secs(args.timeout),
        ws_config,
        sources,
    });
    let progress = Arc::new(Progress::default());
    let clicks_per_user = args.clicks.unwrap_or_default();
    let goal = match args.idle {
        Some(n) => format!("--idle {n}"),
        None => format!("--users {circuits} --clicks {clicks_per_user}"),
    };
    let (done, done_receiver) = tokio::sync::watch::channel(false);
    let printer = tokio::spawn(show_progress(
        progress.clone(),
        done_receiver,
        goal,
        circuits,
        circuits * clicks_per_user,
    ));
    let rss_before = rss_kib(args.server_pid)?;
    let start = Instant::now();
    let idle = args.idle.is_some();

    // Start the circuits, `concurrency` at a time, each starter with its own keep-alive HTTP
    // connection for the pages and negotiations.
    let next = Arc::new(AtomicUsize::new(0));
    let mut starters = Vec::new();
    for _ in 0..args.concurrency.min(circuits.max(1)) {
        let (plan, next, progress) = (plan.clone(), next.clone(), progress.clone());
        starters.push(tokio::spawn(async move {
            let mut http = HttpClient::new(plan.target.clone());
            let mut started = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= circuits {
                    return started;
                }
                match start_circuit(&plan, &mut http, index).await {
                    Ok(circuit) => {
                        progress.started.fetch_add(1, Ordering::Relaxed);
                        if idle {
                            let progress = progress.clone();
                            tokio::spawn(async move {
                                let e = circuit.hold().await;
                                progress.lost.fetch_add(1, Ordering::Relaxed);
                                progress.error(&e);
                            });
                        } else {
                            started.push(circuit);
                        }
                    }
                    Err(e) => {
                        progress.failed.fetch_add(1, Ordering::Relaxed);
                        progress.error(&e);
                    }
                }
            }
        }));
    }
    let mut users = Vec::new();
    for starter in starters {
        users.extend(starter.await.unwrap_or_default());
    }
    let start_seconds = start.elapsed().as_secs_f64();
    let circuits_started = progress.started.load(Ordering::Relaxed);
    let circuits_failed = progress.failed.load(Ordering::Relaxed);

    let (idle_report, active_report) = if idle {
        if circuits_started > 0 {
            tokio::time::sleep(Duration::from_secs_f64(args.settle.max(0.0))).await;
        }
        let rss_after = rss_kib(args.server_pid)?;
        let per = match (rss_before, rss_after) {
            (Some(before), Some(after)) if circuits_started > 0 => {
                Some((after as f64 - before as f64) / circuits_started as f64)
            }
            _ => None,
        };
        (
            Some(IdleReport {
                settle_seconds: if circuits_started > 0 { args.settle } else { 0.0 },
                circuits_open: circuits_started - progress.lost.load(Ordering::Relaxed),
                server_rss_before_kib: rss_before,
                server_rss_after_kib: rss_after,
                server_kib_per_circuit: per.map(|k| (k * 100.0).round() / 100.0),
                server_bytes_per_circuit: per.map(|k| (k * 1024.0).round()),
            }),
            None,
        )
    } else {
        (None, Some(click(&args, users, &progress, plan.timeout).await?))
    };
    let _ = done.send(true);
    let _ = printer.await;
    Ok(Report {
        mode: if idle { "idle" } else { "active" },
        url: args.url.clone(),
        page: args.page.clone(),
        circuits,
        circuits_started,
        circuits_failed,
        start_seconds: (start_seconds * 1000.0).round() / 1000.0,
        source_addresses: plan.sources.len().max(1),
        client_threads: args.threads,
        errors: progress.errors(),
        idle: idle_report,
        active: active_report,
        client_rss_kib: rss_kib(Some(std::process::id())).ok().flatten(),
    })
}

/// Every started user clicks `--clicks` times back to back, all users at once.
async fn click(
    args: &LoadOptions,
    users: Vec<Circuit>,
    progress: &Arc<Progress>,
    timeout: Duration,
) -> Result<ActiveReport> {
    let clicks_per_user = args.clicks.unwrap_or_default();
    let user_count = users.len();
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(user_count);
    for mut user in users {
        let progress = progress.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(clicks_per_user);
            for _ in 0..clicks_per_user {
                match user.click(timeout).await {
                    Ok(latency) => {
                        latencies.push(latency);
                        progress.clicks.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => {
                        progress.error(&e);
                        return (latencies, false, user);
                    }
                }
            }
            // The last batch's acknowledgement.
            let ok = user.flush("clicking").await.is_ok();
            (latencies, ok, user)
        }));
    }
    let mut latencies = Vec::with_capacity(user_count * clicks_per_user);
    let mut users_failed = 0;
    let mut finished = Vec::with_capacity(user_count);
    for task in tasks {
        match task.await {
            Ok((samples, ok, user)) => {
                latencies.extend(samples);
                users_failed += usize::from(!ok);
                finished.push(user);
            }
            Err(_) => users_failed += 1,
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let server_rss_kib = rss_kib(args.server_pid)?;
    drop(finished);
    let answered = latencies.len();
    Ok(ActiveReport {
        users: user_count,
        clicks_per_user,
        clicks: user_count * clicks_per_user,
        clicks_answered: answered,
        users_failed,
        seconds: (seconds * 1e6).round() / 1e6,
        clicks_per_second: (answered as f64 / seconds).round(),
        latency_ms: Latency::of(&mut latencies),
        server_rss_kib,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use brasa_protocol::render_batch::{Diff, Edit, RenderBatch};

    #[test]
    fn page_markers_and_state_are_read_as_blazor_web_js_reads_them() {
        let html = concat!(
            "<body><!--Blazor:{\"type\":\"server\",\"prerenderId\":\"ab\",\"key\":{\"locationHash\":\"X:0\",\"formattedComponentKey\":\"\"},",
            "\"sequence\":0,\"descriptor\":\"a\\u002Bb\"}--><p>pre</p><!--Blazor:{\"prerenderId\":\"ab\"}-->",
            "<!-- other --></body></html><!--Blazor-Server-Component-State:CfDJ8+/=-->"
        );
        let page = parse_page(html, "/counter").unwrap();
        assert_eq!(page.state, "CfDJ8+/=");
        assert_eq!(page.markers.len(), 1, "the end marker has no type");
        // The marker as parsed plus uniqueId, member order kept, `\u002B` travelling as `+`.
        assert_eq!(
            add_operations(&page.markers),
            concat!(
                r#"{"batchId":1,"operations":[{"type":"add","ssrComponentId":1,"marker":{"type":"server","prerenderId":"ab","#,
                r#""key":{"locationHash":"X:0","formattedComponentKey":""},"sequence":0,"descriptor":"a+b","uniqueId":0}}]}"#
            )
        );
        assert!(matches!(
            parse_page("<html></html>", "/x"),
            Err(LoadError::NoMarkers { .. })
        ));
        assert!(matches!(
            parse_page("<!--Blazor:{\"type\":-->", "/x"),
            Err(LoadError::Marker { .. })
        ));
    }

    fn attribute(name: &str, value: Option<&str>, event_handler_id: u64) -> Frame<String> {
        Frame::Attribute {
            name: name.into(),
            value: value.map(str::to_owned),
            event_handler_id,
        }
    }

    fn element(name: &str) -> Frame<String> {
        Frame::Element {
            subtree_length: 1,
            name: name.into(),
        }
    }

    #[test]
    fn the_click_handler_is_found_by_element_id_before_or_after_the_handler() {
        let frames = vec![
            element("button"),
            attribute("onclick", None, 7),
            attribute("id", Some("dec"), 0),
            element("button"),
            attribute("id", Some("inc"), 0),
            attribute("onclick", None, 9),
        ];
        assert_eq!(find_click_handler(frames.clone().into_iter(), "inc"), Some(9));
        assert_eq!(find_click_handler(frames.clone().into_iter(), "dec"), Some(7));
        assert_eq!(find_click_handler(frames.into_iter(), "other"), None);
        let batch = RenderBatch {
            updated_components: vec![Diff {
                component_id: 0,
                edits: vec![Edit::PrependFrame {
                    sibling_index: 0,
                    reference_frame_index: 0,
                }],
            }],
            reference_frames: vec![
                Frame::Element {
                    subtree_length: 3,
                    name: "button".into(),
                },
                attribute("onclick", None, 3),
                attribute("id", Some("inc"), 0),
            ],
            ..RenderBatch::default()
        };
        let bytes = render_batch::encode(&batch);
        let view = render_batch::validate(&bytes, &Limits::DEFAULT).unwrap();
        assert_eq!(find_click_handler(view.reference_frames(), "inc"), Some(3));
    }

    #[test]
    fn latency_percentiles_are_load_mjs_ones() {
        let mut samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let l = Latency::of(&mut samples).unwrap();
        assert_eq!((l.p50, l.p99, l.max), (51.0, 100.0, 100.0));
        assert!(Latency::of(&mut []).is_none());
    }

    #[test]
    fn renderer_object_id_comes_from_the_attach_arguments() {
        assert_eq!(renderer_object_id(r#"[1,{"__dotNetObject":1},{},{}]"#).unwrap(), 1);
        assert!(matches!(renderer_object_id("[1]"), Err(LoadError::Attach(_))));
        assert!(matches!(renderer_object_id("not json"), Err(LoadError::Attach(_))));
    }

    #[tokio::test]
    async fn urls_other_than_http_host_port_are_refused() {
        for url in ["https://x:1", "http://", "http://127.0.0.1:5000/counter", "ftp://a"] {
            assert!(matches!(Target::parse(url).await, Err(LoadError::Url { .. })), "{url}");
        }
        let target = Target::parse("http://127.0.0.1:5000/").await.unwrap();
        assert_eq!(target.base_uri(), "http://127.0.0.1:5000/");
        assert_eq!(percent_encode("a+b/c_d-e"), "a%2Bb%2Fc_d-e");
    }

    /// A program calling `run` directly gets the checks `brasa load`'s command line makes: one
    /// mode, at least one thread and one circuit started at a time, a page path. (Refused before
    /// any connection: the URL names no server.)
    #[test]
    fn options_that_do_not_fit_together_are_refused_before_connecting() {
        let base = LoadOptions::new("http://127.0.0.1:9");
        let mut cases = Vec::new();
        cases.push((base.clone(), "--idle N, or --users N with --clicks N"));
        let mut both = base.clone();
        (both.idle, both.users, both.clicks) = (Some(1), Some(1), Some(1));
        cases.push((both, "--idle N, or --users N with --clicks N"));
        let mut no_clicks = base.clone();
        no_clicks.users = Some(1);
        cases.push((no_clicks, "--idle N, or --users N with --clicks N"));
        let mut idle = base.clone();
        idle.idle = Some(1);
        let mut no_threads = idle.clone();
        no_threads.threads = 0;
        cases.push((no_threads, "at least 1"));
        let mut no_concurrency = idle.clone();
        no_concurrency.concurrency = 0;
        cases.push((no_concurrency, "at least 1"));
        let mut page = idle.clone();
        page.page = "counter".into();
        cases.push((page, "must start with '/'"));
        for (options, expected) in cases {
            match run(&options) {
                Err(LoadError::Options(message)) => {
                    assert!(message.contains(expected), "{options:?}: {message}")
                }
                other => panic!("{options:?}: {other:?}"),
            }
        }
    }
}
