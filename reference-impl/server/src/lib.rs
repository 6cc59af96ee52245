//! Brasa's Server host: Blazor Server's endpoints over axum and tokio, a thin adapter over the
//! sans-IO [`brasa_circuit::Server`].
//!
//! * One task per WebSocket connection feeds received frames to the shared core (behind a
//!   `std::sync::Mutex`: the core is synchronous and never blocks) and writes the core's
//!   [`Output`]s for that connection, which the core queues in the connection's outbox in its
//!   order: text or binary frames, close code 1000.
//! * Per connection the host holds one task, one outbox and the WebSocket with explicitly sized
//!   buffers ([`WS_READ_BUFFER`], [`WS_WRITE_BUFFER`]): an idle circuit costs a few KiB
//!   (`benches/README.md`, Capacity).
//! * A timer task calls [`Server::tick`] with monotonic milliseconds since start.
//! * Limits (fact sheet §4.4): 32 KiB messages (enforced by the core), handshake timeout 15 s,
//!   keep-alive Ping every 15 s, close after 30 s without anything from the client.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod app;
pub mod descriptor;
pub mod metrics;
pub mod pages;
mod tcp;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use brasa_circuit::{FrameKind, Millis, Output, RegistryOptions, Server, ServerOptions};
use futures_util::SinkExt;

use crate::app::ConformanceApps;
use crate::descriptor::Keys;
use crate::metrics::Metrics;

/// SignalR's `HandshakeTimeout`.
// SRV-5.2, SRV-6.1: 15 s.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(15);
/// SignalR's `KeepAliveInterval`: the server pings this often.
// SRV-5.3, SRV-6.1: 15 s.
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(15);
/// SignalR's `ClientTimeoutInterval`: the server closes after this long without a frame.
// SRV-5.4, SRV-6.1: 30 s.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a negotiated connection token stays usable.
// SRV-2.3: unused tokens are forgotten after this long.
const TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// A Ping message `[6]`, length-prefixed.
// SRV-5.3: the bytes 02 91 06 in a binary frame.
const PING: &[u8] = &[0x02, 0x91, 0x06];
/// The WebSocket read buffer of a connection, allocated (and zeroed) up front. Client messages
/// are small (a click is about 400 bytes, the first `UpdateRootComponents` about 2 KB); a
/// larger frame grows the buffer as it arrives. tungstenite's default, 128 KiB, cost 128 KiB of
/// resident memory per idle circuit.
pub const WS_READ_BUFFER: usize = 512;
/// The WebSocket write buffer: 0 writes each frame as it is queued; a flush follows each burst.
pub const WS_WRITE_BUFFER: usize = 0;

/// How the host is configured.
#[derive(Debug, Clone)]
pub struct Config {
    /// The app to serve (`conformance`).
    pub app: String,
    /// Disconnected-circuit retention.
    pub retention: Duration,
    /// Disconnected circuits kept at most.
    pub max_retained: usize,
    /// The client script served at `/_framework/blazor.web.js`: a file read on each request, or
    /// `None` for the bundle embedded at build time (404 when there was none).
    pub client_bundle: Option<PathBuf>,
    /// Handshake timeout.
    pub handshake_timeout: Duration,
    /// Keep-alive interval.
    pub keep_alive: Duration,
    /// Client timeout.
    pub client_timeout: Duration,
    /// Serve pages with their root component prerendered (SRV-3.2).
    pub prerender: bool,
    /// Largest hub message received, in bytes (`HubOptions.MaximumReceiveMessageSize`, CIR-5.3).
    pub max_message_size: usize,
    /// Unacknowledged batches per circuit
    /// (`CircuitOptions.MaxBufferedUnacknowledgedRenderBatches`, CIR-2.4).
    pub max_buffered_batches: usize,
}

// SRV-6.1: ASP.NET Core's defaults (retention 180 s, 100 retained; the window and the message
// limit are the core's `ServerOptions::default()`).
impl Default for Config {
    fn default() -> Self {
        Config {
            app: "conformance".into(),
            retention: Duration::from_secs(180),
            max_retained: 100,
            client_bundle: None,
            handshake_timeout: HANDSHAKE_TIMEOUT,
            keep_alive: KEEP_ALIVE_INTERVAL,
            client_timeout: CLIENT_TIMEOUT,
            prerender: false,
            max_message_size: ServerOptions::default().max_message_size,
            max_buffered_batches: ServerOptions::default().window,
        }
    }
}

