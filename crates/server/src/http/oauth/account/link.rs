//! The link from a "confirm with link" message: confirms the account, then a page that says
//! so. The code in the link is the proof (single use, 24 hours).

use super::message;
use crate::http::oauth::PoolCtx;
use crate::http::oauth::forms::PageResult;
use crate::http::{Shared, pages, params};
use axum::extract::State;
use axum::http::{StatusCode, Uri};

pub(crate) async fn confirm_user(State(s): State<Shared>, ctx: PoolCtx, uri: Uri) -> PageResult {
    let bad = |m: &str| pages::error(StatusCode::BAD_REQUEST, m);
    let p =
        params::from_query(uri.query()).map_err(|_| bad("A parameter appears more than once."))?;
    let (Some(client_id), Some(user), Some(code)) = (
        p.get("client_id"),
        p.get("user_name"),
        p.get("confirmation_code"),
    ) else {
        return Err(bad("This confirmation link is incomplete."));
    };
    if !matches!(
        s.app.pool_client(&ctx.pool.id, client_id).await,
        Ok(Some(_))
    ) {
        return Err(bad("This confirmation link is not valid."));
    }
    s.app
        .confirm_sign_up(&ctx.pool, Some(client_id), user, code)
        .await
        .map_err(|e| bad(&message(&e)))?;
    Ok(pages::page(
        StatusCode::OK,
        "Account confirmed",
        "<h1>Your account is confirmed</h1><p id=\"notice\" role=\"status\">You can now sign in.</p>",
    ))
}
