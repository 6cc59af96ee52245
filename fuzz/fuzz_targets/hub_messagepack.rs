//! libFuzzer target: the MessagePack hub decoder ([`brasa_fuzz::hub::hub_decoder`]).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| brasa_fuzz::hub::hub_decoder(
    brasa_protocol::hub::Protocol::MessagePack,
    data
));
