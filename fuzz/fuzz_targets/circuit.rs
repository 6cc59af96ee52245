//! libFuzzer target: the circuit state machine fed arbitrary message sequences
//! ([`brasa_fuzz::hub::circuit`]).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| brasa_fuzz::hub::circuit(data));
