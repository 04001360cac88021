//! Secret redaction against a generated corpus: thousands of real-shaped (never real) secrets of
//! many families, each placed in every context shape, each carrying a unique canary.
//!
//! The check everywhere is the same: no 8-byte piece of a secret's sensitive part, in any
//! spelling a shape can give it (raw, JSON, JSON in JSON, Python repr, URL-encoded), comes out.
//! `library` runs the whole corpus through `normalize`, `Engine::match_text` and the wire
//! documents and asserts recall per family; `surfaces` sends a sample through the binary and the
//! HTTP service; `dump_corpus_jsonl` writes the corpus for `reliability/secrets_compare.py`.

mod contexts;
mod families;
mod library;
mod rng;
mod surfaces;

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

pub(crate) use contexts::{CONTEXTS, Context};
pub(crate) use families::{FAMILIES, Family, Made};

/// The corpus seed. Same seed, same bytes.
pub(crate) const SEED: u64 = 0x6572_7273_6967_0008;
/// Secrets per family: with the families below, over 5,000 secrets.
pub(crate) const PER_FAMILY: usize = 96;
/// The shortest piece of a secret that must never come out.
pub(crate) const PIECE: usize = 8;

pub(crate) struct Secret {
    pub(crate) family: usize,
    pub(crate) made: Made,
}

impl Secret {
    pub(crate) fn family(&self) -> &'static Family {
        &FAMILIES[self.family]
    }
}

pub(crate) struct Placement {
    /// Index into [`SecretCorpus::secrets`].
    pub(crate) secret: usize,
    pub(crate) context: Context,
    pub(crate) text: String,
}

pub(crate) struct SecretCorpus {
    pub(crate) secrets: Vec<Secret>,
    /// Every secret in every context shape, family by family, secret by secret.
    pub(crate) placements: Vec<Placement>,
}

impl SecretCorpus {
    /// The placements of family `family`.
    pub(crate) fn placements_of(&self, family: usize) -> &[Placement] {
        let per_family = self.placements.len() / FAMILIES.len();
        &self.placements[family * per_family..(family + 1) * per_family]
    }

    /// The indices of the secrets of family `family`.
    pub(crate) fn secret_ids_of(&self, family: usize) -> Vec<usize> {
        let per_family = self.secrets.len() / FAMILIES.len();
        (family * per_family..(family + 1) * per_family).collect()
    }

    /// A sample of `per_cell` placements for every family and context, each of a different secret.
    pub(crate) fn sample(&self, per_cell: usize) -> Vec<&Placement> {
        let mut out = Vec::new();
        for family in 0..FAMILIES.len() {
            let placements = self.placements_of(family);
            for (index, context) in CONTEXTS.iter().enumerate() {
                for k in 0..per_cell {
                    let secret = (index * per_cell + k) % PER_FAMILY;
                    let placement = &placements[secret * CONTEXTS.len() + index];
                    assert_eq!(placement.context, *context);
                    out.push(placement);
                }
            }
        }
        out
    }
}

/// Generates the corpus for `seed`.
pub(crate) fn generate(seed: u64, per_family: usize) -> SecretCorpus {
    let mut rng = rng::Rng::new(seed);
    let mut secrets = Vec::new();
    let mut placements = Vec::new();
    for (family_index, family) in FAMILIES.iter().enumerate() {
        for _ in 0..per_family {
            let id = secrets.len();
            let made = family.make(&mut rng, id);
            for (variant, context) in CONTEXTS.iter().enumerate() {
                let text = context.render(family, &made, id + variant);
                placements.push(Placement { secret: id, context: *context, text });
            }
            secrets.push(Secret { family: family_index, made });
        }
    }
    SecretCorpus { secrets, placements }
}

/// The corpus for [`SEED`], generated once per test binary.
pub(crate) fn corpus() -> &'static SecretCorpus {
    static CORPUS: OnceLock<SecretCorpus> = OnceLock::new();
    CORPUS.get_or_init(|| generate(SEED, PER_FAMILY))
}

/// Finds any [`PIECE`]-byte piece of a set of secrets in a text.
pub(crate) struct Needles {
    automaton: AhoCorasick,
    /// For each pattern, the index of the secret it comes from.
    owners: Vec<usize>,
}

impl Needles {
    /// The pieces of `secrets` (indices into the corpus), in every spelling.
    pub(crate) fn new<'a>(
        corpus: &SecretCorpus,
        secrets: impl IntoIterator<Item = &'a usize>,
    ) -> Needles {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut owners = Vec::new();
        for &secret in secrets {
            let mut pieces: Vec<&[u8]> = Vec::new();
            let spellings = contexts::spellings(corpus.secrets[secret].made.sensitive());
            for spelling in &spellings {
                let bytes = spelling.as_bytes();
                if bytes.len() < PIECE {
                    pieces.push(bytes);
                } else {
                    pieces.extend(bytes.windows(PIECE));
                }
            }
            pieces.sort_unstable();
            pieces.dedup();
            for piece in pieces {
                patterns.push(piece.to_vec());
                owners.push(secret);
            }
        }
        let automaton = AhoCorasick::new(&patterns).expect("the pieces build an automaton");
        Needles { automaton, owners }
    }

    /// The first piece found in `text`, with the secret it belongs to.
    pub(crate) fn find<'t>(&self, text: &'t str) -> Option<(usize, &'t str)> {
        self.automaton
            .find(text)
            .map(|found| (self.owners[found.pattern().as_usize()], &text[found.range()]))
    }

    /// Panics with a readable message when `text` holds a piece of a secret.
    #[track_caller]
    pub(crate) fn assert_absent(&self, corpus: &SecretCorpus, what: &str, text: &str) {
        if let Some((secret, piece)) = self.find(text) {
            let secret = &corpus.secrets[secret];
            panic!(
                "{what} leaked {piece:?} of a {} secret (canary {}):\n{}",
                secret.family().name,
                secret.made.canary,
                excerpt(text, piece)
            );
        }
    }
}

