// Included (`include!`) by the build scripts of crates whose tests need the shared test data
// or AVX-512. Sets `cfg(shared_data)` when `../shared/data` lies beside the workspace and
// `cfg(avx512)` when this machine runs AVX-512F, so such tests are `#[ignore]`d with their
// reason where they cannot run, instead of passing silently:
//
//     #[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]

/// Emits the two `cfg`s for the crate being built at `manifest_dir`.
fn test_environment() {
    let manifest = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // crates/<name> → workspace root → its parent holds `shared/data`.
    let data = manifest.join("../../../shared/data");
    println!("cargo::rustc-check-cfg=cfg(shared_data)");
    println!("cargo::rustc-check-cfg=cfg(avx512)");
    println!("cargo::rerun-if-changed={}", data.display());
    if data.is_dir() {
        println!("cargo::rustc-cfg=shared_data");
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        println!("cargo::rustc-cfg=avx512");
    }
}
