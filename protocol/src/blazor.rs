//! Blazor's hub methods in both directions, typed (`spec/blazor.md`, BZ-…), as ASP.NET Core 10's
//! `ComponentHub` and `blazor.web.js` / `blazor.server.js` name and order their arguments.
//!
//! Decoding binds a hub invocation's arguments the way the server's MessagePack binder does:
//! integers of any width into 64-bit integers, nil into an absent string, `bin` into bytes; any
//! other mismatch (count or type) is a [`CallError::Arguments`], which the circuit treats as
//! ASP.NET Core does (ignored for a `send`, an error completion for an `invoke`).

use crate::hub::{HubMessage, Invocation, Value};

/// A call from the browser to the server's hub (BZ-1.x).
#[derive(Debug, Clone, PartialEq)]
pub enum ClientCall {
    /// `StartCircuit(baseUri, uri, componentsJson, applicationState)` → secret.
    StartCircuit {
        /// `document.baseURI`.
        base_uri: Option<String>,
        /// `location.href`.
        uri: Option<String>,
        /// Component markers (`blazor.server.js`) or `"[]"` (`blazor.web.js`).
        components: Option<String>,
        /// The page's persisted state comment.
        application_state: Option<String>,
    },
    /// `UpdateRootComponents(operationsJson, applicationState)`.
    UpdateRootComponents {
        /// The operations (add, update, remove) as JSON.
        operations: Option<String>,
        /// Persisted state.
        application_state: Option<String>,
    },
    /// `ConnectCircuit(secret)` → bool.
    ConnectCircuit {
        /// The circuit secret.
        secret: Option<String>,
    },
    /// `ResumeCircuit(secret, baseUri, uri, rootComponents, applicationState)` → new secret or null.
    ResumeCircuit {
        /// The old circuit's secret.
        secret: Option<String>,
        /// `document.baseURI`.
        base_uri: Option<String>,
        /// `location.href`.
        uri: Option<String>,
        /// Root components held by the client.
        root_components: Option<String>,
        /// Application state held by the client.
        application_state: Option<String>,
    },
    /// `PauseCircuit()` → bool.
    PauseCircuit,
    /// `BeginInvokeDotNetFromJS(callId, assemblyName, methodIdentifier, dotNetObjectId, argsJson)`.
    BeginInvokeDotNetFromJs {
        /// Call id; absent for calls that expect no answer.
        call_id: Option<String>,
        /// Assembly of a static method; absent for instance calls.
        assembly_name: Option<String>,
        /// The method.
        method_identifier: Option<String>,
        /// Target object id (0 for static calls).
        dotnet_object_id: i64,
        /// Arguments as JSON.
        arguments_json: Option<String>,
    },
    /// `EndInvokeJSFromDotNet(asyncHandle, succeeded, argumentsJson)`.
    EndInvokeJsFromDotNet {
        /// The .NET→JS call's handle.
        async_handle: i64,
        /// Whether the JS call succeeded.
        succeeded: bool,
        /// Result or error as JSON.
        arguments_json: Option<String>,
    },
    /// `ReceiveByteArray(id, data)`.
    ReceiveByteArray {
        /// The byte array's id (.NET `int`).
        id: i64,
        /// The bytes (nil binds as absent).
        data: Option<Vec<u8>>,
    },
    /// `ReceiveJSDataChunk(streamId, chunkId, chunk, error)` → bool.
    ReceiveJsDataChunk {
        /// The stream.
        stream_id: i64,
        /// The chunk's position (-1 with an error).
        chunk_id: i64,
        /// The bytes (nil with an error).
        chunk: Option<Vec<u8>>,
        /// A JS-side error.
        error: Option<String>,
    },
    /// `SendDotNetStreamToJS(streamId)` → a stream of byte chunks.
    SendDotNetStreamToJs {
        /// The stream.
        stream_id: i64,
    },
    /// `OnRenderCompleted(batchId, error)`.
    OnRenderCompleted {
        /// The batch acknowledged (and every one before it).
        batch_id: i64,
        /// Why the client could not apply it.
        error: Option<String>,
    },
    /// `OnLocationChanged(uri, state, intercepted)`.
    OnLocationChanged {
        /// The new location.
        uri: Option<String>,
        /// History state.
        state: Option<String>,
        /// Whether a link click was intercepted.
        intercepted: bool,
    },
    /// `OnLocationChanging(callId, uri, state, intercepted)`.
    OnLocationChanging {
        /// The call to answer with `JS.EndLocationChanging`.
        call_id: i64,
        /// The location about to be shown.
        uri: Option<String>,
        /// History state.
        state: Option<String>,
        /// Whether a link click was intercepted.
        intercepted: bool,
    },
}

