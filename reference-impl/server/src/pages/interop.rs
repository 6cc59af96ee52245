//! `Interop.razor` (`/interop`): JS interop both ways (SVC-1.x): a .NET→JS call, a JS→.NET
//! callback through an object reference, byte arrays, a JS exception, streams both ways and a
//! file upload (`InputFile`).

use brasa_render::runtime::{JsResult, ResultKind};
use brasa_render::{
    Component, ComponentId, ElementReference, EventArgs, EventHandler, ParameterView, RenderTreeBuilder, Runtime,
};
use std::sync::{Arc, Mutex};

use serde_json::{Value as Json, json};

use super::{error_ui, runtime_parameter};

/// The page's assembly name, for its static `[JSInvokable]` method `Add`.
pub const ASSEMBLY: &str = "BrasaCapture";
/// `OpenReadStreamAsync(maxAllowedSize: 1_000_000)` / `OpenReadStream(maxAllowedSize: ...)`.
const MAX_READ: usize = 1_000_000;

/// `Interop.razor`.
#[derive(Debug, Default)]
pub struct Interop {
    runtime: Runtime,
    id: ComponentId,
    initialized: bool,
    result: String,
    /// `DotNetObjectReference.Create(this)`, made on the first callback.
    this: Option<Json>,
    /// The `InputFile`'s own object reference (for `NotifyChange`).
    input_file: Json,
    /// The `InputFile`'s element reference id, set when the element is first rendered.
    input_element: Arc<Mutex<String>>,
}

/// `[JSInvokable] public string Shout(string s)` and the `InputFile`'s `NotifyChange`.
fn invocable(page: &mut Interop, method: &str, arguments: &Json) -> Option<Result<Json, String>> {
    match method {
        "Shout" => {
            let text = arguments.get(0).and_then(Json::as_str).unwrap_or_default();
            Some(Ok(Json::String(text.to_uppercase() + "!")))
        }
        "NotifyChange" => Some(page.notify_change(arguments)),
        _ => None,
    }
}

impl Interop {
    fn call(&mut self, _: &EventArgs) {
        self.runtime.invoke_js(
            self.id,
            "Math.max",
            json!([3, 9, 4]),
            ResultKind::Json,
            |page: &mut Interop, r: JsResult| {
                let max = r.ok().and_then(|v| v.as_i64()).unwrap_or_default();
                page.runtime.invoke_js(
                    page.id,
                    "console.log",
                    json!(["from .NET", { "a": 1, "b": "two" }]),
                    ResultKind::Void,
                    move |page: &mut Interop, _| page.result = format!("max {max}"),
                );
            },
        );
    }

    fn callback(&mut self, _: &EventArgs) {
        let this = self
            .this
            .get_or_insert_with(|| self.runtime.create_object_reference(self.id, invocable))
            .clone();
        self.runtime.invoke_js(
            self.id,
            "brasaCapture.callBack",
            json!([this, "hello"]),
            ResultKind::Json,
            |page: &mut Interop, r| {
                page.result = format!(
                    "callback {}",
                    r.ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
                )
            },
        );
    }

    fn bytes(&mut self, _: &EventArgs) {
        let bytes = self.runtime.byte_array(vec![0, 1, 2, 250, 255]);
        self.runtime.invoke_js(
            self.id,
            "brasaCapture.echoBytes",
            json!([bytes]),
            ResultKind::Json,
            |page: &mut Interop, r| {
                let echoed: Vec<u8> = r.ok().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
                let list: Vec<String> = echoed.iter().map(u8::to_string).collect();
                page.result = format!("bytes {}", list.join(","));
            },
        );
    }

    fn fail(&mut self, _: &EventArgs) {
        self.runtime.invoke_js(
            self.id,
            "brasaCapture.fail",
            json!([]),
            ResultKind::Void,
            |page: &mut Interop, r| {
                if let Err(error) = r {
                    page.result = format!("js error: {}", error.lines().next().unwrap_or_default());
                }
            },
        );
    }

    fn stream_out(&mut self, _: &EventArgs) {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let stream = self.runtime.dotnet_stream(data);
        self.runtime.invoke_js(
            self.id,
            "brasaCapture.readStream",
            json!([stream]),
            ResultKind::Json,
            |page: &mut Interop, r| {
                page.result = format!("js read {} bytes", r.ok().and_then(|v| v.as_i64()).unwrap_or_default());
            },
        );
    }

