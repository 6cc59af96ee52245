//! Embeds the committed client bundle (`reference-impl/client/dist/brasa.js`) when it exists,
//! so that `cargo build --release` alone produces a complete `brasa`.

fn main() {
    let bundle = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/dist/brasa.js");
    println!("cargo:rerun-if-changed={}", bundle.display());
    println!("cargo:rerun-if-changed=../client/dist");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("brasa.js");
    let (bytes, present) = match std::fs::read(&bundle) {
        Ok(bytes) => (bytes, true),
        Err(_) => (Vec::new(), false),
    };
    std::fs::write(&out, bytes).expect("writing the embedded bundle");
    println!("cargo:rustc-check-cfg=cfg(brasa_client_bundle)");
    if present {
        println!("cargo:rustc-cfg=brasa_client_bundle");
    }
}
