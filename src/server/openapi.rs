//! `GET /openapi.json`: the OpenAPI 3.1 description of the service, generated from the handlers'
//! annotations and the wire DTOs, so it cannot drift from what the routes answer.

use axum::Json;
use axum::response::IntoResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::{metrics, reload, routes};
use crate::wire::ErrorDocument;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "errsig",
        description = "Error-signature matching for LLM gateway and SDK logs: post a log, get the known problem and its fix. Every error answer is `{\"error\": {\"code\", \"message\"}}` with a stable code."
    ),
    paths(
        routes::match_log,
        routes::match_batch,
        routes::search,
        routes::list_signatures,
        routes::show_signature,
        routes::healthz,
        routes::readyz,
        metrics::render,
        reload::admin_reload,
        openapi_json,
    ),
    components(schemas(ErrorDocument)),
    modifiers(&AdminToken),
    tags(
        (name = "match", description = "Match logs against the signature corpus"),
        (name = "articles", description = "Browse and search the troubleshooting articles"),
        (name = "operations", description = "Health, metrics, reload and this description"),
    )
)]
struct ApiDoc;

/// The bearer token of `POST /admin/reload` (`ERRSIG_ADMIN_TOKEN`).
struct AdminToken;

impl Modify for AdminToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The `text/plain` body of `POST /match`: the raw log, which must hold more than blanks (a
/// blank body gets 400 `empty_body`). Bytes that are not UTF-8 are accepted and replaced.
pub(crate) struct RawLog;

impl PartialSchema for RawLog {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"\S"))
            .description(Some("The raw log (any text; it must hold more than blanks)"))
            .into()
    }
}

impl ToSchema for RawLog {}

/// The description, built once per call (cheap; the route is rarely hit).
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "This OpenAPI 3.1 description", content_type = "application/json", body = Object))
)]
pub(crate) async fn openapi_json() -> impl IntoResponse {
    Json(document())
}
