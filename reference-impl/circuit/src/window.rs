//! Render batches between production and acknowledgement (CIR-2.x).

use std::collections::VecDeque;

/// ASP.NET Core's first batch id (CIR-2.1).
pub const FIRST_BATCH_ID: i64 = 2;

/// ASP.NET Core's `MaxBufferedUnacknowledgedRenderBatches` default (CIR-2.4).
pub const DEFAULT_WINDOW: usize = 10;

/// A batch as it goes on the wire: its id and bytes, borrowed from the window that keeps them
/// until the batch is acknowledged (so that sending it copies it only into its frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent<'w> {
    /// The batch id.
    pub batch_id: i64,
    /// The render batch bytes.
    pub bytes: &'w [u8],
}

/// What an `OnRenderCompleted` did (CIR-2.2, CIR-2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckOutcome {
    /// The ack freed these batches (cumulatively, oldest first); their retired event handler ids
    /// may now be released.
    Acknowledged {
        /// How many batches were freed.
        batches: usize,
        /// Event handler ids the freed batches retired (CIR-2.6).
        released_event_handlers: Vec<u64>,
    },
    /// Nothing to do: an ack for a batch already acknowledged, or any ack while none is pending.
    Ignored,
    /// The circuit must end: an ack beyond the last batch produced while batches are pending.
    UnknownBatch {
        /// The id acknowledged.
        acked: i64,
        /// The last id produced.
        last: i64,
    },
    /// The client failed to apply the batch: the circuit must end.
    ClientError {
        /// The batch.
        batch_id: i64,
        /// The client's message.
        message: String,
    },
}

struct Pending {
    batch_id: i64,
    bytes: Vec<u8>,
    retired_event_handlers: Vec<u64>,
}

/// The batches of one circuit between production and acknowledgement.
pub struct RenderWindow {
    next_id: i64,
    capacity: usize,
    pending: VecDeque<Pending>,
}

impl Default for RenderWindow {
    fn default() -> Self {
        Self::new(DEFAULT_WINDOW)
    }
}

impl RenderWindow {
    /// A window holding at most `capacity` unacknowledged batches (at least 1).
    pub fn new(capacity: usize) -> Self {
        RenderWindow {
            next_id: FIRST_BATCH_ID,
            capacity: capacity.max(1),
            pending: VecDeque::new(),
        }
    }

    /// Whether another batch may be produced now. While the window is full, renders wait and are
    /// coalesced into the next render after an ack (CIR-2.4).
    pub fn can_render(&self) -> bool {
        self.pending.len() < self.capacity
    }

    /// Unacknowledged batches.
    pub fn unacknowledged(&self) -> usize {
        self.pending.len()
    }

    /// The id the next batch will get.
    pub fn next_batch_id(&self) -> i64 {
        self.next_id
    }

