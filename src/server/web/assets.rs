//! The stylesheet, script and icon, compiled into the binary and served from `/assets/{file}`.
//!
//! Pages link them as `/assets/{file}?v={hash of the content}`, so a changed file is a new URL and
//! a browser may keep each one for a year; a request without the current hash is revalidated with
//! the `ETag`.

use std::sync::LazyLock;

use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: [Asset; 3] = [
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("assets/style.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/app.js"),
    },
    Asset {
        name: "icon.svg",
        content_type: "image/svg+xml",
        body: include_str!("assets/icon.svg"),
    },
];

/// The content hash of each asset, in `ASSETS` order (FNV-1a, 64 bits, hex).
static HASHES: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for byte in asset.body.bytes() {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
            format!("{hash:016x}")
        })
        .collect()
});

/// The URL a page links `name` by.
pub(super) fn url(name: &str) -> String {
    match ASSETS.iter().position(|asset| asset.name == name) {
        Some(index) => format!("/assets/{name}?v={}", HASHES[index]),
        None => format!("/assets/{name}"),
    }
}

/// `GET /assets/{file}`.
pub(super) async fn serve(
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(index) = ASSETS.iter().position(|asset| asset.name == file) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::X_CONTENT_TYPE_OPTIONS, "nosniff")],
            "not found\n",
        )
            .into_response();
    };
    let asset = &ASSETS[index];
    let hash = &HASHES[index];
    let etag = format!("\"{hash}\"");
    let versioned = query.as_deref() == Some(&format!("v={hash}"));
    let cache = if versioned { "public, max-age=31536000, immutable" } else { "no-cache" };
    let matches_etag = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let mut response = if matches_etag {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        asset.body.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}
