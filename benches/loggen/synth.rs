//! Synthetic signature corpora for scaling runs.
//!
//! Signature `i` depends only on `(seed, i)`, never on the corpus size, so the corpus of 100 is
//! the first 100 signatures of the corpus of 100k: one log (whose hits come from the first 100)
//! has the same ground truth against every size, and only the number of signatures changes.
//!
//! Each signature has an error-class name made of four syllables (`ZorVexQuaLym`), which is its
//! anchor. About 40 % of signatures share their name, and so their anchor, with 1 to 7 others
//! (groups of 2, 4 or 8); members of a group differ by the verb and object their pattern requires.
//! Patterns come in four shapes with literals, classes, alternations and one optional named group;
//! one shape carries a `none` guard. Every file passes the corpus validation (`Corpus::load_dir`)
//! and its examples match it while its counter-example (a near miss: the anchor with a verb and
//! object no member of the group uses) does not.

use std::fmt::Write as _;

use errsig::Tags;

use super::prng::hash3;

const SYLLABLES: [&str; 40] = [
    "zor", "vex", "qua", "lym", "drak", "kel", "thu", "bry", "nox", "fyr", "gal", "mor", "pyx",
    "sul", "tav", "wen", "yth", "cro", "dex", "jul", "kra", "lox", "myr", "nev", "orb", "plu",
    "quo", "rix", "syl", "tor", "ulm", "vor", "wix", "xal", "yor", "zan", "bel", "cav", "dru",
    "hex",
];
/// 40^4 names; `NAME_STEP` is coprime with it, so `index * NAME_STEP mod NAMES` is a bijection.
const NAMES: u64 = 2_560_000;
const NAME_STEP: u64 = 1_000_003;

/// (base, -ing, past participle)
const VERBS: [(&str, &str, &str); 16] = [
    ("flush", "flushing", "flushed"),
    ("sync", "syncing", "synced"),
    ("load", "loading", "loaded"),
    ("parse", "parsing", "parsed"),
    ("commit", "committing", "committed"),
    ("rotate", "rotating", "rotated"),
    ("seal", "sealing", "sealed"),
    ("index", "indexing", "indexed"),
    ("fetch", "fetching", "fetched"),
    ("lock", "locking", "locked"),
    ("merge", "merging", "merged"),
    ("drain", "draining", "drained"),
    ("mount", "mounting", "mounted"),
    ("replay", "replaying", "replayed"),
    ("compact", "compacting", "compacted"),
    ("publish", "publishing", "published"),
];
const OBJECTS: [&str; 20] = [
    "cursor",
    "ledger",
    "snapshot",
    "manifest",
    "shard map",
    "lease",
    "checkpoint",
    "segment",
    "schema",
    "quota table",
    "bucket policy",
    "replica set",
    "journal",
    "partition",
    "catalog",
    "route table",
    "session store",
    "blob index",
    "write buffer",
    "tenant registry",
];
const PAIRS: u64 = (VERBS.len() * OBJECTS.len()) as u64;
const TARGETS: [&str; 12] = [
    "worker-alpha",
    "tenant-acme",
    "region-west",
    "pool-blue",
    "node-ix",
    "queue-ingest",
    "shard-east",
    "tier-gold",
    "zone-c",
    "job-nightly",
    "cluster-prod",
    "lane-fast",
];
const REASONS: [&str; 4] = ["timeout", "conflict", "quota", "stale"];

/// One generated signature.
#[derive(Debug, Clone)]
pub struct Synthetic {
    pub id: String,
    /// The anchor (the group's error-class name).
    pub anchor: String,
    /// The one `all` pattern.
    pub pattern: String,
    /// The file text.
    pub toml: String,
}

/// Which anchor group signature `i` is in: `(first index of the group, group size)`.
pub fn group(seed: u64, i: u64) -> (u64, u64) {
    let block = i / 8;
    let h = hash3(seed, 1, block);
    if h % 10 < 6 {
        return (i, 1);
    }
    let size = [2u64, 4, 8][((h >> 8) % 3) as usize];
    (i - i % size, size)
}

/// The four-syllable name of the group starting at `start`.
pub fn name(seed: u64, start: u64) -> String {
    let mut v = (start.wrapping_mul(NAME_STEP) + seed % NAMES) % NAMES;
    let mut out = String::new();
    for _ in 0..4 {
        let syllable = SYLLABLES[(v % 40) as usize];
        v /= 40;
        let mut chars = syllable.chars();
        let first = chars.next().expect("syllables are not empty");
        out.push(first.to_ascii_uppercase());
        out.push_str(chars.as_str());
    }
    out
}

