//! One `cfg` for the systems whose errnos follow 4.4BSD's numbering, so that their list of
//! `target_os` values is written once: `cfg(bsd)` is macOS, iOS, FreeBSD, DragonFly, NetBSD
//! and OpenBSD.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(bsd)");
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let bsd = ["macos", "ios", "freebsd", "dragonfly", "netbsd", "openbsd"];
    if bsd.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=bsd");
    }
}