/// What a connection's writer does.
enum Write {
    Frame(FrameKind, Vec<u8>),
    /// The host's keep-alive Ping.
    Ping,
    Close,
}

/// What the core has for one connection, in its order: filled under the core's lock, emptied
/// by the connection's task.
#[derive(Default)]
struct Outbox {
    writes: Mutex<VecDeque<Write>>,
    ready: tokio::sync::Notify,
}

impl Outbox {
    fn push(&self, write: Write) {
        self.writes.lock().unwrap_or_else(|e| e.into_inner()).push_back(write);
        self.ready.notify_one();
    }

    fn pop(&self) -> Option<Write> {
        let mut writes = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        let write = writes.pop_front();
        if writes.is_empty() {
            // An idle connection keeps no queue storage.
            *writes = VecDeque::new();
        }
        write
    }

    fn is_empty(&self) -> bool {
        self.writes.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }
}

struct Shared {
    config: Config,
    server: Mutex<Server<ConformanceApps>>,
    writers: Mutex<HashMap<u64, Arc<Outbox>>>,
    tokens: Mutex<HashMap<String, Instant>>,
    keys: Arc<Keys>,
    metrics: Arc<Metrics>,
    start: Instant,
    /// Wakes the timer task after a call that may have started an application timer.
    timer_wake: tokio::sync::Notify,
}

impl Shared {
    fn now(&self) -> Millis {
        self.start.elapsed().as_millis() as Millis
    }

    /// Runs `f` on the core and routes what it returns, under the core's lock so that the
    /// writes of one connection keep the core's order.
    fn with_server<R>(&self, f: impl FnOnce(&mut Server<ConformanceApps>, Millis) -> (R, Vec<Output>)) -> R {
        let mut server = self.server.lock().unwrap_or_else(|e| e.into_inner());
        let (result, outputs) = f(&mut server, self.now());
        for reason in server.take_ended() {
            tracing::info!(?reason, "circuit ended");
            self.metrics.ended(&reason);
        }
        let writers = self.writers.lock().unwrap_or_else(|e| e.into_inner());
        for output in outputs {
            match output {
                Output::Send {
                    connection,
                    kind,
                    bytes,
                } => {
                    if let Some(writer) = writers.get(&connection) {
                        writer.push(Write::Frame(kind, bytes));
                    }
                }
                Output::Close { connection } => {
                    if let Some(writer) = writers.get(&connection) {
                        writer.push(Write::Close);
                    }
                }
            }
        }
        result
    }
}

/// The axum application of a host with this configuration; also starts its timer task (call
/// inside a tokio runtime).
pub fn router(config: Config) -> Router {
    let keys = Arc::new(Keys::random());
    let metrics = Arc::new(Metrics::default());
    let options = ServerOptions {
        registry: RegistryOptions {
            retention: config.retention.as_millis() as Millis,
            max_retained: config.max_retained,
        },
        window: config.max_buffered_batches,
        max_message_size: config.max_message_size,
    };
    let server = Server::new(
        ConformanceApps {
            keys: keys.clone(),
            metrics: metrics.clone(),
        },
        Box::new(|| {
            let mut bytes = [0u8; brasa_circuit::SECRET_BYTES];
            getrandom::fill(&mut bytes).expect("the OS random source");
            bytes
        }),
        options,
    );
    let shared = Arc::new(Shared {
        config,
        server: Mutex::new(server),
        writers: Mutex::new(HashMap::new()),
        tokens: Mutex::new(HashMap::new()),
        keys,
        metrics,
        start: Instant::now(),
        timer_wake: tokio::sync::Notify::new(),
    });
    tokio::spawn(timer(Arc::downgrade(&shared)));
    // SRV-2.1: the endpoints around the hub (SRV-2.2 to SRV-2.6), and SRV-7.1's metrics.
    let mut router = Router::new()
        .route("/_blazor/negotiate", post(negotiate))
        .route("/_blazor", get(connect))
        .route("/_blazor/disconnect", post(disconnect))
        .route("/_blazor/disconnect/", post(disconnect))
        .route("/_blazor/initializers", get(initializers))
        .route("/_framework/blazor.web.js", get(client_script))
        .route("/metrics", get(metrics_text));
    // SRV-3.1: one page per route of the conformance app, each carrying the marker of the one
    // interactive root component, the router, which shows the route's page (SVC-2.5).
    for (route, _) in pages::PAGES {
        router = router.route(route, get(page));
    }
    router
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(shared)
}