    /// Records a produced batch and the event handler ids it retires; returns it with its id
    /// (CIR-2.1). The caller sends it if the client is connected; it stays buffered either way.
    pub fn push(&mut self, bytes: Vec<u8>, retired_event_handlers: Vec<u64>) -> Sent<'_> {
        let batch_id = self.next_id;
        self.next_id += 1;
        self.pending.push_back(Pending {
            batch_id,
            bytes,
            retired_event_handlers,
        });
        let bytes = self.pending.back().map_or(&[][..], |p| &p.bytes[..]);
        Sent { batch_id, bytes }
    }

    /// Applies `OnRenderCompleted(batch_id, error)` (CIR-2.2, CIR-2.3).
    pub fn acknowledge(&mut self, batch_id: i64, error: Option<&str>) -> AckOutcome {
        // An ack while nothing is pending, or below the oldest pending batch, is ignored even when
        // it carries an error, as ASP.NET Core does.
        let Some(oldest) = self.pending.front().map(|p| p.batch_id) else {
            return AckOutcome::Ignored;
        };
        if batch_id < oldest {
            return AckOutcome::Ignored;
        }
        if let Some(message) = error {
            return AckOutcome::ClientError {
                batch_id,
                message: message.to_owned(),
            };
        }
        let last = self.next_id - 1;
        if batch_id > last {
            return AckOutcome::UnknownBatch { acked: batch_id, last };
        }
        let count = (batch_id - oldest + 1) as usize;
        let mut released = Vec::new();
        for pending in self.pending.drain(..count) {
            released.extend(pending.retired_event_handlers);
        }
        if self.pending.is_empty() {
            // An idle circuit keeps no window storage.
            self.pending = VecDeque::new();
        }
        AckOutcome::Acknowledged {
            batches: count,
            released_event_handlers: released,
        }
    }

    /// Every unacknowledged batch, oldest first, byte-identical to its first transmission, to
    /// resend after a reconnect (CIR-2.5).
    pub fn resend(&self) -> impl Iterator<Item = Sent<'_>> {
        self.pending.iter().map(|p| Sent {
            batch_id: p.batch_id,
            bytes: &p.bytes,
        })
    }

    /// Whether `event_handler_id` was retired by a batch not yet acknowledged: such an id still
    /// accepts events, since an event can race the batch that removes its element (CIR-2.6).
    pub fn retired_but_pending(&self, event_handler_id: u64) -> bool {
        self.pending
            .iter()
            .any(|p| p.retired_event_handlers.contains(&event_handler_id))
    }

    /// Bytes held for resend, for memory accounting.
    pub fn buffered_bytes(&self) -> usize {
        self.pending.iter().map(|p| p.bytes.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window_with(n: usize) -> RenderWindow {
        let mut w = RenderWindow::default();
        for i in 0..n {
            w.push(vec![i as u8], vec![100 + i as u64]);
        }
        w
    }

    #[test]
    fn ids_start_at_2_and_count_up() {
        // CIR-2.1
        let mut w = RenderWindow::default();
        assert_eq!(w.push(vec![], vec![]).batch_id, 2);
        assert_eq!(w.push(vec![], vec![]).batch_id, 3);
        assert_eq!(w.next_batch_id(), 4);
    }

    #[test]
    fn acks_are_cumulative_and_release_retired_handlers() {
        // CIR-2.2, CIR-2.6: recorded as bad-input/ack-held-then-event (3, 4, 5 freed by one ack of 5).
        let mut w = window_with(4); // ids 2..=5
        assert!(w.retired_but_pending(101));
        assert_eq!(
            w.acknowledge(4, None),
            AckOutcome::Acknowledged {
                batches: 3,
                released_event_handlers: vec![100, 101, 102]
            }
        );
        assert!(!w.retired_but_pending(101));
        assert!(w.retired_but_pending(103));
        assert_eq!(w.unacknowledged(), 1);
    }

    #[test]
    fn stale_and_idle_acks_are_ignored() {
        // CIR-2.3: bad-input/ack-duplicate and ack-future-batch.
        let mut w = window_with(2); // 2, 3
        assert!(matches!(
            w.acknowledge(3, None),
            AckOutcome::Acknowledged { batches: 2, .. }
        ));
        assert_eq!(w.acknowledge(3, None), AckOutcome::Ignored);
        assert_eq!(
            w.acknowledge(103, None),
            AckOutcome::Ignored,
            "future ack while nothing is pending"
        );
        w.push(vec![], vec![]); // 4
        assert_eq!(
            w.acknowledge(2, None),
            AckOutcome::Ignored,
            "ack below the oldest pending"
        );
    }

    #[test]
    fn a_future_ack_while_pending_or_an_error_ends_the_circuit() {
        // CIR-2.3: bad-input/ack-future-pending and ack-with-error.
        let mut w = window_with(2); // 2, 3
        assert_eq!(
            w.acknowledge(1, Some("stale")),
            AckOutcome::Ignored,
            "an error ack below the oldest is ignored"
        );
        assert_eq!(
            w.acknowledge(103, None),
            AckOutcome::UnknownBatch { acked: 103, last: 3 }
        );
        assert_eq!(
            w.acknowledge(2, Some("boom")),
            AckOutcome::ClientError {
                batch_id: 2,
                message: "boom".into()
            }
        );
    }

    #[test]
    fn the_window_stops_rendering_at_ten_and_resends_in_order() {
        // CIR-2.4, CIR-2.5: recorded as prerender/resend (7..16 sent, then nothing; resent in order).
        let mut w = RenderWindow::default();
        let mut sent = 0;
        while w.can_render() {
            w.push(vec![sent as u8; 3], vec![]);
            sent += 1;
        }
        assert_eq!(sent, 10);
        let resent: Vec<_> = w.resend().collect();
        assert_eq!(
            resent.iter().map(|s| s.batch_id).collect::<Vec<_>>(),
            (2..12).collect::<Vec<_>>()
        );
        assert_eq!(resent[3].bytes, [3, 3, 3]);
        assert!(matches!(
            w.acknowledge(2, None),
            AckOutcome::Acknowledged { batches: 1, .. }
        ));
        assert!(w.can_render());
    }
}
