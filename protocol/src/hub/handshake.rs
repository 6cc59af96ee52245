//! The handshake (HUB-5.x): a JSON request and response, each ended by 0x1E.

use serde::{Deserialize, Serialize};

use super::error::{HubError, HubErrorKind as K};
use super::framing::RECORD_SEPARATOR;

/// The client's first message: which protocol and version it will speak.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandshakeRequest {
    /// `json`, `messagepack`, or Blazor's `blazorpack`.
    pub protocol: String,
    /// The protocol version.
    pub version: u32,
}

/// The server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeResponse {
    /// `{}`: the connection speaks the requested protocol from now on.
    Accepted,
    /// `{"error": "..."}`: refused; the server closes the connection.
    Refused(String),
}

/// Limit on a handshake request's size, as for any message (HUB-1.4).
pub const MAX_HANDSHAKE_SIZE: usize = 32 * 1024;

/// Reads a handshake request from the start of `bytes`: `Ok(None)` until its 0x1E has arrived;
/// otherwise the request and the bytes it took (messages may follow in the same buffer) (HUB-5.1).
pub fn read_request(bytes: &[u8]) -> Result<Option<(HandshakeRequest, usize)>, HubError> {
    let Some(end) = bytes.iter().position(|&b| b == RECORD_SEPARATOR) else {
        if bytes.len() > MAX_HANDSHAKE_SIZE {
            return Err(HubError::new(
                K::MessageTooLarge {
                    size: bytes.len(),
                    limit: MAX_HANDSHAKE_SIZE,
                },
                0,
                "HUB-1.4",
            ));
        }
        return Ok(None);
    };
    let request: HandshakeRequest =
        serde_json::from_slice(&bytes[..end]).map_err(|e| HubError::new(K::Handshake(e.to_string()), 0, "HUB-5.1"))?;
    Ok(Some((request, end + 1)))
}

/// Writes a handshake request.
pub fn write_request(request: &HandshakeRequest, out: &mut Vec<u8>) {
    out.extend_from_slice(&serde_json::to_vec(request).unwrap_or_default());
    out.push(RECORD_SEPARATOR);
}

/// Writes a handshake response (HUB-5.2).
pub fn write_response(response: &HandshakeResponse, out: &mut Vec<u8>) {
    match response {
        HandshakeResponse::Accepted => out.extend_from_slice(b"{}"),
        HandshakeResponse::Refused(error) => {
            #[derive(Serialize)]
            struct Refusal<'a> {
                error: &'a str,
            }
            out.extend_from_slice(&serde_json::to_vec(&Refusal { error }).unwrap_or_default());
        }
    }
    out.push(RECORD_SEPARATOR);
}

/// Reads a handshake response: `Ok(None)` until its 0x1E has arrived.
pub fn read_response(bytes: &[u8]) -> Result<Option<(HandshakeResponse, usize)>, HubError> {
    #[derive(Deserialize)]
    struct Response {
        error: Option<String>,
    }
    let Some(end) = bytes.iter().position(|&b| b == RECORD_SEPARATOR) else {
        return Ok(None);
    };
    let response: Response =
        serde_json::from_slice(&bytes[..end]).map_err(|e| HubError::new(K::Handshake(e.to_string()), 0, "HUB-5.2"))?;
    let response = match response.error {
        Some(error) => HandshakeResponse::Refused(error),
        None => HandshakeResponse::Accepted,
    };
    Ok(Some((response, end + 1)))
}

/// What a server that speaks exactly `protocol` version `version` answers, with ASP.NET Core's
/// refusal texts (HUB-5.3). Blazor's hub speaks `blazorpack` version 1 only.
pub fn answer(request: &HandshakeRequest, protocol: &str, version: u32) -> HandshakeResponse {
    if request.protocol != protocol {
        HandshakeResponse::Refused(format!("The protocol '{}' is not supported.", request.protocol))
    } else if request.version != version {
        HandshakeResponse::Refused(format!(
            "The server does not support version {} of the '{}' protocol.",
            request.version, request.protocol
        ))
    } else {
        HandshakeResponse::Accepted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blazor_refuses_json_and_other_versions_with_aspnetcore_texts() {
        // HUB-5.3, recorded in bad-input/handshake-json-protocol and handshake-bad-version.
        let (json, used) = read_request(b"{\"protocol\":\"json\",\"version\":1}\x1e")
            .unwrap()
            .unwrap();
        assert_eq!(used, 32);
        let mut out = Vec::new();
        write_response(&answer(&json, "blazorpack", 1), &mut out);
        assert_eq!(out, b"{\"error\":\"The protocol 'json' is not supported.\"}\x1e");
        let (v99, _) = read_request(b"{\"protocol\":\"blazorpack\",\"version\":99}\x1e")
            .unwrap()
            .unwrap();
        out.clear();
        write_response(&answer(&v99, "blazorpack", 1), &mut out);
        assert_eq!(
            out,
            b"{\"error\":\"The server does not support version 99 of the 'blazorpack' protocol.\"}\x1e"
        );
        let (ok, _) = read_request(b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e\x02\x91\x06")
            .unwrap()
            .unwrap();
        out.clear();
        write_response(&answer(&ok, "blazorpack", 1), &mut out);
        assert_eq!(out, b"{}\x1e");
    }

    #[test]
    fn partial_and_malformed_handshakes() {
        // HUB-5.1
        assert_eq!(read_request(b"{\"protocol\":\"blazor").unwrap(), None);
        assert_eq!(
            read_request(b"{\"protocol\":1}\x1e").unwrap_err().kind.name(),
            "invalid_handshake"
        );
        assert_eq!(
            read_request(&vec![b' '; MAX_HANDSHAKE_SIZE + 1])
                .unwrap_err()
                .kind
                .name(),
            "message_too_large"
        );
        assert_eq!(
            read_response(b"{}\x1e").unwrap(),
            Some((HandshakeResponse::Accepted, 3))
        );
    }
}