/// Serves `router(config)` on `addr` until the process ends.
pub async fn serve(addr: SocketAddr, config: Config) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, app = %config.app, "listening");
    axum::serve(tcp::Listener(listener), router(config)).await
}

/// Retention expiry and application timers (SVC-3.1): sleeps until the core's next timer (at
/// most 250 ms), or until a call may have started a timer.
async fn timer(shared: std::sync::Weak<Shared>) {
    loop {
        let Some(strong) = shared.upgrade() else {
            return;
        };
        let wait = strong.with_server(|server, now| {
            let next = server.next_timer();
            (next.map_or(250, |due| due.saturating_sub(now)).min(250), Vec::new())
        });
        // Holding the host for one wait (at most 250 ms) is fine.
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
            _ = strong.timer_wake.notified() => {}
        }
        drop(strong);
        let Some(shared) = shared.upgrade() else {
            return;
        };
        shared.with_server(|server, now| ((), server.tick(now)));
        let mut tokens = shared.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.retain(|_, issued| issued.elapsed() < TOKEN_LIFETIME);
    }
}

/// A page of the app (SRV-3.1), prerendered when configured (SRV-3.2): the base URI and URI
/// come from the request, as the client's will.
async fn page(State(shared): State<Arc<Shared>>, headers: HeaderMap, uri: axum::http::Uri) -> Html<String> {
    let prerender = shared.config.prerender.then(|| {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let base_uri = format!("http://{host}/");
        let page_uri = format!("http://{host}{uri}");
        (base_uri, page_uri)
    });
    Html(pages::page(
        &shared.keys,
        pages::ROUTES,
        prerender
            .as_ref()
            .map(|(base_uri, uri)| pages::Prerender { base_uri, uri }),
    ))
}