/// A call from the server to the browser (BZ-2.x). All are sent without an invocation id except
/// `JS.SavePersistedState`, which expects a result.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerCall {
    /// `JS.RenderBatch(batchId, batch)`.
    RenderBatch {
        /// The batch id (the first is 2).
        batch_id: i64,
        /// The render batch bytes (`spec/render-batch.md`).
        batch: Vec<u8>,
    },
    /// `JS.AttachComponent(componentId, selector)`.
    AttachComponent {
        /// The root component.
        component_id: i64,
        /// Where it goes: an ssrComponentId or a marker sequence, as a decimal string.
        selector: String,
    },
    /// `JS.BeginInvokeJS(asyncHandle, identifier, argsJson, resultType, targetInstanceId, callType)`.
    BeginInvokeJs {
        /// Handle of this call (0: no answer expected).
        async_handle: i64,
        /// The JS function.
        identifier: String,
        /// Arguments as JSON.
        arguments_json: String,
        /// 0 JSON, 1 JS object reference, 2 JS stream reference, 3 void.
        result_type: i64,
        /// JS object target (0: window).
        target_instance_id: i64,
        /// 1 function call, 2 constructor, 3 get value, 4 set value.
        call_type: i64,
    },
    /// `JS.EndInvokeDotNet(callId, success, resultJsonOrError)`.
    EndInvokeDotNet {
        /// The JS→.NET call.
        call_id: String,
        /// Whether it succeeded.
        success: bool,
        /// The result as JSON, or the error text.
        result_or_error: String,
    },
    /// `JS.ReceiveByteArray(id, data)`.
    ReceiveByteArray {
        /// The byte array's id.
        id: i64,
        /// The bytes.
        data: Vec<u8>,
    },
    /// `JS.EndUpdateRootComponents(batchId)`.
    EndUpdateRootComponents {
        /// The UpdateRootComponents batch applied.
        batch_id: i64,
    },
    /// `JS.Error(message)`: the circuit failed.
    Error {
        /// The error text.
        message: String,
    },
    /// `JS.BeginTransmitStream(streamId)`.
    BeginTransmitStream {
        /// The stream to claim with `SendDotNetStreamToJS`.
        stream_id: i64,
    },
    /// `JS.EndLocationChanging(callId, shouldContinue)`.
    EndLocationChanging {
        /// The OnLocationChanging call answered.
        call_id: i64,
        /// Whether navigation proceeds.
        should_continue: bool,
    },
    /// `JS.SavePersistedState(secret, rootComponents, applicationState)` (expects a result).
    SavePersistedState {
        /// The circuit's secret.
        secret: String,
        /// Root components.
        root_components: String,
        /// Application state.
        application_state: String,
    },
}

/// An invocation that is not a valid call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// A target the hub (or client) does not have.
    #[error("unknown method {0:?}")]
    UnknownMethod(String),
    /// The arguments do not bind to the method's parameters.
    #[error("{method}: {detail}")]
    Arguments {
        /// The method.
        method: &'static str,
        /// What does not bind.
        detail: String,
    },
    /// The message is not an invocation.
    #[error("not an invocation")]
    NotAnInvocation,
}

struct Args<'a> {
    method: &'static str,
    values: &'a [Value],
}

impl<'a> Args<'a> {
    fn new(method: &'static str, values: &'a [Value], count: usize) -> Result<Self, CallError> {
        if values.len() != count {
            return Err(CallError::Arguments {
                method,
                detail: format!("takes {count} arguments, {} given", values.len()),
            });
        }
        Ok(Args { method, values })
    }

    fn mismatch(&self, index: usize, expected: &str) -> CallError {
        CallError::Arguments {
            method: self.method,
            detail: format!("argument {index} must be {expected}"),
        }
    }

