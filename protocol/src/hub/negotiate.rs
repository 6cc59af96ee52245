//! The negotiate exchange before the WebSocket (HUB-6.x): `POST <hub>/negotiate?negotiateVersion=1`
//! with an empty body, answered by the JSON below; the client then opens `<hub>?id=<connectionToken>`.

use serde::{Deserialize, Serialize};

/// The negotiate version Blazor's clients ask for.
pub const NEGOTIATE_VERSION: u32 = 1;

/// A transport the server offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AvailableTransport {
    /// `WebSockets`, `ServerSentEvents` or `LongPolling`.
    pub transport: String,
    /// `Text` and/or `Binary`.
    pub transfer_formats: Vec<String>,
}

/// The negotiate response, version 1 (HUB-6.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NegotiateResponse {
    /// 1.
    pub negotiate_version: u32,
    /// The connection's public id.
    pub connection_id: String,
    /// The secret the client presents as `id` when it opens the transport.
    pub connection_token: String,
    /// What the client may use.
    pub available_transports: Vec<AvailableTransport>,
}

impl NegotiateResponse {
    /// A version-1 answer offering WebSockets with text and binary frames, the only transport
    /// Blazor's hub needs (HUB-6.1).
    pub fn websockets(connection_id: String, connection_token: String) -> Self {
        NegotiateResponse {
            negotiate_version: NEGOTIATE_VERSION,
            connection_id,
            connection_token,
            available_transports: vec![AvailableTransport {
                transport: "WebSockets".into(),
                transfer_formats: vec!["Text".into(), "Binary".into()],
            }],
        }
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a negotiate response (for clients and test peers); fields a newer server adds are
    /// ignored, as SignalR's clients do.
    pub fn parse(body: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiate_v1_shape() {
        // HUB-6.1: the body ASP.NET Core 10 answers, with this member order and names.
        let response = NegotiateResponse::websockets("c".into(), "t".into());
        assert_eq!(
            response.to_json(),
            r#"{"negotiateVersion":1,"connectionId":"c","connectionToken":"t","availableTransports":[{"transport":"WebSockets","transferFormats":["Text","Binary"]}]}"#
        );
        assert_eq!(NegotiateResponse::parse(&response.to_json()).unwrap(), response);
        let newer = r#"{"negotiateVersion":1,"connectionId":"c","connectionToken":"t","availableTransports":[],"useStatefulReconnect":false}"#;
        assert!(NegotiateResponse::parse(newer).is_ok());
    }
}
