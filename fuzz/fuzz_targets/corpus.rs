//! Arbitrary signature files: parse, validate, compile into an engine, and run the file's own
//! examples through it. Bad files must come back as errors, never as panics or hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Name the file after its `id` so a well-formed input passes the file-stem check and goes
    // on to compile.
    let id = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("id"))
        .and_then(|rest| rest.trim_start().strip_prefix('='))
        .map(|rest| rest.trim().trim_matches(['"', '\'']))
        .filter(|id| !id.is_empty() && id.len() < 200 && !id.contains(['/', '\\']))
        .unwrap_or("fuzz-input");
    let name = format!("fuzz/{id}.toml");
    let corpus = match errsig::Corpus::from_sources([(name.as_str(), text)]) {
        Ok(corpus) => corpus,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    match errsig::Engine::new(&corpus) {
        Ok(engine) => {
            for failure in engine.self_test() {
                let _ = failure.to_string();
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