    fn string(&self, index: usize) -> Result<Option<String>, CallError> {
        match &self.values[index] {
            Value::Nil => Ok(None),
            Value::Str(s) => Ok(Some(s.clone())),
            _ => Err(self.mismatch(index, "a string or nil")),
        }
    }

    fn int(&self, index: usize) -> Result<i64, CallError> {
        self.values[index]
            .as_i64()
            .ok_or_else(|| self.mismatch(index, "an integer"))
    }

    fn bool(&self, index: usize) -> Result<bool, CallError> {
        match self.values[index] {
            Value::Bool(b) => Ok(b),
            _ => Err(self.mismatch(index, "a boolean")),
        }
    }

    fn bytes(&self, index: usize) -> Result<Option<Vec<u8>>, CallError> {
        match &self.values[index] {
            Value::Bin(b) => Ok(Some(b.clone())),
            Value::Nil => Ok(None),
            _ => Err(self.mismatch(index, "a byte array (bin) or nil")),
        }
    }

    /// A .NET `int` parameter: integers outside 32 bits do not bind.
    fn int32(&self, index: usize) -> Result<i64, CallError> {
        self.values[index]
            .as_i64()
            .filter(|v| i32::try_from(*v).is_ok())
            .ok_or_else(|| self.mismatch(index, "a 32-bit integer"))
    }
}

fn opt(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Nil, |s| Value::Str(s.clone()))
}

