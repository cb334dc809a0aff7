//! At most one card payment in progress per shopper and drop. Stock held for a payment
//! not finished (a second step, a slow settlement) goes back only when its
//! reservation runs out: one shopper starting payment after payment could otherwise
//! keep a drop off sale. Each batch reads the holds of its buyers on its drops, and
//! writes its new ones in one statement that takes a hold only where none is open; a
//! hold taken meanwhile by another instance's batch makes this one run again, and be
//! refused then.

use std::collections::HashSet;

use sqlx::AnyConnection;

use crate::base::db::{placeholders, value_rows};

/// The statuses of a checkout whose payment is still in progress.
const IN_PROGRESS: &str = "('reserved', 'requires_action', 'processing')";

/// Which of these buyers hold a payment in progress for which of these drops'
/// products: (buyer, product).
pub async fn open(
    conn: &mut AnyConnection,
    buyers: &[i64],
    products: &[i64],
) -> Result<HashSet<(i64, i64)>, sqlx::Error> {
    if buyers.is_empty() || products.is_empty() {
        return Ok(HashSet::new());
    }
    let sql = format!(
        "SELECT h.user_id, h.product_id FROM drop_holds h
         JOIN checkouts c ON c.id = h.checkout_id
         WHERE c.status IN {IN_PROGRESS} AND h.user_id IN ({}) AND h.product_id IN ({})",
        placeholders(1, buyers.len()),
        placeholders(buyers.len() + 1, products.len()),
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
    for id in buyers.iter().chain(products) {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(&mut *conn).await?.into_iter().collect())
}

/// Takes these holds (buyer, product, checkout), each where no payment is in progress
/// for it; answers false when another took one first.
pub async fn take(
    conn: &mut AnyConnection,
    holds: &[(i64, i64, i64)],
) -> Result<bool, sqlx::Error> {
    if holds.is_empty() {
        return Ok(true);
    }
    let sql = format!(
        "INSERT INTO drop_holds (user_id, product_id, checkout_id) VALUES {}
         ON CONFLICT (user_id, product_id) DO UPDATE SET checkout_id = excluded.checkout_id
         WHERE (SELECT c.status FROM checkouts c WHERE c.id = drop_holds.checkout_id)
               NOT IN {IN_PROGRESS}
         RETURNING user_id",
        value_rows(1, holds.len(), 3)
    );
    let mut query = sqlx::query_as::<_, (i64,)>(&sql);
    for (user, product, checkout) in holds {
        query = query.bind(*user).bind(*product).bind(*checkout);
    }
    Ok(query.fetch_all(&mut *conn).await?.len() == holds.len())
}