    fn stream_in(&mut self, _: &EventArgs) {
        self.runtime.invoke_js(
            self.id,
            "brasaCapture.makeBytes",
            json!([70_000]),
            ResultKind::StreamReference,
            |page: &mut Interop, r| match r {
                Ok(reference) => {
                    page.runtime
                        .clone()
                        .read_js_stream(page.id, &reference, MAX_READ, |page: &mut Interop, data| match data {
                            Ok(data) => page.result = format!("dotnet read {} bytes", data.len()),
                            Err(error) => page.result = format!("stream error: {error}"),
                        })
                }
                Err(error) => page.result = format!("js error: {error}"),
            },
        );
    }

    /// `InputFile.NotifyChange(files)` then the page's `Upload`: reads the first file.
    fn notify_change(&mut self, arguments: &Json) -> Result<Json, String> {
        let file = arguments
            .get(0)
            .and_then(|files| files.get(0))
            .ok_or("NotifyChange expects a list of files")?;
        let name = file.get("name").and_then(Json::as_str).unwrap_or_default().to_owned();
        let file_id = file.get("id").cloned().unwrap_or(Json::Null);
        let element = self.input_element.lock().map(|e| e.clone()).unwrap_or_default();
        self.runtime.invoke_js(
            self.id,
            "Blazor._internal.InputFile.readFileData",
            json!([{ "__internalId": element }, file_id]),
            ResultKind::StreamReference,
            move |page: &mut Interop, r| match r {
                Ok(reference) => page.runtime.clone().read_js_stream(
                    page.id,
                    &reference,
                    MAX_READ,
                    move |page: &mut Interop, data| match data {
                        Ok(data) => page.result = format!("uploaded {name} {} bytes", data.len()),
                        Err(error) => page.result = format!("upload error: {error}"),
                    },
                ),
                Err(error) => page.result = format!("upload error: {error}"),
            },
        );
        Ok(Json::Null)
    }
}

impl Component for Interop {
    fn attach(&mut self, component_id: ComponentId) {
        self.id = component_id;
    }

    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        if let Some(runtime) = runtime_parameter(parameters) {
            self.runtime = runtime;
        }
        if !self.initialized {
            self.initialized = true;
            // `[JSInvokable] public static int Add(int a, int b)`.
            self.runtime.register_static(ASSEMBLY, "Add", |arguments| {
                let a = arguments
                    .get(0)
                    .and_then(Json::as_i64)
                    .ok_or("Add expects two integers")?;
                let b = arguments
                    .get(1)
                    .and_then(Json::as_i64)
                    .ok_or("Add expects two integers")?;
                Ok(json!(a + b))
            });
            // The InputFile component's own DotNetObjectReference (made when it initializes).
            self.input_file = self.runtime.create_object_reference(self.id, invocable);
        }
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        type Handler = fn(&mut Interop, &EventArgs);
        b.add_markup_content(0, "<h1>Interop</h1>\n");
        let buttons: [(&str, Handler, &str); 6] = [
            ("call", Interop::call, "Call JS"),
            ("callback", Interop::callback, "JS calls .NET"),
            ("bytes", Interop::bytes, "Bytes round trip"),
            ("fail", Interop::fail, "JS throws"),
            ("stream-out", Interop::stream_out, "Stream .NET to JS"),
            ("stream-in", Interop::stream_in, "Stream JS to .NET"),
        ];
        for (i, (id, handler, text)) in buttons.into_iter().enumerate() {
            let s = 1 + 5 * i as i32;
            b.open_element(s, "button");
            b.add_attribute(s + 1, "id", id);
            b.add_attribute(s + 2, "onclick", EventHandler::new(handler));
            b.add_content(s + 3, text);
            b.close_element();
            b.add_markup_content(s + 4, "\n");
        }
        // `<InputFile id="upload" OnChange="Upload" />`: an `<input type="file">` whose element
        // reference the browser's InputFile.init receives after the first render.
        b.open_element(31, "input");
        b.add_attribute(32, "id", "upload");
        b.add_attribute(33, "type", "file");
        let runtime = self.runtime.clone();
        let input_file = self.input_file.clone();
        let input_element = self.input_element.clone();
        b.add_element_reference_capture(34, move |element: ElementReference| {
            if let Ok(mut id) = input_element.lock() {
                *id = element.id.to_string();
            }
            runtime.invoke_js_after_render(
                "Blazor._internal.InputFile.init",
                json!([input_file, { "__internalId": element.id.to_string() }]),
            );
        });
        b.close_element();
        b.add_markup_content(35, "\n");
        b.open_element(36, "p");
        b.add_attribute(37, "id", "result");
        b.add_content(38, self.result.clone());
        b.close_element();
        error_ui(b, 39);
    }
}
