//! Rebuild when any signature file changes: the default corpus is embedded with include_dir,
//! which does not tell cargo about files added to the directory.

fn main() {
    println!("cargo:rerun-if-changed=signatures");
}
