//! What is in stock of each option, kept in lots: an option's units are split over up to
//! `LOTS` rows, whose sum is what is in stock and never below zero, so an option never
//! sells more than it has. Checkouts take from them in batches (`Lots`): one batch's
//! takes of an option are one write, so a rush of buyers does not queue on its row one
//! buyer at a time (checkout/placer.rs).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use sqlx::AnyConnection;

use super::cards;
use crate::base::Base;
use crate::base::cache::Change;
use crate::base::db::{Backend, bound_rows, placeholders};
use crate::base::random;

/// Lots per option at most: few enough that summing them stays cheap.
pub const LOTS: i64 = 16;

/// The units in stock of the variant `v` of a query, as a column.
pub const UNITS_OF_V: &str = "CAST((SELECT COALESCE(SUM(l.units), 0) FROM stock_lots l WHERE l.variant_id = v.id) AS BIGINT)";

/// Not enough of an option for a request: this many are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortage {
    pub left: i64,
}

/// The lots of some options with units in them, locked for the caller's transaction:
/// a batch of checkouts takes from them in memory, then writes what it took in one
/// statement (`write`). Locked, they cannot change between the take and the write.
#[derive(Debug, Default)]
pub struct Lots {
    /// Per option, its lots locked, with what is in them now, in lot order.
    lots: HashMap<i64, Vec<(i64, i64)>>,
    /// Options with units in lots another batch holds (`lock_enough`).
    busy: HashSet<i64>,
    /// What was taken from each (option, lot).
    taken: BTreeMap<(i64, i64), i64>,
}

