//! `Events.razor` (`/events`): every event family, each logged as
//! `e.GetType().Name + " " + JsonSerializer.Serialize((object)e)`.

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder};

use super::dotnet_json::dotnet_event_args;
use super::error_ui;

/// `Events.razor` (`/events`).
#[derive(Debug, Default)]
pub struct Events {
    log: Vec<String>,
    last: String,
}

impl Events {
    /// `Log(e)` for a handler attached to `event_name`. ASP.NET Core builds `e` before the
    /// handler runs; args it cannot read fail the dispatch there and `Log` never runs, so such
    /// args leave the log as it is here.
    fn log(&mut self, event_name: &str, args: &EventArgs) {
        if let Ok(e) = dotnet_event_args(event_name, args) {
            self.last = format!("{} {}", e.type_name, e.json);
            self.log.push(self.last.clone());
        }
    }
}

/// `@on{event}="e => Log(e)"`: a handler that captures nothing but its event name (a constant
/// of its code), so every render makes the same delegate.
macro_rules! log {
    ($event:literal) => {
        EventHandler::new(|page: &mut Events, args: &EventArgs| page.log($event, args))
    };
}

impl Component for Events {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>Events</h1>\n");
        b.open_element(1, "button");
        b.add_attribute(2, "id", "click");
        b.add_attribute(3, "onclick", log!("click"));
        b.add_attribute(4, "ondblclick", log!("dblclick"));
        b.add_attribute(5, "oncontextmenu", log!("contextmenu"));
        b.add_attribute(6, "__internal_preventDefault_oncontextmenu", true);
        b.add_content(7, "click");
        b.close_element();
        b.add_markup_content(8, "\n");
        b.open_element(9, "div");
        b.add_attribute(10, "id", "mouse");
        b.add_attribute(11, "style", "width:200px;height:80px;background:#eee");
        b.add_attribute(12, "onmousedown", log!("mousedown"));
        b.add_attribute(13, "onmouseup", log!("mouseup"));
        b.add_attribute(14, "onmousemove", log!("mousemove"));
        b.add_attribute(15, "onmouseover", log!("mouseover"));
        b.add_attribute(16, "onmouseout", log!("mouseout"));
        b.add_attribute(17, "onwheel", log!("wheel"));
        b.add_content(18, "mouse");
        b.close_element();
        b.add_markup_content(19, "\n");
        b.open_element(20, "div");
        b.add_attribute(21, "id", "pointer");
        b.add_attribute(22, "style", "width:200px;height:80px;background:#ddd");
        b.add_attribute(23, "onpointerdown", log!("pointerdown"));
        b.add_attribute(24, "onpointerup", log!("pointerup"));
        b.add_attribute(25, "onpointermove", log!("pointermove"));
        b.add_attribute(26, "ongotpointercapture", log!("gotpointercapture"));
        b.add_content(27, "pointer");
        b.close_element();
        b.add_markup_content(28, "\n");
        b.open_element(29, "div");
        b.add_attribute(30, "id", "touch");
        b.add_attribute(31, "style", "width:200px;height:80px;background:#ccc");
        b.add_attribute(32, "ontouchstart", log!("touchstart"));
        b.add_attribute(33, "ontouchend", log!("touchend"));
        b.add_attribute(34, "ontouchmove", log!("touchmove"));
        b.add_content(35, "touch");
        b.close_element();
        b.add_markup_content(36, "\n");
        b.open_element(37, "input");
        b.add_attribute(38, "id", "keys");
        b.add_attribute(39, "onkeydown", log!("keydown"));
        b.add_attribute(40, "onkeyup", log!("keyup"));
        b.add_attribute(41, "onkeypress", log!("keypress"));
        b.add_attribute(42, "oninput", log!("input"));
        b.add_attribute(43, "onchange", log!("change"));
        b.add_attribute(44, "onfocus", log!("focus"));
        b.add_attribute(45, "onblur", log!("blur"));
        b.add_attribute(46, "onfocusin", log!("focusin"));
        b.add_attribute(47, "onfocusout", log!("focusout"));
        b.add_attribute(48, "oncopy", log!("copy"));
        b.add_attribute(49, "onpaste", log!("paste"));
        b.add_attribute(50, "oncut", log!("cut"));
        b.add_attribute(51, "onselect", log!("select"));
        b.close_element();
        b.add_markup_content(52, "\n");
        b.open_element(53, "input");
        b.add_attribute(54, "id", "check");
        b.add_attribute(55, "type", "checkbox");
        b.add_attribute(56, "onchange", log!("change"));
        b.close_element();
        b.add_markup_content(57, "\n");
        b.open_element(58, "select");
        b.add_attribute(59, "id", "multi");
        b.add_attribute(60, "multiple", true);
        b.add_attribute(61, "onchange", log!("change"));
        // rule: an <option> inside a <select> is never folded into a markup block.
        for (sequence, value) in [(62, "a"), (65, "b"), (68, "c")] {
            b.open_element(sequence, "option");
            b.add_attribute(sequence + 1, "value", value);
            b.add_content(sequence + 2, value);
            b.close_element();
        }
        b.close_element();
        b.add_markup_content(71, "\n");
        b.open_element(72, "input");
        b.add_attribute(73, "id", "file");
        b.add_attribute(74, "type", "file");
        b.add_attribute(75, "onchange", log!("change"));
        b.close_element();
        b.add_markup_content(76, "\n");
        b.open_element(77, "input");
        b.add_attribute(78, "id", "range");
        b.add_attribute(79, "type", "range");
        b.add_attribute(80, "min", "0");
        b.add_attribute(81, "max", "10");
        b.add_attribute(82, "oninput", log!("input"));
        b.close_element();
        b.add_markup_content(83, "\n");
        b.open_element(84, "div");
        b.add_attribute(85, "id", "drag");
        b.add_attribute(86, "draggable", "true");
        b.add_attribute(87, "style", "width:100px;height:30px;background:#bbb");
        b.add_attribute(88, "ondragstart", log!("dragstart"));
        b.add_attribute(89, "ondragend", log!("dragend"));
        b.add_content(90, "drag");
        b.close_element();
        b.add_markup_content(91, "\n");
        b.open_element(92, "div");
        b.add_attribute(93, "id", "drop");
        b.add_attribute(94, "style", "width:100px;height:30px;background:#aaa");
        b.add_attribute(95, "ondragover", log!("dragover"));
        b.add_attribute(96, "__internal_preventDefault_ondragover", true);
        b.add_attribute(97, "ondrop", log!("drop"));
        b.add_attribute(98, "ondragenter", log!("dragenter"));
        b.add_content(99, "drop");
        b.close_element();
        b.add_markup_content(100, "\n");
        b.open_element(101, "div");
        b.add_attribute(102, "id", "scroller");
        b.add_attribute(103, "style", "height:40px;overflow:auto");
        b.add_attribute(104, "onscroll", log!("scroll"));
        b.add_markup_content(105, "<div style=\"height:400px\">scroll</div>");
        b.close_element();
        b.add_markup_content(106, "\n");
        b.open_element(107, "details");
        b.add_attribute(108, "id", "details");
        b.add_attribute(109, "ontoggle", log!("toggle"));
        b.add_markup_content(110, "<summary>more</summary>inside");
        b.close_element();
        b.add_markup_content(111, "\n");
        b.open_element(112, "img");
        b.add_attribute(113, "id", "broken");
        b.add_attribute(114, "src", "/does-not-exist.png");
        b.add_attribute(115, "onerror", log!("error"));
        b.close_element();
        b.add_markup_content(116, "\n");
        b.open_element(117, "form");
        b.add_attribute(118, "id", "form");
        b.add_attribute(119, "onsubmit", log!("submit"));
        b.add_attribute(120, "onreset", log!("reset"));
        // rule: sibling elements that have children are folded into one markup block each.
        b.add_markup_content(121, "<input name=\"x\">");
        b.add_markup_content(122, "<button id=\"form-submit\" type=\"submit\">go</button>");
        b.add_markup_content(123, "<button id=\"form-reset\" type=\"reset\">reset</button>");
        b.close_element();
        b.add_markup_content(124, "\n");
        b.open_element(125, "p");
        b.add_attribute(126, "id", "count");
        b.add_content(127, self.log.len());
        b.add_content(128, " events");
        b.close_element();
        b.add_markup_content(129, "\n");
        b.open_element(130, "pre");
        b.add_attribute(131, "id", "last");
        b.add_content(132, self.last.as_str().to_owned());
        b.close_element();
        error_ui(b, 133);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use brasa_dom::Document;
    use brasa_protocol::render_batch::{Frame, decode};
    use serde_json::Value;

