//! API errors: one table from each failure to a status and a stable snake_case code, and the
//! `{"error": {"code", "message"}}` body. Messages never echo the request.

use std::any::Any;

use axum::BoxError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::wire::{ErrorBody, ErrorDocument};

/// An error answered to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400: the body is empty or has only blanks.
    EmptyBody,
    /// 400: the body is not valid JSON of the expected shape (line and column only).
    InvalidJson(String),
    /// 413: the body is larger than the limit.
    PayloadTooLarge(usize),
    /// 415: the content type is not text/plain or application/json.
    UnsupportedMediaType,
    /// 422: a parameter is out of range.
    InvalidParameter(String),
    /// 401: the admin token is missing or wrong.
    Unauthorized,
    /// 422: a reload found problems in the corpus; the current corpus keeps serving.
    InvalidCorpus(Vec<String>),
    /// 404: no such route or signature.
    NotFound(&'static str),
    /// 405: the route exists with another method.
    MethodNotAllowed,
    /// 503: too many requests at once.
    Overloaded,
    /// 503: the request took too long.
    Timeout,
    /// 500: a bug; the client gets a generic message.
    Internal,
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            ApiError::EmptyBody => (
                StatusCode::BAD_REQUEST,
                "empty_body",
                "the log is empty: send the log text as the body".into(),
            ),
            ApiError::InvalidJson(detail) => (
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the body is not JSON of the form {{\"text\": \"...\"}} ({detail})"),
            ),
            ApiError::PayloadTooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "the body is larger than the limit of {limit} bytes; send the end of the log, where errors usually are"
                ),
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the log as text/plain, or JSON {\"text\": \"...\"} as application/json"
                    .into(),
            ),
            ApiError::InvalidParameter(message) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_parameter", message.clone())
            }
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send the admin token as `Authorization: Bearer <token>`".into(),
            ),
            ApiError::InvalidCorpus(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_corpus",
                format!(
                    "the corpus has {} problem(s); the current corpus keeps serving",
                    problems.len()
                ),
            ),
            ApiError::NotFound(what) => {
                (StatusCode::NOT_FOUND, "not_found", format!("no such {what}"))
            }
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take that method".into(),
            ),
            ApiError::Overloaded => (
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "too many requests at once; retry shortly".into(),
            ),
            ApiError::Timeout => (
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "the request took too long; retry with a shorter log".into(),
            ),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; the request was not processed".into(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        if status.is_server_error() && !matches!(self, ApiError::Overloaded | ApiError::Timeout) {
            tracing::error!(code, "request failed");
        }
        let problems = match &self {
            ApiError::InvalidCorpus(problems) => problems.clone(),
            _ => Vec::new(),
        };
        let body = ErrorDocument { error: ErrorBody { code, message, problems } };
        let mut response = (status, axum::Json(body)).into_response();
        if matches!(self, ApiError::Overloaded | ApiError::Timeout) {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// Maps errors from the tower middleware (load shedding, timeouts) to JSON.
pub(crate) async fn middleware_error(error: BoxError) -> ApiError {
    if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::Overloaded
    } else if error.is::<tower::timeout::error::Elapsed>() {
        ApiError::Timeout
    } else {
        tracing::error!(%error, "middleware error");
        ApiError::Internal
    }
}

/// A panic in a handler becomes a 500 for that request only; the panic text is not sent.
pub(crate) fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> Response {
    ApiError::Internal.into_response()
}