impl ClientCall {
    /// The hub method name.
    pub fn method(&self) -> &'static str {
        match self {
            ClientCall::StartCircuit { .. } => "StartCircuit",
            ClientCall::UpdateRootComponents { .. } => "UpdateRootComponents",
            ClientCall::ConnectCircuit { .. } => "ConnectCircuit",
            ClientCall::ResumeCircuit { .. } => "ResumeCircuit",
            ClientCall::PauseCircuit => "PauseCircuit",
            ClientCall::BeginInvokeDotNetFromJs { .. } => "BeginInvokeDotNetFromJS",
            ClientCall::EndInvokeJsFromDotNet { .. } => "EndInvokeJSFromDotNet",
            ClientCall::ReceiveByteArray { .. } => "ReceiveByteArray",
            ClientCall::ReceiveJsDataChunk { .. } => "ReceiveJSDataChunk",
            ClientCall::SendDotNetStreamToJs { .. } => "SendDotNetStreamToJS",
            ClientCall::OnRenderCompleted { .. } => "OnRenderCompleted",
            ClientCall::OnLocationChanged { .. } => "OnLocationChanged",
            ClientCall::OnLocationChanging { .. } => "OnLocationChanging",
        }
    }

    /// Binds a hub invocation's target and arguments (BZ-1.1).
    pub fn from_invocation(target: &str, arguments: &[Value]) -> Result<Self, CallError> {
        Ok(match target {
            "StartCircuit" => {
                let a = Args::new("StartCircuit", arguments, 4)?;
                ClientCall::StartCircuit {
                    base_uri: a.string(0)?,
                    uri: a.string(1)?,
                    components: a.string(2)?,
                    application_state: a.string(3)?,
                }
            }
            "UpdateRootComponents" => {
                let a = Args::new("UpdateRootComponents", arguments, 2)?;
                ClientCall::UpdateRootComponents {
                    operations: a.string(0)?,
                    application_state: a.string(1)?,
                }
            }
            "ConnectCircuit" => {
                let a = Args::new("ConnectCircuit", arguments, 1)?;
                ClientCall::ConnectCircuit { secret: a.string(0)? }
            }
            "ResumeCircuit" => {
                let a = Args::new("ResumeCircuit", arguments, 5)?;
                ClientCall::ResumeCircuit {
                    secret: a.string(0)?,
                    base_uri: a.string(1)?,
                    uri: a.string(2)?,
                    root_components: a.string(3)?,
                    application_state: a.string(4)?,
                }
            }
            "PauseCircuit" => {
                Args::new("PauseCircuit", arguments, 0)?;
                ClientCall::PauseCircuit
            }
            "BeginInvokeDotNetFromJS" => {
                let a = Args::new("BeginInvokeDotNetFromJS", arguments, 5)?;
                ClientCall::BeginInvokeDotNetFromJs {
                    call_id: a.string(0)?,
                    assembly_name: a.string(1)?,
                    method_identifier: a.string(2)?,
                    dotnet_object_id: a.int(3)?,
                    arguments_json: a.string(4)?,
                }
            }
            "EndInvokeJSFromDotNet" => {
                let a = Args::new("EndInvokeJSFromDotNet", arguments, 3)?;
                ClientCall::EndInvokeJsFromDotNet {
                    async_handle: a.int(0)?,
                    succeeded: a.bool(1)?,
                    arguments_json: a.string(2)?,
                }
            }
            "ReceiveByteArray" => {
                let a = Args::new("ReceiveByteArray", arguments, 2)?;
                ClientCall::ReceiveByteArray {
                    id: a.int32(0)?,
                    data: a.bytes(1)?,
                }
            }
            "ReceiveJSDataChunk" => {
                let a = Args::new("ReceiveJSDataChunk", arguments, 4)?;
                ClientCall::ReceiveJsDataChunk {
                    stream_id: a.int(0)?,
                    chunk_id: a.int(1)?,
                    chunk: a.bytes(2)?,
                    error: a.string(3)?,
                }
            }
            "SendDotNetStreamToJS" => {
                let a = Args::new("SendDotNetStreamToJS", arguments, 1)?;
                ClientCall::SendDotNetStreamToJs { stream_id: a.int(0)? }
            }
            "OnRenderCompleted" => {
                let a = Args::new("OnRenderCompleted", arguments, 2)?;
                ClientCall::OnRenderCompleted {
                    batch_id: a.int(0)?,
                    error: a.string(1)?,
                }
            }
            "OnLocationChanged" => {
                let a = Args::new("OnLocationChanged", arguments, 3)?;
                ClientCall::OnLocationChanged {
                    uri: a.string(0)?,
                    state: a.string(1)?,
                    intercepted: a.bool(2)?,
                }
            }
            "OnLocationChanging" => {
                let a = Args::new("OnLocationChanging", arguments, 4)?;
                ClientCall::OnLocationChanging {
                    call_id: a.int32(0)?,
                    uri: a.string(1)?,
                    state: a.string(2)?,
                    intercepted: a.bool(3)?,
                }
            }
            other => return Err(CallError::UnknownMethod(other.to_owned())),
        })
    }

    /// The call's arguments, in order.
    pub fn arguments(&self) -> Vec<Value> {
        match self {
            ClientCall::StartCircuit {
                base_uri,
                uri,
                components,
                application_state,
            } => {
                vec![opt(base_uri), opt(uri), opt(components), opt(application_state)]
            }
            ClientCall::UpdateRootComponents {
                operations,
                application_state,
            } => {
                vec![opt(operations), opt(application_state)]
            }
            ClientCall::ConnectCircuit { secret } => vec![opt(secret)],
            ClientCall::ResumeCircuit {
                secret,
                base_uri,
                uri,
                root_components,
                application_state,
            } => {
                vec![
                    opt(secret),
                    opt(base_uri),
                    opt(uri),
                    opt(root_components),
                    opt(application_state),
                ]
            }
            ClientCall::PauseCircuit => vec![],
            ClientCall::BeginInvokeDotNetFromJs {
                call_id,
                assembly_name,
                method_identifier,
                dotnet_object_id,
                arguments_json,
            } => vec![
                opt(call_id),
                opt(assembly_name),
                opt(method_identifier),
                Value::int(*dotnet_object_id),
                opt(arguments_json),
            ],
            ClientCall::EndInvokeJsFromDotNet {
                async_handle,
                succeeded,
                arguments_json,
            } => {
                vec![Value::int(*async_handle), Value::Bool(*succeeded), opt(arguments_json)]
            }
            ClientCall::ReceiveByteArray { id, data } => {
                vec![Value::int(*id), data.clone().map_or(Value::Nil, Value::Bin)]
            }
            ClientCall::ReceiveJsDataChunk {
                stream_id,
                chunk_id,
                chunk,
                error,
            } => {
                vec![
                    Value::int(*stream_id),
                    Value::int(*chunk_id),
                    chunk.clone().map_or(Value::Nil, Value::Bin),
                    opt(error),
                ]
            }
            ClientCall::SendDotNetStreamToJs { stream_id } => vec![Value::int(*stream_id)],
            ClientCall::OnRenderCompleted { batch_id, error } => vec![Value::int(*batch_id), opt(error)],
            ClientCall::OnLocationChanged {
                uri,
                state,
                intercepted,
            } => {
                vec![opt(uri), opt(state), Value::Bool(*intercepted)]
            }
            ClientCall::OnLocationChanging {
                call_id,
                uri,
                state,
                intercepted,
            } => {
                vec![Value::int(*call_id), opt(uri), opt(state), Value::Bool(*intercepted)]
            }
        }
    }

    /// The hub message the official client sends: 5 elements, no stream ids (BZ-1.2).
    pub fn to_message(&self, invocation_id: Option<String>) -> HubMessage {
        HubMessage::Invocation(Invocation {
            headers: vec![],
            invocation_id,
            target: self.method().to_owned(),
            arguments: self.arguments(),
            stream_ids: None,
        })
    }
}