fn pair(p: u64) -> ((&'static str, &'static str, &'static str), &'static str) {
    (VERBS[(p % VERBS.len() as u64) as usize], OBJECTS[(p / VERBS.len() as u64) as usize])
}

/// Signature `i` of the corpus for `seed`.
pub fn signature(seed: u64, i: u64) -> Synthetic {
    let (start, size) = group(seed, i);
    let member = i - start;
    let name = name(seed, start);
    let lower = name.to_ascii_lowercase();
    let base = hash3(seed, 2, start) % PAIRS;
    let ((verb, ing, past), object) = pair((base + member) % PAIRS);
    // No member of the group uses this pair: the near miss.
    let ((near_verb, near_ing, near_past), near_object) = pair((base + size) % PAIRS);
    let h = hash3(seed, 3, i);
    let shape = h % 4;
    let t1 = TARGETS[((h >> 8) % 12) as usize];
    let t2 = TARGETS[((h >> 16) % 12) as usize];
    let reason = REASONS[((h >> 24) % 4) as usize];
    let n1 = 100 + (h >> 32) % 9000;
    let n2 = 2 + (h >> 44) % 90;
    let area = Tags::AREAS[(i % Tags::AREAS.len() as u64) as usize];
    let (pattern, none, examples, counter, variable, title): (
        String,
        Option<&str>,
        [String; 2],
        String,
        bool,
        String,
    ) = match shape {
        0 => (
            format!(
                r"\b{name}(?:Error|Exception)\b[\s\S]{{0,80}}?(?:failed to|could not|unable to) {verb} (?:the )?{object}(?: for (?P<target>[\w.-]+))?"
            ),
            None,
            [
                format!("{name}Error: failed to {verb} the {object} for {t1} after {n1} ms"),
                format!("{name}Exception: unable to {verb} {object}"),
            ],
            format!("{name}Error: failed to {near_verb} the {near_object} for {t2} after {n1} ms"),
            true,
            format!("Synthetic: {name} fails to {verb} the {object}"),
        ),
        1 => (
            format!(
                r"\b{name}\b: (?:the )?{object} (?:was|is) not {past} (?:by|for) [\w.-]+ \(reason: (?:timeout|conflict|quota|stale)\)"
            ),
            None,
            [
                format!("{name}: the {object} was not {past} for {t1} (reason: {reason})"),
                format!("{name}: {object} is not {past} by {t2} (reason: stale)"),
            ],
            format!("{name}: the {near_object} was not {near_past} for {t1} (reason: {reason})"),
            false,
            format!("Synthetic: {name} leaves the {object} not {past}"),
        ),
        2 => (
            format!(
                r"\b{name}(?:Error|Exception)?\b.{{0,60}}?\b{ing} (?:the )?{object}\b.{{0,40}}?(?:timed out|deadline exceeded)"
            ),
            Some(r"\bretry(?:ing)? scheduled\b"),
            [
                format!(
                    "{name}Exception while {ing} the {object} {t1}: deadline exceeded after {n2}s"
                ),
                format!("{name} {ing} {object} on {t2} timed out"),
            ],
            format!(
                "{name}Exception while {near_ing} the {near_object} {t1}: deadline exceeded after {n2}s"
            ),
            false,
            format!("Synthetic: {name} times out {ing} the {object}"),
        ),
        _ => (
            format!(r"\[{lower}\] (?:warn|error):? {object} {verb} (?:failed|rejected)\b"),
            None,
            [
                format!("[{lower}] error: {object} {verb} rejected by {t1}"),
                format!("[{lower}] warn {object} {verb} failed, attempt {n2} of 5"),
            ],
            format!("[{lower}] error: {near_object} {near_verb} rejected by {t1}"),
            false,
            format!("Synthetic: {name} rejects {verb} on the {object}"),
        ),
    };
    let id = format!("synth-{lower}-{i:06}");
    let mut toml = String::with_capacity(2048);
    let _ = writeln!(toml, "id = \"{id}\"");
    let _ = writeln!(toml, "title = \"{title}\"");
    let _ = writeln!(
        toml,
        "sources = [\"synthetic: benches/loggen corpus, seed {seed}, index {i}, anchor group {start}+{size}\"]"
    );
    let _ = writeln!(toml, "\n[tags]\ntool = \"synthetic-bench\"\narea = \"{area}\"");
    let _ = writeln!(toml, "\n[match]\nanchors = [\"{name}\"]\nall = ['''{pattern}''']");
    if let Some(none) = none {
        let _ = writeln!(toml, "none = ['''{none}''']");
    }
    if shape == 1 {
        let _ = writeln!(toml, "\n[match.boost]\nstatus = [409]");
    }
    let _ = writeln!(
        toml,
        "\n[article]\nsummary = \"{name} could not {verb} the {object}; this is a generated signature for benchmarks.\"\ncauses = [\"The {object} is held by another writer.\", \"The {object} is stale.\"]\nverify = \"Run the job again; the log shows no {name} line.\""
    );
    let _ = writeln!(toml, "\n[[article.fix]]\ntitle = \"Release the {object} and retry\"");
    if variable {
        let _ = writeln!(toml, "body = \"Restart {{{{target}}}} after the {object} is released.\"");
    } else {
        let _ = writeln!(toml, "body = \"Restart the writer after the {object} is released.\"");
    }
    for example in &examples {
        let _ = writeln!(toml, "\n[[example]]\ntext = '''{example}'''");
    }
    let _ = writeln!(
        toml,
        "\n[[counter_example]]\ntext = '''{counter}'''\nnote = \"same anchor, a verb and object no signature of the group uses\""
    );
    Synthetic { id, anchor: name, pattern, toml }
}
