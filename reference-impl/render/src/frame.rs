//! The render tree's frames and the values they carry: keys, attribute values, event
//! handlers, render fragments and component types.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::Arc;

use brasa_protocol::render_batch::{Frame, FrameType};

use crate::builder::RenderTreeBuilder;
use crate::event::EventArgs;
use crate::renderer::Component;
use crate::str::Str;

/// A component's id: allocated by the renderer in creation order, starting at 0, never reused.
pub type ComponentId = i32;

/// The key of an element or component (`@key`), used to match siblings across renders.
///
// RT-1.4
/// rule: keys compare with .NET `object.Equals`, so an integer key never equals a string key,
/// even `1` and `"1"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// An integer key.
    Int(i64),
    /// A string key.
    String(Str),
}

macro_rules! key_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Key {
            fn from(value: $t) -> Self {
                Key::Int(value as i64)
            }
        }
    )*};
}
key_from_int!(i8, i16, i32, i64, u8, u16, u32, usize, isize);

impl From<Str> for Key {
    fn from(value: Str) -> Self {
        Key::String(value)
    }
}

impl From<&'static str> for Key {
    fn from(value: &'static str) -> Self {
        Key::String(Str::from(value))
    }
}

impl From<String> for Key {
    fn from(value: String) -> Self {
        Key::String(Str::from(value))
    }
}

impl From<&String> for Key {
    fn from(value: &String) -> Self {
        Key::String(Str::from(value))
    }
}

// ------------------------------------------------------------------------------------------
// Event handlers

/// Values a handler captured, compared by equality to decide whether two handlers are equivalent.
trait CapturedValues: Any + Send + Sync {
    fn equals(&self, other: &dyn CapturedValues) -> bool;
    fn as_any(&self) -> &dyn Any;
}

impl<T: PartialEq + Send + Sync + 'static> CapturedValues for T {
    fn equals(&self, other: &dyn CapturedValues) -> bool {
        other.as_any().downcast_ref::<T>().is_some_and(|other| other == self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A captured value kept in the handler itself, as bits: integers, `bool`, `char` and `()`,
/// whose equality is equality of these bits. `None` for other types (kept in an allocation).
fn captured_bits<T: Any>(value: &T) -> Option<u64> {
    let value = value as &dyn Any;
    macro_rules! bits {
        ($($t:ty => |$v:ident| $bits:expr),* $(,)?) => {$(
            if let Some(&$v) = value.downcast_ref::<$t>() {
                return Some($bits);
            }
        )*};
    }
    bits!(
        i8 => |v| v as i64 as u64, i16 => |v| v as i64 as u64, i32 => |v| v as i64 as u64,
        i64 => |v| v as u64, isize => |v| v as i64 as u64,
        u8 => |v| v as u64, u16 => |v| v as u64, u32 => |v| v as u64, u64 => |v| v, usize => |v| v as u64,
        bool => |v| v as u64, char => |v| v as u64, () => |_v| 0,
    );
    None
}

/// Calls `f` with the value of type `T` that [`captured_bits`] turned into `bits`.
fn with_captured<T: Any, R>(bits: u64, f: impl FnOnce(&T) -> R) -> Option<R> {
    macro_rules! value {
        ($($t:ty => $value:expr),* $(,)?) => {$(
            if TypeId::of::<T>() == TypeId::of::<$t>() {
                let value: $t = $value;
                return (&value as &dyn Any).downcast_ref::<T>().map(f);
            }
        )*};
    }
    value!(
        i8 => bits as i8, i16 => bits as i16, i32 => bits as i32, i64 => bits as i64, isize => bits as isize,
        u8 => bits as u8, u16 => bits as u16, u32 => bits as u32, u64 => bits, usize => bits as usize,
        bool => bits != 0, char => char::from_u32(bits as u32)?, () => (),
    );
    None
}

/// How a handler's equivalence is decided.
enum Identity<'a> {
    /// Code that captures nothing (like a C# method group, or a lambda capturing only `this`):
    /// every handler made from the same code is equivalent.
    Code(TypeId),
    /// Code plus the values it captured (like a C# closure): equivalent when the code is the
    /// same and the captured values are equal.
    Closure(TypeId, &'a dyn CapturedValues),
    /// Its own identity: equivalent only to its clones.
    Instance,
}

/// A handler's code (and, when allocated, its captured values).
trait Handler: Send + Sync {
    /// Runs the handler; `captured` is the captured value's bits for code kept without an
    /// allocation ([`Repr::Code`]).
    fn invoke(&self, receiver: &mut dyn Any, captured: u64, args: &EventArgs) -> Result<(), &'static str>;
    fn identity(&self) -> Identity<'_>;
    fn receiver_type(&self) -> &'static str;
}

/// A handler without captured values. `UNIQUE`: identity by instance even if `F` is zero-sized.
struct Plain<C, F, const UNIQUE: bool> {
    handler: F,
    receiver: std::marker::PhantomData<fn(&mut C)>,
}

impl<C, F, const UNIQUE: bool> Handler for Plain<C, F, UNIQUE>
where
    C: Component,
    F: Fn(&mut C, &EventArgs) + Send + Sync + 'static,
{
    fn invoke(&self, receiver: &mut dyn Any, _: u64, args: &EventArgs) -> Result<(), &'static str> {
        let receiver = receiver.downcast_mut::<C>().ok_or(std::any::type_name::<C>())?;
        (self.handler)(receiver, args);
        Ok(())
    }
    fn identity(&self) -> Identity<'_> {
        if !UNIQUE && std::mem::size_of::<F>() == 0 {
            Identity::Code(TypeId::of::<F>())
        } else {
            Identity::Instance
        }
    }
    fn receiver_type(&self) -> &'static str {
        std::any::type_name::<C>()
    }
}

