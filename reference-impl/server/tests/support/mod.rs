//! The protocol client of the server's tests: a real WebSocket on loopback speaking blazorpack
//! (fact sheet §1, §3, §4, §6), with a DOM model applying the batches. Every wait is bounded.
#![allow(dead_code)]

pub use std::collections::VecDeque;
pub use std::net::SocketAddr;
pub use std::time::Duration;

pub use brasa_dom::Document;
pub use brasa_protocol::blazor::{ClientCall, ServerCall};
pub use brasa_protocol::hub::{self, CompletionResult, HubMessage, Protocol, Value};
pub use brasa_server::Config;
pub use futures_util::{SinkExt, StreamExt};
pub use tokio::io::{AsyncReadExt, AsyncWriteExt};
pub use tokio_tungstenite::tungstenite::Message;

pub const WAIT: Duration = Duration::from_secs(5);

pub async fn start(config: Config) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = brasa_server::router(config);
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// One HTTP/1.1 request: (status, body).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(content_type) = content_type {
        request.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut response))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text[9..12].parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct Client {
    pub socket: Socket,
    pub queue: VecDeque<HubMessage>,
    pub next_invocation: u32,
}

impl Client {
    /// Negotiate and open the WebSocket.
    // SRV-2.1, SRV-2.2 (the negotiate v1 answer), SRV-2.3 (the token opens the WebSocket).
    pub async fn open(addr: SocketAddr) -> Client {
        let (status, body) = http(addr, "POST", "/_blazor/negotiate?negotiateVersion=1", None, b"").await;
        assert_eq!(status, 200, "{body}");
        let negotiate: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(negotiate["negotiateVersion"], 1);
        assert_eq!(negotiate["availableTransports"][0]["transport"], "WebSockets");
        assert_eq!(
            negotiate["availableTransports"][0]["transferFormats"],
            serde_json::json!(["Text", "Binary"])
        );
        let token = negotiate["connectionToken"].as_str().unwrap();
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/_blazor?id={token}"))
            .await
            .unwrap();
        Client {
            socket,
            queue: VecDeque::new(),
            next_invocation: 0,
        }
    }

    pub async fn frame(&mut self) -> Option<Message> {
        match tokio::time::timeout(WAIT, self.socket.next())
            .await
            .expect("a frame in time")
        {
            Some(Ok(message)) => Some(message),
            _ => None,
        }
    }

    /// The blazorpack handshake and the first Ping (§4.2, §4.4).
    // SRV-5.1: the request in a text frame, the response `{}` 0x1E in a binary frame.
    pub async fn handshake(&mut self) {
        self.socket
            .send(Message::Text(
                "{\"protocol\":\"blazorpack\",\"version\":1}\u{1e}".into(),
            ))
            .await
            .unwrap();
        match self.frame().await {
            Some(Message::Binary(bytes)) => assert_eq!(&bytes[..], b"{}\x1e"),
            other => panic!("handshake response: {other:?}"),
        }
        self.send(&HubMessage::Ping).await;
    }

    pub async fn send(&mut self, message: &HubMessage) {
        let mut bytes = Vec::new();
        hub::encode(Protocol::MessagePack, message, &mut bytes).unwrap();
        self.socket.send(Message::Binary(bytes.into())).await.unwrap();
    }

    pub async fn invoke(&mut self, call: &ClientCall) -> String {
        let id = self.next_invocation.to_string();
        self.next_invocation += 1;
        self.send(&call.to_message(Some(id.clone()))).await;
        id
    }

    pub async fn send_call(&mut self, call: &ClientCall) {
        self.send(&call.to_message(None)).await;
    }

