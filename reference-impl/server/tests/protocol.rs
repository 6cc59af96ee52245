//! A protocol client over a real WebSocket on loopback, against `brasa-server` (fact sheet §1,
//! §3, §4, §6, §12, §13). Every wait is bounded.

mod support;

use support::*;

// Issue 12: the whole counter flow over a real socket, with the defaults of SRV-6.1
// (`Config::default()`) and the metrics of SRV-7.1.
#[tokio::test]
async fn counter_click_updates_the_count_over_a_websocket() {
    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/counter").await;
    assert_eq!(text_of(&circuit.document, "count"), "Current count: 0");
    assert!(circuit.document.inner_html().contains("<h1>Counter</h1>"));
    assert!(
        circuit
            .document
            .inner_html()
            .contains("<button id=\"inc\" class=\"btn\">Click me</button>")
    );
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    circuit.click("inc", "1").await;
    assert_eq!(circuit.batch().await, 3);
    assert_eq!(
        circuit.client.next_call().await,
        ServerCall::EndInvokeDotNet {
            call_id: "1".into(),
            success: true,
            result_or_error: "{}".into(),
        }
    );
    assert_eq!(text_of(&circuit.document, "count"), "Current count: 1");
    circuit.ack(3).await;
    circuit.click("inc", "2").await;
    circuit.batch().await;
    assert_eq!(text_of(&circuit.document, "count"), "Current count: 2");

    // An unknown handler answers with the recorded error (bad-input/event-unknown-handler).
    circuit
        .client
        .send_call(&ClientCall::BeginInvokeDotNetFromJs {
            call_id: Some("9".into()),
            assembly_name: None,
            method_identifier: Some("DispatchEventAsync".into()),
            dotnet_object_id: 1,
            arguments_json: Some(
                "[{\"eventHandlerId\":987654,\"eventName\":\"click\",\"eventFieldInfo\":null},{}]".into(),
            ),
        })
        .await;
    let _ = circuit.client.next_call().await; // EndInvokeDotNet of "2"
    let ServerCall::EndInvokeDotNet {
        call_id,
        success,
        result_or_error,
    } = circuit.client.next_call().await
    else {
        panic!("EndInvokeDotNet");
    };
    assert_eq!((call_id.as_str(), success), ("9", false));
    assert!(result_or_error.starts_with(
        "System.ArgumentException: There is no event handler associated with this event. EventId: '987654'."
    ));

    let (status, metrics) = http(addr, "GET", "/metrics", None, b"").await;
    assert_eq!(status, 200);
    assert!(metrics.contains("brasa_circuits_connected 1"), "{metrics}");
    assert!(metrics.contains("brasa_batches_sent_total 3"), "{metrics}");
}

// Fact sheet §3, bad-input/disconnect-endpoint: 200 live (socket closed), 400 unknown, 405 GET.
// SRV-2.4 (urlencoded and multipart, both spellings), SRV-5.5 (the socket closes), SRV-2.5
// (initializers: `[]`), SRV-7.1 (ended by reason).
#[tokio::test]
async fn disconnect_endpoint_ends_live_circuits() {
    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/counter").await;
    let (status, _) = http(addr, "GET", "/_blazor/disconnect", None, b"").await;
    assert_eq!(status, 405);
    let (status, _) = http(
        addr,
        "POST",
        "/_blazor/disconnect/",
        Some("application/x-www-form-urlencoded"),
        b"circuitId=not-a-circuit",
    )
    .await;
    assert_eq!(status, 400);
    let boundary = "----WebKitFormBoundaryabc";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"circuitId\"\r\n\r\n{}\r\n--{boundary}--\r\n",
        circuit.secret
    );
    let (status, _) = http(
        addr,
        "POST",
        "/_blazor/disconnect",
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(circuit.client.next().await, None, "the socket closes");
    let (status, _) = http(
        addr,
        "POST",
        "/_blazor/disconnect",
        Some("application/x-www-form-urlencoded"),
        format!("circuitId={}", circuit.secret).as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "the circuit is gone");
    let (_, metrics) = http(addr, "GET", "/metrics", None, b"").await;
    assert!(
        metrics.contains("brasa_circuits_ended_total{reason=\"terminated\"} 1"),
        "{metrics}"
    );
    let (status, body) = http(addr, "GET", "/_blazor/initializers", None, b"").await;
    assert_eq!((status, body.as_str()), (200, "[]"));
}