/// A handler with captured values passed to its code.
struct Capturing<C, T, F> {
    captured: T,
    handler: F,
    receiver: std::marker::PhantomData<fn(&mut C)>,
}

impl<C, T, F> Handler for Capturing<C, T, F>
where
    C: Component,
    T: PartialEq + Send + Sync + 'static,
    F: Fn(&mut C, &T, &EventArgs) + Send + Sync + 'static,
{
    fn invoke(&self, receiver: &mut dyn Any, _: u64, args: &EventArgs) -> Result<(), &'static str> {
        let receiver = receiver.downcast_mut::<C>().ok_or(std::any::type_name::<C>())?;
        (self.handler)(receiver, &self.captured, args);
        Ok(())
    }
    fn identity(&self) -> Identity<'_> {
        if std::mem::size_of::<F>() == 0 {
            Identity::Closure(TypeId::of::<F>(), &self.captured)
        } else {
            Identity::Instance
        }
    }
    fn receiver_type(&self) -> &'static str {
        std::any::type_name::<C>()
    }
}

/// The zero-sized code of a capturing handler whose captured value is kept as bits
/// ([`captured_bits`]) in the [`EventHandler`].
struct CapturingCode<C, T, F> {
    handler: F,
    types: std::marker::PhantomData<fn(&mut C, &T)>,
}

impl<C, T, F> Handler for CapturingCode<C, T, F>
where
    C: Component,
    T: PartialEq + Send + Sync + 'static,
    F: Fn(&mut C, &T, &EventArgs) + Send + Sync + 'static,
{
    fn invoke(&self, receiver: &mut dyn Any, captured: u64, args: &EventArgs) -> Result<(), &'static str> {
        let receiver = receiver.downcast_mut::<C>().ok_or(std::any::type_name::<C>())?;
        with_captured(captured, |captured: &T| (self.handler)(receiver, captured, args))
            .ok_or(std::any::type_name::<T>())
    }
    fn identity(&self) -> Identity<'_> {
        Identity::Code(TypeId::of::<F>())
    }
    fn receiver_type(&self) -> &'static str {
        std::any::type_name::<C>()
    }
}

/// `value` (zero-sized) as a `'static` handler, without an allocation: a `Box` of a zero-sized
/// value does not allocate, so leaking it leaks nothing.
fn zero_sized<H: Handler + 'static>(value: H) -> &'static dyn Handler {
    debug_assert_eq!(std::mem::size_of::<H>(), 0);
    Box::leak(Box::new(value))
}

/// No receiver bound yet (component ids are never negative).
const NO_RECEIVER: ComponentId = ComponentId::MIN;