    use super::*;
    use crate::pages::testing::{Page, find, shared};

    const SESSION: &str = "reference/captures/prerender/events";

    /// One recorded `DispatchEventAsync` call.
    struct Recorded {
        handler: u64,
        event_name: String,
        args: Value,
    }

    /// The recorded dispatches, in the order they were sent.
    fn recorded_dispatches() -> Vec<Recorded> {
        let path = shared().join(SESSION).join("messages.jsonl");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut out = Vec::new();
        for line in text.lines() {
            let message: Value = serde_json::from_str(line).expect("a JSON line");
            let Some(msg) = message["msg"].as_array() else { continue };
            if message["dir"] != "out" || msg.get(3).and_then(Value::as_str) != Some("BeginInvokeDotNetFromJS") {
                continue;
            }
            let call = &msg[4];
            assert_eq!(call[2], "DispatchEventAsync");
            let arguments: Value = serde_json::from_str(call[4].as_str().expect("arguments JSON")).expect("JSON");
            out.push(Recorded {
                handler: arguments[0]["eventHandlerId"].as_u64().expect("id"),
                event_name: arguments[0]["eventName"].as_str().expect("name").to_owned(),
                args: arguments[1].clone(),
            });
        }
        out
    }

    /// The recorded batches, in the order they were applied.
    fn recorded_batches() -> Vec<Vec<u8>> {
        let dir = shared().join(SESSION).join("batches");
        let index: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).expect("index")).expect("JSON");
        index
            .as_array()
            .expect("entries")
            .iter()
            .map(|entry| std::fs::read(dir.join(entry["file"].as_str().expect("file"))).expect("batch"))
            .collect()
    }

    /// The recorded page's handlers: recorded event handler id → (element id, event name).
    fn recorded_handlers(first_batch: &[u8]) -> HashMap<u64, (String, String)> {
        let mut document = Document::with_root_component(0);
        document.apply_bytes(first_batch).expect("the recorded batch applies");
        document
            .handlers()
            .into_iter()
            .map(|h| {
                let id = document
                    .attribute(h.element, "id")
                    .expect("every element with a handler has an id");
                (h.event_handler_id, (id.to_owned(), h.event_name))
            })
            .collect()
    }

    /// One dispatch replayed on the page.
    struct Step {
        element: String,
        event_name: String,
        /// `#last` after it.
        last: String,
        /// `#last` in the recording right after it, when a recorded batch showed that state.
        recorded: Option<String>,
    }

    /// Replays the 60 recorded dispatches on the page, each to the handler of the same element
    /// and event, with the recorded args JSON, and pairs every state the recording showed (a
    /// batch whose `#count` says how many events it reflects) with the page's state then.
    fn replay() -> (Page, Vec<Step>) {
        let dispatches = recorded_dispatches();
        let batches = recorded_batches();
        assert_eq!(dispatches.len(), 60);
        let handlers = recorded_handlers(&batches[0]);
        let mut recorded_dom = Document::with_root_component(0);
        let mut recorded_last = HashMap::new();
        for batch in &batches {
            recorded_dom.apply_bytes(batch).expect("the recorded batch applies");
            let text = |id: &str| {
                let node = find(&recorded_dom, recorded_dom.root(), id).expect("element");
                recorded_dom.inner_html_of(node)
            };
            let count: usize = text("count").trim_end_matches(" events").parse().expect("a count");
            recorded_last.insert(count, text("last"));
        }
        let mut page = Page::new(Events::default());
        let mut steps = Vec::new();
        for (n, dispatch) in dispatches.iter().enumerate() {
            let (element, event_name) = handlers[&dispatch.handler].clone();
            assert_eq!(event_name, dispatch.event_name);
            let handler = page.handler(&element, &event_name);
            assert!(page.dispatch(handler, &EventArgs::Json(dispatch.args.clone())));
            assert_eq!(page.inner("count"), format!("{} events", n + 1));
            steps.push(Step {
                element,
                event_name,
                last: page.inner("last"),
                recorded: recorded_last.get(&(n + 1)).cloned(),
            });
        }
        (page, steps)
    }

    /// Checks the steps of one family: the type name, and the exact text wherever the
    /// recording showed it (at least once). Returns the family's distinct texts.
    fn check_family(events: &[&str], type_name: &str) -> Vec<String> {
        let (_, steps) = replay();
        let family: Vec<&Step> = steps
            .iter()
            .filter(|s| events.contains(&s.event_name.as_str()))
            .collect();
        assert!(!family.is_empty(), "no recorded {events:?} events");
        let mut compared = 0;
        for step in &family {
            assert!(
                step.last.starts_with(&format!("{type_name} {{")),
                "{} on #{}: {}",
                step.event_name,
                step.element,
                step.last
            );
            if let Some(recorded) = &step.recorded {
                assert_eq!(&step.last, recorded, "{} on #{}", step.event_name, step.element);
                compared += 1;
            }
        }
        assert!(compared > 0, "the recording shows no {type_name}");
        let mut texts: Vec<String> = family.iter().map(|s| s.last.clone()).collect();
        texts.dedup();
        texts
    }

    #[test]
    fn first_render_is_the_recorded_page() {
        // The recorded first batch: the page is component 6, its frames 19..=151 (after the
        // router, layout and error-ui frames of the template).
        let batches = recorded_batches();
        let recorded = decode(&batches[0]).expect("decodes");
        let Frame::Component { subtree_length, .. } = recorded.reference_frames[16] else {
            panic!("component 6 at frame 16");
        };
        assert_eq!(subtree_length, 1);
        let recorded_page = &recorded.reference_frames[19..152];
        let page = Page::new(Events::default());
        let ours = &page.batches[0].reference_frames;
        // Our page ends with the layout's error UI (one markup frame).
        assert_eq!(ours.len(), recorded_page.len() + 1);
        assert_eq!(&ours[..recorded_page.len()], recorded_page);
        assert!(matches!(&ours[recorded_page.len()], Frame::Markup { content } if content.contains("blazor-error-ui")));
    }

    #[test]
    fn sixty_dispatches_end_with_60_events_and_plain_event_args() {
        let (page, steps) = replay();
        assert_eq!(steps.len(), 60);
        assert_eq!(page.inner("count"), "60 events");
        assert_eq!(page.inner("last"), "EventArgs {}");
        // As Chromium showed it at the end.
        let end = std::fs::read_to_string(shared().join(SESSION).join("dom-023-end.html")).expect("snapshot");
        assert!(end.contains("<p id=\"count\">60 events</p>"));
        assert!(end.contains("<pre id=\"last\">EventArgs {}</pre>"));
        // Every state the recording showed, the page shows too.
        let compared = steps.iter().filter(|s| s.recorded.is_some()).count();
        assert!(compared >= 40, "{compared}");
        for step in &steps {
            if let Some(recorded) = &step.recorded {
                assert_eq!(&step.last, recorded, "{} on #{}", step.event_name, step.element);
            }
        }
        let state = page.renderer.component::<Events>(page.root).expect("the page");
        assert_eq!(state.log.len(), 60);
        assert_eq!(
            state.log[0],
            r#"ErrorEventArgs {"Message":null,"Filename":null,"Lineno":0,"Colno":0,"Type":"error"}"#
        );
    }

    #[test]
    fn mouse_events() {
        let texts = check_family(
            &[
                "click",
                "dblclick",
                "contextmenu",
                "mousedown",
                "mouseup",
                "mousemove",
                "mouseover",
                "mouseout",
            ],
            "MouseEventArgs",
        );
        assert_eq!(
            texts[0],
            r#"MouseEventArgs {"Detail":1,"ScreenX":38,"ScreenY":187,"ClientX":28,"ClientY":90,"OffsetX":19,"OffsetY":8,"PageX":28,"PageY":90,"MovementX":0,"MovementY":0,"Button":0,"Buttons":0,"CtrlKey":false,"ShiftKey":false,"AltKey":false,"MetaKey":false,"Type":"click"}"#
        );
    }

    #[test]
    fn wheel_events() {
        let texts = check_family(&["wheel"], "WheelEventArgs");
        assert_eq!(
            texts,
            [
                r#"WheelEventArgs {"DeltaX":0,"DeltaY":120,"DeltaZ":0,"DeltaMode":0,"Detail":0,"ScreenX":38,"ScreenY":217,"ClientX":28,"ClientY":120,"OffsetX":20,"OffsetY":20,"PageX":28,"PageY":120,"MovementX":0,"MovementY":0,"Button":0,"Buttons":0,"CtrlKey":false,"ShiftKey":false,"AltKey":false,"MetaKey":false,"Type":"wheel"}"#
            ]
        );
    }

    #[test]
    fn pointer_events() {
        let texts = check_family(
            &["pointerdown", "pointerup", "pointermove", "gotpointercapture"],
            "PointerEventArgs",
        );
        // Fractional doubles (287.875) and floats (0.5) as .NET writes them.
        assert_eq!(
            texts[1],
            r#"PointerEventArgs {"PointerId":1,"Width":1,"Height":1,"Pressure":0.5,"TiltX":0,"TiltY":0,"PointerType":"mouse","IsPrimary":true,"Detail":0,"ScreenX":28,"ScreenY":287.875,"ClientX":18,"ClientY":190.875,"OffsetX":10,"OffsetY":10,"PageX":18,"PageY":190.875,"MovementX":0,"MovementY":0,"Button":0,"Buttons":1,"CtrlKey":false,"ShiftKey":false,"AltKey":false,"MetaKey":false,"Type":"pointerdown"}"#
        );
    }

    #[test]
    fn touch_events() {
        let texts = check_family(&["touchstart", "touchend", "touchmove"], "TouchEventArgs");
        // Touch points in the C# declaration order (Identifier, ScreenX, ...), not the browser's.
        assert_eq!(
            texts[1],
            r#"TouchEventArgs {"Detail":0,"Touches":[],"TargetTouches":[],"ChangedTouches":[{"Identifier":0,"ScreenX":118,"ScreenY":397.8699951171875,"ClientX":108,"ClientY":300.8699951171875,"PageX":108,"PageY":300.8699951171875}],"CtrlKey":false,"ShiftKey":false,"AltKey":false,"MetaKey":false,"Type":"touchend"}"#
        );
    }

    #[test]
    fn keyboard_events() {
        let texts = check_family(&["keydown", "keyup", "keypress"], "KeyboardEventArgs");
        assert_eq!(
            texts[0],
            r#"KeyboardEventArgs {"Key":"a","Code":"KeyA","Location":0,"Repeat":false,"CtrlKey":false,"ShiftKey":false,"AltKey":false,"MetaKey":false,"Type":"keydown","IsComposing":false}"#
        );
        assert!(texts.iter().any(|t| t.contains(r#""Code":"ShiftLeft","Location":1,"#)));
    }

    #[test]
    fn focus_events() {
        let texts = check_family(&["focus", "blur", "focusin", "focusout"], "FocusEventArgs");
        assert_eq!(
            texts,
            [
                r#"FocusEventArgs {"Type":"focus"}"#,
                r#"FocusEventArgs {"Type":"focusin"}"#,
                r#"FocusEventArgs {"Type":"blur"}"#,
                r#"FocusEventArgs {"Type":"focusout"}"#
            ]
        );
    }

    #[test]
    fn clipboard_events() {
        let texts = check_family(&["copy", "cut", "paste"], "ClipboardEventArgs");
        assert_eq!(
            texts,
            [
                r#"ClipboardEventArgs {"Type":"copy"}"#,
                r#"ClipboardEventArgs {"Type":"cut"}"#,
                r#"ClipboardEventArgs {"Type":"paste"}"#
            ]
        );
    }

    #[test]
    fn input_and_change_events() {
        let texts = check_family(&["input", "change"], "ChangeEventArgs");
        // A string, a checkbox's boolean, a multiple select's array, a file input's fake path
        // (backslashes escaped), a range's value.
        assert_eq!(
            texts,
            [
                r#"ChangeEventArgs {"Value":"a"}"#,
                r#"ChangeEventArgs {"Value":"aB"}"#,
                r#"ChangeEventArgs {"Value":true}"#,
                r#"ChangeEventArgs {"Value":["a","c"]}"#,
                r#"ChangeEventArgs {"Value":"C:\\fakepath\\hello.txt"}"#,
                r#"ChangeEventArgs {"Value":"7"}"#
            ]
        );
    }

    #[test]
    fn drag_events() {
        let texts = check_family(
            &["dragstart", "dragend", "dragenter", "dragover", "drop"],
            "DragEventArgs",
        );
        // The derived type's DataTransfer first, then the MouseEventArgs members.
        assert_eq!(
            texts[0],
            r#"DragEventArgs {"DataTransfer":{"DropEffect":"none","EffectAllowed":"uninitialized","Files":[],"Items":[],"Types":[]},"Detail":0,"ScreenX":68,"ScreenY":525,"ClientX":58,"ClientY":428,"OffsetX":50,"OffsetY":15,"PageX":58,"PageY":428,"MovementX":0,"MovementY":0,"Button":0,"Buttons":1,"CtrlKey":false,"ShiftKey":false,"AltKey":false,"MetaKey":false,"Type":"dragstart"}"#
        );
    }

    #[test]
    fn error_events() {
        let texts = check_family(&["error"], "ErrorEventArgs");
        assert_eq!(
            texts,
            [r#"ErrorEventArgs {"Message":null,"Filename":null,"Lineno":0,"Colno":0,"Type":"error"}"#]
        );
    }

    #[test]
    fn plain_event_args_events() {
        // select, scroll, toggle, submit, reset: plain EventArgs, whatever their JSON.
        let texts = check_family(&["select", "scroll", "toggle", "submit", "reset"], "EventArgs");
        assert_eq!(texts, ["EventArgs {}"]);
    }

    #[test]
    fn unreadable_args_are_not_logged_and_prevent_default_is_set() {
        let mut page = Page::new(Events::default());
        let click = page.handler("click", "click");
        assert!(page.dispatch(click, &EventArgs::Json(serde_json::json!({"detail": 1.5}))));
        assert_eq!(page.inner("count"), "0 events");
        assert!(page.dispatch(
            click,
            &EventArgs::Json(serde_json::json!({"detail": 2, "type": "click"}))
        ));
        assert_eq!(page.inner("count"), "1 events");
        let target = page.element("click");
        assert!(page.document.dispatch(target, "contextmenu").default_prevented);
        assert!(!page.document.dispatch(target, "click").default_prevented);
        assert!(
            page.document
                .dispatch(page.element("drop"), "dragover")
                .default_prevented
        );
    }
}