/// A few hundred bytes of `text` around `piece`.
pub(crate) fn excerpt(text: &str, piece: &str) -> String {
    let at = text.find(piece).unwrap_or(0);
    let mut start = at.saturating_sub(200);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + piece.len() + 200).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text[start..end].to_string()
}

#[test]
fn the_corpus_is_large_varied_unique_and_deterministic() {
    let corpus = corpus();
    assert!(corpus.secrets.len() >= 5000, "{} secrets", corpus.secrets.len());
    assert!(FAMILIES.len() >= 35, "{} families", FAMILIES.len());
    assert!(CONTEXTS.len() >= 8, "{} context shapes", CONTEXTS.len());
    assert_eq!(corpus.placements.len(), corpus.secrets.len() * CONTEXTS.len());
    let mut names: Vec<&str> = FAMILIES.iter().map(|family| family.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), FAMILIES.len(), "family names are unique");

    // Every canary is unique, and sits inside its own secret's sensitive part only.
    let mut canaries: Vec<&str> = corpus.secrets.iter().map(|s| s.made.canary.as_str()).collect();
    canaries.sort_unstable();
    canaries.dedup();
    assert_eq!(canaries.len(), corpus.secrets.len(), "canaries are unique");
    let mut sensitive: Vec<&str> = corpus.secrets.iter().map(|s| s.made.sensitive()).collect();
    sensitive.sort_unstable();
    sensitive.dedup();
    assert_eq!(sensitive.len(), corpus.secrets.len(), "secrets are unique");
    for placement in &corpus.placements {
        let secret = &corpus.secrets[placement.secret];
        let sensitive = secret.made.sensitive();
        assert!(
            contexts::spellings(sensitive)
                .iter()
                .any(|spelling| placement.text.contains(spelling.as_str()))
                || sensitive.lines().all(|line| placement.text.contains(line)),
            "{} in {}: the secret is not in the text:\n{}",
            secret.family().name,
            placement.context.name(),
            placement.text
        );
    }

    // Same seed, same bytes; another seed, other secrets. A smaller corpus draws the same
    // stream, so its first family equals the full corpus's first secrets of that family.
    let again = generate(SEED, 4);
    let twice = generate(SEED, 4);
    let other = generate(SEED ^ 1, 4);
    for (index, placement) in again.placements.iter().enumerate() {
        assert_eq!(placement.text, twice.placements[index].text);
        assert_ne!(placement.text, other.placements[index].text);
    }
    for (index, placement) in again.placements_of(0).iter().enumerate() {
        assert_eq!(placement.text, corpus.placements_of(0)[index].text);
    }
}

#[test]
fn vendor_formats_hold() {
    let corpus = corpus();
    for secret in &corpus.secrets {
        let text = secret.made.text.as_str();
        let name = secret.family().name;
        let ok = match name {
            "github-classic-pat" | "github-app-token" | "npm-token" => {
                // 30 random characters and their CRC-32 in six base62 digits.
                let body = &text[4..];
                body.len() == 36 && rng::base62(rng::crc32(&body.as_bytes()[..30]), 6) == body[30..]
            }
            "openai-project-key" => text.len() == 164 && &text[82..90] == "T3BlbkFJ",
            "anthropic-api-key" => text.len() == 108 && text.ends_with("AA"),
            "azure-ai-services-key" => text.len() == 84 && &text[52..58] == "JQQJ99",
            "aws-access-key-id" => text.len() == 20,
            "google-api-key" => text.len() == 39,
            "github-fine-grained-pat" => text.len() == 93,
            "huggingface-token" => text.len() == 37,
            "azure-storage-connection-string" => {
                text.split(";AccountKey=").nth(1).is_some_and(|rest| rest.find(';') == Some(88))
            }
            _ => true,
        };
        assert!(ok, "{name}: {text}");
    }
}

/// Writes the corpus as JSONL (one placement a line) to `$ERRSIG_SECRETS_JSONL`:
/// `cargo test --release --test it secrets::dump_corpus_jsonl -- --ignored`.
#[test]
#[ignore = "writes a file; run by reliability/secrets_compare.py"]
fn dump_corpus_jsonl() {
    use std::io::Write;

    let path = std::env::var_os("ERRSIG_SECRETS_JSONL")
        .expect("set ERRSIG_SECRETS_JSONL to the file to write");
    let corpus = corpus();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for placement in &corpus.placements {
        let secret = &corpus.secrets[placement.secret];
        let family = secret.family();
        let line = serde_json::json!({
            "family": family.name,
            "context": placement.context.name(),
            "secret": placement.secret,
            "canary": secret.made.canary,
            "detect_secrets_plugin": family.detect_secrets,
            "spellings": contexts::spellings(secret.made.sensitive()),
            "text": placement.text,
        });
        writeln!(out, "{line}").unwrap();
    }
    out.flush().unwrap();
    eprintln!("wrote {} placements to {}", corpus.placements.len(), path.to_string_lossy());
}
