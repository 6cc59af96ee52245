//! libFuzzer target: [`brasa_fuzz::structured`] on a batch built from the fuzzer's bytes by
//! `arbitrary`. Run with `cargo +nightly fuzz run structured --features libfuzzer`
//! (see `fuzz/README.md`).
#![no_main]

libfuzzer_sys::fuzz_target!(|batch: brasa_fuzz::ArbitraryBatch| {
    brasa_fuzz::structured(batch);
});
