//! The two strict readers agree on arbitrary input, not only on the vectors: Brasa's Rust reader
//! (`brasa_protocol::render_batch`) and the browser client's (`reference-impl/client/src/reader.ts`)
//! read the same mutated batches and must give the same verdict for each: the same canonical form
//! (RB-6.1) when they accept it, the same error kind, byte offset and requirement id when they
//! reject it (the order of checks of spec/render-batch.md, section 9, fixes which error a batch
//! with several faults reports), and never anything else (the client's reader may throw nothing
//! but its `BatchError`).
//!
//! The batches: every render-batch vector (valid and invalid) and every recorded batch of
//! `shared/reference` up to 16 KiB, each as it is and mutated with a seeded generator (bytes
//! flipped, 32-bit fields set to edge values, cuts, insertions, copied runs), 12,000 in all.
//! Node runs `reference-impl/client/test-support/reader-verdicts.mjs` once over all of them.
//!
//! Node and the client's npm packages (esbuild) are required: without them the test fails (it
//! does not skip). When `reference-impl/client/node_modules` is missing it runs `npm ci` first.

mod support;

use brasa_protocol::render_batch::decode;
use serde_json::{Value, json};
use support::{client_filter, files, hex, reference, root, unhex};

/// The seeds: every vector's bytes, then the recorded batches of at most 16 KiB.
fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for kind in ["valid", "invalid"] {
        for file in files(&root().join("conformance/vectors/render-batch").join(kind), "json") {
            let vector: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            if let Some(h) = vector["hex"].as_str() {
                seeds.push(unhex(h));
            }
        }
    }
    let mut recorded = Vec::new();
    let captures = reference().join("captures");
    for app in std::fs::read_dir(&captures).into_iter().flatten().flatten() {
        for session in std::fs::read_dir(app.path()).into_iter().flatten().flatten() {
            for batch in std::fs::read_dir(session.path().join("batches"))
                .into_iter()
                .flatten()
                .flatten()
            {
                recorded.push(batch.path());
            }
        }
    }
    for batch in std::fs::read_dir(reference().join("batches-jsfb"))
        .into_iter()
        .flatten()
        .flatten()
    {
        recorded.push(batch.path());
    }
    recorded.retain(|p| p.extension().is_some_and(|e| e == "bin"));
    recorded.sort();
    assert!(
        recorded.len() > 100,
        "recorded batches not found under {}",
        reference().display()
    );
    seeds.extend(
        recorded
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .filter(|b| b.len() <= 16 * 1024),
    );
    seeds
}

/// xorshift64*: the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One to three mutations of `seed`.
fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(3) {
        let len = b.len();
        match rng.below(7) {
            // A byte changed.
            0 if len > 0 => {
                let at = rng.below(len);
                b[at] = rng.next() as u8;
            }
            // A bit flipped.
            1 if len > 0 => {
                let at = rng.below(len);
                b[at] ^= 1 << rng.below(8);
            }
            // An aligned 32-bit field (count, position, index, type) set to an edge value.
            2 | 3 if len >= 4 => {
                let at = 4 * rng.below(len / 4);
                let values = [
                    0,
                    1,
                    -1,
                    2,
                    i32::MAX,
                    i32::MIN,
                    len as i32,
                    len as i32 - 20,
                    len as i32 - 4,
                    (rng.below(len + 1)) as i32,
                    11,
                ];
                let value = values[rng.below(values.len())];
                b[at..at + 4].copy_from_slice(&value.to_le_bytes());
            }
            // Cut short.
            4 if len > 0 => b.truncate(rng.below(len)),
            // Bytes inserted.
            5 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                b.splice(at..at, bytes);
            }
            // A run copied over another place.
            _ if len > 8 => {
                let n = 1 + rng.below(len.min(24));
                let from = rng.below(len - n + 1);
                let to = rng.below(len - n + 1);
                let run = b[from..from + n].to_vec();
                b[to..to + n].copy_from_slice(&run);
            }
            _ => {}
        }
    }
    b
}

/// The Rust reader's verdict, in the shape `reader-verdicts.mjs` prints.
fn verdict(bytes: &[u8]) -> Value {
    match decode(bytes) {
        Ok(batch) => json!({ "valid": serde_json::to_value(&batch).unwrap() }),
        Err(e) => json!({ "error": e.kind.name(), "offset": e.offset, "requirement": e.requirement }),
    }
}

#[test]
fn rust_and_typescript_readers_agree_on_mutated_batches() {
    let seeds = seeds();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases: Vec<Vec<u8>> = seeds.clone();
    while cases.len() < 12_000 {
        let seed = &seeds[rng.below(seeds.len())];
        cases.push(mutate(seed, &mut rng));
    }

    let lines = client_filter("reader-verdicts.mjs", &cases.iter().map(|c| hex(c)).collect::<Vec<_>>());

    let (mut accepted, mut disagreements) = (0, Vec::new());
    let mut kinds = std::collections::BTreeSet::new();
    for (case, line) in cases.iter().zip(&lines) {
        let theirs: Value = serde_json::from_str(line).expect("a JSON verdict");
        let ours = verdict(case);
        if ours.get("valid").is_some() {
            accepted += 1;
        } else if let Some(kind) = ours["error"].as_str() {
            kinds.insert(kind.to_owned());
        }
        if theirs != ours {
            disagreements.push(format!("{}\n  Rust:       {ours}\n  TypeScript: {theirs}", hex(case)));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} batches read differently; the first:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
    eprintln!(
        "{} batches: {accepted} accepted, {} error kinds: {kinds:?}",
        cases.len(),
        kinds.len()
    );
    // The mutations reach both outcomes and many of the reader's checks.
    assert!(accepted > 300, "only {accepted} batches accepted");
    assert!(kinds.len() >= 20, "only {} error kinds reached: {kinds:?}", kinds.len());
}