/// Reads and locks every lot with units of these options, waiting for them, in option
/// and lot order (the one order every waiting taker locks them in, so that two batches
/// never wait on each other in a cycle).
pub async fn lock(
    conn: &mut AnyConnection,
    backend: Backend,
    variant_ids: &[i64],
) -> Result<Lots, sqlx::Error> {
    let mut locked = Lots::default();
    if variant_ids.is_empty() {
        return Ok(locked);
    }
    let sql = format!(
        "SELECT variant_id, lot, units FROM stock_lots WHERE variant_id IN ({}) AND units > 0
         ORDER BY variant_id, lot{}",
        placeholders(1, variant_ids.len()),
        backend.for_update()
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
    for id in variant_ids {
        query = query.bind(*id);
    }
    locked.hold(query.fetch_all(&mut *conn).await?);
    Ok(locked)
}

/// Locks, without waiting, lots enough for `demand` units of each option (fewer when
/// fewer are free): from a lot picked at random, skipping lots another batch holds
/// (PostgreSQL's `SKIP LOCKED`). Two instances' batches of one option then take from
/// different lots side by side instead of one waiting for the other's commit; an option
/// whose free lots fall short is marked busy, so that its buyers wait for the next batch
/// rather than hear it is sold out. SQLite has one writer at a time: there it is `lock`.
pub async fn lock_enough(
    conn: &mut AnyConnection,
    backend: Backend,
    demand: &BTreeMap<i64, i64>,
) -> Result<Lots, sqlx::Error> {
    let variant_ids: Vec<i64> = demand.keys().copied().collect();
    if backend == Backend::Sqlite || variant_ids.is_empty() {
        return lock(conn, backend, &variant_ids).await;
    }
    let sql = format!(
        "SELECT variant_id, lot, units FROM stock_lots WHERE variant_id IN ({}) AND units > 0
         ORDER BY variant_id, lot",
        placeholders(1, variant_ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
    for id in &variant_ids {
        query = query.bind(*id);
    }
    let mut seen: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for (variant_id, lot, units) in query.fetch_all(&mut *conn).await? {
        seen.entry(variant_id).or_default().push((lot, units));
    }
    // First the lots enough for the demand, from a random one on; then, for options
    // still short, any others free.
    let mut first = Vec::new();
    for (variant_id, lots) in &seen {
        let start = random::below(lots.len());
        let mut enough = 0;
        let wanted = demand.get(variant_id).copied().unwrap_or(0);
        for (lot, units) in lots.iter().cycle().skip(start).take(lots.len()) {
            if enough >= wanted {
                break;
            }
            enough += units;
            first.push((*variant_id, *lot));
        }
    }
    let mut locked = Lots::default();
    skip_locked(conn, &first, &mut locked).await?;
    let rest: Vec<(i64, i64)> = seen
        .iter()
        .filter(|(variant_id, _)| {
            locked.left(**variant_id) < demand.get(*variant_id).copied().unwrap_or(0)
        })
        .flat_map(|(variant_id, lots)| lots.iter().map(|(lot, _)| (*variant_id, *lot)))
        .filter(|(variant_id, lot)| !locked.holds(*variant_id, *lot))
        .collect();
    skip_locked(conn, &rest, &mut locked).await?;
    for (variant_id, lots) in &seen {
        if lots.iter().any(|(lot, _)| !locked.holds(*variant_id, *lot)) {
            locked.busy.insert(*variant_id);
        }
    }
    for lots in locked.lots.values_mut() {
        lots.sort_unstable();
    }
    Ok(locked)
}

/// Locks these (option, lot)s that no other transaction holds, with what is in them now.
async fn skip_locked(
    conn: &mut AnyConnection,
    wanted: &[(i64, i64)],
    locked: &mut Lots,
) -> Result<(), sqlx::Error> {
    if wanted.is_empty() {
        return Ok(());
    }
    let pairs: Vec<String> = (0..wanted.len())
        .map(|i| format!("(variant_id = ${} AND lot = ${})", 2 * i + 1, 2 * i + 2))
        .collect();
    let sql = format!(
        "SELECT variant_id, lot, units FROM stock_lots WHERE units > 0 AND ({})
         FOR UPDATE SKIP LOCKED",
        pairs.join(" OR ")
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
    for (variant_id, lot) in wanted {
        query = query.bind(*variant_id).bind(*lot);
    }
    locked.hold(query.fetch_all(&mut *conn).await?);
    Ok(())
}

impl Lots {
    /// Counts these (option, lot, units) rows, just locked, as held.
    fn hold(&mut self, rows: Vec<(i64, i64, i64)>) {
        for (variant_id, lot, units) in rows {
            self.lots.entry(variant_id).or_default().push((lot, units));
        }
    }

    fn holds(&self, variant_id: i64, lot: i64) -> bool {
        self.lots
            .get(&variant_id)
            .is_some_and(|lots| lots.iter().any(|(l, _)| *l == lot))
    }

    /// Whether some of an option's units sit in lots another batch holds: a shortage
    /// then is not a sell-out, and its buyers wait for the next batch.
    pub fn busy(&self, variant_id: i64) -> bool {
        self.busy.contains(&variant_id)
    }

    /// What is left of an option, after what was taken so far.
    pub fn left(&self, variant_id: i64) -> i64 {
        self.lots
            .get(&variant_id)
            .map_or(0, |lots| lots.iter().map(|(_, units)| *units).sum())
    }

    /// Takes `quantity` of an option, all or nothing: from the first lots that hold
    /// some. Answers whether that may have sold the option out: it took the last units
    /// of the lots this batch holds. Where other batches hold the rest (`busy`), each
    /// may empty its own lots without seeing the others', so each answers yes, and what
    /// is then told (a card's stock, a drop's state) is read after the commit: the last
    /// batch to commit reads it sold out.
    pub fn take(&mut self, variant_id: i64, quantity: i64) -> Result<bool, Shortage> {
        let left = self.left(variant_id);
        if left < quantity {
            return Err(Shortage { left });
        }
        let mut need = quantity;
        for (lot, units) in self.lots.entry(variant_id).or_default().iter_mut() {
            let part = (*units).min(need);
            if part > 0 {
                *units -= part;
                need -= part;
                *self.taken.entry((variant_id, *lot)).or_default() += part;
            }
            if need == 0 {
                break;
            }
        }
        Ok(left == quantity)
    }

    /// Writes what was taken, in one statement.
    pub async fn write(&self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if self.taken.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE stock_lots SET units = stock_lots.units - v.v_units
             FROM ({}) AS v WHERE stock_lots.variant_id = v.v_variant AND stock_lots.lot = v.v_lot",
            bound_rows(
                1,
                self.taken.len(),
                &[
                    ("v_variant", "BIGINT"),
                    ("v_lot", "BIGINT"),
                    ("v_units", "BIGINT")
                ]
            )
        );
        let mut query = sqlx::query(&sql);
        for ((variant_id, lot), units) in &self.taken {
            query = query.bind(*variant_id).bind(*lot).bind(*units);
        }
        query.execute(&mut *conn).await?;
        Ok(())
    }
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

/// After stock moved (a checkout sold an option out, or units went back), for these
/// (store, product) pairs: the product cards, which show what is in stock, are made
/// again, and every instance hears of it; whatever shows a product's stock (a drop's
/// sold-out state) listens for `Change::Stock`.
pub async fn changed(base: &Base, products: &[(i64, i64)]) {
    let products: BTreeSet<(i64, i64)> = products.iter().copied().collect();
    if products.is_empty() {
        return;
    }
    let mut stores = BTreeSet::new();
    for &(store_id, product_id) in &products {
        let refreshed = async {
            let mut conn = base.db.pool.acquire().await?;
            cards::refresh_summary(&mut conn, product_id).await
        };
        match refreshed.await {
            Ok(()) => {
                stores.insert(store_id);
            }
            Err(e) => tracing::warn!(error = %e, product_id, "cannot refresh a product's card"),
        }
    }
    // Each store once: a store's products forget its whole catalogue alike.
    let changes: Vec<Change> = stores
        .into_iter()
        .map(Change::Catalog)
        .chain(products.iter().map(|&(_, product)| Change::Stock(product)))
        .collect();
    base.publish(&changes).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lots of option 7 as `lock_enough` would leave them: these held, others busy.
    fn held(lots: &[(i64, i64)], busy: bool) -> Lots {
        let mut held = Lots::default();
        held.hold(lots.iter().map(|(lot, units)| (7, *lot, *units)).collect());
        if busy {
            held.busy.insert(7);
        }
        held
    }

    #[test]
    fn taking_the_last_units_a_batch_holds_may_sell_out_even_while_other_lots_are_busy() {
        // Two instances' batches, each holding half the lots, each emptying its half:
        // neither sees the other's, and both must say so, or nobody is told.
        let mut first = held(&[(0, 2), (1, 1)], true);
        assert_eq!(first.take(7, 2), Ok(false));
        assert_eq!(first.take(7, 1), Ok(true));
        let mut alone = held(&[(0, 2)], false);
        assert_eq!(alone.take(7, 2), Ok(true));
    }

    #[test]
    fn a_take_beyond_what_the_batch_holds_takes_nothing() {
        let mut lots = held(&[(0, 2), (1, 1)], false);
        assert_eq!(lots.take(7, 4), Err(Shortage { left: 3 }));
        assert_eq!(lots.left(7), 3);
        assert!(lots.taken.is_empty());
    }
}
