//! Cascading values (`<CascadingValue>`): a component that offers a value to every component
//! below it, which a descendant reads with [`ParameterView::cascading`](crate::ParameterView)
//! without its parents passing it down (RT-2.7).

use crate::builder::RenderTreeBuilder;
use crate::frame::{AttributeValue, RenderFragment};
use crate::renderer::{Component, ParameterView};
use crate::str::Str;

/// `CascadingValue<T>`: parameters `Value` (any value), `Name` (optional: descendants then ask
/// for it by name; without one they find the nearest unnamed value), `IsFixed` (the value never
/// changes: descendants are not told of changes) and `ChildContent`. It renders its child
/// content and nothing else.
#[derive(Default)]
pub struct CascadingValue {
    value: Option<AttributeValue>,
    pub(crate) name: Option<Str>,
    fixed: bool,
    /// Whether the last parameters changed a value that descendants took (set by
    /// `set_parameters`, taken by the renderer).
    pub(crate) changed: bool,
    child_content: Option<RenderFragment>,
}

impl CascadingValue {
    /// The value offered.
    pub fn value(&self) -> Option<&AttributeValue> {
        self.value.as_ref()
    }

    /// The name it is offered under (`None`: unnamed).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl Component for CascadingValue {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        let value = parameters.get("Value").cloned();
        // rule: a value that may have changed (not definitely equal, RT-2.5) notifies the
        // subscribers, unless the value is fixed.
        self.changed = match (&self.value, &value) {
            (None, None) => false,
            (Some(old), Some(new)) => old.may_have_changed(new),
            _ => true,
        } && !self.fixed
            && self.value.is_some();
        self.value = value;
        self.name = parameters.get_str("Name");
        self.fixed = parameters.get_bool("IsFixed").unwrap_or(false);
        self.child_content = parameters.get_fragment("ChildContent");
    }

    fn render(&self, builder: &mut RenderTreeBuilder<'_>) {
        if let Some(content) = &self.child_content {
            builder.add_fragment(0, content);
        }
    }
}

impl std::fmt::Debug for CascadingValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CascadingValue")
            .field("name", &self.name)
            .field("fixed", &self.fixed)
            .finish_non_exhaustive()
    }
}
