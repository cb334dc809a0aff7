//! What is in stock of each option, kept in lots: an option's units are split over up to
//! `LOTS` rows, and a buyer takes from one lot chosen at random. Many buyers of one
//! option (a drop's launch) then lock different rows instead of queueing on one, each
//! lock held only until its own commit; the sum of the lots is never below zero, so an
//! option never sells more than it has.

use sqlx::AnyConnection;

use crate::random;

/// Lots per option; enough to spread a rush over the connections two or three server
/// instances hold, few enough that summing them stays cheap.
pub const LOTS: i64 = 16;

/// The units in stock of the variant `v` of a query, as a column.
pub const UNITS_OF_V: &str = "CAST((SELECT COALESCE(SUM(l.units), 0) FROM stock_lots l WHERE l.variant_id = v.id) AS BIGINT)";

/// What a take did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    /// It left a lot with nothing: the option may be sold out now (what is left is
    /// read again after the commit, whoever took the rest).
    pub emptied_a_lot: bool,
}

/// Not enough of an option for a request: this many are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortage {
    pub left: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    #[error("only {} left", .0.left)]
    Short(Shortage),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Sets an option's stock to `units`, spread evenly over its lots, in the caller's
/// transaction (buyers taking from a lot meanwhile wait for it, then see the new count).
pub async fn set(conn: &mut AnyConnection, variant_id: i64, units: i64) -> Result<(), sqlx::Error> {
    let lots = units.clamp(1, LOTS);
    let each = units.div_euclid(lots);
    let extra = units.rem_euclid(lots);
    for lot in 0..lots {
        let in_lot = each + i64::from(lot < extra);
        sqlx::query(
            "INSERT INTO stock_lots (variant_id, lot, units) VALUES ($1, $2, $3)
             ON CONFLICT (variant_id, lot) DO UPDATE SET units = excluded.units",
        )
        .bind(variant_id)
        .bind(lot)
        .bind(in_lot)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM stock_lots WHERE variant_id = $1 AND lot >= $2")
        .bind(variant_id)
        .bind(lots)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes `quantity` units of an option in the caller's transaction: from one lot that
/// holds them all when there is one (picked at random), else from several in lot order
/// (so two buyers never wait on each other's lots in a cycle). Answers whether it
/// emptied a lot: only then may the option be sold out now.
pub async fn take(
    conn: &mut AnyConnection,
    variant_id: i64,
    quantity: i64,
) -> Result<Taken, TakeError> {
    // Most takes find enough in a lot picked at random: one statement, no read first.
    let guess = i64::try_from(random::below(usize::try_from(LOTS).unwrap_or(1))).unwrap_or(0);
    let guessed: Option<(i64,)> = sqlx::query_as(
        "UPDATE stock_lots SET units = units - $1
         WHERE variant_id = $2 AND lot = $3 AND units >= $1 RETURNING units",
    )
    .bind(quantity)
    .bind(variant_id)
    .bind(guess)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((left_in_lot,)) = guessed {
        return Ok(Taken {
            emptied_a_lot: left_in_lot == 0,
        });
    }
    let mut need = quantity;
    // Each round either takes what it needs or learns that another buyer got there
    // first; after a few rounds the lots are re-read with whatever is left.
    for _ in 0..8 {
        let lots: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT lot, units FROM stock_lots WHERE variant_id = $1 AND units > 0 ORDER BY lot",
        )
        .bind(variant_id)
        .fetch_all(&mut *conn)
        .await?;
        let left: i64 = lots.iter().map(|(_, units)| *units).sum();
        if left < need {
            return Err(TakeError::Short(Shortage {
                left: left + quantity - need,
            }));
        }
        let holding_enough = lots.iter().filter(|(_, units)| *units >= need).count();
        if let Some((lot, units)) = lots
            .iter()
            .filter(|(_, units)| *units >= need)
            .nth(random::below(holding_enough))
        {
            if take_from(conn, variant_id, *lot, need).await? {
                return Ok(Taken {
                    emptied_a_lot: *units == need,
                });
            }
            continue;
        }
        for (lot, units) in lots {
            let part = units.min(need);
            if !take_from(conn, variant_id, lot, part).await? {
                break;
            }
            need -= part;
            if need == 0 {
                return Ok(Taken {
                    emptied_a_lot: true,
                });
            }
        }
    }
    let (left,): (i64,) = sqlx::query_as(&format!(
        "SELECT {UNITS_OF_V} FROM variants v WHERE v.id = $1"
    ))
    .bind(variant_id)
    .fetch_one(&mut *conn)
    .await?;
    Err(TakeError::Short(Shortage {
        left: left + quantity - need,
    }))
}

/// Takes `units` from one lot if it still holds them.
async fn take_from(
    conn: &mut AnyConnection,
    variant_id: i64,
    lot: i64,
    units: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE stock_lots SET units = units - $1
         WHERE variant_id = $2 AND lot = $3 AND units >= $1",
    )
    .bind(units)
    .bind(variant_id)
    .bind(lot)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts units back (a cancelled order, a payment that failed or ran out of time).
pub async fn put_back(
    conn: &mut AnyConnection,
    variant_id: i64,
    units: i64,
) -> Result<(), sqlx::Error> {
    // Lot 0 always exists (`set` keeps at least one); returns are rare, so one lot does.
    sqlx::query("UPDATE stock_lots SET units = units + $1 WHERE variant_id = $2 AND lot = 0")
        .bind(units)
        .bind(variant_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The units in stock of one option.
pub async fn units(conn: &mut AnyConnection, variant_id: i64) -> Result<i64, sqlx::Error> {
    let (units,): (i64,) = sqlx::query_as(&format!(
        "SELECT {UNITS_OF_V} FROM variants v WHERE v.id = $1"
    ))
    .bind(variant_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(units)
}