// Fact sheet §4.2: the JSON protocol is refused in a text frame and the socket closes.
// SRV-5.1 (the refusal in a text frame), SRV-5.5 (then the Close frame, code 1000).
#[tokio::test]
async fn json_protocol_handshake_is_refused_in_a_text_frame() {
    let addr = start(Config::default()).await;
    let mut client = Client::open(addr).await;
    client
        .socket
        .send(Message::Text("{\"protocol\":\"json\",\"version\":1}\u{1e}".into()))
        .await
        .unwrap();
    match client.frame().await {
        Some(Message::Text(text)) => assert_eq!(
            text.as_str(),
            "{\"error\":\"The protocol 'json' is not supported.\"}\u{1e}"
        ),
        other => panic!("refusal: {other:?}"),
    }
    match client.frame().await {
        Some(Message::Close(Some(frame))) => assert_eq!(u16::from(frame.code), 1000),
        None => {}
        other => panic!("close: {other:?}"),
    }
}

// Fact sheet §12.1–§12.2: ConnectCircuit on a new connection resends the unacknowledged
// batches, in order and byte-identical, before its completion; state survives.
#[tokio::test]
async fn reconnect_resends_unacknowledged_batches() {
    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/counter").await;
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    circuit.click("inc", "1").await;
    assert_eq!(circuit.batch().await, 3);
    let _ = circuit.client.next_call().await; // EndInvokeDotNet
    circuit.click("inc", "2").await;
    assert_eq!(circuit.batch().await, 4);
    let _ = circuit.client.next_call().await;
    // Batches 3 and 4 are not acknowledged; the socket is cut.
    drop(circuit.client);

    let mut client = Client::open(addr).await;
    client.handshake().await;
    let id = client
        .invoke(&ClientCall::ConnectCircuit {
            secret: Some(circuit.secret.clone()),
        })
        .await;
    let mut resent = Vec::new();
    loop {
        match client.next().await.unwrap() {
            HubMessage::Invocation(invocation) => {
                match ServerCall::from_invocation(&invocation.target, &invocation.arguments).unwrap() {
                    ServerCall::RenderBatch { batch_id, .. } => resent.push(batch_id),
                    other => panic!("unexpected {other:?}"),
                }
            }
            HubMessage::Completion {
                invocation_id, result, ..
            } => {
                assert_eq!(invocation_id, id);
                assert_eq!(result, CompletionResult::Value(Value::Bool(true)));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(resent, [3, 4]);
    circuit.client = client;
    circuit.ack(4).await;
    circuit.click("inc", "3").await;
    assert_eq!(circuit.batch().await, 5);
    assert_eq!(text_of(&circuit.document, "count"), "Current count: 3");

    // An unknown secret answers false (CIR-4.3).
    let mut other = Client::open(addr).await;
    other.handshake().await;
    let id = other
        .invoke(&ClientCall::ConnectCircuit {
            secret: Some("bm90LWEtc2VjcmV0".into()),
        })
        .await;
    assert_eq!(other.completion(&id).await, CompletionResult::Value(Value::Bool(false)));
}

// Fact sheet §4.4: nothing from the client for the client timeout closes the socket; the
// server pings while the connection is idle.
// SRV-5.3 (Ping 02 91 06 after nothing sent), SRV-5.4 (the client timeout).
#[tokio::test]
async fn idle_connections_are_pinged_then_closed() {
    let addr = start(Config {
        keep_alive: Duration::from_millis(200),
        client_timeout: Duration::from_millis(700),
        ..Config::default()
    })
    .await;
    let mut client = Client::open(addr).await;
    client.handshake().await;
    match client.frame().await {
        Some(Message::Binary(bytes)) => assert_eq!(&bytes[..], [0x02, 0x91, 0x06]),
        other => panic!("ping: {other:?}"),
    }
    loop {
        match client.frame().await {
            Some(Message::Binary(bytes)) => assert_eq!(&bytes[..], [0x02, 0x91, 0x06]),
            Some(Message::Close(_)) | None => break,
            other => panic!("{other:?}"),
        }
    }
}

// The client script is served only when the committed bundle exists (SRV-2.6).
#[tokio::test]
async fn client_script_is_404_without_a_bundle() {
    let addr = start(Config {
        client_bundle: Some("/nonexistent/brasa.js".into()),
        ..Config::default()
    })
    .await;
    let (status, _) = http(addr, "GET", "/_framework/blazor.web.js", None, b"").await;
    assert_eq!(status, 404);
}

// The embedded bundle (reference-impl/client/dist/brasa.js at build time) is served as is
// (SRV-2.6).
#[tokio::test]
async fn client_script_serves_the_embedded_bundle() {
    let addr = start(Config::default()).await;
    let (status, body) = http(addr, "GET", "/_framework/blazor.web.js", None, b"").await;
    match brasa_server::EMBEDDED_CLIENT {
        Some(bytes) => assert_eq!((status, body.as_bytes()), (200, bytes)),
        None => assert_eq!(status, 404),
    }
}

// The conformance app's /todo over the socket: keyed rows, @bind on input and checkbox.
#[tokio::test]
async fn todo_adds_toggles_reverses_and_clears() {
    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/todo").await;
    assert_eq!(text_of(&circuit.document, "left"), "0 left of 0");
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    let add = circuit.handler("add", "click");
    circuit.dispatch(add, "click", "null", "{}").await;
    let title = circuit.handler("title", "input");
    circuit
        .dispatch(
            title,
            "input",
            "{\"componentId\":0,\"fieldValue\":\"milk\"}",
            "{\"value\":\"milk\"}",
        )
        .await;
    circuit.dispatch(add, "click", "null", "{}").await;
    assert_eq!(text_of(&circuit.document, "left"), "2 left of 2");
    assert!(text_of(&circuit.document, "item-2").contains("<span class=\"text\">milk</span>"));
    let done = circuit.handler_in("item-1", "done", "change");
    circuit
        .dispatch(
            done,
            "change",
            "{\"componentId\":0,\"fieldValue\":true}",
            "{\"value\":true}",
        )
        .await;
    assert_eq!(text_of(&circuit.document, "left"), "1 left of 2");
    let reverse = circuit.handler("reverse", "click");
    circuit.dispatch(reverse, "click", "null", "{}").await;
    let items = text_of(&circuit.document, "items");
    assert!(items.find("item-2").unwrap() < items.find("item-1").unwrap(), "{items}");
    let clear = circuit.handler("clear-done", "click");
    circuit.dispatch(clear, "click", "null", "{}").await;
    assert_eq!(text_of(&circuit.document, "left"), "1 left of 1");
    assert!(!text_of(&circuit.document, "items").contains("item-1"));
}

// SignalR's HandshakeTimeout: a connection that never completes the handshake is closed (SRV-5.2).
#[tokio::test]
async fn handshake_timeout_closes_the_connection() {
    let addr = start(Config {
        handshake_timeout: Duration::from_millis(300),
        ..Config::default()
    })
    .await;
    let mut client = Client::open(addr).await;
    match client.frame().await {
        Some(Message::Close(_)) | None => {}
        other => panic!("expected the close, got {other:?}"),
    }
}

// CIR-2.x / §8.5: handler ids a batch retires keep working until that batch is acknowledged,
// then fail with the recorded error.
#[tokio::test]
async fn retired_handlers_fail_only_after_the_ack() {
    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/todo").await;
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    let add = circuit.handler("add", "click");
    circuit.dispatch(add, "click", "null", "{}").await;
    circuit.dispatch(add, "click", "null", "{}").await;
    let remove = circuit.handler_in("item-1", "remove", "click");
    let remove_args = format!("[{{\"eventHandlerId\":{remove},\"eventName\":\"click\",\"eventFieldInfo\":null}},{{}}]");
    let call = |id: &str| ClientCall::BeginInvokeDotNetFromJs {
        call_id: Some(id.into()),
        assembly_name: None,
        method_identifier: Some("DispatchEventAsync".into()),
        dotnet_object_id: 1,
        arguments_json: Some(remove_args.clone()),
    };
    circuit.client.send_call(&call("20")).await;
    let batch = circuit.batch().await;
    let _ = circuit.client.next_call().await; // EndInvokeDotNet "20"
    assert!(!text_of(&circuit.document, "items").contains("item-1"));
    // Not acknowledged yet: the retired id still dispatches (its receiver, the page, re-renders
    // as ComponentBase does after any handler, so a batch comes first).
    circuit.client.send_call(&call("21")).await;
    let rerender = circuit.batch().await;
    match circuit.client.next_call().await {
        ServerCall::EndInvokeDotNet { call_id, success, .. } => assert_eq!((call_id.as_str(), success), ("21", true)),
        other => panic!("{other:?}"),
    }
    circuit.ack(batch).await;
    circuit.ack(rerender).await;
    circuit.client.send_call(&call("22")).await;
    match circuit.client.next_call().await {
        ServerCall::EndInvokeDotNet {
            call_id,
            success,
            result_or_error,
        } => {
            assert_eq!((call_id.as_str(), success), ("22", false));
            assert!(result_or_error.contains("There is no event handler associated with this event"));
        }
        other => panic!("{other:?}"),
    }
}

// The conformance app's /nested: child components with parameters, child content, a callback
// into the parent, @key, and disposal counted by the children.
#[tokio::test]
async fn nested_children_ping_rename_and_dispose() {
    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/nested").await;
    assert_eq!(text_of(&circuit.document, "pings"), "pings: 0; disposed: 0");
    assert_eq!(
        text_of(&circuit.document, "child-1"),
        "<span class=\"label\">label #1</span><!--!-->\n    <em>content of 1</em><!--!-->\n    <button class=\"ping\">ping</button>"
    );
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    let ping = circuit.handler_in("child-1", "ping", "click");
    circuit.dispatch(ping, "click", "null", "{}").await;
    assert_eq!(text_of(&circuit.document, "pings"), "pings: 2; disposed: 0");
    let rename = circuit.handler("rename", "click");
    circuit.dispatch(rename, "click", "null", "{}").await;
    assert!(text_of(&circuit.document, "child-0").contains("label! #0"));
    let more = circuit.handler("more", "click");
    circuit.dispatch(more, "click", "null", "{}").await;
    assert!(find(&circuit.document, circuit.document.root(), "child-2").is_some());
    let toggle = circuit.handler("toggle", "click");
    circuit.dispatch(toggle, "click", "null", "{}").await;
    assert!(find(&circuit.document, circuit.document.root(), "child-0").is_none());
    // The children are disposed after the render that removed them (as in Blazor).
    assert_eq!(text_of(&circuit.document, "pings"), "pings: 2; disposed: 0");
    circuit.dispatch(more, "click", "null", "{}").await;
    assert_eq!(text_of(&circuit.document, "pings"), "pings: 2; disposed: 3");
}

// The conformance app's /form: the steps of captures/prerender/form, with the texts and
// classes the capture shows after each.
#[tokio::test]
async fn form_binds_validates_and_submits() {
    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/form").await;
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    let value = |v: &str| format!("{{\"value\":{v}}}");
    let field = |v: &str| format!("{{\"componentId\":0,\"fieldValue\":{v}}}");
    for (id, event, v) in [
        ("name", "input", "\"Ada\""),
        ("age", "change", "\"36\""),
        ("subscribe", "change", "true"),
        ("colour", "change", "\"blue\""),
        ("bio", "change", "\"a bio\\nwith two lines\""),
    ] {
        let handler = circuit.handler(id, event);
        circuit.dispatch(handler, event, &field(v), &value(v)).await;
    }
    assert_eq!(
        text_of(&circuit.document, "summary"),
        "Ada (36) likes blue; subscribed: True; bio length 20"
    );
    let submit = circuit
        .document
        .handlers()
        .into_iter()
        .find(|h| h.event_name == "submit")
        .unwrap()
        .event_handler_id;
    circuit.dispatch(submit, "submit", "null", "{}").await;
    let html = circuit.document.inner_html();
    assert!(html.contains("<ul class=\"validation-errors\"><li class=\"validation-message\">The Email field is required.</li><li class=\"validation-message\">The Plan field is required.</li></ul>"), "{html}");
    let email = find(&circuit.document, circuit.document.root(), "email").unwrap();
    assert_eq!(circuit.document.attribute(email, "class"), Some("invalid"));
    assert_eq!(circuit.document.attribute(email, "aria-invalid"), Some("true"));
    assert_eq!(text_of(&circuit.document, "submitted"), "not yet");
    for (id, v) in [
        ("email", "\"ada@example.org\""),
        ("count", "\"3\""),
        ("agree", "true"),
        ("plan", "\"pro\""),
        ("when", "\"2026-11-25\""),
    ] {
        let handler = circuit.handler(id, "change");
        circuit.dispatch(handler, "change", &field(v), &value(v)).await;
    }
    circuit.dispatch(submit, "submit", "null", "{}").await;
    assert_eq!(
        text_of(&circuit.document, "submitted"),
        "ada@example.org x3 pro agree=True 2026-11-25"
    );
    let plan = find(&circuit.document, circuit.document.root(), "plan").unwrap();
    assert_eq!(circuit.document.attribute(plan, "class"), Some("modified valid"));
    assert!(!circuit.document.inner_html().contains("validation-errors"));
}

// Fact sheet §14 (captures/serverjs/counter): blazor.server.js passes the markers in
// StartCircuit; each is attached with its sequence as selector and first rendered before the
// completion; no UpdateRootComponents (SRV-4.2).
#[tokio::test]
async fn server_js_start_flow_renders_before_the_completion() {
    let addr = start(Config::default()).await;
    let (mut marker, _) = marker(addr, "/counter").await;
    marker["uniqueId"] = 0.into();
    let mut client = Client::open(addr).await;
    client.handshake().await;
    let id = client
        .invoke(&ClientCall::StartCircuit {
            base_uri: Some(format!("http://{addr}/")),
            uri: Some(format!("http://{addr}/counter")),
            components: Some(serde_json::json!([marker]).to_string()),
            application_state: Some(String::new()),
        })
        .await;
    assert!(matches!(
        client.next_call().await,
        ServerCall::BeginInvokeJs { async_handle: 2, .. }
    ));
    assert_eq!(
        client.next_call().await,
        ServerCall::AttachComponent {
            component_id: 0,
            selector: "0".into(),
        }
    );
    let ServerCall::RenderBatch { batch_id: 2, batch } = client.next_call().await else {
        panic!("batch 2");
    };
    let CompletionResult::Value(Value::Str(secret)) = client.completion(&id).await else {
        panic!("the secret");
    };
    let mut document = Document::with_root_component(0);
    document.apply_bytes(&batch).unwrap();
    let mut circuit = Circuit {
        client,
        secret,
        document,
        last_batch: 2,
    };
    assert_eq!(text_of(&circuit.document, "count"), "Current count: 0");
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    circuit.click("inc", "1").await;
    circuit.batch().await;
    assert_eq!(text_of(&circuit.document, "count"), "Current count: 1");
    assert!(!circuit.secret.is_empty());
}

// §2.4/§5.3: a tampered descriptor in StartCircuit is rejected with JS.Error and the close
// (SRV-3.4, SRV-4.2).
#[tokio::test]
async fn tampered_descriptors_are_rejected() {
    let addr = start(Config::default()).await;
    let (mut marker, _) = marker(addr, "/counter").await;
    let descriptor = marker["descriptor"].as_str().unwrap().to_owned();
    let tampered = format!("{}A{}", &descriptor[..10], &descriptor[11..]);
    let tampered = if tampered == descriptor {
        format!("{}B{}", &descriptor[..10], &descriptor[11..])
    } else {
        tampered
    };
    marker["descriptor"] = tampered.into();
    let mut client = Client::open(addr).await;
    client.handshake().await;
    client
        .invoke(&ClientCall::StartCircuit {
            base_uri: Some(format!("http://{addr}/")),
            uri: Some(format!("http://{addr}/counter")),
            components: Some(serde_json::json!([marker]).to_string()),
            application_state: Some(String::new()),
        })
        .await;
    assert_eq!(
        client.next_call().await,
        ServerCall::Error {
            message: "The list of component records is not valid.".into()
        }
    );
}

// CIR-4.2 (fact sheet §12.3): a disconnected circuit is retained for the retention period, then
// expires (the timer task ticks the core); ConnectCircuit then answers false. SRV-6.1 (the
// retention is configurable), SRV-7.1 (retained, ended by reason).
#[tokio::test]
async fn disconnected_circuits_expire_after_the_retention_period() {
    let addr = start(Config {
        retention: Duration::from_millis(300),
        ..Config::default()
    })
    .await;
    let circuit = start_circuit(addr, "/counter").await;
    drop(circuit.client);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_, metrics) = http(addr, "GET", "/metrics", None, b"").await;
    assert!(metrics.contains("brasa_circuits_retained 1"), "{metrics}");
    tokio::time::sleep(Duration::from_millis(900)).await;
    let (_, metrics) = http(addr, "GET", "/metrics", None, b"").await;
    assert!(metrics.contains("brasa_circuits_retained 0"), "{metrics}");
    assert!(
        metrics.contains("brasa_circuits_ended_total{reason=\"expired\"} 1"),
        "{metrics}"
    );
    let mut client = Client::open(addr).await;
    client.handshake().await;
    let id = client
        .invoke(&ClientCall::ConnectCircuit {
            secret: Some(circuit.secret.clone()),
        })
        .await;
    assert_eq!(
        client.completion(&id).await,
        CompletionResult::Value(Value::Bool(false))
    );
}

#[tokio::test]
async fn prerendered_pages_carry_the_first_render_between_markers() {
    // SRV-3.5: with prerendering on, the start marker has a prerenderId, the first render's HTML
    // follows it, and an end marker with the same id closes it (recorded:
    // prerender/counter/page.html); SRV-3.1: under any host name.
    let addr = start(Config {
        prerender: true,
        ..Config::default()
    })
    .await;
    let (status, page) = http(addr, "GET", "/counter", None, b"").await;
    assert_eq!(status, 200);
    let start_at = page.find("<!--Blazor:").unwrap() + "<!--Blazor:".len();
    let start_end = start_at + page[start_at..].find("-->").unwrap();
    let marker: serde_json::Value = serde_json::from_str(&page[start_at..start_end]).unwrap();
    let id = marker["prerenderId"].as_str().expect("a prerenderId").to_owned();
    assert!(id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    let members: Vec<&String> = marker.as_object().unwrap().keys().collect();
    assert!(
        page[start_at..].starts_with("{\"type\":\"server\",\"prerenderId\":"),
        "member order"
    );
    assert_eq!(members.len(), 5);
    let end_marker = format!("<!--Blazor:{{\"prerenderId\":\"{id}\"}}-->");
    let end_at = page.find(&end_marker).expect("the end marker");
    let html = &page[start_end + 3..end_at];
    assert!(html.starts_with("<h1>Counter</h1>"), "{html}");
    assert!(
        html.contains("<p id=\"count\" role=\"status\">Current count: 0</p>"),
        "{html}"
    );
    assert!(!html.contains("<!--"), "no logical-container comments: {html}");
    // Each request gets its own id; the nav page shows the request's URI.
    let (_, again) = http(addr, "GET", "/counter", None, b"").await;
    assert!(!again.contains(&id));
    let (_, nav) = http(addr, "GET", "/nav?x=7", None, b"").await;
    assert!(
        nav.contains(&format!("<p id=\"where\">http://{addr}/nav?x=7</p>")),
        "{nav}"
    );
}

// SRV-6.1: `max_buffered_batches` is the circuit's window (CIR-2.4). With a window of one, a
// click while batch 3 is unacknowledged runs (its call completes) but renders nothing until the
// ack; the batch that follows shows both clicks.
#[tokio::test]
async fn configured_window_holds_renders_until_the_ack() {
    let addr = start(Config {
        max_buffered_batches: 1,
        ..Config::default()
    })
    .await;
    let mut circuit = start_circuit(addr, "/counter").await;
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    circuit.click("inc", "1").await;
    assert_eq!(circuit.batch().await, 3);
    assert!(matches!(
        circuit.client.next_call().await,
        ServerCall::EndInvokeDotNet { .. }
    ));
    circuit.click("inc", "2").await;
    match circuit.client.next_call().await {
        ServerCall::EndInvokeDotNet { call_id, success, .. } => assert_eq!((call_id.as_str(), success), ("2", true)),
        other => panic!("expected the click's completion and no batch while the window is full, got {other:?}"),
    }
    assert_eq!(text_of(&circuit.document, "count"), "Current count: 1");
    circuit.ack(3).await;
    assert_eq!(circuit.batch().await, 4);
    assert_eq!(text_of(&circuit.document, "count"), "Current count: 2");
}

// SRV-6.1: `max_message_size` is the hub's receive limit (CIR-5.3). The same 5,000-byte click
// (its event args padded with JSON whitespace) is handled under the default 32 KiB limit and
// closes the connection with the hub's error under a 4 KiB one.
#[tokio::test]
async fn configured_message_limit_applies() {
    async fn padded_click(limit: Option<usize>) -> Option<HubMessage> {
        let config = match limit {
            Some(max_message_size) => Config {
                max_message_size,
                ..Config::default()
            },
            None => Config::default(),
        };
        let addr = start(config).await;
        let mut circuit = start_circuit(addr, "/counter").await;
        circuit.ack(2).await;
        circuit.start_up_calls().await;
        let handler = circuit.handler("inc", "click");
        let args = format!(
            "[{{\"eventHandlerId\":{handler},\"eventName\":\"click\",\"eventFieldInfo\":null}},{}{{\"detail\":1}}]",
            " ".repeat(5000)
        );
        circuit
            .client
            .send_call(&ClientCall::BeginInvokeDotNetFromJs {
                call_id: Some("1".into()),
                assembly_name: None,
                method_identifier: Some("DispatchEventAsync".into()),
                dotnet_object_id: 1,
                arguments_json: Some(args),
            })
            .await;
        circuit.client.next().await
    }
    match padded_click(None).await {
        Some(HubMessage::Invocation(invocation)) => assert_eq!(invocation.target, "JS.RenderBatch"),
        other => panic!("under the default limit the click renders, got {other:?}"),
    }
    assert_eq!(
        padded_click(Some(4096)).await,
        Some(HubMessage::Close {
            error: Some("Connection closed with an error.".into()),
            allow_reconnect: Some(true),
        })
    );
}