/// An event handler: a callback run on its receiver component when the browser reports an
/// event for the attribute it is attached to.
///
/// Whether a re-render keeps the attribute's event handler id depends on whether the new
/// handler is *equivalent* to the old one:
///
// RT-3.2
/// rule: an event handler attribute keeps its event handler id when the new delegate is
/// equivalent to the old one: equal by .NET `Delegate.Equals` (same target, same method), or
/// (.NET 10's closure comparison for diffing) the same method on two instances of the same
/// compiler-generated closure class whose captured fields are all equal. Otherwise the new
/// delegate gets a new id and the old id is retired.
///
/// * [`EventHandler::new`] with a closure that captures nothing (the receiver arrives as the
///   `&mut C` argument): equivalent to every handler made from the same code for the same
///   receiver, as a C# method group (`@onclick="Increment"`) or a lambda using only `this` is.
/// * [`EventHandler::capturing`]: code plus captured values, equivalent when the values are
///   equal (`@onclick="() => Select(row)"`).
/// * [`EventHandler::new`] with a closure that does capture something, and
///   [`EventHandler::unique`]: equivalent only to its own clones (captures cannot be compared).
#[derive(Clone)]
pub struct EventHandler {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    /// Zero-sized code (no allocation, identity by its type), and for a capturing handler the
    /// captured value's bits.
    Code {
        code: &'static dyn Handler,
        captured: u64,
        receiver: ComponentId,
    },
    /// Code with state of its own, a captured value of another type, or a unique handler.
    Shared {
        handler: Arc<dyn Handler>,
        receiver: ComponentId,
    },
}

impl EventHandler {
    /// A handler run on the component of type `C` that rendered it (or that created the render
    /// fragment it was written in). See the type's documentation for its identity.
    pub fn new<C, F>(handler: F) -> Self
    where
        C: Component,
        F: Fn(&mut C, &EventArgs) + Send + Sync + 'static,
    {
        let handler: Plain<C, F, false> = Plain {
            handler,
            receiver: std::marker::PhantomData,
        };
        let repr = if std::mem::size_of::<F>() == 0 {
            Repr::Code {
                code: zero_sized(handler),
                captured: 0,
                receiver: NO_RECEIVER,
            }
        } else {
            Repr::Shared {
                handler: Arc::new(handler),
                receiver: NO_RECEIVER,
            }
        };
        EventHandler { repr }
    }

    /// A handler that captured `captured` (passed back to it on each call): equivalent to
    /// another made from the same code when the captured values are equal.
    pub fn capturing<C, T, F>(captured: T, handler: F) -> Self
    where
        C: Component,
        T: PartialEq + Send + Sync + 'static,
        F: Fn(&mut C, &T, &EventArgs) + Send + Sync + 'static,
    {
        if std::mem::size_of::<F>() == 0 {
            if let Some(bits) = captured_bits(&captured) {
                let code: CapturingCode<C, T, F> = CapturingCode {
                    handler,
                    types: std::marker::PhantomData,
                };
                return EventHandler {
                    repr: Repr::Code {
                        code: zero_sized(code),
                        captured: bits,
                        receiver: NO_RECEIVER,
                    },
                };
            }
        }
        let handler = Capturing {
            captured,
            handler,
            receiver: std::marker::PhantomData,
        };
        EventHandler {
            repr: Repr::Shared {
                handler: Arc::new(handler),
                receiver: NO_RECEIVER,
            },
        }
    }

    /// A handler with a new identity, equivalent only to its own clones.
    pub fn unique<C, F>(handler: F) -> Self
    where
        C: Component,
        F: Fn(&mut C, &EventArgs) + Send + Sync + 'static,
    {
        let handler: Plain<C, F, true> = Plain {
            handler,
            receiver: std::marker::PhantomData,
        };
        EventHandler {
            repr: Repr::Shared {
                handler: Arc::new(handler),
                receiver: NO_RECEIVER,
            },
        }
    }

    fn receiver_slot(&mut self) -> &mut ComponentId {
        match &mut self.repr {
            Repr::Code { receiver, .. } | Repr::Shared { receiver, .. } => receiver,
        }
    }

    /// The same handler bound to run on `receiver`.
    pub fn with_receiver(mut self, receiver: ComponentId) -> Self {
        *self.receiver_slot() = receiver;
        self
    }