fn random_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `POST /_blazor/negotiate?negotiateVersion=1` (fact sheet §3): SignalR negotiate v1.
// SRV-2.2: a fresh 128-bit token per negotiation; WebSockets only; 400 without version 1.
async fn negotiate(State(shared): State<Arc<Shared>>, Query(query): Query<HashMap<String, String>>) -> Response {
    if query.get("negotiateVersion").map(String::as_str) != Some("1") {
        return (StatusCode::BAD_REQUEST, "negotiateVersion 1 is required").into_response();
    }
    let token = random_token();
    let connection_id = random_token();
    shared
        .tokens
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(token.clone(), Instant::now());
    // HUB-6.1: the negotiate v1 body.
    let body = brasa_protocol::hub::negotiate::NegotiateResponse::websockets(connection_id, token).to_json();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET /_blazor?id=<token>`: the WebSocket.
// SRV-2.3: only an issued, unused, unexpired token upgrades (and is forgotten); otherwise 404.
async fn connect(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let known = query
        .get("id")
        .and_then(|id| shared.tokens.lock().unwrap_or_else(|e| e.into_inner()).remove(id))
        .is_some();
    if !known {
        return (StatusCode::NOT_FOUND, "No Connection with that ID").into_response();
    }
    upgrade
        // SRV-5.1: a transport limit far above the hub's limit per message (CIR-5.3, 32 KiB by
        // default), which the core enforces with the hub's error.
        .max_message_size((1 << 20).max(shared.config.max_message_size.saturating_mul(4)))
        .read_buffer_size(WS_READ_BUFFER)
        .write_buffer_size(WS_WRITE_BUFFER)
        .on_upgrade(move |socket| connection(shared, Box::new(socket)))
        .into_response()
}

/// What ended a connection's loop.
enum Ended {
    /// The core closed the connection (after its last frames).
    ByServer,
    /// The client closed, or the transport failed.
    ByClient,
    /// No frame from the client in time (SRV-5.2, SRV-5.4).
    TimedOut,
}

/// A WebSocket frame for a queued write; the first binary frame is the handshake response.
fn frame_message(kind: FrameKind, bytes: Vec<u8>) -> Message {
    match kind {
        // SRV-5.1: the handshake response and hub messages binary, a refusal text.
        FrameKind::Text => Message::Text(String::from_utf8_lossy(&bytes).into_owned().into()),
        FrameKind::Binary => Message::Binary(bytes.into()),
    }
}

/// Writes what the outbox holds, in order, and flushes. `Ok(true)`: the core closed the
/// connection.
async fn write_outbox(
    outbox: &Outbox,
    socket: &mut WebSocket,
    metrics: &Metrics,
    handshaken: &mut bool,
) -> Result<bool, axum::Error> {
    let mut wrote = false;
    let mut close = false;
    while let Some(write) = outbox.pop() {
        let message = match write {
            Write::Frame(kind, bytes) => {
                metrics.frames_sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                metrics
                    .bytes_sent
                    .fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
                *handshaken |= kind == FrameKind::Binary;
                frame_message(kind, bytes)
            }
            // SRV-5.3.
            Write::Ping => Message::Binary(Bytes::from_static(PING)),
            // SRV-5.5: the queued frames first, then the Close frame.
            Write::Close => {
                close = true;
                break;
            }
        };
        socket.feed(message).await?;
        wrote = true;
    }
    if wrote {
        socket.flush().await?;
    }
    Ok(close)
}

/// One WebSocket connection, in one task: frames from the client go to the core, the core's
/// frames for this connection go out in the core's order, a Ping after a keep-alive interval
/// without sending, and the timeouts. The task's state is kept small (one timer, reset for each
/// wait): it is most of what an idle circuit costs the host.
///
/// The socket comes boxed: the task then holds a pointer in every state instead of the socket
/// (twice: as the argument and as the local), and the state machine stays small.
async fn connection(shared: Arc<Shared>, mut socket: Box<WebSocket>) {
    let outbox = Arc::new(Outbox::default());
    let id = {
        let mut server = shared.server.lock().unwrap_or_else(|e| e.into_inner());
        let id = server.open_connection();
        shared
            .writers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, outbox.clone());
        id
    };
    shared
        .metrics
        .connections_opened
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tracing::debug!(id, "open");
    let config = &shared.config;
    let metrics = &*shared.metrics;
    // SRV-5.2: the handshake timeout; SRV-5.4: the client timeout, restarted by every frame received.
    let handshake_deadline = tokio::time::Instant::now() + config.handshake_timeout;
    let mut last_received = tokio::time::Instant::now();
    let mut last_sent = tokio::time::Instant::now();
    let mut handshaken = false;
    let timer = tokio::time::sleep_until(handshake_deadline);
    tokio::pin!(timer);
    let ended = loop {
        if !outbox.is_empty() {
            // Writes that cannot complete within a client-timeout interval end the connection.
            timer
                .as_mut()
                .reset(tokio::time::Instant::now() + config.client_timeout);
            let written = tokio::select! {
                written = write_outbox(&outbox, &mut socket, metrics, &mut handshaken) => written,
                _ = timer.as_mut() => break Ended::ByClient,
            };
            match written {
                Ok(close) => {
                    last_sent = tokio::time::Instant::now();
                    if close {
                        break Ended::ByServer;
                    }
                }
                Err(_) => break Ended::ByClient,
            }
        }
        let client_deadline = last_received + config.client_timeout;
        let deadline = if handshaken {
            client_deadline
        } else {
            handshake_deadline.min(client_deadline)
        };
        // SignalR pings only when nothing else was sent for a whole interval (SRV-5.3).
        let ping_at = last_sent + config.keep_alive;
        let wake = if handshaken { deadline.min(ping_at) } else { deadline };
        if timer.deadline() != wake {
            timer.as_mut().reset(wake);
        }
        let received = tokio::select! {
            _ = outbox.ready.notified() => continue,
            received = socket.recv() => received,
            _ = timer.as_mut() => {
                if tokio::time::Instant::now() >= deadline {
                    tracing::info!(id, handshaken, "timed out");
                    break Ended::TimedOut;
                }
                outbox.push(Write::Ping);
                continue;
            }
        };
        let bytes = match received {
            Some(Ok(Message::Binary(bytes))) => bytes,
            Some(Ok(Message::Text(text))) => Bytes::from(text),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break Ended::ByClient,
        };
        last_received = tokio::time::Instant::now();
        metrics
            .bytes_received
            .fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
        let timers = shared.with_server(|server, now| {
            let outputs = server.receive(id, &bytes, now);
            (server.has_timers(), outputs)
        });
        if timers {
            shared.timer_wake.notify_one();
        }
    };
    // The closing phase runs once: boxed, it takes no room in the task while the connection lives.
    Box::pin(close_connection(&shared, id, &outbox, &mut socket, ended, handshaken)).await;
}

/// SRV-5.5: the core forgets the connection; what it still queued goes out, then the Close frame
/// with code 1000, then the closing handshake.
async fn close_connection(
    shared: &Shared,
    id: u64,
    outbox: &Outbox,
    socket: &mut WebSocket,
    ended: Ended,
    mut handshaken: bool,
) {
    shared.with_server(|server, now| {
        server.connection_closed(id, now);
        ((), Vec::new())
    });
    shared.writers.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    if !matches!(ended, Ended::ByServer) {
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            write_outbox(outbox, socket, &shared.metrics, &mut handshaken),
        )
        .await;
    }
    let close = Message::Close(Some(CloseFrame {
        code: 1000,
        reason: "".into(),
    }));
    let _ = tokio::time::timeout(Duration::from_secs(5), socket.send(close)).await;
    // The closing handshake (RFC 6455 section 7.1.1): read, and discard, what the client still
    // sends until its Close frame, so that closing the socket with unread data does not make the
    // kernel reset the connection and drop the last frames (JS.Error, Close) still in its send queue.
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
    tracing::debug!(id, "closed");
}

/// `POST /_blazor/disconnect` (fact sheet §3, §13.1): form field `circuitId`, urlencoded or
/// multipart; 200 and the circuit ended for a live circuit, 400 otherwise.
// SRV-2.4 (the HTTP side of CIR-4.4); another method gets axum's 405.
async fn disconnect(State(shared): State<Arc<Shared>>, request: Request) -> StatusCode {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut circuit_id = None;
    if content_type.starts_with("multipart/form-data") {
        if let Ok(mut multipart) = Multipart::from_request(request, &()).await {
            while let Ok(Some(field)) = multipart.next_field().await {
                if field.name() == Some("circuitId") {
                    circuit_id = field.text().await.ok();
                    break;
                }
            }
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        if let Ok(axum::Form(form)) = axum::Form::<HashMap<String, String>>::from_request(request, &()).await {
            circuit_id = form.get("circuitId").cloned();
        }
    }
    let Some(circuit_id) = circuit_id else {
        return StatusCode::BAD_REQUEST;
    };
    let live = shared.with_server(|server, _| {
        let mut out = Vec::new();
        let live = server.terminate(&circuit_id, &mut out);
        (live, out)
    });
    tracing::info!(live, "disconnect");
    if live { StatusCode::OK } else { StatusCode::BAD_REQUEST }
}

/// `GET /_blazor/initializers`: no JS initializers.
// SRV-2.5: 200, `[]`.
async fn initializers() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], "[]")
}

/// `GET /_framework/blazor.web.js`: Brasa's client bundle when it exists, 404 otherwise.
// SRV-2.6.
async fn client_script(State(shared): State<Arc<Shared>>) -> Response {
    let bytes = match &shared.config.client_bundle {
        Some(path) => tokio::fs::read(path).await.ok().map(Bytes::from),
        None => EMBEDDED_CLIENT.map(Bytes::from_static),
    };
    match bytes {
        Some(bytes) => ([(header::CONTENT_TYPE, "text/javascript")], bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `reference-impl/client/dist/brasa.js` as it was at build time.
#[cfg(brasa_client_bundle)]
pub const EMBEDDED_CLIENT: Option<&[u8]> = Some(include_bytes!(concat!(env!("OUT_DIR"), "/brasa.js")));
/// No client bundle existed at build time.
#[cfg(not(brasa_client_bundle))]
pub const EMBEDDED_CLIENT: Option<&[u8]> = None;

/// `GET /metrics`: plain-text counters.
// SRV-7.1.
async fn metrics_text(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let (connected, retained) = {
        let server = shared.server.lock().unwrap_or_else(|e| e.into_inner());
        let retained = server.disconnected_circuits();
        (server.circuits() - retained, retained)
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        shared.metrics.render(connected, retained),
    )
}