    /// The next hub message, Pings skipped; `None` when the socket closed.
    pub async fn next(&mut self) -> Option<HubMessage> {
        loop {
            if let Some(message) = self.queue.pop_front() {
                if message == HubMessage::Ping {
                    continue;
                }
                return Some(message);
            }
            match self.frame().await? {
                Message::Binary(bytes) => {
                    self.queue
                        .extend(hub::decode_all(Protocol::MessagePack, &bytes, usize::MAX).unwrap());
                }
                Message::Close(_) => return None,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    pub async fn next_call(&mut self) -> ServerCall {
        match self.next().await {
            Some(HubMessage::Invocation(invocation)) => {
                ServerCall::from_invocation(&invocation.target, &invocation.arguments).unwrap()
            }
            other => panic!("expected a call, got {other:?}"),
        }
    }

    pub async fn completion(&mut self, id: &str) -> CompletionResult {
        match self.next().await {
            Some(HubMessage::Completion {
                invocation_id, result, ..
            }) => {
                assert_eq!(invocation_id, id);
                result
            }
            other => panic!("expected completion {id}, got {other:?}"),
        }
    }
}

/// The marker of a page (§2.1), as the client parses it.
// SRV-3.1 (the page and its script), SRV-3.2 (the marker), SRV-3.3 (the state comment).
pub async fn marker(addr: SocketAddr, path: &str) -> (serde_json::Value, String) {
    let (status, page) = http(addr, "GET", path, None, b"").await;
    assert_eq!(status, 200);
    assert!(page.contains("<script src=\"_framework/blazor.web.js\"></script>"));
    let start = page.find("<!--Blazor:").unwrap() + "<!--Blazor:".len();
    let end = start + page[start..].find("-->").unwrap();
    let marker: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    let state_start = page.find("<!--Blazor-Server-Component-State:").unwrap() + 34;
    let state_end = state_start + page[state_start..].find("-->").unwrap();
    (marker, page[state_start..state_end].to_owned())
}

pub struct Circuit {
    pub client: Client,
    pub secret: String,
    pub document: Document,
    pub last_batch: i64,
}

/// negotiate → handshake → Ping → StartCircuit("[]") → UpdateRootComponents(add) → attach call,
/// AttachComponent, batch 2, EndUpdateRootComponents (§1, §6).
// SRV-4.1: the blazor.web.js start flow; SRV-3.2: not prerendered.
pub async fn start_circuit(addr: SocketAddr, path: &str) -> Circuit {
    let (marker, state) = marker(addr, path).await;
    assert_eq!(marker["type"], "server");
    assert!(marker.get("prerenderId").is_none());
    let mut client = Client::open(addr).await;
    client.handshake().await;
    let id = client
        .invoke(&ClientCall::StartCircuit {
            base_uri: Some(format!("http://{addr}/")),
            uri: Some(format!("http://{addr}{path}")),
            components: Some("[]".into()),
            application_state: Some(state.clone()),
        })
        .await;
    assert_eq!(
        client.next_call().await,
        ServerCall::BeginInvokeJs {
            async_handle: 2,
            identifier: "Blazor._internal.attachWebRendererInterop".into(),
            arguments_json: "[1,{\"__dotNetObject\":1},{},{}]".into(),
            result_type: 3,
            target_instance_id: 0,
            call_type: 1,
        }
    );
    let CompletionResult::Value(Value::Str(secret)) = client.completion(&id).await else {
        panic!("StartCircuit answers the secret");
    };
    let mut with_unique = marker.clone();
    with_unique["uniqueId"] = 0.into();
    let operations = serde_json::json!({
        "batchId": 1,
        "operations": [{"type": "add", "ssrComponentId": 1, "marker": with_unique}],
    });
    client
        .send_call(&ClientCall::UpdateRootComponents {
            operations: Some(operations.to_string()),
            application_state: Some(state),
        })
        .await;
    client
        .send_call(&ClientCall::EndInvokeJsFromDotNet {
            async_handle: 2,
            succeeded: true,
            arguments_json: Some("[2,true,null]".into()),
        })
        .await;
    assert_eq!(
        client.next_call().await,
        ServerCall::AttachComponent {
            component_id: 0,
            selector: "1".into(),
        }
    );
    let ServerCall::RenderBatch { batch_id: 2, batch } = client.next_call().await else {
        panic!("batch 2");
    };
    assert_eq!(
        client.next_call().await,
        ServerCall::EndUpdateRootComponents { batch_id: 1 }
    );
    let mut document = Document::with_root_component(0);
    document.apply_bytes(&batch).unwrap();
    Circuit {
        client,
        secret,
        document,
        last_batch: 2,
    }
}

impl Circuit {
    pub async fn ack(&mut self, batch_id: i64) {
        self.client
            .send_call(&ClientCall::OnRenderCompleted { batch_id, error: None })
            .await;
    }

    /// The Router's start-up calls after the first ack (§6.5), answered.
    // SRV-4.3.
    pub async fn start_up_calls(&mut self) {
        assert_eq!(
            self.client.next_call().await,
            ServerCall::BeginInvokeJs {
                async_handle: 3,
                identifier: "Blazor._internal.navigationManager.enableNavigationInterception".into(),
                arguments_json: "[1]".into(),
                result_type: 0,
                target_instance_id: 0,
                call_type: 1,
            }
        );
        assert_eq!(
            self.client.next_call().await,
            ServerCall::BeginInvokeJs {
                async_handle: 4,
                identifier: "Blazor._internal.domWrapper.focusBySelector".into(),
                arguments_json: "[\"h1\"]".into(),
                result_type: 3,
                target_instance_id: 0,
                call_type: 1,
            }
        );
        self.client
            .send_call(&ClientCall::EndInvokeJsFromDotNet {
                async_handle: 3,
                succeeded: true,
                arguments_json: Some("[3,true,null]".into()),
            })
            .await;
        self.client
            .send_call(&ClientCall::EndInvokeJsFromDotNet {
                async_handle: 4,
                succeeded: true,
                arguments_json: Some("[4,true,null]".into()),
            })
            .await;
    }

    pub fn handler(&self, element_id: &str, event: &str) -> u64 {
        self.document
            .handlers()
            .into_iter()
            .find(|h| h.event_name == event && self.document.attribute(h.element, "id") == Some(element_id))
            .unwrap_or_else(|| panic!("no {event} handler on #{element_id}"))
            .event_handler_id
    }

    /// The handler for `event` on the element with class `class` inside the element `#parent`.
    pub fn handler_in(&self, parent: &str, class: &str, event: &str) -> u64 {
        let parent = find(&self.document, self.document.root(), parent).expect("parent");
        self.document
            .handlers()
            .into_iter()
            .find(|h| {
                h.event_name == event
                    && self.document.attribute(h.element, "class") == Some(class)
                    && self.document.parent(h.element) == Some(parent)
            })
            .unwrap_or_else(|| panic!("no {event} handler on .{class}"))
            .event_handler_id
    }

    /// DispatchEventAsync with these event args, then its batch and answer.
    pub async fn dispatch(&mut self, handler: u64, event: &str, field_value: &str, args: &str) {
        self.client
            .send_call(&ClientCall::BeginInvokeDotNetFromJs {
                call_id: Some("7".into()),
                assembly_name: None,
                method_identifier: Some("DispatchEventAsync".into()),
                dotnet_object_id: 1,
                arguments_json: Some(format!(
                    "[{{\"eventHandlerId\":{handler},\"eventName\":\"{event}\",\"eventFieldInfo\":{field_value}}},{args}]"
                )),
            })
            .await;
        let batch = self.batch().await;
        self.ack(batch).await;
        assert_eq!(
            self.client.next_call().await,
            ServerCall::EndInvokeDotNet {
                call_id: "7".into(),
                success: true,
                result_or_error: "{}".into(),
            }
        );
    }

    /// DispatchEventAsync for a click; returns the call id.
    pub async fn click(&mut self, element_id: &str, call_id: &str) {
        let handler = self.handler(element_id, "click");
        let args = format!(
            "[{{\"eventHandlerId\":{handler},\"eventName\":\"click\",\"eventFieldInfo\":null}},{{\"detail\":1,\"screenX\":0,\"screenY\":0,\"clientX\":0,\"clientY\":0,\"offsetX\":0,\"offsetY\":0,\"pageX\":0,\"pageY\":0,\"movementX\":0,\"movementY\":0,\"button\":0,\"buttons\":0,\"ctrlKey\":false,\"shiftKey\":false,\"altKey\":false,\"metaKey\":false,\"type\":\"click\"}}]"
        );
        self.client
            .send_call(&ClientCall::BeginInvokeDotNetFromJs {
                call_id: Some(call_id.into()),
                assembly_name: None,
                method_identifier: Some("DispatchEventAsync".into()),
                dotnet_object_id: 1,
                arguments_json: Some(args),
            })
            .await;
    }

    /// The next batch, applied; returns its id.
    pub async fn batch(&mut self) -> i64 {
        let ServerCall::RenderBatch { batch_id, batch } = self.client.next_call().await else {
            panic!("a batch");
        };
        assert_eq!(batch_id, self.last_batch + 1);
        self.last_batch = batch_id;
        self.document.apply_bytes(&batch).unwrap();
        batch_id
    }
}

pub fn find(document: &Document, node: brasa_dom::NodeId, id: &str) -> Option<brasa_dom::NodeId> {
    if document.attribute(node, "id") == Some(id) {
        return Some(node);
    }
    document.children(node).into_iter().find_map(|c| find(document, c, id))
}

pub fn text_of(document: &Document, id: &str) -> String {
    let node = find(document, document.root(), id).expect("element");
    document.inner_html_of(node)
}

/// The project's `shared/` folder: `$BRASA_SHARED`, else `../shared` beside the checkout.
pub fn shared() -> std::path::PathBuf {
    let dir = std::env::var_os("BRASA_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("reference").is_dir(),
        "{} has no reference/ folder: set BRASA_SHARED to the project's shared/ folder",
        dir.display()
    );
    dir
}