impl ServerCall {
    /// The client method name.
    pub fn method(&self) -> &'static str {
        match self {
            ServerCall::RenderBatch { .. } => "JS.RenderBatch",
            ServerCall::AttachComponent { .. } => "JS.AttachComponent",
            ServerCall::BeginInvokeJs { .. } => "JS.BeginInvokeJS",
            ServerCall::EndInvokeDotNet { .. } => "JS.EndInvokeDotNet",
            ServerCall::ReceiveByteArray { .. } => "JS.ReceiveByteArray",
            ServerCall::EndUpdateRootComponents { .. } => "JS.EndUpdateRootComponents",
            ServerCall::Error { .. } => "JS.Error",
            ServerCall::BeginTransmitStream { .. } => "JS.BeginTransmitStream",
            ServerCall::EndLocationChanging { .. } => "JS.EndLocationChanging",
            ServerCall::SavePersistedState { .. } => "JS.SavePersistedState",
        }
    }

    /// The call's arguments, in order.
    pub fn arguments(&self) -> Vec<Value> {
        match self {
            ServerCall::RenderBatch { batch_id, batch } => vec![Value::int(*batch_id), Value::Bin(batch.clone())],
            ServerCall::AttachComponent { component_id, selector } => {
                vec![Value::int(*component_id), Value::str(selector.clone())]
            }
            ServerCall::BeginInvokeJs {
                async_handle,
                identifier,
                arguments_json,
                result_type,
                target_instance_id,
                call_type,
            } => vec![
                Value::int(*async_handle),
                Value::str(identifier.clone()),
                Value::str(arguments_json.clone()),
                Value::int(*result_type),
                Value::int(*target_instance_id),
                Value::int(*call_type),
            ],
            ServerCall::EndInvokeDotNet {
                call_id,
                success,
                result_or_error,
            } => {
                vec![
                    Value::str(call_id.clone()),
                    Value::Bool(*success),
                    Value::str(result_or_error.clone()),
                ]
            }
            ServerCall::ReceiveByteArray { id, data } => vec![Value::int(*id), Value::Bin(data.clone())],
            ServerCall::EndUpdateRootComponents { batch_id } => vec![Value::int(*batch_id)],
            ServerCall::Error { message } => vec![Value::str(message.clone())],
            ServerCall::BeginTransmitStream { stream_id } => vec![Value::int(*stream_id)],
            ServerCall::EndLocationChanging {
                call_id,
                should_continue,
            } => {
                vec![Value::int(*call_id), Value::Bool(*should_continue)]
            }
            ServerCall::SavePersistedState {
                secret,
                root_components,
                application_state,
            } => vec![
                Value::str(secret.clone()),
                Value::str(root_components.clone()),
                Value::str(application_state.clone()),
            ],
        }
    }

    /// The hub message ASP.NET Core's server sends: 6 elements with an empty stream-id array,
    /// no invocation id unless the call expects a result (BZ-2.2).
    pub fn to_message(&self, invocation_id: Option<String>) -> HubMessage {
        HubMessage::Invocation(Invocation {
            headers: vec![],
            invocation_id,
            target: self.method().to_owned(),
            arguments: self.arguments(),
            stream_ids: Some(vec![]),
        })
    }

    /// Binds a received invocation (for clients and test peers) (BZ-2.1).
    pub fn from_invocation(target: &str, arguments: &[Value]) -> Result<Self, CallError> {
        let text = |a: &Args, i| a.string(i).map(Option::unwrap_or_default);
        Ok(match target {
            "JS.RenderBatch" => {
                let a = Args::new("JS.RenderBatch", arguments, 2)?;
                ServerCall::RenderBatch {
                    batch_id: a.int(0)?,
                    batch: a.bytes(1)?.unwrap_or_default(),
                }
            }
            "JS.AttachComponent" => {
                let a = Args::new("JS.AttachComponent", arguments, 2)?;
                ServerCall::AttachComponent {
                    component_id: a.int(0)?,
                    selector: text(&a, 1)?,
                }
            }
            "JS.BeginInvokeJS" => {
                let a = Args::new("JS.BeginInvokeJS", arguments, 6)?;
                ServerCall::BeginInvokeJs {
                    async_handle: a.int(0)?,
                    identifier: text(&a, 1)?,
                    arguments_json: text(&a, 2)?,
                    result_type: a.int(3)?,
                    target_instance_id: a.int(4)?,
                    call_type: a.int(5)?,
                }
            }
            "JS.EndInvokeDotNet" => {
                let a = Args::new("JS.EndInvokeDotNet", arguments, 3)?;
                ServerCall::EndInvokeDotNet {
                    call_id: text(&a, 0)?,
                    success: a.bool(1)?,
                    result_or_error: text(&a, 2)?,
                }
            }
            "JS.ReceiveByteArray" => {
                let a = Args::new("JS.ReceiveByteArray", arguments, 2)?;
                ServerCall::ReceiveByteArray {
                    id: a.int(0)?,
                    data: a.bytes(1)?.unwrap_or_default(),
                }
            }
            "JS.EndUpdateRootComponents" => {
                let a = Args::new("JS.EndUpdateRootComponents", arguments, 1)?;
                ServerCall::EndUpdateRootComponents { batch_id: a.int(0)? }
            }
            "JS.Error" => {
                let a = Args::new("JS.Error", arguments, 1)?;
                ServerCall::Error { message: text(&a, 0)? }
            }
            "JS.BeginTransmitStream" => {
                let a = Args::new("JS.BeginTransmitStream", arguments, 1)?;
                ServerCall::BeginTransmitStream { stream_id: a.int(0)? }
            }
            "JS.EndLocationChanging" => {
                let a = Args::new("JS.EndLocationChanging", arguments, 2)?;
                ServerCall::EndLocationChanging {
                    call_id: a.int(0)?,
                    should_continue: a.bool(1)?,
                }
            }
            "JS.SavePersistedState" => {
                let a = Args::new("JS.SavePersistedState", arguments, 3)?;
                ServerCall::SavePersistedState {
                    secret: text(&a, 0)?,
                    root_components: text(&a, 1)?,
                    application_state: text(&a, 2)?,
                }
            }
            other => return Err(CallError::UnknownMethod(other.to_owned())),
        })
    }
}

