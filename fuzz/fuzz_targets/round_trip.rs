//! libFuzzer target: [`brasa_fuzz::round_trip`] on raw bytes. Run with
//! `cargo +nightly fuzz run round_trip --features libfuzzer` (see `fuzz/README.md`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| brasa_fuzz::round_trip(data));
