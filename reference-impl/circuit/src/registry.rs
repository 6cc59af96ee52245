//! Connected and disconnected circuits, retention and eviction (CIR-4.x). Time is a parameter.

use std::collections::{BTreeMap, HashMap};

use crate::Millis;
use crate::secret::CircuitSecret;

/// Registry limits, with ASP.NET Core's defaults (CIR-4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistryOptions {
    /// How long a disconnected circuit is kept (`DisconnectedCircuitRetentionPeriod`, 3 minutes).
    pub retention: Millis,
    /// How many disconnected circuits are kept at most (`DisconnectedCircuitMaxRetained`, 100).
    pub max_retained: usize,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        RegistryOptions {
            retention: 180_000,
            max_retained: 100,
        }
    }
}

/// Why a circuit left the registry without being terminated by its owner.
#[derive(Debug, PartialEq, Eq)]
pub enum Evicted<C> {
    /// Disconnected for longer than the retention period.
    Expired(C),
    /// Pushed out by newer disconnected circuits beyond `max_retained` (the oldest goes first).
    OverCapacity(C),
}

impl<C> Evicted<C> {
    /// The circuit.
    pub fn into_inner(self) -> C {
        match self {
            Evicted::Expired(c) | Evicted::OverCapacity(c) => c,
        }
    }
}

type Key = [u8; 16];

struct Entry<C> {
    secret: CircuitSecret,
    circuit: C,
    /// `Some(connection)` while connected, `None` while disconnected.
    connection: Option<u64>,
    /// Order key in `disconnected` while disconnected.
    since: Option<(Millis, u64)>,
}

/// The circuits of one server: each found by its secret, bound to at most one connection.
pub struct Registry<C> {
    options: RegistryOptions,
    /// Boxed: a circuit's application is large, and a map grows by doubling, so inline entries
    /// would leave up to a whole circuit's size unused per slot (about 1.6 KB per circuit).
    entries: HashMap<Key, Box<Entry<C>>>,
    disconnected: BTreeMap<(Millis, u64), Key>,
    sequence: u64,
}

fn key_of(secret: &CircuitSecret) -> Key {
    let text = secret.encode();
    let mut key = [0u8; 16];
    key.copy_from_slice(&text.as_bytes()[..16]);
    key
}

impl<C> Registry<C> {
    /// An empty registry.
    pub fn new(options: RegistryOptions) -> Self {
        Registry {
            options,
            entries: HashMap::new(),
            disconnected: BTreeMap::new(),
            sequence: 0,
        }
    }

    /// Circuits held, connected or not.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no circuit is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Disconnected circuits held.
    pub fn disconnected(&self) -> usize {
        self.disconnected.len()
    }

    /// Registers a new circuit bound to `connection` (CIR-4.1).
    pub fn insert(&mut self, secret: CircuitSecret, circuit: C, connection: u64) {
        self.entries.insert(
            key_of(&secret),
            Box::new(Entry {
                secret,
                circuit,
                connection: Some(connection),
                since: None,
            }),
        );
    }

    fn find(&self, secret: &CircuitSecret) -> Option<Key> {
        let key = key_of(secret);
        // The map lookup uses half the secret; the whole secret is then compared in constant time.
        self.entries.get(&key).filter(|e| e.secret.matches(secret)).map(|_| key)
    }

    /// The circuit with this secret, if the secret is exactly right.
    pub fn get_mut(&mut self, secret: &CircuitSecret) -> Option<&mut C> {
        let key = self.find(secret)?;
        self.entries.get_mut(&key).map(|e| &mut e.circuit)
    }

    /// The connection the circuit is bound to, `None` if disconnected or unknown.
    pub fn connection_of(&self, secret: &CircuitSecret) -> Option<u64> {
        self.find(secret).and_then(|k| self.entries[&k].connection)
    }

    /// The connection went away: the circuit stays for the retention period (CIR-4.2). Returns
    /// circuits pushed out by capacity. Does nothing if the circuit is bound to another connection.
    pub fn disconnect(&mut self, secret: &CircuitSecret, connection: u64, now: Millis) -> Vec<Evicted<C>> {
        let Some(key) = self.find(secret) else {
            return Vec::new();
        };
        let entry = self.entries.get_mut(&key).expect("found");
        if entry.connection != Some(connection) {
            return Vec::new();
        }
        entry.connection = None;
        self.sequence += 1;
        let order = (now, self.sequence);
        entry.since = Some(order);
        self.disconnected.insert(order, key);
        let mut evicted = Vec::new();
        while self.disconnected.len() > self.options.max_retained {
            let Some((_, oldest)) = self.disconnected.pop_first() else {
                break;
            };
            if let Some(entry) = self.entries.remove(&oldest) {
                evicted.push(Evicted::OverCapacity(entry.circuit));
            }
        }
        evicted
    }

    /// `ConnectCircuit`: binds the circuit with this secret to `connection`, whether it was
    /// disconnected or still bound to an older connection (which loses it) (CIR-4.3). `None` for
    /// an unknown, expired, evicted or terminated circuit, or a wrong secret.
    pub fn connect(&mut self, secret: &CircuitSecret, connection: u64, now: Millis) -> Option<(&mut C, Option<u64>)> {
        let key = self.find(secret)?;
        let entry = self.entries.get(&key)?;
        if let Some((since, _)) = entry.since
            && now.saturating_sub(since) >= self.options.retention
        {
            return None;
        }
        let entry = self.entries.get_mut(&key)?;
        if let Some(order) = entry.since.take() {
            self.disconnected.remove(&order);
        }
        let previous = entry.connection.replace(connection);
        Some((&mut entry.circuit, previous.filter(|&p| p != connection)))
    }

