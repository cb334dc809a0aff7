//! "Was this you?": what was done with an account from one of its sessions (a sign-in
//! on a device new to it, a PIN change, a card revealed) is told to its inbox, naming
//! that session, so its other devices can ask their person and end the session in one
//! tap. The session that acted reads the notice as its own and is asked nothing.

use souq_wire::NotificationKind;

use crate::accounts::sessions::{self, token_hash};
use crate::base::Base;
use crate::base::cache::Change;
use crate::base::db::now_ms;
use crate::base::error::ApiError;

/// Tells the account's inbox (and so its other devices) that the session
/// `session_token` did `kind`; `card_id` names the card a reveal was of.
pub async fn tell_other_devices(
    base: &Base,
    user_id: i64,
    session_token: &str,
    kind: NotificationKind,
    card_id: Option<i64>,
) -> Result<(), ApiError> {
    let Some(session) = sessions::describe(&base.db, session_token).await? else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, actor_id, session_id, device, card_id,
                                    created_at)
         VALUES ($1, $2, $1, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(kind.as_str())
    .bind(&session.session_id)
    .bind(&session.device)
    .bind(card_id)
    .bind(now_ms())
    .execute(&base.db.durable)
    .await?;
    base.publish(&[Change::Inbox(user_id)]).await;
    Ok(())
}

/// After a sign-in: when the account has other live sessions and none of them is on a
/// device of this name, they are told of it.
pub async fn on_sign_in(base: &Base, user_id: i64, session_token: &str) -> Result<(), ApiError> {
    let (others, same_device): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN o.device = s.device THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM sessions s JOIN sessions o ON o.user_id = s.user_id AND o.token_hash <> s.token_hash
         WHERE s.token_hash = $1 AND o.expires_at > $2",
    )
    .bind(token_hash(session_token))
    .bind(now_ms())
    .fetch_one(&base.db.pool)
    .await?;
    if others > 0 && same_device == 0 {
        tell_other_devices(
            base,
            user_id,
            session_token,
            NotificationKind::SignedIn,
            None,
        )
        .await?;
    }
    Ok(())
}
