//! `Kinds.razor` (`/kinds`): every frame kind, and the attribute changes the diff makes.

use std::sync::{Arc, Mutex};

use brasa_render::{
    AttributeValue, Component, ComponentId, ElementReference, EventArgs, EventHandler, RenderFragment,
    RenderTreeBuilder,
};

use super::error_ui;
use super::nested::Child;

/// `"héllo wörld — 日本語 🎉 \u0000 nul and \u2028 sep"`.
const UNICODE: &str = "héllo wörld — 日本語 🎉 \u{0} nul and \u{2028} sep";

/// `Kinds.razor` (`/kinds`).
#[derive(Debug)]
pub struct Kinds {
    /// `ElementReference element` (`@ref` on `#ref`), set by the capture when the element is
    /// inserted.
    element: Arc<Mutex<Option<ElementReference>>>,
    /// `Child? child` (`@ref` on the child component): its component id.
    child: Arc<Mutex<Option<ComponentId>>>,
    ticks: i32,
    markup: String,
    empty: String,
    long_text: String,
    cls: String,
    title: Option<String>,
    number: i32,
    hidden: bool,
    flag: bool,
    extra: Extra,
}

/// `Dictionary<string, object> extra`, splatted with `@attributes`. Its entries enumerate as
/// `data-extra`, `tabindex`, `draggable`: `draggable` is the last entry, and a .NET `Dictionary`
/// re-adds a removed key into the slot it freed, so the order never changes.
#[derive(Debug)]
struct Extra {
    /// `"data-extra"`: a string.
    data_extra: String,
    /// `"tabindex"`: an int (written as its text).
    tabindex: i32,
    /// `"draggable"`: `true` while present (a boolean: written as an empty value).
    draggable: bool,
}

impl Default for Kinds {
    fn default() -> Self {
        Kinds {
            element: Arc::default(),
            child: Arc::default(),
            ticks: 0,
            markup: "<b>bold</b> &amp; <i>italic</i> <span class=\"s\">text</span>".into(),
            empty: String::new(),
            long_text: "x".repeat(9000) + "é",
            cls: "a b c".into(),
            title: None,
            number: -42,
            hidden: false,
            flag: true,
            extra: Extra {
                data_extra: "1".into(),
                tabindex: 3,
                draggable: true,
            },
        }
    }
}

impl Kinds {
    fn tick(&mut self, _: &EventArgs) {
        self.ticks += 1;
        self.title = (self.ticks % 2 != 0).then(|| format!("title {}", self.ticks));
        self.hidden = self.ticks % 3 == 0;
        self.number = -self.number;
        self.extra.data_extra = self.ticks.to_string();
        self.extra.draggable = self.ticks % 2 != 0;
    }

    fn change_markup(&mut self, _: &EventArgs) {
        self.markup.push_str("<br/>more");
    }

    /// `RenderFragment Fragment => @<span class="frag">fragment @ticks</span>;`: a new delegate
    /// on every read. Its sequence numbers follow the page's, as the Razor compiler numbers the
    /// `@code` block after `BuildRenderTree`.
    fn fragment(&self) -> RenderFragment {
        let ticks = self.ticks;
        RenderFragment::new(move |b| {
            b.open_element(72, "span");
            b.add_attribute(73, "class", "frag");
            b.add_content(74, "fragment ");
            b.add_content(75, ticks);
            b.close_element();
        })
    }
}

