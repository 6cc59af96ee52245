//! The Big, Events and Kinds pages served by `brasa-server`, driven over a real WebSocket on
//! loopback as a browser would (the args go through the server's event parsing). Every wait is
//! bounded.

mod support;

use std::collections::HashMap;

use support::*;

const SESSION: &str = "reference/captures/prerender/events";

/// The recorded `DispatchEventAsync` calls: (recorded handler id, event name, args JSON).
fn recorded_dispatches() -> Vec<(u64, String, serde_json::Value)> {
    let text = std::fs::read_to_string(shared().join(SESSION).join("messages.jsonl")).expect("messages");
    text.lines()
        .filter_map(|line| {
            let message: serde_json::Value = serde_json::from_str(line).expect("JSON");
            let msg = message["msg"].as_array()?;
            if message["dir"] != "out" || msg.get(3)?.as_str()? != "BeginInvokeDotNetFromJS" {
                return None;
            }
            let arguments: serde_json::Value = serde_json::from_str(msg[4][4].as_str()?).expect("JSON");
            Some((
                arguments[0]["eventHandlerId"].as_u64()?,
                arguments[0]["eventName"].as_str()?.to_owned(),
                arguments[1].clone(),
            ))
        })
        .collect()
}

/// The recorded batches, in order.
fn recorded_batches() -> Vec<Vec<u8>> {
    let dir = shared().join(SESSION).join("batches");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).expect("index")).expect("JSON");
    index
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| std::fs::read(dir.join(e["file"].as_str().expect("file"))).expect("batch"))
        .collect()
}

// The 60 dispatches recorded on ASP.NET Core 10, sent to the same element's handler for the same
// event with the same args: after each, `#count` counts it, and `#last` is what the recorded
// page showed whenever a recorded batch showed that state.
#[tokio::test]
async fn events_page_shows_what_aspnetcore_showed_for_the_recorded_dispatches() {
    let batches = recorded_batches();
    let mut recorded = Document::with_root_component(0);
    recorded.apply_bytes(&batches[0]).unwrap();
    let elements: HashMap<u64, String> = recorded
        .handlers()
        .into_iter()
        .map(|h| {
            (
                h.event_handler_id,
                recorded.attribute(h.element, "id").unwrap().to_owned(),
            )
        })
        .collect();
    let mut shown = HashMap::new();
    for batch in &batches[1..] {
        recorded.apply_bytes(batch).unwrap();
        let count: usize = text_of(&recorded, "count").trim_end_matches(" events").parse().unwrap();
        shown.insert(count, text_of(&recorded, "last"));
    }

    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/events").await;
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    let dispatches = recorded_dispatches();
    assert_eq!(dispatches.len(), 60);
    let mut compared = 0;
    for (n, (recorded_handler, event, args)) in dispatches.iter().enumerate() {
        let handler = circuit.handler(&elements[recorded_handler], event);
        circuit.dispatch(handler, event, "null", &args.to_string()).await;
        assert_eq!(text_of(&circuit.document, "count"), format!("{} events", n + 1));
        if let Some(last) = shown.get(&(n + 1)) {
            assert_eq!(&text_of(&circuit.document, "last"), last, "{event} #{n}");
            compared += 1;
        }
    }
    assert!(compared >= 40, "{compared}");
    assert_eq!(text_of(&circuit.document, "count"), "60 events");
    assert_eq!(text_of(&circuit.document, "last"), "EventArgs {}");
}

#[tokio::test]
async fn big_page_creates_and_clears_rows() {
    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/big").await;
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    assert_eq!(text_of(&circuit.document, "rowcount"), "0 rows");
    let run = circuit.handler("run", "click");
    circuit.dispatch(run, "click", "null", "{}").await;
    assert_eq!(text_of(&circuit.document, "rowcount"), "1000 rows");
    assert!(circuit.document.inner_html().contains("<a>angry pink keyboard</a>"));
    let clear = circuit.handler("clear", "click");
    circuit.dispatch(clear, "click", "null", "{}").await;
    assert_eq!(text_of(&circuit.document, "rowcount"), "0 rows");
}

#[tokio::test]
async fn kinds_page_ticks_and_submits_the_named_form() {
    let addr = start(Config::default()).await;
    let mut circuit = start_circuit(addr, "/kinds").await;
    circuit.ack(2).await;
    circuit.start_up_calls().await;
    assert_eq!(text_of(&circuit.document, "tick"), "Tick 0");
    let tick = circuit.handler("tick", "click");
    circuit.dispatch(tick, "click", "null", "{}").await;
    assert!(text_of(&circuit.document, "odd").contains("<span class=\"frag\">fragment 1</span>"));
    let submit = circuit.handler("named", "submit");
    circuit.dispatch(submit, "submit", "null", "{}").await;
    assert_eq!(text_of(&circuit.document, "tick"), "Tick 2");
    assert!(!circuit.document.inner_html().contains("id=\"odd\""));
}