/// Appends the framed MessagePack hub message of `JS.RenderBatch(batch_id, batch)` to `out`
/// (BZ-2.2, HUB-1.2): exactly the bytes [`hub::encode`](crate::hub::encode) writes for
/// `ServerCall::RenderBatch { batch_id, batch }.to_message(None)`, written from the borrowed
/// batch into one allocation. A host that keeps each batch until it is acknowledged (CIR-2.5)
/// sends it this way without first copying it into a message and then into a frame.
pub fn write_render_batch_frame(batch_id: i64, batch: &[u8], out: &mut Vec<u8>) {
    use crate::hub::{write_array_len, write_bin_header, write_length_prefix, write_map_len, write_str, write_value};
    // The body: [1 (Invocation), {} (headers), nil (no invocation id), "JS.RenderBatch",
    // [batch_id, bin], [] (stream ids)], the batch's bytes between its head and its tail.
    let mut head = Vec::with_capacity(32);
    write_array_len(6, &mut head);
    head.push(1);
    write_map_len(0, &mut head);
    head.push(0xc0);
    write_str("JS.RenderBatch", &mut head);
    write_array_len(2, &mut head);
    write_value(&Value::int(batch_id), &mut head);
    write_bin_header(batch.len(), &mut head);
    let tail = [0x90];
    let body = head.len() + batch.len() + tail.len();
    out.reserve(5 + body);
    write_length_prefix(body, out);
    out.extend_from_slice(&head);
    out.extend_from_slice(batch);
    out.extend_from_slice(&tail);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::{self, Protocol};

    fn framed(hex: &str) -> Vec<u8> {
        let body: Vec<u8> = (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let mut out = Vec::new();
        hub::write_length_prefix(body.len(), &mut out);
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn recorded_calls_bind_and_re_encode_byte_for_byte() {
        // BZ-1.2, BZ-2.2: bytes recorded from ASP.NET Core 10 (fact sheet §4.3, §5.3).
        let ack = framed("950180c0b14f6e52656e646572436f6d706c657465649202c0");
        let HubMessage::Invocation(inv) = hub::decode_all(Protocol::MessagePack, &ack, 1000).unwrap().remove(0) else {
            panic!()
        };
        let call = ClientCall::from_invocation(&inv.target, &inv.arguments).unwrap();
        assert_eq!(
            call,
            ClientCall::OnRenderCompleted {
                batch_id: 2,
                error: None
            }
        );
        let mut out = Vec::new();
        hub::encode(Protocol::MessagePack, &call.to_message(None), &mut out).unwrap();
        assert_eq!(out, ack);

        let attach = framed("960180c0b24a532e417474616368436f6d706f6e656e749200a13190");
        let HubMessage::Invocation(inv) = hub::decode_all(Protocol::MessagePack, &attach, 1000).unwrap().remove(0)
        else {
            panic!()
        };
        let call = ServerCall::from_invocation(&inv.target, &inv.arguments).unwrap();
        assert_eq!(
            call,
            ServerCall::AttachComponent {
                component_id: 0,
                selector: "1".into()
            }
        );
        let mut out = Vec::new();
        hub::encode(Protocol::MessagePack, &call.to_message(None), &mut out).unwrap();
        assert_eq!(out, attach);

        let error = framed("960180c0a84a532e4572726f7291b843697263756974206e6f7420696e697469616c697a65642e90");
        let mut out = Vec::new();
        let call = ServerCall::Error {
            message: "Circuit not initialized.".into(),
        };
        hub::encode(Protocol::MessagePack, &call.to_message(None), &mut out).unwrap();
        assert_eq!(out, error);
    }

    #[test]
    fn arguments_that_do_not_bind_are_typed_errors() {
        // BZ-1.1: recorded as bad-input/ack-wrong-types and ack-no-args.
        let wrong = ClientCall::from_invocation("OnRenderCompleted", &[Value::str("x"), Value::UInt(5)]).unwrap_err();
        assert_eq!(
            wrong,
            CallError::Arguments {
                method: "OnRenderCompleted",
                detail: "argument 0 must be an integer".into()
            }
        );
        assert!(matches!(
            ClientCall::from_invocation("OnRenderCompleted", &[]),
            Err(CallError::Arguments { .. })
        ));
        // .NET `int` parameters do not bind values outside 32 bits.
        let wide = ClientCall::from_invocation("ReceiveByteArray", &[Value::UInt(1 << 40), Value::Nil]);
        assert!(matches!(wide, Err(CallError::Arguments { .. })));
        assert_eq!(
            ClientCall::from_invocation("NoSuchMethod", &[]),
            Err(CallError::UnknownMethod("NoSuchMethod".into()))
        );
    }

    #[test]
    fn every_call_round_trips_through_its_arguments() {
        // BZ-1.1, BZ-2.1
        let clients = vec![
            ClientCall::StartCircuit {
                base_uri: Some("http://h/".into()),
                uri: Some("http://h/c".into()),
                components: Some("[]".into()),
                application_state: Some(String::new()),
            },
            ClientCall::UpdateRootComponents {
                operations: Some("{}".into()),
                application_state: None,
            },
            ClientCall::ConnectCircuit {
                secret: Some("s".into()),
            },
            ClientCall::ResumeCircuit {
                secret: None,
                base_uri: None,
                uri: None,
                root_components: None,
                application_state: None,
            },
            ClientCall::PauseCircuit,
            ClientCall::BeginInvokeDotNetFromJs {
                call_id: Some("1".into()),
                assembly_name: None,
                method_identifier: Some("DispatchEventAsync".into()),
                dotnet_object_id: 1,
                arguments_json: Some("[]".into()),
            },
            ClientCall::EndInvokeJsFromDotNet {
                async_handle: 2,
                succeeded: true,
                arguments_json: Some("[2,true,null]".into()),
            },
            ClientCall::ReceiveByteArray {
                id: 1,
                data: Some(vec![1, 2]),
            },
            ClientCall::ReceiveJsDataChunk {
                stream_id: 3,
                chunk_id: 0,
                chunk: Some(vec![9]),
                error: None,
            },
            ClientCall::ReceiveJsDataChunk {
                stream_id: 3,
                chunk_id: -1,
                chunk: None,
                error: Some("failed".into()),
            },
            ClientCall::SendDotNetStreamToJs { stream_id: 4 },
            ClientCall::OnRenderCompleted {
                batch_id: i64::MAX,
                error: Some("x".into()),
            },
            ClientCall::OnLocationChanged {
                uri: Some("http://h/a".into()),
                state: None,
                intercepted: true,
            },
            ClientCall::OnLocationChanging {
                call_id: 5,
                uri: Some("http://h/b".into()),
                state: None,
                intercepted: false,
            },
        ];
        for call in clients {
            assert_eq!(
                ClientCall::from_invocation(call.method(), &call.arguments()).unwrap(),
                call
            );
        }
        let servers = vec![
            ServerCall::RenderBatch {
                batch_id: 2,
                batch: vec![0; 36],
            },
            ServerCall::AttachComponent {
                component_id: 0,
                selector: "1".into(),
            },
            ServerCall::BeginInvokeJs {
                async_handle: 2,
                identifier: "Blazor._internal.attachWebRendererInterop".into(),
                arguments_json: "[]".into(),
                result_type: 3,
                target_instance_id: 0,
                call_type: 1,
            },
            ServerCall::EndInvokeDotNet {
                call_id: "1".into(),
                success: true,
                result_or_error: "null".into(),
            },
            ServerCall::ReceiveByteArray { id: 1, data: vec![] },
            ServerCall::EndUpdateRootComponents { batch_id: 1 },
            ServerCall::Error { message: "boom".into() },
            ServerCall::BeginTransmitStream { stream_id: 1 },
            ServerCall::EndLocationChanging {
                call_id: 1,
                should_continue: false,
            },
            ServerCall::SavePersistedState {
                secret: "s".into(),
                root_components: "[]".into(),
                application_state: "".into(),
            },
        ];
        for call in servers {
            assert_eq!(
                ServerCall::from_invocation(call.method(), &call.arguments()).unwrap(),
                call
            );
        }
    }

    #[test]
    fn render_batch_frames_are_the_messages_bytes() {
        // BZ-2.2, HUB-1.2: the one-pass frame equals the general encoder's, across the bin 8 / 16
        // / 32 and length-prefix size boundaries and batch ids of every integer size.
        for len in [0usize, 1, 100, 255, 256, 16_000, 65_535, 65_536, 70_000, 2_100_000] {
            let batch: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
            for batch_id in [2i64, 127, 128, 255, 256, 65_536, 5_000_000_000] {
                let mut expected = Vec::new();
                let call = ServerCall::RenderBatch {
                    batch_id,
                    batch: batch.clone(),
                };
                hub::encode(Protocol::MessagePack, &call.to_message(None), &mut expected).unwrap();
                let mut out = vec![0xee];
                write_render_batch_frame(batch_id, &batch, &mut out);
                assert_eq!(out[0], 0xee, "appends");
                assert!(out[1..] == expected[..], "len {len}, batch id {batch_id}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn render_batch_frames_match_for_any_id_and_size(
            batch_id in proptest::prelude::any::<i64>(),
            len in 0usize..140_000,
            seed in proptest::prelude::any::<u8>(),
        ) {
            // BZ-2.2, HUB-1.2: as above, for any batch id (negative ones too) and size.
            let batch: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(31) ^ seed).collect();
            let mut expected = Vec::new();
            let call = ServerCall::RenderBatch { batch_id, batch: batch.clone() };
            hub::encode(Protocol::MessagePack, &call.to_message(None), &mut expected).unwrap();
            let mut out = Vec::new();
            write_render_batch_frame(batch_id, &batch, &mut out);
            proptest::prop_assert!(out == expected);
        }
    }
}