impl Component for Kinds {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>Frame kinds</h1>\n");
        b.open_element(1, "div");
        b.add_attribute(2, "id", "markup");
        // `@((MarkupString)markup)`.
        b.add_markup_content(3, self.markup.clone());
        b.close_element();
        b.add_markup_content(4, "\n");
        b.open_element(5, "div");
        b.add_attribute(6, "id", "region");
        b.add_fragment(7, &self.fragment());
        b.add_content(8, " ");
        b.add_fragment(9, &self.fragment());
        b.close_element();
        b.add_markup_content(10, "\n");
        b.open_element(11, "input");
        b.add_attribute(12, "id", "ref");
        b.add_attribute(13, "value", "element ref");
        let element = Arc::clone(&self.element);
        b.add_element_reference_capture(14, move |reference| {
            *element.lock().unwrap_or_else(|e| e.into_inner()) = Some(reference);
        });
        b.close_element();
        b.add_markup_content(15, "\n");
        b.open_component::<Child>(16);
        b.add_component_parameter(17, "Index", 7);
        let child = Arc::clone(&self.child);
        b.add_component_reference_capture(18, move |id| {
            *child.lock().unwrap_or_else(|e| e.into_inner()) = Some(id);
        });
        b.close_component();
        b.add_markup_content(19, "\n");
        for (sequence, id, text) in [
            (20, "unicode", UNICODE),
            (24, "empty", self.empty.as_str()),
            (28, "long", self.long_text.as_str()),
        ] {
            b.open_element(sequence, "p");
            b.add_attribute(sequence + 1, "id", id);
            b.add_content(sequence + 2, text.to_owned());
            b.close_element();
            b.add_markup_content(sequence + 3, "\n");
        }
        b.open_element(32, "div");
        b.add_attribute(33, "id", "attrs");
        b.add_attribute(34, "class", self.cls.clone());
        b.add_attribute(35, "title", self.title.clone());
        b.add_attribute(36, "data-n", self.number);
        b.add_attribute(37, "hidden", self.hidden);
        b.add_attribute(38, "aria-checked", self.flag);
        // `@attributes="extra"` (`AddMultipleAttributes`): every entry with the same sequence
        // number, in the dictionary's order.
        let mut extra = vec![
            ("data-extra", AttributeValue::from(self.extra.data_extra.clone())),
            ("tabindex", AttributeValue::from(self.extra.tabindex)),
        ];
        if self.extra.draggable {
            extra.push(("draggable", AttributeValue::from(true)));
        }
        b.add_multiple_attributes(39, extra);
        b.close_element();
        b.add_markup_content(40, "\n");
        b.open_element(41, "a");
        b.add_attribute(42, "id", "prevent");
        b.add_attribute(43, "href", "/nowhere");
        b.add_attribute(44, "onclick", EventHandler::new(Kinds::tick));
        b.add_attribute(45, "__internal_preventDefault_onclick", true);
        b.add_attribute(46, "__internal_stopPropagation_onclick", true);
        b.add_content(47, "prevent");
        b.close_element();
        b.add_markup_content(48, "\n");
        b.open_element(49, "button");
        b.add_attribute(50, "id", "tick");
        b.add_attribute(51, "onclick", EventHandler::new(Kinds::tick));
        b.add_content(52, "Tick ");
        b.add_content(53, self.ticks);
        b.close_element();
        b.add_markup_content(54, "\n");
        b.open_element(55, "button");
        b.add_attribute(56, "id", "same");
        b.add_attribute(57, "onclick", EventHandler::new(|_: &mut Kinds, _: &EventArgs| {}));
        b.add_content(58, "Same");
        b.close_element();
        // (The whitespace around the `@if` block belongs to the code.)
        if self.ticks % 2 == 1 {
            b.open_element(59, "section");
            b.add_attribute(60, "id", "odd");
            b.add_markup_content(61, "<h2>odd</h2>");
            b.add_fragment(62, &self.fragment());
            b.close_element();
        }
        b.open_element(63, "button");
        b.add_attribute(64, "id", "markup-change");
        b.add_attribute(65, "onclick", EventHandler::new(Kinds::change_markup));
        b.add_content(66, "Change markup");
        b.close_element();
        b.add_markup_content(67, "\n");
        b.open_element(68, "form");
        b.add_attribute(69, "id", "named");
        b.add_attribute(70, "onsubmit", EventHandler::new(Kinds::tick));
        // `@formname="named-form"` compiles to `AddNamedEvent("onsubmit", "named-form")` here,
        // after the attributes: a NamedEvent frame (type 10, sequence 0), which the batch
        // carries with zero data.
        b.add_named_event("onsubmit", "named-form");
        b.add_markup_content(71, "<button type=\"submit\" id=\"named-submit\">named</button>");
        b.close_element();
        error_ui(b, 76);
    }
}

#[cfg(test)]
mod tests {
    use brasa_protocol::render_batch::{Edit, Frame};

    use super::*;
    use crate::pages::testing::{Page, elements_named};

    fn attribute(page: &Page, id: &str, name: &str) -> Option<String> {
        page.document.attribute(page.element(id), name).map(str::to_owned)
    }

    fn state(page: &Page) -> &Kinds {
        page.renderer.component::<Kinds>(page.root).expect("the page")
    }

