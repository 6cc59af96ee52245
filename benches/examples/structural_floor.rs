//! Experiment: the cheapest reader that still does the checks issue 9 lists for the validating
//! reader (every count, offset, section boundary, type code, string index, length prefix and
//! UTF-8), and none of the stricter ones of RB-2 … RB-5 (tree shape, attribute placement,
//! references, canonical strings). Timed against memcpy and `validate_with` on every input.
//!
//! ```sh
//! cargo run --release -p brasa-benches --example structural_floor
//! ```

use std::hint::black_box;
use std::time::Instant;

use brasa_benches::inputs;
use brasa_protocol::render_batch::{Limits, ValidateScratch, validate_with};

#[inline(always)]
fn i32_at(b: &[u8], p: usize) -> i32 {
    i32::from_le_bytes(b[p..p + 4].try_into().unwrap())
}

/// Where the first failed check is, or `Ok` with the section positions.
#[inline(never)]
fn floor(b: &[u8]) -> Result<[u32; 5], usize> {
    let len = b.len();
    if len < 20 {
        return Err(0);
    }
    let end = len - 20;
    let mut pos = [0u32; 5];
    for (i, p) in pos.iter_mut().enumerate() {
        let v = i32_at(b, end + 4 * i);
        if v < 0 || v as usize > end {
            return Err(end + 4 * i);
        }
        *p = v as u32;
    }
    let [diff_table, frames, disposed_c, disposed_h, string_positions] = pos.map(|p| p as usize);
    let count = |at: usize, size: usize| -> Result<usize, usize> {
        if at + 4 > end {
            return Err(at);
        }
        let c = i32_at(b, at);
        if c < 0 || (c as usize) * size > end - at - 4 {
            return Err(at);
        }
        Ok(c as usize)
    };
    let diff_count = count(diff_table, 4)?;
    if frames != diff_table + 4 + 4 * diff_count {
        return Err(end + 4);
    }
    let frame_count = count(frames, 20)?;
    if disposed_c != frames + 4 + 20 * frame_count {
        return Err(end + 8);
    }
    let dc = count(disposed_c, 4)?;
    if disposed_h != disposed_c + 4 + 4 * dc {
        return Err(end + 12);
    }
    let dh = count(disposed_h, 8)?;
    let data_start = disposed_h + 4 + 8 * dh;
    if string_positions < data_start || !(end - string_positions).is_multiple_of(4) {
        return Err(end + 16);
    }
    let string_count = (end - string_positions) / 4;
    // Strings: each at the cursor, its prefix, its bytes inside the data, UTF-8.
    let data = &b[..string_positions];
    let ascii = data[data_start..].is_ascii();
    let mut cursor = data_start;
    for i in 0..string_count {
        let at = string_positions + 4 * i;
        if i32_at(b, at) as i64 != cursor as i64 {
            return Err(at);
        }
        let mut length = 0usize;
        let mut shift = 0;
        loop {
            let Some(&byte) = data.get(cursor) else {
                return Err(cursor);
            };
            cursor += 1;
            length |= usize::from(byte & 0x7F) << shift;
            if byte < 0x80 {
                // A last byte of 0 after others: the same length in fewer bytes (over-long).
                if byte == 0 && shift > 0 {
                    return Err(cursor - 1);
                }
                break;
            }
            shift += 7;
            if shift > 28 {
                return Err(cursor);
            }
        }
        if length > string_positions - cursor {
            return Err(cursor);
        }
        if !ascii && std::str::from_utf8(&data[cursor..cursor + length]).is_err() {
            return Err(cursor);
        }
        cursor += length;
    }
    if cursor != string_positions {
        return Err(cursor);
    }
    let string = |index: i32, nullable: bool| index >= -(nullable as i32) && (index as i64) < string_count as i64;
    // Diffs: positions, headers, edits (type codes, frame slots, string indexes).
    let mut cursor = 0usize;
    for d in 0..diff_count {
        let at = diff_table + 4 + 4 * d;
        if i32_at(b, at) as i64 != cursor as i64 || cursor + 8 > diff_table {
            return Err(at);
        }
        let n = i32_at(b, cursor + 4);
        if n < 0 || n as usize * 16 > diff_table - cursor - 8 {
            return Err(cursor + 4);
        }
        let edits = &b[cursor + 8..cursor + 8 + 16 * n as usize];
        for (k, e) in edits.chunks_exact(16).enumerate() {
            let t = i32_at(e, 0);
            let ok = match t {
                1 | 3 | 5 | 8 => i32_at(e, 4) >= 0 && (i32_at(e, 8) as u32 as usize) < frame_count,
                2 | 6 | 9 => i32_at(e, 4) >= 0,
                4 => i32_at(e, 4) >= 0 && string(i32_at(e, 12), false),
                7 | 10 => true,
                _ => false,
            };
            if !ok {
                return Err(cursor + 8 + 16 * k);
            }
        }
        cursor += 8 + 16 * n as usize;
    }
    if cursor != diff_table {
        return Err(cursor);
    }
    // Frames: type codes and string indexes.
    for (k, f) in b[frames + 4..disposed_c].chunks_exact(20).enumerate() {
        let ok = match i32_at(f, 0) {
            1 => string(i32_at(f, 8), false),
            2 | 6 | 8 => string(i32_at(f, 4), false),
            3 => string(i32_at(f, 4), false) && string(i32_at(f, 8), true),
            4 | 5 | 7 | 9 | 10 => true,
            _ => false,
        };
        if !ok {
            return Err(frames + 4 + 20 * k);
        }
    }
    Ok(pos)
}

