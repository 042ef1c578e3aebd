//! `warroom intake --listen`: webhooks over HTTP, served by axum on hyper. One route,
//! `POST /alerts` (also `/`), takes any payload `payload.rs` reads. A request is
//! authorised by a bearer token (unless the server runs without one, on loopback
//! only), bounded in size, given a deadline, and stored in one transaction or not at
//! all.
//!
//! Answers: 202 with `{"recorded": N}`, 401 without the right token, 400 with the
//! reason for a body that is not a payload, 413 for a body over [`MAX_BODY`], 405 for
//! another method, 503 when the database refuses the write (it is said why; nothing
//! is stored).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hyper_util::rt::{TokioIo, TokioTimer};

use super::payload;
use crate::store::Store;

/// The largest request body accepted: 1 MiB (an Alertmanager group of hundreds of
/// alerts fits many times over).
pub const MAX_BODY: usize = 1024 * 1024;

/// How long a client may take to send its request headers.
pub const HEADER_DEADLINE: Duration = Duration::from_secs(10);

/// How long one connection may last in all: webhooks are one short request; a client
/// that sends nothing, or sends slowly, is cut off.
pub const CONNECTION_DEADLINE: Duration = Duration::from_secs(30);

/// What the handler needs: the store (one writer, so requests are stored one after
/// the other, each in one transaction), who records, and the token, if any.
#[derive(Clone)]
struct Intake {
    store: Arc<Mutex<Store>>,
    author: Arc<str>,
    token: Option<Arc<str>>,
}

/// Serves webhooks on `listener` until the process is stopped. `token`: the bearer
/// token every request must carry (`None` only on loopback, which the caller checks).
///
/// # Errors
/// When the runtime cannot start.
pub fn serve(
    store: Store,
    author: &str,
    listener: std::net::TcpListener,
    token: Option<String>,
) -> anyhow::Result<()> {
    listener.set_nonblocking(true)?;
    let state = Intake {
        store: Arc::new(Mutex::new(store)),
        author: author.into(),
        token: token.map(Into::into),
    };
    let app = Router::new()
        .route("/", post(receive))
        .route("/alerts", post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!("intake: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let app = app.clone();
            tokio::spawn(async move { connection(stream, peer, app).await });
        }
    })
}

/// One connection, served until it closes or runs past its deadline.
async fn connection(stream: tokio::net::TcpStream, peer: SocketAddr, app: Router) {
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let mut app = app.clone();
            async move {
                let request = request.map(Body::new);
                tower_service::Service::call(&mut app, request).await
            }
        });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_DEADLINE)
        .serve_connection(TokioIo::new(stream), service);
    match tokio::time::timeout(CONNECTION_DEADLINE, conn).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!("intake: connection from {peer}: {e}"),
        Err(_) => tracing::debug!("intake: connection from {peer} cut off after its deadline"),
    }
}

/// A reason as the JSON body of an answer.
fn answer(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Whether the request carries the bearer token (compared in constant time).
fn authorised(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            // The scheme's name is case-insensitive (RFC 9110).
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(token)
        })
    else {
        return false;
    };
    let (a, b) = (given.trim().as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn receive(State(intake): State<Intake>, headers: HeaderMap, body: Bytes) -> Response {
    // JSON only: a browser's simple cross-site POST (text/plain, a form) is refused,
    // so a web page cannot post to an intake running without a token.
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !json {
        return answer(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the payload as `Content-Type: application/json`",
        );
    }
    if let Some(token) = &intake.token
        && !authorised(&headers, token)
    {
        return answer(
            StatusCode::UNAUTHORIZED,
            "send the intake's token as `Authorization: Bearer TOKEN`",
        );
    }
    let notes = match payload::read(&body) {
        Ok((_, notes)) => notes,
        Err(why) => {
            tracing::warn!("intake: refused a payload: {why}");
            return answer(StatusCode::BAD_REQUEST, &format!("nothing recorded: {why}"));
        }
    };
    // SQLite is blocking: the write runs off the async thread, one at a time.
    let stored = tokio::task::spawn_blocking(move || {
        let mut store = match intake.store.lock() {
            Ok(store) => store,
            Err(poisoned) => poisoned.into_inner(),
        };
        super::record(&mut store, &intake.author, &notes).map(|written| written.len())
    })
    .await;
    match stored {
        Ok(Ok(n)) => {
            tracing::info!("intake: recorded {n} alert notification(s)");
            let body = serde_json::json!({ "recorded": n }).to_string();
            (
                StatusCode::ACCEPTED,
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response()
        }
        Ok(Err(e)) => answer(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("nothing recorded: {e}"),
        ),
        Err(_) => answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            "nothing recorded: the write stopped",
        ),
    }
}
