//! Full-text search over the articles (BM25, tantivy), behind our own API: no tantivy type
//! leaves this module.

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, IndexReader, TantivyDocument, doc};

use crate::error::{Error, ErrorKind, Result};
use crate::signature::{Signature, SignatureId};

/// Index writer memory budget: tantivy's minimum per thread; the corpus is small.
const WRITER_HEAP_BYTES: usize = 15_000_000;
/// The longest query accepted, in bytes; longer ones are cut (a pasted log can be huge).
pub(crate) const MAX_QUERY_BYTES: usize = 2048;

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleHit {
    pub(crate) id: SignatureId,
    pub(crate) title: String,
    pub(crate) score: f32,
}

impl ArticleHit {
    /// The signature whose article matched.
    pub fn signature_id(&self) -> &SignatureId {
        &self.id
    }

    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The BM25 score (only comparable within one search).
    pub fn score(&self) -> f32 {
        self.score
    }
}

/// The results of a search, with any warnings about the query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleSearch {
    pub(crate) hits: Vec<ArticleHit>,
    pub(crate) warnings: Vec<String>,
}

impl ArticleSearch {
    /// Hits, best first.
    pub fn hits(&self) -> &[ArticleHit] {
        &self.hits
    }

    /// Parts of the query that were not understood and were ignored.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

#[derive(Clone)]
pub(crate) struct ArticleIndex {
    reader: IndexReader,
    parser: QueryParser,
    id: Field,
    title: Field,
}

impl std::fmt::Debug for ArticleIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArticleIndex").finish_non_exhaustive()
    }
}

fn index_error(error: tantivy::TantivyError) -> Error {
    Error::new(ErrorKind::ArticleIndex(Box::new(error)))
}

impl ArticleIndex {
    /// Indexes the articles of `signatures`; `example_texts` holds, per signature, the normalized
    /// text of each example.
    pub(crate) fn build(
        signatures: &[std::sync::Arc<Signature>],
        example_texts: &[Vec<String>],
    ) -> Result<ArticleIndex> {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING | STORED);
        let title = schema.add_text_field("title", TEXT | STORED);
        let body = schema.add_text_field("body", TEXT);
        let tags = schema.add_text_field("tags", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer =
            index.writer_with_num_threads(1, WRITER_HEAP_BYTES).map_err(index_error)?;
        for (signature, examples) in signatures.iter().zip(example_texts) {
            let article = signature.article();
            let mut text = String::new();
            for part in [&article.summary, &article.verify]
                .into_iter()
                .chain(&article.causes)
                .chain(&signature.rules().templates)
            {
                text.push_str(part);
                text.push('\n');
            }
            for fix in &article.fixes {
                text.push_str(&fix.title);
                text.push('\n');
                if let Some(body) = &fix.body {
                    text.push_str(body);
                    text.push('\n');
                }
            }
            for example in examples {
                text.push_str(example);
                text.push('\n');
            }
            let tag_text = format!(
                "{} {} {} {}",
                signature.tags().tool,
                signature.tags().area,
                signature.tags().providers.join(" "),
                signature.id().as_str().replace('-', " ")
            );
            writer
                .add_document(doc!(id => signature.id().as_str(), title => signature.title(), body => text, tags => tag_text))
                .map_err(index_error)?;
        }
        writer.commit().map_err(index_error)?;
        let reader = index.reader().map_err(index_error)?;
        let mut parser = QueryParser::for_index(&index, vec![title, body, tags]);
        parser.set_field_boost(title, 2.0);
        Ok(ArticleIndex { reader, parser, id, title })
    }

    pub(crate) fn search(&self, query: &str, limit: usize) -> ArticleSearch {
        let mut end = query.len().min(MAX_QUERY_BYTES);
        while !query.is_char_boundary(end) {
            end -= 1;
        }
        let query = query[..end].trim();
        if query.is_empty() || limit == 0 {
            return ArticleSearch::default();
        }
        let (parsed, errors) = self.parser.parse_query_lenient(query);
        let warnings = errors.iter().map(|error| error.to_string()).collect();
        let searcher = self.reader.searcher();
        let Ok(top) = searcher.search(&parsed, &TopDocs::with_limit(limit)) else {
            return ArticleSearch { hits: Vec::new(), warnings };
        };
        let hits = top
            .into_iter()
            .filter_map(|(score, address)| {
                let document: TantivyDocument = searcher.doc(address).ok()?;
                let id = document.get_first(self.id)?.as_str()?.to_string();
                let title = document.get_first(self.title)?.as_str()?.to_string();
                Some(ArticleHit { id: SignatureId::new(id), title, score })
            })
            .collect();
        ArticleSearch { hits, warnings }
    }
}

/// Turns log text into a search query: words only, placeholders and query syntax removed.
pub(crate) fn query_from_text(text: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '_') {
        if word.len() >= 3
            && !matches!(
                word,
                "url" | "num" | "secret" | "path" | "uuid" | "email" | "AND" | "OR" | "NOT"
            )
            && !words.contains(&word)
        {
            words.push(word);
        }
        if words.len() == 64 {
            break;
        }
    }
    words.join(" ")
}