fn time(iterations: u32, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(iterations)
}

fn main() {
    if let Some(name) = std::env::args().nth(1) {
        let n = std::env::args().nth(2).map_or(0, |n| n.parse().unwrap());
        return only(&name, n);
    }
    // What the floor lets through: the shipped invalid vectors it accepts, by requirement.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors/render-batch/invalid");
    let mut accepted = std::collections::BTreeMap::<String, Vec<String>>::new();
    let mut total = 0;
    for entry in std::fs::read_dir(&dir).expect("the invalid vectors") {
        let path = entry.unwrap().path();
        let vector: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let Some(hex) = vector["hex"].as_str() else { continue };
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        total += 1;
        if floor(&bytes).is_ok() {
            let rule = vector["expect"]["invalid"]["requirement"]
                .as_str()
                .unwrap_or("?")
                .to_owned();
            let error = vector["expect"]["invalid"]["error"].as_str().unwrap_or("?").to_owned();
            accepted.entry(rule).or_default().push(error);
        }
    }
    let count: usize = accepted.values().map(Vec::len).sum();
    println!("the floor accepts {count} of {total} invalid vectors:");
    for (rule, errors) in &accepted {
        println!("  {rule}: {}", errors.join(", "));
    }
    let mut scratch = ValidateScratch::new();
    println!("| input | bytes | memcpy ns | floor ns | floor/memcpy | validate_with ns | /memcpy |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for input in inputs() {
        let bytes = input.bytes;
        floor(&bytes).expect("the floor accepts every valid input");
        let mut copy = vec![0u8; bytes.len()];
        let iterations = (20_000_000 / (bytes.len() + 200)).max(20) as u32;
        let mut m = Vec::new();
        let mut fl = Vec::new();
        let mut v = Vec::new();
        for _ in 0..7 {
            m.push(time(iterations, || {
                copy.copy_from_slice(black_box(&bytes));
                black_box(&mut copy);
            }));
            fl.push(time(iterations, || {
                let _ = black_box(floor(black_box(&bytes)));
            }));
            v.push(time(iterations, || {
                let _ = black_box(validate_with(black_box(&bytes), &Limits::DEFAULT, &mut scratch).is_ok());
            }));
        }
        let med = |x: &mut Vec<f64>| {
            x.sort_by(f64::total_cmp);
            x[x.len() / 2]
        };
        let (m, fl, v) = (med(&mut m), med(&mut fl), med(&mut v));
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.1}× | {:.1} | {:.1}× |",
            input.name,
            bytes.len(),
            m,
            fl,
            fl / m,
            v,
            v / m
        );
    }
}

/// `structural_floor INPUT N`: only the floor, N times (for `valgrind --tool=callgrind`).
fn only(name: &str, n: u32) {
    let input = inputs().into_iter().find(|i| i.name == name).unwrap();
    for _ in 0..n {
        let _ = black_box(floor(black_box(&input.bytes)));
    }
}