    /// The component the handler runs on, once bound (the builder binds it when the handler
    /// is added to a tree).
    pub fn receiver(&self) -> Option<ComponentId> {
        let (Repr::Code { receiver, .. } | Repr::Shared { receiver, .. }) = &self.repr;
        (*receiver != NO_RECEIVER).then_some(*receiver)
    }

    pub(crate) fn bind_default_receiver(&mut self, receiver: ComponentId) {
        let slot = self.receiver_slot();
        if *slot == NO_RECEIVER {
            *slot = receiver;
        }
    }

    pub(crate) fn invoke(&self, receiver: &mut dyn Any, args: &EventArgs) -> Result<(), &'static str> {
        match &self.repr {
            Repr::Code { code, captured, .. } => code.invoke(receiver, *captured, args),
            Repr::Shared { handler, .. } => handler.invoke(receiver, 0, args),
        }
    }

    /// Whether the handler is zero-sized code (and captured bits) without an allocation: two
    /// such handlers that are [`Self::same_as`] each other are interchangeable.
    pub(crate) fn is_code_only(&self) -> bool {
        matches!(self.repr, Repr::Code { .. })
    }

    /// Whether two handlers are equivalent for diffing (see the type's documentation).
    #[inline(always)]
    pub fn same_as(&self, other: &EventHandler) -> bool {
        match (&self.repr, &other.repr) {
            (
                Repr::Code {
                    code: a,
                    captured: a_captured,
                    receiver: a_receiver,
                },
                Repr::Code {
                    code: b,
                    captured: b_captured,
                    receiver: b_receiver,
                },
            ) => {
                // The code's type decides the captured value's type, so equal bits are equal values.
                // The same vtable is the same type (each type's `identity` differs); the same
                // type may also have several vtables, hence the type ids otherwise.
                a_receiver == b_receiver
                    && a_captured == b_captured
                    && (std::ptr::eq(*a, *b)
                        || matches!((a.identity(), b.identity()), (Identity::Code(a), Identity::Code(b)) if a == b))
            }
            (
                Repr::Shared {
                    handler: a,
                    receiver: a_receiver,
                },
                Repr::Shared {
                    handler: b,
                    receiver: b_receiver,
                },
            ) => {
                a_receiver == b_receiver
                    && match (a.identity(), b.identity()) {
                        (Identity::Code(a), Identity::Code(b)) => a == b,
                        (Identity::Closure(a, a_values), Identity::Closure(b, b_values)) => {
                            a == b && a_values.equals(b_values)
                        }
                        _ => Arc::ptr_eq(a, b),
                    }
            }
            // Zero-sized code is never shared, and shared code is never zero-sized.
            _ => false,
        }
    }

    fn receiver_type(&self) -> &'static str {
        match &self.repr {
            Repr::Code { code, .. } => code.receiver_type(),
            Repr::Shared { handler, .. } => handler.receiver_type(),
        }
    }
}

impl fmt::Debug for EventHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventHandler")
            .field("receiver", &self.receiver())
            .field("receiver_type", &self.receiver_type())
            .finish_non_exhaustive()
    }
}

// ------------------------------------------------------------------------------------------
// Render fragments

