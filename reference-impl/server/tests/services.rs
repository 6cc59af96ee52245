//! The circuit services over a real WebSocket (spec/services.md, fact sheet §9–§11): the
//! conformance app's Interop, Nav, Throw and Ticker pages driven by a protocol client, checking
//! the messages in both directions against the recorded shapes.

mod support;

use support::*;

/// What the server sent next, batches aside.
#[derive(Debug)]
enum Next {
    Call(ServerCall),
    Item(String, Value),
    Completion(String, CompletionResult),
}

/// A circuit on a page whose batches are applied and acknowledged as they come.
struct Session {
    circuit: Circuit,
    addr: SocketAddr,
    next_call_id: u32,
}

impl Session {
    /// A circuit on `path`, its first batch acknowledged and the start-up calls answered.
    async fn start(path: &str) -> Session {
        let addr = start(Config::default()).await;
        let mut circuit = start_circuit(addr, path).await;
        circuit.ack(2).await;
        circuit.start_up_calls().await;
        Session {
            circuit,
            addr,
            next_call_id: 100,
        }
    }

    fn client(&mut self) -> &mut Client {
        &mut self.circuit.client
    }

    /// The next message that is not a batch (batches are applied and acknowledged) and not
    /// the answer to an event dispatch (call ids `e…`).
    async fn next(&mut self) -> Next {
        loop {
            match self.circuit.client.next().await.expect("the connection stays open") {
                HubMessage::Invocation(invocation) => {
                    let call = ServerCall::from_invocation(&invocation.target, &invocation.arguments).unwrap();
                    match call {
                        ServerCall::RenderBatch { batch_id, batch } => {
                            assert_eq!(batch_id, self.circuit.last_batch + 1, "batches in order");
                            self.circuit.last_batch = batch_id;
                            self.circuit.document.apply_bytes(&batch).unwrap();
                            self.circuit.ack(batch_id).await;
                        }
                        ServerCall::EndInvokeDotNet {
                            ref call_id, success, ..
                        } if call_id.starts_with('e') => {
                            assert!(success, "{call:?}");
                        }
                        other => return Next::Call(other),
                    }
                }
                HubMessage::StreamItem {
                    invocation_id, item, ..
                } => return Next::Item(invocation_id, item),
                HubMessage::Completion {
                    invocation_id, result, ..
                } => return Next::Completion(invocation_id, result),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    async fn next_call(&mut self) -> ServerCall {
        match self.next().await {
            Next::Call(call) => call,
            other => panic!("expected a call, got {other:?}"),
        }
    }

    /// The next call must be `BeginInvokeJS` of `identifier` with this result type; returns
    /// its handle and arguments.
    async fn expect_js(&mut self, identifier: &str, result_type: i64) -> (i64, String) {
        match self.next_call().await {
            ServerCall::BeginInvokeJs {
                async_handle,
                identifier: got,
                arguments_json,
                result_type: kind,
                target_instance_id: 0,
                call_type: 1,
            } if got == identifier => {
                assert_eq!(kind, result_type, "{identifier}'s result type");
                (async_handle, arguments_json)
            }
            other => panic!("expected {identifier}, got {other:?}"),
        }
    }

    /// `EndInvokeJSFromDotNet(handle, ok, "[handle, ok, result]")`.
    async fn answer(&mut self, handle: i64, ok: bool, result: &str) {
        self.client()
            .send_call(&ClientCall::EndInvokeJsFromDotNet {
                async_handle: handle,
                succeeded: ok,
                arguments_json: Some(format!("[{handle},{ok},{result}]")),
            })
            .await;
    }

    /// A click on `#id` (the answer to the dispatch is skipped by [`Self::next`]).
    async fn click(&mut self, id: &str) {
        self.next_call_id += 1;
        let call_id = format!("e{}", self.next_call_id);
        self.circuit.click(id, &call_id).await;
    }

    /// Reads until `#id` shows `text` (bounded by the client's waits).
    async fn until_text(&mut self, id: &str, text: &str) {
        for _ in 0..50 {
            if find(&self.circuit.document, self.circuit.document.root(), id).is_some()
                && text_of(&self.circuit.document, id) == text
            {
                return;
            }
            let ServerCall::RenderBatch { batch_id, batch } = self.circuit.client.next_call().await else {
                continue;
            };
            self.circuit.last_batch = batch_id;
            self.circuit.document.apply_bytes(&batch).unwrap();
            self.circuit.ack(batch_id).await;
        }
        assert_eq!(text_of(&self.circuit.document, id), text);
    }

    /// Reads until the focus moves after a navigation, then expects the not-found page.
    async fn until_not_found(&mut self) {
        loop {
            if let Next::Call(ServerCall::BeginInvokeJs { identifier, .. }) = self.next().await
                && identifier.ends_with("focusBySelector")
            {
                break;
            }
        }
        let html = self.circuit.document.inner_html_of(self.circuit.document.root());
        assert!(html.contains("<h3>Not Found</h3>"), "{html}");
    }

    /// `BeginInvokeDotNetFromJS` (JS → .NET) and its `JS.EndInvokeDotNet`.
    async fn call_dotnet(&mut self, assembly: Option<&str>, method: &str, object: i64, args: &str) -> (bool, String) {
        self.next_call_id += 1;
        let call_id = self.next_call_id.to_string();
        self.client()
            .send_call(&ClientCall::BeginInvokeDotNetFromJs {
                call_id: Some(call_id.clone()),
                assembly_name: assembly.map(str::to_owned),
                method_identifier: Some(method.into()),
                dotnet_object_id: object,
                arguments_json: Some(args.into()),
            })
            .await;
        match self.next_call().await {
            ServerCall::EndInvokeDotNet {
                call_id: got,
                success,
                result_or_error,
            } => {
                assert_eq!(got, call_id);
                (success, result_or_error)
            }
            other => panic!("expected JS.EndInvokeDotNet, got {other:?}"),
        }
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// The InputFile's first render: `InputFile.init` after the start-up calls, with the
/// component's object reference and its element's reference id (fact sheet §9.4).
async fn input_file_init(s: &mut Session) -> (i64, String) {
    let (handle, args) = s.expect_js("Blazor._internal.InputFile.init", 3).await;
    assert_eq!(handle, 5, "after the start-up calls 3 and 4, as recorded");
    let args = json(&args);
    let object = args[0]["__dotNetObject"].as_i64().expect("an object reference");
    let element = args[1]["__internalId"]
        .as_str()
        .expect("an element reference")
        .to_owned();
    s.answer(handle, true, "null").await;
    (object, element)
}

#[tokio::test]
async fn interop_calls_results_errors_and_object_references() {
    // SVC-1.1 (handles, the six arguments), SVC-1.2 (result kinds, errors), SVC-1.5, SVC-1.6.
    let mut s = Session::start("/interop").await;
    let (input_file, _) = input_file_init(&mut s).await;

    s.click("call").await;
    let (handle, args) = s.expect_js("Math.max", 0).await;
    assert_eq!((handle, args.as_str()), (6, "[3,9,4]"));
    s.answer(handle, true, "9").await;
    let (handle, args) = s.expect_js("console.log", 3).await;
    assert_eq!(args, r#"["from .NET",{"a":1,"b":"two"}]"#);
    s.answer(handle, true, "null").await;
    s.until_text("result", "max 9").await;

    s.click("callback").await;
    let (handle, args) = s.expect_js("brasaCapture.callBack", 0).await;
    let args = json(&args);
    let object = args[0]["__dotNetObject"].as_i64().unwrap();
    assert_eq!(args[1], "hello");
    assert_eq!(object, input_file + 1, "ids from one sequence per circuit");
    // The callback runs while the .NET→JS call is pending.
    assert_eq!(
        s.call_dotnet(None, "Shout", object, r#"["hello"]"#).await,
        (true, r#""HELLO!""#.into())
    );
    s.answer(handle, true, r#""HELLO!""#).await;
    s.until_text("result", "callback HELLO!").await;

    // Unknown object, unknown method, static methods: the call fails, the circuit goes on.
    let (ok, error) = s.call_dotnet(None, "Shout", 424242, "[]").await;
    assert!(!ok && error.starts_with("System.ArgumentException: There is no tracked object with id '424242'."));
    let (ok, error) = s.call_dotnet(None, "Whisper", object, "[]").await;
    assert!(!ok && error.contains("Whisper"), "{error}");
    assert_eq!(
        s.call_dotnet(Some("BrasaCapture"), "Add", 0, "[2,3]").await,
        (true, "5".into())
    );
    let (ok, error) = s.call_dotnet(Some("NoSuchAssembly"), "Add", 0, "[2,3]").await;
    assert!(!ok);
    assert_eq!(
        error,
        "System.ArgumentException: There is no loaded assembly with the name 'NoSuchAssembly'."
    );

    s.click("fail").await;
    let (handle, args) = s.expect_js("brasaCapture.fail", 3).await;
    assert_eq!(args, "[]");
    s.answer(
        handle,
        false,
        r#""thrown in JS\nError: thrown in JS\n    at Object.fail (http://x/interop:58:29)""#,
    )
    .await;
    s.until_text("result", "js error: thrown in JS").await;

    // SVC-1.3: a second answer for the same handle changes nothing; SVC-1.4: malformed
    // arguments end the circuit.
    s.answer(handle, true, "1").await;
    s.client()
        .send_call(&ClientCall::EndInvokeJsFromDotNet {
            async_handle: 77,
            succeeded: true,
            arguments_json: Some("[77,true]".into()),
        })
        .await;
    assert_eq!(
        s.next_call().await,
        ServerCall::Error {
            message: "Invalid interop arguments.".into()
        }
    );
    let _ = s.addr;
}

#[tokio::test]
async fn byte_arrays_travel_beside_the_json() {
    // SVC-1.7: .NET→JS ids from 1, JS→.NET ids from 0 per payload.
    let mut s = Session::start("/interop").await;
    input_file_init(&mut s).await;
    s.click("bytes").await;
    assert_eq!(
        s.next_call().await,
        ServerCall::ReceiveByteArray {
            id: 1,
            data: vec![0, 1, 2, 250, 255]
        }
    );
    let (handle, args) = s.expect_js("brasaCapture.echoBytes", 0).await;
    assert_eq!(args, r#"[{"__byte[]":1}]"#);
    s.client()
        .send_call(&ClientCall::ReceiveByteArray {
            id: 0,
            data: Some(vec![0, 1, 2, 250, 255]),
        })
        .await;
    s.answer(handle, true, r#"{"__byte[]":0}"#).await;
    s.until_text("result", "bytes 0,1,2,250,255").await;
    // Out of sequence: the circuit ends.
    s.client()
        .send_call(&ClientCall::ReceiveByteArray {
            id: 5,
            data: Some(vec![1]),
        })
        .await;
    assert_eq!(
        s.next_call().await,
        ServerCall::Error {
            message: "Invalid interop arguments.".into()
        }
    );
}

#[tokio::test]
async fn dotnet_streams_are_claimed_with_a_stream_invocation() {
    // SVC-1.8: JS.BeginTransmitStream, then SendDotNetStreamToJS answered by 32 KiB items and a
    // completion.
    let mut s = Session::start("/interop").await;
    input_file_init(&mut s).await;
    s.click("stream-out").await;
    let ServerCall::BeginTransmitStream { stream_id } = s.next_call().await else {
        panic!("JS.BeginTransmitStream first");
    };
    let (handle, args) = s.expect_js("brasaCapture.readStream", 0).await;
    assert_eq!(json(&args), serde_json::json!([{ "__dotNetStream": stream_id }]));
    let claim = |id: &str| {
        HubMessage::StreamInvocation(hub::Invocation {
            headers: vec![],
            invocation_id: Some(id.into()),
            target: "SendDotNetStreamToJS".into(),
            arguments: vec![Value::Int(stream_id)],
            stream_ids: None,
        })
    };
    s.client().send(&claim("1")).await;
    let mut received = Vec::new();
    loop {
        match s.next().await {
            Next::Item(id, Value::Bin(bytes)) => {
                assert_eq!(id, "1");
                assert!(bytes.len() <= 32 * 1024);
                received.extend(bytes);
            }
            Next::Completion(id, CompletionResult::Void) => {
                assert_eq!(id, "1");
                break;
            }
            other => panic!("a stream item or the completion, got {other:?}"),
        }
    }
    assert_eq!(received.len(), 100_000);
    assert!(received.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
    // Claimed once.
    s.client().send(&claim("2")).await;
    assert!(matches!(s.next().await, Next::Completion(id, CompletionResult::Error(_)) if id == "2"));
    s.answer(handle, true, "100000").await;
    s.until_text("result", "js read 100000 bytes").await;
}

/// Pushes `length` bytes as ReceiveJSDataChunk invocations of at most 32,256 bytes; each is
/// answered `true`. Returns the calls the server made meanwhile (before an answer).
async fn push_chunks(s: &mut Session, stream_id: i64, length: usize, byte: impl Fn(usize) -> u8) -> Vec<ServerCall> {
    let mut calls = Vec::new();
    let data: Vec<u8> = (0..length).map(byte).collect();
    for (chunk_id, chunk) in data.chunks(32_256).enumerate() {
        let id = s
            .client()
            .invoke(&ClientCall::ReceiveJsDataChunk {
                stream_id,
                chunk_id: chunk_id as i64,
                chunk: Some(chunk.to_vec()),
                error: None,
            })
            .await;
        loop {
            match s.next().await {
                Next::Completion(got, CompletionResult::Value(Value::Bool(true))) => {
                    assert_eq!(got, id);
                    break;
                }
                Next::Call(call) => calls.push(call),
                other => panic!("chunk {chunk_id} answered true, got {other:?}"),
            }
        }
    }
    calls
}

/// The call that releases JS object `id` (after its stream was read).
fn releases(calls: &[ServerCall], id: i64) -> Option<i64> {
    calls.iter().find_map(|call| match call {
        ServerCall::BeginInvokeJs {
            async_handle,
            identifier,
            arguments_json,
            result_type: 3,
            ..
        } if identifier == "DotNet.disposeJSObjectReferenceById" && *arguments_json == format!("[{id}]") => {
            Some(*async_handle)
        }
        _ => None,
    })
}

#[tokio::test]
async fn js_streams_and_file_uploads_arrive_in_chunks() {
    // SVC-1.9: sendJSDataStream, ReceiveJSDataChunk, the JS object released; InputFile.
    let mut s = Session::start("/interop").await;
    let (input_file, element) = input_file_init(&mut s).await;

    s.click("stream-in").await;
    let (handle, args) = s.expect_js("brasaCapture.makeBytes", 2).await;
    assert_eq!(args, "[70000]");
    s.answer(handle, true, r#"{"__jsStreamReferenceLength":70000,"__jsObjectId":1}"#)
        .await;
    let (handle, args) = s.expect_js("Blazor._internal.sendJSDataStream", 3).await;
    assert_eq!(args, r#"[{"__jsObjectId":1},0,32256]"#);
    s.answer(handle, true, "null").await;
    let calls = push_chunks(&mut s, 0, 70_000, |i| (i % 253) as u8).await;
    let handle = releases(&calls, 1).expect("the JS object released once read");
    s.answer(handle, true, "null").await;
    s.until_text("result", "dotnet read 70000 bytes").await;
    // The stream is done: a late chunk is not taken.
    let id = s
        .client()
        .invoke(&ClientCall::ReceiveJsDataChunk {
            stream_id: 0,
            chunk_id: 3,
            chunk: Some(vec![1]),
            error: None,
        })
        .await;
    assert!(matches!(s.next().await, Next::Completion(got, CompletionResult::Value(Value::Bool(false))) if got == id));

    // The upload: NotifyChange on the InputFile's reference, readFileData, the chunks.
    let files = r#"[[{"id":1,"lastModified":"2026-11-25T00:00:00.000Z","name":"up.bin","size":50000,"contentType":"application/octet-stream","blob":{}}]]"#;
    s.next_call_id += 1;
    s.client()
        .send_call(&ClientCall::BeginInvokeDotNetFromJs {
            call_id: Some("8".into()),
            assembly_name: None,
            method_identifier: Some("NotifyChange".into()),
            dotnet_object_id: input_file,
            arguments_json: Some(files.into()),
        })
        .await;
    let (handle, args) = s.expect_js("Blazor._internal.InputFile.readFileData", 2).await;
    assert_eq!(json(&args), serde_json::json!([{ "__internalId": element }, 1]));
    assert!(
        matches!(s.next_call().await, ServerCall::EndInvokeDotNet { call_id, success: true, .. } if call_id == "8")
    );
    s.answer(handle, true, r#"{"__jsStreamReferenceLength":50000,"__jsObjectId":2}"#)
        .await;
    let (handle, args) = s.expect_js("Blazor._internal.sendJSDataStream", 3).await;
    assert_eq!(args, r#"[{"__jsObjectId":2},1,32256]"#);
    s.answer(handle, true, "null").await;
    let calls = push_chunks(&mut s, 1, 50_000, |_| 7).await;
    assert!(releases(&calls, 2).is_some(), "{calls:?}");
    s.until_text("result", "uploaded up.bin 50000 bytes").await;

    // A chunk out of order ends the circuit.
    s.click("stream-in").await;
    let (handle, _) = s.expect_js("brasaCapture.makeBytes", 2).await;
    s.answer(handle, true, r#"{"__jsStreamReferenceLength":70000,"__jsObjectId":3}"#)
        .await;
    let (handle, _) = s.expect_js("Blazor._internal.sendJSDataStream", 3).await;
    s.answer(handle, true, "null").await;
    s.client()
        .send_call(&ClientCall::ReceiveJsDataChunk {
            stream_id: 2,
            chunk_id: 1,
            chunk: Some(vec![0; 10]),
            error: None,
        })
        .await;
    assert_eq!(
        s.next_call().await,
        ServerCall::Error {
            message: "Invalid chunk supplied to stream.".into()
        }
    );
}

#[tokio::test]
async fn navigation_with_a_lock_and_the_router() {
    // SVC-2.1 to SVC-2.5 on the Nav page (fact sheet §10).
    let mut s = Session::start("/nav").await;
    let base = format!("http://{}/", s.addr);
    // The lock registers after the first batch was displayed.
    let (handle, args) = s
        .expect_js("Blazor._internal.navigationManager.setHasLocationChangingListeners", 3)
        .await;
    assert_eq!((handle, args.as_str()), (5, "[1,true]"));
    s.answer(handle, true, "null").await;

    s.click("go").await;
    let (handle, args) = s.expect_js("Blazor._internal.navigationManager.navigateTo", 3).await;
    assert_eq!(
        args,
        r#"["nav?x=1",{"forceLoad":false,"replaceHistoryEntry":false,"historyEntryState":null}]"#
    );
    s.client()
        .send_call(&ClientCall::OnLocationChanged {
            uri: Some(format!("{base}nav?x=1")),
            state: None,
            intercepted: false,
        })
        .await;
    s.answer(handle, true, "null").await;
    s.until_text("changes", "1").await;
    assert_eq!(text_of(&s.circuit.document, "where"), format!("{base}nav?x=1"));

    s.click("go-replace").await;
    let (handle, args) = s.expect_js("Blazor._internal.navigationManager.navigateTo", 3).await;
    assert!(args.contains(r#""replaceHistoryEntry":true"#), "{args}");
    s.answer(handle, true, "null").await;

    // A NavigateTo the lock prevents never reaches the browser: only the page's render.
    s.click("go-blocked").await;
    s.until_text("blocked", "1").await;

    // Browser-started navigations ask first.
    for (call_id, target, go_on) in [(1, "nav?blocked=2", false), (2, "counter", true)] {
        s.client()
            .send_call(&ClientCall::OnLocationChanging {
                call_id,
                uri: Some(format!("{base}{target}")),
                state: None,
                intercepted: true,
            })
            .await;
        assert_eq!(
            s.next_call().await,
            ServerCall::EndLocationChanging {
                call_id,
                should_continue: go_on
            }
        );
    }
    s.until_text("blocked", "2").await;

    // The link: the router shows the counter, the lock goes away, the focus moves after the
    // batch was displayed.
    s.client()
        .send_call(&ClientCall::OnLocationChanged {
            uri: Some(format!("{base}counter")),
            state: None,
            intercepted: true,
        })
        .await;
    s.until_text("count", "Current count: 0").await;
    let (_, args) = s
        .expect_js("Blazor._internal.navigationManager.setHasLocationChangingListeners", 3)
        .await;
    assert_eq!(args, "[1,false]");
    let (_, args) = s.expect_js("Blazor._internal.domWrapper.focusBySelector", 3).await;
    assert_eq!(args, r#"["h1"]"#);

    // An address without a route: the not-found page.
    s.client()
        .send_call(&ClientCall::OnLocationChanged {
            uri: Some(format!("{base}no-such-page")),
            state: None,
            intercepted: true,
        })
        .await;
    s.until_not_found().await;

    // A foreign URI ends the circuit.
    s.client()
        .send_call(&ClientCall::OnLocationChanged {
            uri: Some("https://elsewhere.example/x".into()),
            state: None,
            intercepted: false,
        })
        .await;
    assert_eq!(
        s.next_call().await,
        ServerCall::Error {
            message: format!(
                "System.ArgumentException: The URI 'https://elsewhere.example/x' is not contained by the base URI '{base}'."
            )
        }
    );
}

#[tokio::test]
async fn an_exception_in_a_handler_ends_the_circuit() {
    // SVC-4.1 (fact sheet §11.1): JS.Error, no EndInvokeDotNet, no batch; later calls get the
    // shut-down error.
    let mut s = Session::start("/throw").await;
    s.click("ok").await;
    s.until_text("ok", "Fine 1").await;
    s.click("throw").await;
    assert_eq!(
        s.next_call().await,
        ServerCall::Error {
            message: "System.InvalidOperationException: boom from a handler".into()
        }
    );
    s.click("ok").await;
    assert_eq!(
        s.next_call().await,
        ServerCall::Error {
            message: "Circuit has been shut down due to error.".into()
        }
    );
}

#[tokio::test]
async fn a_timer_pushes_renders_until_stopped() {
    // SVC-3.1: renders with no event; SVC-3.2 via Stop (the timer goes away).
    let mut s = Session::start("/ticker").await;
    s.click("start").await;
    s.until_text("tick", "tick 3").await;
    s.click("stop").await;
    // Whatever tick was in flight lands; then nothing more comes.
    let mut last = text_of(&s.circuit.document, "tick");
    loop {
        match tokio::time::timeout(std::time::Duration::from_millis(400), s.circuit.client.next()).await {
            Err(_) => break,
            Ok(Some(HubMessage::Invocation(invocation))) => {
                if let ServerCall::RenderBatch { batch_id, batch } =
                    ServerCall::from_invocation(&invocation.target, &invocation.arguments).unwrap()
                {
                    s.circuit.document.apply_bytes(&batch).unwrap();
                    s.circuit.ack(batch_id).await;
                    last = text_of(&s.circuit.document, "tick");
                }
            }
            Ok(other) => panic!("unexpected {other:?}"),
        }
    }
    let n: u32 = last.trim_start_matches("tick ").parse().unwrap();
    assert!(n >= 3, "{last}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(text_of(&s.circuit.document, "tick"), last, "no render after Stop");
}

#[tokio::test]
async fn route_parameters_reach_the_page() {
    // SVC-2.5: `/greet/{Name}` takes one segment, percent-decoded; the same page with another
    // parameter re-renders; a path that does not fit the template is not found.
    let mut s = Session::start("/greet/Ada").await;
    assert_eq!(text_of(&s.circuit.document, "greeting"), "Hello, Ada!");
    let base = format!("http://{}/", s.addr);
    s.client()
        .send_call(&ClientCall::OnLocationChanged {
            uri: Some(format!("{base}GREET/B%C3%B6b?x=1")),
            state: None,
            intercepted: true,
        })
        .await;
    s.until_text("greeting", "Hello, Böb!").await;
    s.client()
        .send_call(&ClientCall::OnLocationChanged {
            uri: Some(format!("{base}greet/Ada/more")),
            state: None,
            intercepted: true,
        })
        .await;
    s.until_not_found().await;
}
