//! Circuit secrets (CIR-3.x): what a client presents to reconnect to its circuit.

/// Bytes of randomness in a secret: 256 bits, at least the 128 bits CIR-3.1 asks for.
pub const SECRET_BYTES: usize = 32;

/// An unguessable circuit secret. The host supplies the randomness (OS RNG on the server,
/// `crypto.getRandomValues` in a browser), so tests can use fixed bytes.
#[derive(Clone)]
pub struct CircuitSecret([u8; SECRET_BYTES]);

impl std::fmt::Debug for CircuitSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret: logs are not a place for credentials.
        f.write_str("CircuitSecret(…)")
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl CircuitSecret {
    /// A secret made of the given random bytes.
    pub fn from_random(bytes: [u8; SECRET_BYTES]) -> Self {
        CircuitSecret(bytes)
    }

    /// The text the client holds: base64url without padding (43 characters) (CIR-3.2).
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(43);
        for chunk in self.0.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    /// Parses a client's text; `None` for anything that is not exactly a 43-character
    /// base64url secret (CIR-3.2).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.as_bytes();
        if text.len() != 43 {
            return None;
        }
        let mut bytes = [0u8; SECRET_BYTES];
        let mut bits = 0u32;
        let mut count = 0;
        let mut at = 0;
        for &c in text {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            bits = (bits << 6) | v;
            count += 6;
            if count >= 8 {
                count -= 8;
                if at < SECRET_BYTES {
                    bytes[at] = (bits >> count) as u8;
                }
                at += 1;
                bits &= (1 << count) - 1;
            }
        }
        // The last character carries 2 padding bits, which must be zero (one text per secret).
        if bits != 0 {
            return None;
        }
        Some(CircuitSecret(bytes))
    }

    /// Constant-time comparison (CIR-3.3): the time taken does not depend on where they differ.
    pub fn matches(&self, other: &CircuitSecret) -> bool {
        self.0.iter().zip(other.0.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_reject_anything_else() {
        // CIR-3.2
        for seed in [0u8, 1, 0x5a, 0xff] {
            let bytes: [u8; SECRET_BYTES] =
                std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add((i as u8).wrapping_mul(7)));
            let secret = CircuitSecret::from_random(bytes);
            let text = secret.encode();
            assert_eq!(text.len(), 43);
            assert!(
                text.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            );
            let back = CircuitSecret::parse(&text).unwrap();
            assert!(back.matches(&secret));
        }
        let good = CircuitSecret::from_random([7; SECRET_BYTES]).encode();
        assert!(CircuitSecret::parse(&good[..42]).is_none());
        assert!(CircuitSecret::parse(&format!("{good}A")).is_none());
        assert!(
            CircuitSecret::parse(&format!("+{}", &good[1..])).is_none(),
            "'+' is not base64url"
        );
        // Non-zero padding bits: a second spelling of the same secret is refused.
        let mut alias = good.clone().into_bytes();
        let last = alias.pop().unwrap();
        let index = ALPHABET.iter().position(|&a| a == last).unwrap();
        alias.push(ALPHABET[index ^ 1]);
        assert!(CircuitSecret::parse(std::str::from_utf8(&alias).unwrap()).is_none());
        assert!(CircuitSecret::parse("CfDJ8KAVeYXaqqFGmTg1lDvQwkbQbucV_w0r7JQW2_N6LZ4BEjhPcefEYKElqiWWdE4").is_none());
    }

    #[test]
    fn different_secrets_do_not_match_and_debug_hides_them() {
        // CIR-3.1, CIR-3.3
        let a = CircuitSecret::from_random([1; SECRET_BYTES]);
        let mut other = [1; SECRET_BYTES];
        other[31] = 2;
        assert!(!a.matches(&CircuitSecret::from_random(other)));
        assert_eq!(format!("{a:?}"), "CircuitSecret(…)");
    }
}
