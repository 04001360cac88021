//! The serde mirror of a signature file. This *is* the file format, so it may derive
//! `Deserialize`; `validate.rs` turns it into domain types.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignatureFile {
    pub(crate) id: Spanned<String>,
    pub(crate) title: Spanned<String>,
    #[serde(default)]
    pub(crate) sources: Vec<Spanned<String>>,
    pub(crate) tags: TagsFile,
    #[serde(rename = "match")]
    pub(crate) rules: MatchFile,
    #[serde(default)]
    pub(crate) relations: RelationsFile,
    #[serde(default)]
    pub(crate) versions: VersionsFile,
    pub(crate) article: ArticleFile,
    #[serde(default, rename = "example")]
    pub(crate) examples: Vec<Spanned<ExampleFile>>,
    #[serde(default, rename = "counter_example")]
    pub(crate) counter_examples: Vec<Spanned<CounterExampleFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TagsFile {
    pub(crate) tool: Spanned<String>,
    #[serde(default)]
    pub(crate) providers: Vec<Spanned<String>>,
    pub(crate) area: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MatchFile {
    #[serde(default)]
    pub(crate) anchors: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) all: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) any: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) none: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) case_sensitive: bool,
    #[serde(default)]
    pub(crate) templates: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) require: ConditionsFile,
    #[serde(default)]
    pub(crate) boost: ConditionsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionsFile {
    #[serde(default)]
    pub(crate) status: Vec<Spanned<i64>>,
    #[serde(default)]
    pub(crate) provider: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) url_host: Vec<Spanned<String>>,
    pub(crate) url_path: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelationsFile {
    #[serde(default)]
    pub(crate) causes: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) symptom_of: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) related: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VersionsFile {
    pub(crate) tool: Option<Spanned<String>>,
    pub(crate) introduced: Option<Spanned<String>>,
    pub(crate) fixed_in: Option<Spanned<String>>,
    pub(crate) note: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArticleFile {
    pub(crate) summary: Spanned<String>,
    #[serde(default)]
    pub(crate) causes: Vec<Spanned<String>>,
    pub(crate) verify: Spanned<String>,
    #[serde(default, rename = "fix")]
    pub(crate) fixes: Vec<Spanned<FixFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FixFile {
    pub(crate) title: String,
    pub(crate) body: Option<String>,
    pub(crate) code: Option<String>,
    pub(crate) lang: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExampleFile {
    pub(crate) text: String,
    pub(crate) rank: Option<i64>,
    #[serde(default)]
    pub(crate) variables: BTreeMap<String, String>,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CounterExampleFile {
    pub(crate) text: String,
    pub(crate) note: Option<String>,
}