/// A piece of UI written by one component and rendered into another's tree (a `RenderFragment`
/// delegate, e.g. `ChildContent`). Its frames keep the sequence numbers of the code that wrote
/// them; the builder wraps them in a region. Event handlers created while it renders run on the
/// component that created the fragment.
#[derive(Clone)]
pub struct RenderFragment {
    render: Arc<dyn Fn(&mut RenderTreeBuilder<'_>) + Send + Sync>,
    owner: Option<ComponentId>,
}

impl RenderFragment {
    /// A fragment rendering with `render`. Each call makes a new delegate: a component
    /// receiving it as a parameter re-renders whenever its parent does.
    pub fn new(render: impl Fn(&mut RenderTreeBuilder<'_>) + Send + Sync + 'static) -> Self {
        RenderFragment {
            render: Arc::new(render),
            owner: None,
        }
    }

    /// The component that created the fragment (bound when it is passed as a parameter).
    pub fn owner(&self) -> Option<ComponentId> {
        self.owner
    }

    pub(crate) fn bind_default_owner(&mut self, owner: ComponentId) {
        if self.owner.is_none() {
            self.owner = Some(owner);
        }
    }

    pub(crate) fn render_into(&self, builder: &mut RenderTreeBuilder<'_>) {
        (self.render)(builder)
    }

    fn same_as(&self, other: &RenderFragment) -> bool {
        self.owner == other.owner && Arc::ptr_eq(&self.render, &other.render)
    }
}

impl fmt::Debug for RenderFragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RenderFragment")
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

// ------------------------------------------------------------------------------------------
// Attribute values

/// A value of a known-immutable type (numbers, characters, or a type you vouch for), compared by
/// equality when deciding whether a child component's parameters changed.
pub trait ImmutableValue: Any + Send + Sync + fmt::Debug {
    /// Whether `other` holds the same type and an equal value.
    fn equals(&self, other: &dyn ImmutableValue) -> bool;
    /// The value as an element attribute's text (.NET `ToString()`).
    fn to_text(&self) -> String;
    /// The value as `Any`, for downcasting.
    fn as_any(&self) -> &dyn Any;
}

#[derive(Debug)]
struct Immutable<T>(T);

impl<T> ImmutableValue for Immutable<T>
where
    T: PartialEq + fmt::Display + fmt::Debug + Send + Sync + 'static,
{
    fn equals(&self, other: &dyn ImmutableValue) -> bool {
        other
            .as_any()
            .downcast_ref::<Immutable<T>>()
            .is_some_and(|other| other.0 == self.0)
    }
    fn to_text(&self) -> String {
        self.0.to_string()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The value of an attribute frame: an element's attribute or a component's parameter.
#[derive(Clone, Debug)]
pub enum AttributeValue {
    /// No value (a component parameter given `null`; an element omits such an attribute).
    Null,
    /// A string.
    String(Str),
    /// A boolean. On an element, `true` is written as `""` and `false` omits the attribute.
    Bool(bool),
    /// An event handler (a delegate or `EventCallback`).
    EventHandler(EventHandler),
    /// A render fragment (a delegate that is not an event handler).
    Fragment(RenderFragment),
    /// A known-immutable value (numbers, characters, ...).
    Immutable(Arc<dyn ImmutableValue>),
    /// Any other value; a component given one re-renders whenever its parent does.
    Object(Arc<dyn Any + Send + Sync>),
}

impl AttributeValue {
    /// A known-immutable value: a child component given it is not re-rendered while it stays equal.
    pub fn immutable<T>(value: T) -> Self
    where
        T: PartialEq + fmt::Display + fmt::Debug + Send + Sync + 'static,
    {
        AttributeValue::Immutable(Arc::new(Immutable(value)))
    }

    /// Any other value (shared, not copied).
    pub fn object<T: Any + Send + Sync>(value: T) -> Self {
        AttributeValue::Object(Arc::new(value))
    }

    /// The value's string as the batch carries it: strings as they are, `true` as `""`,
    /// everything else as null (RenderBatchWriter's rule).
    #[inline]
    pub fn wire_string(&self) -> Option<Str> {
        match self {
            AttributeValue::String(text) => Some(text.clone()),
            AttributeValue::Bool(true) => Some(Str::EMPTY),
            _ => None,
        }
    }

    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttributeValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// A downcast of an [`AttributeValue::Immutable`] or [`AttributeValue::Object`] value.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        match self {
            AttributeValue::Immutable(value) => value.as_any().downcast_ref::<Immutable<T>>().map(|v| &v.0),
            AttributeValue::Object(value) => value.downcast_ref::<T>(),
            _ => None,
        }
    }

    /// .NET `object.Equals(old, new)` as the attribute diff uses it.
    ///
    /// rule: an element attribute is re-sent when `Equals(oldValue, newValue)` is false:
    /// strings by ordinal comparison, booleans by value, delegates by target and method, any
    /// other object by its own `Equals` (reference equality unless overridden).
    #[inline(always)]
    pub(crate) fn equals(&self, other: &AttributeValue) -> bool {
        match (self, other) {
            (AttributeValue::String(a), AttributeValue::String(b)) => a == b,
            (AttributeValue::EventHandler(a), AttributeValue::EventHandler(b)) => a.same_as(b),
            _ => self.equals_other(other),
        }
    }

    #[inline(never)]
    fn equals_other(&self, other: &AttributeValue) -> bool {
        match (self, other) {
            (AttributeValue::Null, AttributeValue::Null) => true,
            (AttributeValue::String(a), AttributeValue::String(b)) => a == b,
            (AttributeValue::Bool(a), AttributeValue::Bool(b)) => a == b,
            (AttributeValue::EventHandler(a), AttributeValue::EventHandler(b)) => a.same_as(b),
            (AttributeValue::Fragment(a), AttributeValue::Fragment(b)) => a.same_as(b),
            (AttributeValue::Immutable(a), AttributeValue::Immutable(b)) => a.equals(b.as_ref()),
            (AttributeValue::Object(a), AttributeValue::Object(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// `ChangeDetection.MayHaveChanged` for a component parameter.
    ///
    // RT-2.5
    /// rule: a parameter may have changed unless both values are null, or both are of the same
    /// known-immutable type (primitives, string, decimal, DateTime, Guid, enums,
    /// `EventCallback`) and equal; a delegate such as a `RenderFragment` or an array always
    /// may have changed.
    pub(crate) fn may_have_changed(&self, other: &AttributeValue) -> bool {
        match (self, other) {
            (AttributeValue::Null, AttributeValue::Null) => false,
            (AttributeValue::String(a), AttributeValue::String(b)) => a != b,
            (AttributeValue::Bool(a), AttributeValue::Bool(b)) => a != b,
            (AttributeValue::EventHandler(a), AttributeValue::EventHandler(b)) => !a.same_as(b),
            (AttributeValue::Immutable(a), AttributeValue::Immutable(b)) => !a.equals(b.as_ref()),
            _ => true,
        }
    }
}

impl From<Str> for AttributeValue {
    fn from(value: Str) -> Self {
        AttributeValue::String(value)
    }
}

impl From<&Str> for AttributeValue {
    fn from(value: &Str) -> Self {
        AttributeValue::String(value.clone())
    }
}

impl From<&'static str> for AttributeValue {
    fn from(value: &'static str) -> Self {
        AttributeValue::String(Str::from(value))
    }
}

impl From<String> for AttributeValue {
    fn from(value: String) -> Self {
        AttributeValue::String(Str::from(value))
    }
}

impl From<&String> for AttributeValue {
    fn from(value: &String) -> Self {
        AttributeValue::String(Str::from(value))
    }
}

impl<T: Into<AttributeValue>> From<Option<T>> for AttributeValue {
    fn from(value: Option<T>) -> Self {
        value.map_or(AttributeValue::Null, Into::into)
    }
}

impl From<bool> for AttributeValue {
    fn from(value: bool) -> Self {
        AttributeValue::Bool(value)
    }
}

impl From<EventHandler> for AttributeValue {
    fn from(value: EventHandler) -> Self {
        AttributeValue::EventHandler(value)
    }
}

impl From<RenderFragment> for AttributeValue {
    fn from(value: RenderFragment) -> Self {
        AttributeValue::Fragment(value)
    }
}

macro_rules! attribute_value_from_immutable {
    ($($t:ty),*) => {$(
        impl From<$t> for AttributeValue {
            fn from(value: $t) -> Self {
                AttributeValue::immutable(value)
            }
        }
    )*};
}
attribute_value_from_immutable!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, char
);

// ------------------------------------------------------------------------------------------
// Component types and reference captures

/// A component type: how to create an instance, and its identity for the diff.
///
/// rule: a retained component frame keeps its instance only if the component type is the same;
/// a different type at the same position disposes the old instance and creates a new one.
#[derive(Clone, Copy)]
pub struct ComponentType {
    type_id: fn() -> TypeId,
    name: fn() -> &'static str,
    create: fn() -> Box<dyn Component>,
}

impl ComponentType {
    /// The type `C`, created with `C::default()`.
    pub fn of<C: Component + Default>() -> Self {
        fn create<C: Component + Default>() -> Box<dyn Component> {
            Box::new(C::default())
        }
        ComponentType {
            type_id: TypeId::of::<C>,
            name: std::any::type_name::<C>,
            create: create::<C>,
        }
    }

    /// The type's name.
    pub fn name(&self) -> &'static str {
        (self.name)()
    }

    pub(crate) fn create(&self) -> Box<dyn Component> {
        (self.create)()
    }
}

impl PartialEq for ComponentType {
    fn eq(&self, other: &Self) -> bool {
        (self.type_id)() == (other.type_id)()
    }
}

impl Eq for ComponentType {}

impl fmt::Debug for ComponentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A reference to a rendered element, as the browser registers it (`@ref` on an element).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ElementReference {
    /// The capture id the browser registers the element under.
    pub id: Str,
}

pub(crate) type ElementReferenceAction = Arc<dyn Fn(ElementReference) + Send + Sync>;
pub(crate) type ComponentReferenceAction = Arc<dyn Fn(ComponentId) + Send + Sync>;

// ------------------------------------------------------------------------------------------
// Frames

/// One frame of a render tree. A tree is a flat list of frames in document order; elements,
/// components and regions record the length of their subtree.
#[derive(Clone)]
pub struct RenderFrame {
    /// The sequence number (an `i32`), widened so that it fills the word it shares with the
    /// frame's padding: a frame built field by field is then copied without a partial overlap.
    pub(crate) sequence: i64,
    pub(crate) kind: FrameKind,
}

#[derive(Clone)]
pub(crate) enum FrameKind {
    Element {
        name: Str,
        subtree_length: i32,
        key: Option<Key>,
    },
    Text {
        content: Str,
    },
    Markup {
        content: Str,
    },
    Attribute {
        name: Str,
        value: AttributeValue,
        event_handler_id: u64,
    },
    Component {
        component_type: ComponentType,
        subtree_length: i32,
        key: Option<Key>,
        component_id: ComponentId,
    },
    Region {
        subtree_length: i32,
    },
    ElementReferenceCapture {
        id: Option<Str>,
        action: ElementReferenceAction,
    },
    ComponentReferenceCapture {
        parent_frame_index: usize,
        action: ComponentReferenceAction,
    },
    NamedEvent {
        event_type: Str,
        assigned_name: Str,
    },
}

impl RenderFrame {
    /// The sequence number: the position of the instruction in the code that wrote the frame.
    pub fn sequence(&self) -> i32 {
        self.sequence as i32
    }

    /// The frame's type.
    pub fn frame_type(&self) -> FrameType {
        match &self.kind {
            FrameKind::Element { .. } => FrameType::Element,
            FrameKind::Text { .. } => FrameType::Text,
            FrameKind::Markup { .. } => FrameType::Markup,
            FrameKind::Attribute { .. } => FrameType::Attribute,
            FrameKind::Component { .. } => FrameType::Component,
            FrameKind::Region { .. } => FrameType::Region,
            FrameKind::ElementReferenceCapture { .. } => FrameType::ElementReferenceCapture,
            FrameKind::ComponentReferenceCapture { .. } => FrameType::ComponentReferenceCapture,
            FrameKind::NamedEvent { .. } => FrameType::NamedEvent,
        }
    }

    /// The number of frames in the subtree (1 for frames without one).
    pub fn subtree_length(&self) -> i32 {
        match &self.kind {
            FrameKind::Element { subtree_length, .. }
            | FrameKind::Component { subtree_length, .. }
            | FrameKind::Region { subtree_length } => *subtree_length,
            _ => 1,
        }
    }

    /// The key of an element or component frame.
    pub fn key(&self) -> Option<&Key> {
        match &self.kind {
            FrameKind::Element { key, .. } | FrameKind::Component { key, .. } => key.as_ref(),
            _ => None,
        }
    }

    /// The attribute's name and value, for an attribute frame.
    pub fn attribute(&self) -> Option<(&str, &AttributeValue)> {
        match &self.kind {
            FrameKind::Attribute { name, value, .. } => Some((name, value)),
            _ => None,
        }
    }

    /// The event handler id of an attribute frame (0 if none).
    pub fn event_handler_id(&self) -> u64 {
        match &self.kind {
            FrameKind::Attribute { event_handler_id, .. } => *event_handler_id,
            _ => 0,
        }
    }

    /// The event type (e.g. `onsubmit`) and the assigned name, for a named event frame.
    pub fn named_event(&self) -> Option<(&str, &str)> {
        match &self.kind {
            FrameKind::NamedEvent {
                event_type,
                assigned_name,
            } => Some((event_type, assigned_name)),
            _ => None,
        }
    }

    /// The child component's id, for a component frame.
    pub fn component_id(&self) -> Option<ComponentId> {
        match &self.kind {
            FrameKind::Component { component_id, .. } => Some(*component_id),
            _ => None,
        }
    }

    /// The frame as the batch carries it.
    #[inline(always)]
    pub fn to_reference_frame(&self) -> Frame<Str> {
        match &self.kind {
            FrameKind::Element {
                name, subtree_length, ..
            } => Frame::Element {
                subtree_length: *subtree_length,
                name: name.clone(),
            },
            FrameKind::Text { content } => Frame::Text {
                content: content.clone(),
            },
            FrameKind::Markup { content } => Frame::Markup {
                content: content.clone(),
            },
            FrameKind::Attribute {
                name,
                value,
                event_handler_id,
            } => Frame::Attribute {
                name: name.clone(),
                value: value.wire_string(),
                event_handler_id: *event_handler_id,
            },
            FrameKind::Component {
                subtree_length,
                component_id,
                ..
            } => Frame::Component {
                subtree_length: *subtree_length,
                component_id: *component_id,
            },
            FrameKind::Region { subtree_length } => Frame::Region {
                subtree_length: *subtree_length,
            },
            FrameKind::ElementReferenceCapture { id, .. } => Frame::ElementReferenceCapture {
                id: id.clone().unwrap_or_default(),
            },
            FrameKind::ComponentReferenceCapture { .. } => Frame::ComponentReferenceCapture,
            FrameKind::NamedEvent { .. } => Frame::NamedEvent,
        }
    }
}

impl RenderFrame {
    /// Appends [`Self::to_reference_frame`] to `frames`, building it where it is stored.
    #[inline]
    pub(crate) fn push_reference_frame(&self, frames: &mut Vec<Frame<Str>>) {
        // With room in the vector, no call comes between building the frame and storing it, so
        // it is not built on the stack and copied.
        macro_rules! push {
            ($frame:expr) => {
                if frames.len() < frames.capacity() {
                    frames.push($frame)
                } else {
                    frames.reserve(1);
                    frames.push($frame)
                }
            };
        }
        match &self.kind {
            FrameKind::Element {
                name, subtree_length, ..
            } => push!(Frame::Element {
                subtree_length: *subtree_length,
                name: name.clone(),
            }),
            FrameKind::Text { content } => push!(Frame::Text {
                content: content.clone(),
            }),
            FrameKind::Attribute {
                name,
                value,
                event_handler_id,
            } => push!(Frame::Attribute {
                name: name.clone(),
                value: value.wire_string(),
                event_handler_id: *event_handler_id,
            }),
            _ => push!(self.to_reference_frame()),
        }
    }
}

impl fmt::Debug for RenderFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("RenderFrame");
        s.field("sequence", &self.sequence);
        match &self.kind {
            FrameKind::Element {
                name,
                subtree_length,
                key,
            } => s
                .field("element", name)
                .field("subtree_length", subtree_length)
                .field("key", key),
            FrameKind::Text { content } => s.field("text", content),
            FrameKind::Markup { content } => s.field("markup", content),
            FrameKind::Attribute {
                name,
                value,
                event_handler_id,
            } => s
                .field("attribute", name)
                .field("value", value)
                .field("event_handler_id", event_handler_id),
            FrameKind::Component {
                component_type,
                subtree_length,
                key,
                component_id,
            } => s
                .field("component", component_type)
                .field("subtree_length", subtree_length)
                .field("key", key)
                .field("component_id", component_id),
            FrameKind::Region { subtree_length } => s.field("region", subtree_length),
            FrameKind::ElementReferenceCapture { id, .. } => s.field("element_reference_capture", id),
            FrameKind::ComponentReferenceCapture { parent_frame_index, .. } => {
                s.field("component_reference_capture", parent_frame_index)
            }
            FrameKind::NamedEvent {
                event_type,
                assigned_name,
            } => s.field("named_event", event_type).field("assigned_name", assigned_name),
        };
        s.finish()
    }
}