    #[test]
    fn first_render_has_every_frame_kind() {
        let page = Page::new(Kinds::default());
        let frames = &page.batches[0].reference_frames;
        // Markup, as markup.
        assert_eq!(
            page.inner("markup"),
            "<!--!--><b>bold</b> &amp; <i>italic</i> <span class=\"s\">text</span>"
        );
        // The fragment twice, each in a region, a text frame between.
        assert_eq!(
            page.inner("region"),
            "<span class=\"frag\">fragment 0</span> <span class=\"frag\">fragment 0</span>"
        );
        let regions = frames.iter().filter(|f| matches!(f, Frame::Region { .. })).count();
        assert_eq!(regions, 2);
        // The element reference: captured, and the element carries its id.
        let reference = state(&page).element.lock().unwrap().clone().expect("captured");
        assert!(!reference.id.is_empty());
        assert_eq!(
            page.document.element_by_capture_id(&reference.id),
            Some(page.element("ref"))
        );
        // (The client sets an input's value as its property.)
        assert_eq!(
            page.document.value_property(page.element("ref")).as_deref(),
            Some("element ref")
        );
        // The child: Index 7, no cascading label, its ping button wired.
        let child = state(&page).child.lock().unwrap().expect("captured");
        assert_eq!(page.renderer.parent_of(child), Some(page.root));
        assert_eq!(
            page.inner("child-7"),
            "<span class=\"label\"> #7</span><!--!-->\n    <!--!-->\n    <button class=\"ping\">ping</button>"
        );
        let ping = page
            .document
            .children(page.element("child-7"))
            .into_iter()
            .find(|&n| page.document.element_name(n) == Some("button"));
        page.handler_on(ping.expect("the ping button"), "click");
        // Text: unicode as it is (NUL and U+2028 included), empty, and long.
        assert_eq!(page.text("unicode"), UNICODE);
        assert!(frames.contains(&Frame::Text { content: "".into() }));
        assert_eq!(page.inner("empty"), "");
        let long = page.text("long");
        assert_eq!((long.chars().count(), long.ends_with("xé")), (9001, true));
        // Attributes: null title and false hidden absent, true as "", the splat after them.
        let attrs = page.element("attrs");
        let names: Vec<(&str, &str)> = page
            .document
            .attributes(attrs)
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("id", "attrs"),
                ("class", "a b c"),
                ("data-n", "-42"),
                ("aria-checked", ""),
                ("data-extra", "1"),
                ("tabindex", "3"),
                ("draggable", "")
            ]
        );
        // preventDefault / stopPropagation: attribute frames with value true (written as "").
        for name in [
            "__internal_preventDefault_onclick",
            "__internal_stopPropagation_onclick",
        ] {
            assert!(frames.contains(&Frame::Attribute {
                name: name.into(),
                value: Some("".into()),
                event_handler_id: 0
            }));
        }
        assert!(!page.document.inner_html().contains("id=\"odd\""));
        assert_eq!(page.inner("tick"), "Tick 0");
        assert_eq!(
            page.inner("named"),
            "<!--!--><button type=\"submit\" id=\"named-submit\">named</button>"
        );
        page.handler("named", "submit");
        // The form's subtree: itself, id, onsubmit, the named event (no data), the button markup.
        let form = frames
            .iter()
            .position(|f| matches!(f, Frame::Element { name, .. } if name == "form"))
            .expect("the form");
        assert_eq!(
            frames[form],
            Frame::Element {
                subtree_length: 5,
                name: "form".into()
            }
        );
        assert_eq!(frames[form + 3], Frame::NamedEvent);
    }

    #[test]
    fn prevent_default_and_stop_propagation_reach_the_client() {
        let mut page = Page::new(Kinds::default());
        let prevent = page.element("prevent");
        let dispatch = page.document.dispatch(prevent, "click");
        assert!(dispatch.default_prevented);
        assert_eq!(dispatch.handlers, [(prevent, page.handler("prevent", "click"))]);
        let tick = page.element("tick");
        assert!(!page.document.dispatch(tick, "click").default_prevented);
        assert!(page.click("prevent"));
        assert_eq!(page.inner("tick"), "Tick 1");
    }

    #[test]
    fn ticks_change_attributes_and_the_odd_section() {
        let mut page = Page::new(Kinds::default());
        page.click("tick");
        // Tick 1: title set, data-n positive, odd section with the fragment, draggable kept.
        assert_eq!(attribute(&page, "attrs", "title").as_deref(), Some("title 1"));
        assert_eq!(attribute(&page, "attrs", "data-n").as_deref(), Some("42"));
        assert_eq!(attribute(&page, "attrs", "data-extra").as_deref(), Some("1"));
        assert_eq!(attribute(&page, "attrs", "draggable").as_deref(), Some(""));
        assert_eq!(attribute(&page, "attrs", "hidden"), None);
        assert_eq!(
            page.inner("odd"),
            "<!--!--><h2>odd</h2><span class=\"frag\">fragment 1</span>"
        );
        assert_eq!(
            page.inner("region"),
            "<span class=\"frag\">fragment 1</span> <span class=\"frag\">fragment 1</span>"
        );

        page.click("tick");
        // Tick 2: title removed, draggable removed, the section gone.
        assert_eq!(attribute(&page, "attrs", "title"), None);
        assert_eq!(attribute(&page, "attrs", "draggable"), None);
        assert_eq!(attribute(&page, "attrs", "data-n").as_deref(), Some("-42"));
        assert_eq!(attribute(&page, "attrs", "data-extra").as_deref(), Some("2"));
        assert!(!page.document.inner_html().contains("id=\"odd\""));
        let edits: Vec<&Edit> = page
            .last_batch()
            .updated_components
            .iter()
            .flat_map(|d| &d.edits)
            .collect();
        for name in ["title", "draggable"] {
            assert!(
                edits
                    .iter()
                    .any(|e| matches!(e, Edit::RemoveAttribute { name: n, .. } if n == name)),
                "{edits:?}"
            );
        }

        page.click("tick");
        // Tick 3: hidden (a true boolean: present and empty), draggable back, title 3.
        assert_eq!(attribute(&page, "attrs", "hidden").as_deref(), Some(""));
        assert_eq!(attribute(&page, "attrs", "draggable").as_deref(), Some(""));
        assert_eq!(attribute(&page, "attrs", "title").as_deref(), Some("title 3"));
        assert_eq!(page.inner("tick"), "Tick 3");
        let mut sections = Vec::new();
        elements_named(&page.document, page.document.root(), "section", &mut sections);
        assert_eq!(sections.len(), 1);

        page.click("tick");
        assert_eq!(attribute(&page, "attrs", "hidden"), None);
    }

    #[test]
    fn same_rerenders_without_changes_and_markup_changes() {
        let mut page = Page::new(Kinds::default());
        let before = page.document.inner_html();
        // The handler changes nothing, yet the page renders: a batch with the page's diff and
        // no edits.
        assert!(page.click("same"));
        let batch = page.last_batch();
        assert_eq!(batch.updated_components.len(), 1);
        assert_eq!(batch.updated_components[0].component_id, page.root);
        assert!(
            batch.updated_components[0].edits.is_empty(),
            "{:?}",
            batch.updated_components[0].edits
        );
        assert_eq!(page.document.inner_html(), before);

        assert!(page.click("markup-change"));
        assert_eq!(
            page.inner("markup"),
            "<!--!--><b>bold</b> &amp; <i>italic</i> <span class=\"s\">text</span><br>more"
        );
        page.click("markup-change");
        assert!(page.inner("markup").ends_with("<br>more<br>more"));
    }

    #[test]
    fn the_named_form_submits_to_tick() {
        let mut page = Page::new(Kinds::default());
        let submit = page.handler("named", "submit");
        // The browser raises submit on the form (the button's click submits it); the client
        // prevents the browser's own submission for any submit handler.
        let form = page.element("named");
        let dispatch = page.document.dispatch(form, "submit");
        assert!(dispatch.default_prevented);
        assert_eq!(dispatch.handlers, [(form, submit)]);
        page.element("named-submit");
        // The renderer knows the form by its name, and finds the same handler.
        assert_eq!(
            page.renderer.find_named_event("onsubmit", "named-form"),
            Ok(Some(submit))
        );
        assert!(page.dispatch(submit, &EventArgs::Empty));
        assert_eq!(page.inner("tick"), "Tick 1");
        assert_eq!(state(&page).ticks, 1);
    }
}
