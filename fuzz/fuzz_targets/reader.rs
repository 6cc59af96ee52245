//! libFuzzer target: [`brasa_fuzz::reader`] on raw bytes. Run with
//! `cargo +nightly fuzz run reader --features libfuzzer` (see `fuzz/README.md`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| brasa_fuzz::reader(data));
