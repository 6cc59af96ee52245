//! Counters the adapter sees, rendered as plain text at `/metrics`.
// SRV-7.1: the names and the format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The host's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Render batches sent (first transmissions).
    pub batches_sent: AtomicU64,
    /// Bytes of render batches sent.
    pub batch_bytes: AtomicU64,
    /// Acknowledgements that released batches.
    pub batches_acknowledged: AtomicU64,
    /// WebSocket frames and bytes written and read.
    pub frames_sent: AtomicU64,
    /// Bytes written to sockets.
    pub bytes_sent: AtomicU64,
    /// Bytes read from sockets.
    pub bytes_received: AtomicU64,
    /// WebSocket connections opened.
    pub connections_opened: AtomicU64,
    /// Circuits ended, by reason.
    pub ended_terminated: AtomicU64,
    /// Circuits ended by an error.
    pub ended_failed: AtomicU64,
    /// Circuits expired after the retention period.
    pub ended_expired: AtomicU64,
    /// Circuits evicted over capacity.
    pub ended_evicted: AtomicU64,
}

impl Metrics {
    /// A batch went out.
    pub fn batch_sent(&self, bytes: usize) {
        self.batches_sent.fetch_add(1, Relaxed);
        self.batch_bytes.fetch_add(bytes as u64, Relaxed);
    }

    /// An acknowledgement released batches.
    pub fn batch_acknowledged(&self) {
        self.batches_acknowledged.fetch_add(1, Relaxed);
    }

    /// Counts a circuit's end.
    pub fn ended(&self, reason: &brasa_circuit::EndReason) {
        use brasa_circuit::EndReason::*;
        let counter = match reason {
            Terminated => &self.ended_terminated,
            Failed(_) => &self.ended_failed,
            Expired => &self.ended_expired,
            Evicted => &self.ended_evicted,
        };
        counter.fetch_add(1, Relaxed);
    }

    /// The text of `/metrics` (Prometheus exposition format).
    pub fn render(&self, connected: usize, retained: usize) -> String {
        let mut out = String::new();
        let mut line = |name: &str, value: u64| {
            let _ = writeln!(out, "{name} {value}");
        };
        line("brasa_circuits_connected", connected as u64);
        line("brasa_circuits_retained", retained as u64);
        for (reason, counter) in [
            ("terminated", &self.ended_terminated),
            ("failed", &self.ended_failed),
            ("expired", &self.ended_expired),
            ("evicted", &self.ended_evicted),
        ] {
            line(
                &format!("brasa_circuits_ended_total{{reason=\"{reason}\"}}"),
                counter.load(Relaxed),
            );
        }
        line("brasa_batches_sent_total", self.batches_sent.load(Relaxed));
        line("brasa_batch_bytes_total", self.batch_bytes.load(Relaxed));
        line(
            "brasa_batches_acknowledged_total",
            self.batches_acknowledged.load(Relaxed),
        );
        line("brasa_connections_opened_total", self.connections_opened.load(Relaxed));
        line("brasa_frames_sent_total", self.frames_sent.load(Relaxed));
        line("brasa_bytes_sent_total", self.bytes_sent.load(Relaxed));
        line("brasa_bytes_received_total", self.bytes_received.load(Relaxed));
        out
    }
}