    /// Removes disconnected circuits older than the retention period (CIR-4.2).
    pub fn expire(&mut self, now: Millis) -> Vec<Evicted<C>> {
        let mut evicted = Vec::new();
        while let Some((&(since, seq), &key)) = self.disconnected.first_key_value() {
            if now.saturating_sub(since) < self.options.retention {
                break;
            }
            self.disconnected.remove(&(since, seq));
            if let Some(entry) = self.entries.remove(&key) {
                evicted.push(Evicted::Expired(entry.circuit));
            }
        }
        evicted
    }

    /// When the next disconnected circuit expires, for the host's timer.
    pub fn next_expiry(&self) -> Option<Millis> {
        self.disconnected
            .first_key_value()
            .map(|(&(since, _), _)| since + self.options.retention)
    }

    /// Ends a circuit at once (graceful termination, the disconnect endpoint, a fatal error):
    /// no retention (CIR-4.4).
    pub fn terminate(&mut self, secret: &CircuitSecret) -> Option<C> {
        let key = self.find(secret)?;
        let entry = self.entries.remove(&key)?;
        if let Some(order) = entry.since {
            self.disconnected.remove(&order);
        }
        Some(entry.circuit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(n: u8) -> CircuitSecret {
        CircuitSecret::from_random(std::array::from_fn(|i| n.wrapping_add((i as u8).wrapping_mul(13))))
    }

    #[test]
    fn a_disconnected_circuit_is_kept_for_the_retention_period() {
        // CIR-4.2, CIR-4.3: recorded as reconnect (true) and expiry (false after 8 s with 3 s retention).
        let mut r = Registry::new(RegistryOptions {
            retention: 3_000,
            max_retained: 100,
        });
        r.insert(secret(1), "a", 10);
        assert_eq!(
            r.connection_of(&secret(1)),
            Some(10),
            "CIR-4.1: registered bound to its connection"
        );
        assert!(r.disconnect(&secret(1), 10, 1_000).is_empty());
        assert_eq!(r.next_expiry(), Some(4_000));
        let (circuit, previous) = r.connect(&secret(1), 11, 3_999).unwrap();
        assert_eq!((*circuit, previous), ("a", None));
        assert_eq!(r.connection_of(&secret(1)), Some(11));
        r.disconnect(&secret(1), 11, 5_000);
        assert!(r.connect(&secret(1), 12, 8_000).is_none(), "expired");
        assert_eq!(r.expire(8_000), vec![Evicted::Expired("a")]);
        assert!(r.is_empty());
    }

    #[test]
    fn the_oldest_disconnected_circuits_are_evicted_beyond_capacity() {
        // CIR-4.2
        let mut r = Registry::new(RegistryOptions {
            retention: 180_000,
            max_retained: 2,
        });
        for n in 0..4 {
            r.insert(secret(n), n, u64::from(n));
        }
        assert!(r.disconnect(&secret(0), 0, 1).is_empty());
        assert!(r.disconnect(&secret(1), 1, 2).is_empty());
        assert_eq!(r.disconnect(&secret(2), 2, 3), vec![Evicted::OverCapacity(0)]);
        assert_eq!(r.disconnected(), 2);
        assert_eq!(r.len(), 3, "connected circuits do not count against the limit");
        assert!(r.connect(&secret(0), 9, 4).is_none());
    }

    #[test]
    fn wrong_or_foreign_secrets_never_attach() {
        // CIR-3.3, CIR-4.3: one client can never attach to another's circuit.
        let mut r = Registry::new(RegistryOptions::default());
        r.insert(secret(1), "mine", 1);
        let mut near = std::array::from_fn(|i| 1u8.wrapping_add((i as u8).wrapping_mul(13)));
        near[31] ^= 1; // same lookup half, different secret
        assert!(r.connect(&CircuitSecret::from_random(near), 2, 0).is_none());
        assert!(r.connect(&secret(2), 2, 0).is_none());
        assert!(r.terminate(&CircuitSecret::from_random(near)).is_none());
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn connecting_from_a_new_connection_takes_the_circuit_over() {
        // CIR-4.3: a circuit still bound to an old connection moves to the new one.
        let mut r = Registry::new(RegistryOptions::default());
        r.insert(secret(1), (), 1);
        let (_, previous) = r.connect(&secret(1), 2, 0).unwrap();
        assert_eq!(previous, Some(1));
        assert!(
            r.disconnect(&secret(1), 1, 5).is_empty(),
            "the old connection's close does not disconnect it"
        );
        assert_eq!(r.connection_of(&secret(1)), Some(2));
    }

    #[test]
    fn termination_is_immediate() {
        // CIR-4.4
        let mut r = Registry::new(RegistryOptions::default());
        r.insert(secret(1), 7, 1);
        r.disconnect(&secret(1), 1, 0);
        assert_eq!(r.terminate(&secret(1)), Some(7));
        assert_eq!(r.disconnected(), 0);
        assert!(r.connect(&secret(1), 2, 1).is_none());
    }
}
