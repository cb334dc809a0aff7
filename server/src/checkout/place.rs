//! Placing orders, a batch of checkouts at a time, as one unit of work: check what each
//! shopper reviewed against what is sold now, make one order per store, pay from the
//! wallet, count each buyer's limit and take the stock, all in one transaction with
//! each attempt's outcome (`placer.rs` gathers the batches). The rows a batch decides on
//! (its attempts, the wallets that pay, the limits counted, the stock's lots) are read
//! locked, in one order, and the decisions made in memory, so that a refused checkout
//! writes nothing but its refusal and the others go on; then every table is written in
//! one statement for the whole batch. A card payment leaves its orders placed and the
//! stock reserved until the processor answers (`settle.rs`).

use std::collections::{BTreeMap, HashMap, HashSet};

use souq_wire::cart::{MAX_CART_LINES, MAX_QUANTITY};
use souq_wire::checkout::ShippingOption;
use souq_wire::studio::MAX_PRICE_MINOR;
use souq_wire::{Address, CheckoutRequest, Order, OrderStatus, PaymentMethod};
use sqlx::AnyConnection;

use super::claim::{self, Attempt, COLUMNS, NewClaim};
use super::drop_holds;
use crate::base::db::{Backend, bound_rows, placeholders, value_rows};
use crate::base::error::ApiError;
use crate::checkout::addresses;
use crate::drops::{self, LAUNCH_OF_V, LIMIT_OF_V};
use crate::ledger::{
    self, AccountId, Amount, Currency, Holder, Kind, LedgerError, Transfer, TransferId,
};
use crate::notifications::{self, OrderNotice};
use crate::stores::cards::SHOWN;
use crate::stores::shipping;
use crate::stores::stock::{self, Lots};

/// One option as it is sold now.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Offer {
    variant_id: i64,
    product_id: i64,
    variant_name: String,
    price_minor: i64,
    per_customer_limit: Option<i64>,
    /// The launch of the open drop that sells it, if one does.
    drop_launch_at: Option<i64>,
    title: String,
    store_id: i64,
    store_name: String,
    store_owner: i64,
    currency: String,
}

/// One order placed: its id, what it costs, and whose store it is.
#[derive(Debug, Clone)]
pub struct PlacedOrder {
    pub id: i64,
    pub total_minor: i64,
    pub store_owner: i64,
}

/// Whose attempt a job is.
#[derive(Debug, Clone)]
pub enum Claiming {
    /// A key not seen before, claimed by the batch that places it: claim, work and
    /// outcome commit together.
    New(NewClaim),
    /// An attempt claimed before whose request died, taken over by a retry.
    Resumed(Box<Attempt>),
}

/// An attempt to place, with what it asks.
#[derive(Debug, Clone)]
pub struct Job {
    pub claim: Claiming,
    pub request: CheckoutRequest,
    /// Batches that put it off already (its stock was in lots other batches held).
    pub deferrals: u8,
}

/// After this many deferrals a job's batch waits for the lots instead (it always ends).
pub const MAX_DEFERRALS: u8 = 2;

/// Why a checkout of a batch was not accepted.
#[derive(Debug)]
enum Declined {
    Refused(ApiError),
    /// Its stock is in lots another batch holds: the next batch decides it.
    Deferred,
}

/// A job whose attempt the batch holds.
struct Claimed<'a> {
    attempt: Attempt,
    request: &'a CheckoutRequest,
    /// Claimed by this batch (not resumed).
    new: bool,
}

/// What became of a job.
#[derive(Debug)]
pub enum Placement {
    /// Placed (and paid, when the wallet pays): the attempt as it stands now, and the
    /// products whose option it sold out.
    Placed {
        attempt: Box<Attempt>,
        sold_out: Vec<(i64, i64)>,
        /// Its orders as the shopper sees them, read after the commit (paid ones).
        orders: Option<Vec<Order>>,
    },
    /// Refused; the refusal is kept as the attempt's answer, in the same transaction.
    Refused(ApiError),
    /// The key was claimed before (or by another job of the batch): its claim says
    /// what to answer.
    Known,
    /// The attempt is not claimed any more: a retry that took it over placed it.
    Gone(i64),
    /// Nothing written: it goes into the next batch.
    Deferred,
}

/// Why a batch did not commit.
#[derive(Debug)]
pub enum BatchError {
    /// Another transaction wrote a row the batch had decided on without a lock (a limit
    /// counted for the first time by two batches at once): the batch may run again.
    Raced,
    Failed(ApiError),
}

impl From<ApiError> for BatchError {
    fn from(e: ApiError) -> Self {
        BatchError::Failed(e)
    }
}

impl From<sqlx::Error> for BatchError {
    fn from(e: sqlx::Error) -> Self {
        BatchError::Failed(e.into())
    }
}

impl From<LedgerError> for BatchError {
    fn from(e: LedgerError) -> Self {
        BatchError::Failed(e.into())
    }
}

/// What a batch places by.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub fee_basis_points: i64,
    /// How long a card's reservation holds the stock, in ms.
    pub reservation_ms: i64,
    /// How long it holds a drop's stock, in ms: shorter, as a drop sells out in minutes.
    pub drop_reservation_ms: i64,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::Validation(message.into())
}

/// A price the request stated is not the price any more: 409, with the new one.
fn price_changed(what: &str, now_minor: i64, currency: &str) -> ApiError {
    let now = Currency::parse(currency)
        .map(|c| crate::wallet::settings::spoken(now_minor, &c))
        .unwrap_or_else(|_| format!("{now_minor} {currency}"));
    ApiError::PriceChanged(format!(
        "the price of {what} is now {now}; review it and try again"
    ))
}

fn checked_sum(values: impl IntoIterator<Item = i64>) -> Result<i64, ApiError> {
    values
        .into_iter()
        .try_fold(0i64, |sum, v| sum.checked_add(v))
        .ok_or_else(|| invalid("the order total is too large"))
}

/// The request's own rules, before anything is read.
pub fn check_shape(request: &CheckoutRequest) -> Result<(), ApiError> {
    let lines = i64::try_from(request.lines.len()).unwrap_or(i64::MAX);
    if !(1..=MAX_CART_LINES).contains(&lines) {
        return Err(invalid(format!(
            "a checkout has 1 to {MAX_CART_LINES} lines"
        )));
    }
    let mut seen = HashSet::new();
    for line in &request.lines {
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            return Err(invalid(format!("a quantity is 1 to {MAX_QUANTITY}")));
        }
        if !(1..=MAX_PRICE_MINOR).contains(&line.unit_price_minor) {
            return Err(invalid("a price is a positive number of minor units"));
        }
        if !seen.insert(line.variant_id) {
            return Err(invalid("each option appears once; add up its quantity"));
        }
    }
    let stores: HashSet<i64> = request.shipping.iter().map(|s| s.store_id).collect();
    if stores.len() != request.shipping.len() {
        return Err(invalid("choose one shipping option per store"));
    }
    if request
        .shipping
        .iter()
        .any(|s| !(0..=MAX_PRICE_MINOR).contains(&s.price_minor))
    {
        return Err(invalid(
            "a shipping price is a number of minor units, 0 or more",
        ));
    }
    Ok(())
}

async fn offers(conn: &mut AnyConnection, variant_ids: &[i64]) -> Result<Vec<Offer>, ApiError> {
    if variant_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT v.id AS variant_id, v.product_id, v.name AS variant_name, v.price_minor,
                {LIMIT_OF_V} AS per_customer_limit, {LAUNCH_OF_V} AS drop_launch_at,
                pr.title, pr.store_id, s.name AS store_name,
                s.owner_id AS store_owner, pr.currency
         FROM variants v JOIN products pr ON pr.id = v.product_id
         JOIN stores s ON s.id = pr.store_id
         WHERE v.archived_at IS NULL AND {SHOWN} AND v.id IN ({})
         ORDER BY v.id",
        placeholders(1, variant_ids.len())
    );
    let mut query = sqlx::query_as::<_, Offer>(&sql);
    for id in variant_ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(conn).await?)
}

/// Gives back what a cancelled line had counted against its buyer's limit.
pub async fn release_limit(
    conn: &mut AnyConnection,
    user_id: i64,
    variant_id: i64,
    quantity: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE purchase_counts SET units = CASE WHEN units > $3 THEN units - $3 ELSE 0 END
         WHERE user_id = $1 AND variant_id = $2",
    )
    .bind(user_id)
    .bind(variant_id)
    .bind(quantity)
    .execute(conn)
    .await?;
    Ok(())
}

/// The transfer ids of a checkout, made from the key its app made: a retry names the
/// same transfers.
pub fn transfer_id(attempt: &Attempt, what: &str) -> Result<TransferId, ApiError> {
    TransferId::parse(&format!(
        "{}:{}:{what}",
        attempt.user_id, attempt.idempotency_key
    ))
    .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Records an order's step in its timeline (each status once).
pub async fn record_step(
    conn: &mut AnyConnection,
    order_id: i64,
    status: OrderStatus,
    note: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_events (order_id, status, note, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id, status) DO NOTHING",
    )
    .bind(order_id)
    .bind(status.as_str())
    .bind(note)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The orders of an attempt still waiting for their payment.
pub async fn placed_orders(
    conn: &mut AnyConnection,
    checkout_id: i64,
) -> Result<Vec<PlacedOrder>, ApiError> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT o.id, o.total_minor, s.owner_id FROM orders o JOIN stores s ON s.id = o.store_id
         WHERE o.checkout_id = $1 AND o.status = 'placed' ORDER BY o.id",
    )
    .bind(checkout_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, total_minor, store_owner)| PlacedOrder {
            id,
            total_minor,
            store_owner,
        })
        .collect())
}

/// Marks placed orders paid, in their timelines too (a card's payment came through).
pub async fn mark_paid(
    conn: &mut AnyConnection,
    orders: &[PlacedOrder],
    now: i64,
) -> Result<(), ApiError> {
    for order in orders {
        sqlx::query("UPDATE orders SET status = 'paid', updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(order.id)
            .execute(&mut *conn)
            .await?;
        record_step(conn, order.id, OrderStatus::Paid, "", now).await?;
    }
    Ok(())
}

/// What a batch reads before it decides, and does not change.
struct Catalog {
    addresses: HashMap<i64, (i64, Address)>,
    offers: HashMap<i64, Offer>,
    shipping: HashMap<i64, Vec<ShippingOption>>,
    /// The batch's time: a drop's option sells from its launch on.
    now: i64,
}

/// What a batch decides on and counts down as it accepts checkouts: locked rows.
struct Counted {
    /// Per (person, currency): the wallet and what it may still spend.
    wallets: HashMap<(i64, String), (AccountId, i64)>,
    /// Per (person, option): the units held against a limit.
    held: HashMap<(i64, i64), i64>,
    lots: Lots,
    /// (person, drop's product) with a card payment in progress.
    drop_holds: HashSet<(i64, i64)>,
}

struct LinePlan {
    variant_id: i64,
    product_id: i64,
    title: String,
    variant_name: String,
    unit_price_minor: i64,
    quantity: i64,
    limited: bool,
}

struct OrderPlan {
    store_id: i64,
    store_owner: i64,
    items_minor: i64,
    shipping: ShippingOption,
    total_minor: i64,
    fee_minor: i64,
    lines: Vec<LinePlan>,
}

/// One accepted checkout, as it will be written.
struct Plan {
    currency: Currency,
    total_minor: i64,
    address_json: String,
    orders: Vec<OrderPlan>,
    /// The wallet that pays now; none for a card.
    wallet: Option<AccountId>,
    sold_out: Vec<(i64, i64)>,
    /// The drops' products a card payment holds stock of, until it ends.
    drop_products: Vec<i64>,
}

/// Decides one checkout against what the batch has read and counted so far: refused
/// (and nothing counted), or accepted and counted.
fn plan(
    job: &Claimed,
    catalog: &Catalog,
    counted: &mut Counted,
    rules: Rules,
) -> Result<Plan, ApiError> {
    let (attempt, request) = (&job.attempt, job.request);
    check_shape(request)?;
    let address = match catalog.addresses.get(&request.address_id) {
        Some((owner, address)) if *owner == attempt.user_id => address,
        _ => return Err(ApiError::not_found("address")),
    };
    let mut wanted: Vec<_> = request.lines.iter().collect();
    wanted.sort_by_key(|line| line.variant_id);
    let mut lines = Vec::new();
    for line in wanted {
        let offer = catalog
            .offers
            .get(&line.variant_id)
            .ok_or_else(|| ApiError::not_found("product option"))?;
        if offer.store_owner == attempt.user_id {
            return Err(invalid("a store does not buy from itself"));
        }
        if let Some(launch_at) = offer.drop_launch_at.filter(|at| catalog.now < *at) {
            return Err(drops::not_launched(&offer.title, launch_at));
        }
        if offer.price_minor != line.unit_price_minor {
            return Err(price_changed(
                &offer.title,
                offer.price_minor,
                &offer.currency,
            ));
        }
        lines.push((offer, line.quantity));
    }
    let currencies: HashSet<&str> = lines.iter().map(|(o, _)| o.currency.as_str()).collect();
    let currency = match currencies.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => Currency::parse(one).map_err(|e| invalid(e.to_string()))?,
        _ => return Err(invalid("pay for one currency at a time")),
    };
    // One order per store, in store order; each with its chosen shipping.
    let mut by_store: BTreeMap<i64, Vec<(&Offer, i64)>> = BTreeMap::new();
    for (offer, quantity) in &lines {
        by_store
            .entry(offer.store_id)
            .or_default()
            .push((offer, *quantity));
    }
    if request.shipping.len() != by_store.len() {
        return Err(invalid(
            "choose one shipping option for each store, and only those",
        ));
    }
    let mut orders = Vec::new();
    for (store_id, store_lines) in &by_store {
        let choice = request
            .shipping
            .iter()
            .find(|s| s.store_id == *store_id)
            .and_then(|s| {
                catalog
                    .shipping
                    .get(store_id)
                    .and_then(|all| all.iter().find(|o| o.id == s.shipping_option_id))
            });
        let first = store_lines.first().map(|(offer, _)| *offer);
        let store_name = first.map(|o| o.store_name.as_str()).unwrap_or_default();
        let Some(choice) = choice else {
            return Err(invalid(format!(
                "choose one of {store_name}'s shipping options"
            )));
        };
        // The shipping the shopper was shown is the shipping they pay, as for prices.
        let stated = request
            .shipping
            .iter()
            .find(|s| s.store_id == *store_id)
            .map(|s| s.price_minor);
        if stated != Some(choice.price.amount_minor) {
            return Err(price_changed(
                &format!("shipping from {store_name}"),
                choice.price.amount_minor,
                &choice.price.currency,
            ));
        }
        let mut items = 0i64;
        for (offer, quantity) in store_lines {
            let line_total = offer
                .price_minor
                .checked_mul(*quantity)
                .ok_or_else(|| invalid("the order total is too large"))?;
            items = checked_sum([items, line_total])?;
        }
        let total = checked_sum([items, choice.price.amount_minor])?;
        let fee = total
            .checked_mul(rules.fee_basis_points)
            .map(|f| f / 10_000)
            .ok_or_else(|| invalid("the order total is too large"))?;
        orders.push(OrderPlan {
            store_id: *store_id,
            store_owner: first.map_or(0, |o| o.store_owner),
            items_minor: items,
            shipping: choice.clone(),
            total_minor: total,
            fee_minor: fee,
            lines: store_lines
                .iter()
                .map(|(offer, quantity)| LinePlan {
                    variant_id: offer.variant_id,
                    product_id: offer.product_id,
                    title: offer.title.clone(),
                    variant_name: offer.variant_name.clone(),
                    unit_price_minor: offer.price_minor,
                    quantity: *quantity,
                    limited: offer.per_customer_limit.is_some(),
                })
                .collect(),
        });
    }
    let total_minor = checked_sum(orders.iter().map(|o| o.total_minor))?;
    Amount::new(total_minor).map_err(|e| invalid(e.to_string()))?;
    // The money, then each line's limit and stock, in option order; nothing is counted
    // until all of them pass.
    let wallet_key = (attempt.user_id, currency.as_str().to_string());
    let wallet = match request.payment {
        PaymentMethod::Wallet => match counted.wallets.get(&wallet_key) {
            Some((id, available)) if *available >= total_minor => Some(*id),
            _ => return Err(ApiError::InsufficientFunds),
        },
        // (A Souq card reaches the placer as the card it is: `checkout` unseals it.)
        PaymentMethod::Card { .. } | PaymentMethod::SouqCard { .. } => None,
    };
    // A card's payment in progress holds a drop's stock: one at a time per drop.
    let drop_products: Vec<i64> = match wallet {
        Some(_) => Vec::new(),
        None => lines
            .iter()
            .filter(|(offer, _)| offer.drop_launch_at.is_some())
            .map(|(offer, _)| offer.product_id)
            .collect(),
    };
    for (offer, _) in &lines {
        if drop_products.contains(&offer.product_id)
            && counted
                .drop_holds
                .contains(&(attempt.user_id, offer.product_id))
        {
            return Err(ApiError::Conflict(format!(
                "a payment of yours for {} is still in progress: finish or cancel it first",
                offer.title
            )));
        }
    }
    for (offer, quantity) in &lines {
        if let Some(limit) = offer.per_customer_limit {
            let held = counted
                .held
                .get(&(attempt.user_id, offer.variant_id))
                .copied()
                .unwrap_or(0);
            if held.saturating_add(*quantity) > limit {
                return Err(invalid(format!(
                    "{} is limited to {limit} per customer",
                    offer.title
                )));
            }
        }
        let left = counted.lots.left(offer.variant_id);
        if left < *quantity {
            return Err(sold_out_error(&offer.title, left));
        }
    }
    if let (Some(_), Some((_, available))) = (wallet, counted.wallets.get_mut(&wallet_key)) {
        *available -= total_minor;
    }
    counted.drop_holds.extend(
        drop_products
            .iter()
            .map(|product| (attempt.user_id, *product)),
    );
    let mut sold_out = Vec::new();
    for (offer, quantity) in &lines {
        if offer.per_customer_limit.is_some() {
            *counted
                .held
                .entry((attempt.user_id, offer.variant_id))
                .or_default() += quantity;
        }
        match counted.lots.take(offer.variant_id, *quantity) {
            Ok(true) => sold_out.push((offer.store_id, offer.product_id)),
            Ok(false) => {}
            Err(short) => return Err(sold_out_error(&offer.title, short.left)),
        }
    }
    Ok(Plan {
        currency,
        total_minor,
        address_json: serde_json::to_string(address)
            .map_err(|e| ApiError::Internal(e.to_string()))?,
        orders,
        wallet,
        sold_out,
        drop_products,
    })
}

/// Places a batch of attempts in the caller's transaction, answering each in order.
/// Any error leaves the transaction to be rolled back: nothing of the batch is written
/// (not even its claims), and the caller may run its jobs again, together or one by one.
pub async fn place_all(
    conn: &mut AnyConnection,
    backend: Backend,
    jobs: &[Job],
    rules: Rules,
    now: i64,
) -> Result<Vec<Placement>, BatchError> {
    let new: Vec<NewClaim> = jobs
        .iter()
        .filter_map(|j| match &j.claim {
            Claiming::New(claim) => Some(claim.clone()),
            Claiming::Resumed(_) => None,
        })
        .collect();
    let mut made = claim::claim_all(conn, &new, now).await?;
    // Resumed attempts still claimed (a retry that took a dead claim over may have
    // placed it), and locked, so that no retry takes them over while the batch runs.
    let ids: Vec<i64> = jobs
        .iter()
        .filter_map(|j| match &j.claim {
            Claiming::Resumed(attempt) => Some(attempt.id),
            Claiming::New(_) => None,
        })
        .collect();
    let mut resumed: HashSet<i64> = HashSet::new();
    if !ids.is_empty() {
        let sql = format!(
            "SELECT id FROM checkouts WHERE status = 'claimed' AND id IN ({}) ORDER BY id{}",
            placeholders(1, ids.len()),
            backend.for_update()
        );
        let mut query = sqlx::query_as::<_, (i64,)>(&sql);
        for id in &ids {
            query = query.bind(*id);
        }
        resumed = query
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
    }
    // Each job's attempt, if this batch holds it (each named once).
    let held: Vec<Option<Attempt>> = jobs
        .iter()
        .map(|j| match &j.claim {
            Claiming::New(claim) => made.remove(&(claim.user_id, claim.key.clone())),
            Claiming::Resumed(attempt) => resumed.remove(&attempt.id).then(|| (**attempt).clone()),
        })
        .collect();
    let claimed: Vec<Claimed> = jobs
        .iter()
        .zip(&held)
        .filter_map(|(job, attempt)| {
            attempt.clone().map(|attempt| Claimed {
                attempt,
                request: &job.request,
                new: matches!(job.claim, Claiming::New(_)),
            })
        })
        .collect();
    let live_jobs = || claimed.iter();

    let address_ids: Vec<i64> = distinct(live_jobs().map(|j| j.request.address_id));
    let variant_ids: Vec<i64> =
        distinct(live_jobs().flat_map(|j| j.request.lines.iter().map(|l| l.variant_id)));
    let offers: HashMap<i64, Offer> = offers(conn, &variant_ids)
        .await?
        .into_iter()
        .map(|o| (o.variant_id, o))
        .collect();
    let store_ids = distinct(offers.values().map(|o| o.store_id));
    let catalog = Catalog {
        addresses: addresses::by_ids(conn, &address_ids).await?,
        shipping: shipping::of_stores(conn, &store_ids).await?,
        offers,
        now,
    };
    // Locked, in the one order every checkout locks them: wallets, limits, lots.
    let payers = distinct(
        live_jobs()
            .filter(|j| matches!(j.request.payment, PaymentMethod::Wallet))
            .map(|j| j.attempt.user_id),
    );
    let wallets = ledger::lock_wallets(conn, backend, &payers)
        .await?
        .into_iter()
        .map(|(key, (id, balance))| (key, (id, balance.available())))
        .collect();
    let limited: Vec<i64> = distinct(
        catalog
            .offers
            .values()
            .filter(|o| o.per_customer_limit.is_some())
            .map(|o| o.variant_id),
    );
    let buyers = distinct(live_jobs().map(|j| j.attempt.user_id));
    let counts = lock_held(conn, backend, &buyers, &limited).await?;
    let lots = if jobs.iter().any(|j| j.deferrals >= MAX_DEFERRALS) {
        stock::lock(conn, backend, &variant_ids).await?
    } else {
        let mut demand: BTreeMap<i64, i64> = BTreeMap::new();
        for line in live_jobs().flat_map(|j| &j.request.lines) {
            let wanted = demand.entry(line.variant_id).or_default();
            *wanted = wanted.saturating_add(line.quantity);
        }
        stock::lock_enough(conn, backend, &demand).await?
    };
    let drop_products = distinct(
        catalog
            .offers
            .values()
            .filter(|o| o.drop_launch_at.is_some())
            .map(|o| o.product_id),
    );
    let mut counted = Counted {
        wallets,
        held: counts,
        lots,
        drop_holds: drop_holds::open(conn, &buyers, &drop_products).await?,
    };

    let decided: Vec<Result<Plan, Declined>> = claimed
        .iter()
        .map(|job| {
            let short_while_busy = job.request.lines.iter().any(|line| {
                counted.lots.left(line.variant_id) < line.quantity
                    && counted.lots.busy(line.variant_id)
            });
            if short_while_busy {
                return Err(Declined::Deferred);
            }
            plan(job, &catalog, &mut counted, rules).map_err(Declined::Refused)
        })
        .collect();
    // A deferred new claim is taken back: the next batch claims it again.
    let taken_back: Vec<i64> = claimed
        .iter()
        .zip(&decided)
        .filter(|(job, d)| job.new && matches!(d, Err(Declined::Deferred)))
        .map(|(job, _)| job.attempt.id)
        .collect();
    if !taken_back.is_empty() {
        let sql = format!(
            "DELETE FROM checkouts WHERE id IN ({})",
            placeholders(1, taken_back.len())
        );
        let mut query = sqlx::query(&sql);
        for id in &taken_back {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }

    let placed = write_orders(conn, &claimed, &decided, now).await?;
    let mut paying = Vec::new();
    for ((job, decision), orders) in claimed.iter().zip(&decided).zip(&placed) {
        if let Ok(Plan {
            wallet: Some(wallet),
            currency,
            ..
        }) = decision
        {
            paying.push(Paying {
                attempt: &job.attempt,
                currency: currency.clone(),
                orders: orders.clone(),
                payer: *wallet,
            });
        }
    }
    pay(conn, &paying).await?;
    count_held(conn, &claimed, &decided).await?;
    counted.lots.write(conn).await?;
    let mut attempts = write_outcomes(conn, &claimed, &decided, rules, now).await?;
    let holds: Vec<(i64, i64, i64)> = claimed
        .iter()
        .zip(&decided)
        .filter_map(|(job, d)| d.as_ref().ok().map(|plan| (job, plan)))
        .flat_map(|(job, plan)| {
            plan.drop_products
                .iter()
                .map(|product| (job.attempt.user_id, *product, job.attempt.id))
        })
        .collect();
    if !drop_holds::take(conn, &holds).await? {
        return Err(BatchError::Raced);
    }
    let mut decisions: HashMap<i64, Result<Plan, Declined>> = claimed
        .iter()
        .map(|job| job.attempt.id)
        .zip(decided)
        .collect();
    Ok(jobs
        .iter()
        .zip(held)
        .map(|(job, attempt)| {
            let Some(attempt) = attempt else {
                return match &job.claim {
                    Claiming::New(_) => Placement::Known,
                    Claiming::Resumed(attempt) => Placement::Gone(attempt.id),
                };
            };
            match (decisions.remove(&attempt.id), attempts.remove(&attempt.id)) {
                (Some(Err(Declined::Refused(refusal))), _) => Placement::Refused(refusal),
                (Some(Err(Declined::Deferred)), _) => Placement::Deferred,
                (Some(Ok(plan)), Some(attempt)) => Placement::Placed {
                    attempt: Box::new(attempt),
                    sold_out: plan.sold_out,
                    orders: None,
                },
                _ => Placement::Gone(attempt.id),
            }
        })
        .collect())
}

/// Runs a batch's reads on the placer's connection once, in a transaction that writes
/// nothing: a fresh PostgreSQL backend reads each table's catalog entries on first use,
/// and the first batch (a launch's first buyers) should not pay for that. (SQLite has
/// nothing to warm, and its writers would wait for this transaction.)
pub async fn warm(db: &crate::base::db::Db) -> Result<(), ApiError> {
    if db.backend == Backend::Sqlite {
        return Ok(());
    }
    let mut tx = db.begin_placing().await?;
    let nobody = [0i64];
    offers(&mut tx, &nobody).await?;
    addresses::by_ids(&mut tx, &nobody).await?;
    shipping::of_stores(&mut tx, &nobody).await?;
    ledger::lock_wallets(&mut tx, db.backend, &nobody).await?;
    lock_held(&mut tx, db.backend, &nobody, &nobody).await?;
    stock::lock(&mut tx, db.backend, &nobody).await?;
    sqlx::query(
        "SELECT (SELECT COUNT(*) FROM checkouts WHERE id = 0) + (SELECT COUNT(*) FROM orders WHERE id = 0)
           + (SELECT COUNT(*) FROM order_lines WHERE order_id = 0)
           + (SELECT COUNT(*) FROM order_events WHERE order_id = 0)
           + (SELECT COUNT(*) FROM notifications WHERE id = 0)
           + (SELECT COUNT(*) FROM ledger_transfers WHERE id = '')
           + (SELECT COUNT(*) FROM cart_items WHERE user_id = 0)",
    )
    .execute(&mut *tx)
    .await?;
    tx.rollback().await?;
    Ok(())
}

fn distinct(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The units each of these buyers holds of these limited options, locked.
async fn lock_held(
    conn: &mut AnyConnection,
    backend: Backend,
    buyers: &[i64],
    limited: &[i64],
) -> Result<HashMap<(i64, i64), i64>, sqlx::Error> {
    if buyers.is_empty() || limited.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT user_id, variant_id, units FROM purchase_counts
         WHERE user_id IN ({}) AND variant_id IN ({}) ORDER BY user_id, variant_id{}",
        placeholders(1, buyers.len()),
        placeholders(buyers.len() + 1, limited.len()),
        backend.for_update()
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
    for id in buyers.iter().chain(limited) {
        query = query.bind(*id);
    }
    Ok(query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(user, variant, units)| ((user, variant), units))
        .collect())
}

/// Writes the accepted checkouts' orders, lines and timelines, one statement each;
/// answers each job's orders (none for the others).
async fn write_orders(
    conn: &mut AnyConnection,
    jobs: &[Claimed<'_>],
    decided: &[Result<Plan, Declined>],
    now: i64,
) -> Result<Vec<Vec<PlacedOrder>>, BatchError> {
    let accepted: Vec<(&Claimed, &Plan)> = jobs
        .iter()
        .zip(decided)
        .filter_map(|(job, d)| d.as_ref().ok().map(|plan| (job, plan)))
        .collect();
    let mut placed: HashMap<(i64, i64), i64> = HashMap::new();
    let rows: Vec<(&Claimed, &Plan, &OrderPlan)> = accepted
        .iter()
        .flat_map(|(job, plan)| plan.orders.iter().map(move |o| (*job, *plan, o)))
        .collect();
    if !rows.is_empty() {
        let sql = format!(
            "INSERT INTO orders (checkout_id, user_id, store_id, status, currency, items_minor,
                 shipping_minor, total_minor, fee_minor, shipping_name, shipping_min_days,
                 shipping_max_days, address, created_at, updated_at)
             VALUES {} RETURNING id, checkout_id, store_id",
            value_rows(1, rows.len(), 15)
        );
        let mut query = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
        for (job, plan, order) in &rows {
            query = query
                .bind(job.attempt.id)
                .bind(job.attempt.user_id)
                .bind(order.store_id)
                .bind(if plan.wallet.is_some() {
                    "paid"
                } else {
                    "placed"
                })
                .bind(plan.currency.as_str())
                .bind(order.items_minor)
                .bind(order.shipping.price.amount_minor)
                .bind(order.total_minor)
                .bind(order.fee_minor)
                .bind(&order.shipping.name)
                .bind(order.shipping.min_days)
                .bind(order.shipping.max_days)
                .bind(&plan.address_json)
                .bind(now)
                .bind(now);
        }
        for (id, checkout_id, store_id) in query.fetch_all(&mut *conn).await? {
            placed.insert((checkout_id, store_id), id);
        }
    }
    let order_id = |job: &Claimed, order: &OrderPlan| -> Result<i64, BatchError> {
        placed
            .get(&(job.attempt.id, order.store_id))
            .copied()
            .ok_or_else(|| BatchError::Failed(ApiError::Internal("an order vanished".into())))
    };
    let mut lines = Vec::new();
    let mut events = Vec::new();
    for (job, plan, order) in &rows {
        let id = order_id(job, order)?;
        lines.extend(order.lines.iter().map(|line| (id, line)));
        events.push((id, OrderStatus::Placed));
        if plan.wallet.is_some() {
            events.push((id, OrderStatus::Paid));
        }
    }
    if !lines.is_empty() {
        let sql = format!(
            "INSERT INTO order_lines (order_id, variant_id, product_id, title, variant_name,
                                      unit_price_minor, quantity) VALUES {}",
            value_rows(1, lines.len(), 7)
        );
        let mut query = sqlx::query(&sql);
        for (id, line) in &lines {
            query = query
                .bind(*id)
                .bind(line.variant_id)
                .bind(line.product_id)
                .bind(&line.title)
                .bind(&line.variant_name)
                .bind(line.unit_price_minor)
                .bind(line.quantity);
        }
        query.execute(&mut *conn).await?;
    }
    if !events.is_empty() {
        let sql = format!(
            "INSERT INTO order_events (order_id, status, note, created_at) VALUES {}",
            value_rows(1, events.len(), 4)
        );
        let mut query = sqlx::query(&sql);
        for (id, status) in &events {
            query = query.bind(*id).bind(status.as_str()).bind("").bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    let mut answers = Vec::with_capacity(jobs.len());
    for (job, decision) in jobs.iter().zip(decided) {
        let mut orders = Vec::new();
        if let Ok(plan) = decision {
            for order in &plan.orders {
                orders.push(PlacedOrder {
                    id: order_id(job, order)?,
                    total_minor: order.total_minor,
                    store_owner: order.store_owner,
                });
            }
        }
        answers.push(orders);
    }
    Ok(answers)
}

/// Counts the accepted lines of limited options against their buyers, in one
/// statement; a count that would pass its limit (another batch counted it first) is a
/// race, and the batch runs again.
async fn count_held(
    conn: &mut AnyConnection,
    jobs: &[Claimed<'_>],
    decided: &[Result<Plan, Declined>],
) -> Result<(), BatchError> {
    let mut counts: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for (job, decision) in jobs.iter().zip(decided) {
        if let Ok(plan) = decision {
            for line in plan.orders.iter().flat_map(|o| &o.lines) {
                if line.limited {
                    *counts
                        .entry((job.attempt.user_id, line.variant_id))
                        .or_default() += line.quantity;
                }
            }
        }
    }
    if counts.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO purchase_counts (user_id, variant_id, units) VALUES {}
         ON CONFLICT (user_id, variant_id) DO UPDATE
           SET units = purchase_counts.units + excluded.units
           WHERE purchase_counts.units + excluded.units <=
                 (SELECT {LIMIT_OF_V} FROM variants v WHERE v.id = excluded.variant_id)
         RETURNING user_id",
        value_rows(1, counts.len(), 3)
    );
    let mut query = sqlx::query_as::<_, (i64,)>(&sql);
    for ((user, variant), units) in &counts {
        query = query.bind(*user).bind(*variant).bind(*units);
    }
    if query.fetch_all(&mut *conn).await?.len() == counts.len() {
        Ok(())
    } else {
        Err(BatchError::Raced)
    }
}

/// Writes every live attempt's outcome (placed, paid, or refused with its answer) in
/// one statement; answers the placed attempts as they now stand.
async fn write_outcomes(
    conn: &mut AnyConnection,
    jobs: &[Claimed<'_>],
    decided: &[Result<Plan, Declined>],
    rules: Rules,
    now: i64,
) -> Result<HashMap<i64, Attempt>, BatchError> {
    let outcomes: Vec<(&Claimed, Result<&Plan, &ApiError>)> = jobs
        .iter()
        .zip(decided)
        .filter_map(|(job, d)| match d {
            Ok(plan) => Some((job, Ok(plan))),
            Err(Declined::Refused(refusal)) => Some((job, Err(refusal))),
            Err(Declined::Deferred) => None,
        })
        .collect();
    if outcomes.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "UPDATE checkouts SET status = v.v_status,
             currency = COALESCE(v.v_currency, checkouts.currency), total_minor = v.v_total,
             card_last4 = v.v_last4, expires_at = v.v_expires,
             locked_until = COALESCE(v.v_locked, checkouts.locked_until),
             error_code = v.v_code, error_message = v.v_message, updated_at = $1
         FROM ({}) AS v WHERE checkouts.id = v.v_id RETURNING {COLUMNS}",
        bound_rows(
            2,
            outcomes.len(),
            &[
                ("v_id", "BIGINT"),
                ("v_status", "TEXT"),
                ("v_currency", "TEXT"),
                ("v_total", "BIGINT"),
                ("v_last4", "TEXT"),
                ("v_expires", "BIGINT"),
                ("v_locked", "BIGINT"),
                ("v_code", "TEXT"),
                ("v_message", "TEXT"),
            ]
        )
    );
    let mut query = sqlx::query_as::<_, Attempt>(&sql).bind(now);
    for (job, outcome) in &outcomes {
        query = query.bind(job.attempt.id);
        query = match (outcome, &job.request.payment) {
            (Ok(plan), PaymentMethod::Wallet) => query
                .bind("paid")
                .bind(Some(plan.currency.as_str()))
                .bind(plan.total_minor)
                .bind(None::<String>)
                .bind(None::<i64>)
                .bind(Some(0i64))
                .bind(None::<String>)
                .bind(None::<String>),
            // The lease still holds: the charge comes next.
            (Ok(plan), payment @ (PaymentMethod::Card { .. } | PaymentMethod::SouqCard { .. })) => {
                query
                    .bind("reserved")
                    .bind(Some(plan.currency.as_str()))
                    .bind(plan.total_minor)
                    .bind(match payment {
                        PaymentMethod::Card { card } => Some(card.last4()),
                        _ => None,
                    })
                    .bind(Some(now.saturating_add(if plan.drop_products.is_empty() {
                        rules.reservation_ms
                    } else {
                        rules.drop_reservation_ms.min(rules.reservation_ms)
                    })))
                    .bind(None::<i64>)
                    .bind(None::<String>)
                    .bind(None::<String>)
            }
            (Err(refusal), _) => {
                let (code, message) = crate::base::idempotency::kept(refusal);
                query
                    .bind("refused")
                    .bind(None::<String>)
                    .bind(0i64)
                    .bind(None::<String>)
                    .bind(None::<i64>)
                    .bind(Some(0i64))
                    .bind(Some(code))
                    .bind(Some(message))
            }
        };
    }
    Ok(query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|attempt| (attempt.id, attempt))
        .collect())
}

/// One attempt's orders to pay, and from which account.
pub struct Paying<'a> {
    pub attempt: &'a Attempt,
    pub currency: Currency,
    pub orders: Vec<PlacedOrder>,
    pub payer: AccountId,
}

/// Pays attempts' orders, each from its payer to the order's escrow; takes the bought
/// lines out of the carts and tells the shoppers, one statement for each for all of
/// them. (The orders are marked paid by the caller: written so when the wallet pays at
/// once, by `mark_paid` when a card's payment comes through.)
pub async fn pay(conn: &mut AnyConnection, paying: &[Paying<'_>]) -> Result<(), ApiError> {
    let orders: Vec<(&Paying, &PlacedOrder)> = paying
        .iter()
        .flat_map(|p| p.orders.iter().map(move |o| (p, o)))
        .collect();
    if orders.is_empty() {
        return Ok(());
    }
    let holders: Vec<(Holder, Currency)> = orders
        .iter()
        .map(|(p, o)| (Holder::Escrow { order_id: o.id }, p.currency.clone()))
        .collect();
    let escrows = ledger::open_accounts(conn, &holders).await?;
    let mut transfers = Vec::with_capacity(orders.len());
    for ((p, order), escrow) in orders.iter().zip(escrows) {
        transfers.push(Transfer {
            id: transfer_id(p.attempt, &format!("pay:{}", order.id))?,
            debit: p.payer,
            credit: escrow,
            currency: p.currency.clone(),
            amount: Amount::new(order.total_minor).map_err(|e| invalid(e.to_string()))?,
            kind: Kind::Posted,
            code: "payment",
            reference: Some(format!("order {}", order.id)),
        });
    }
    ledger::record_all(conn, &transfers).await?;
    let notices: Vec<OrderNotice> = orders
        .iter()
        .map(|(p, order)| OrderNotice {
            recipient: p.attempt.user_id,
            actor: order.store_owner,
            order_id: order.id,
            status: OrderStatus::Paid,
        })
        .collect();
    notifications::notify_orders(conn, &notices).await?;
    let users = distinct(paying.iter().map(|p| p.attempt.user_id));
    let checkouts: Vec<i64> = paying.iter().map(|p| p.attempt.id).collect();
    let sql = format!(
        "DELETE FROM cart_items WHERE user_id IN ({}) AND EXISTS
           (SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.checkout_id IN ({}) AND o.user_id = cart_items.user_id
              AND l.variant_id = cart_items.variant_id)",
        placeholders(1, users.len()),
        placeholders(users.len() + 1, checkouts.len())
    );
    let mut query = sqlx::query(&sql);
    for id in users.iter().chain(&checkouts) {
        query = query.bind(*id);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

fn sold_out_error(title: &str, left: i64) -> ApiError {
    ApiError::SoldOut(if left == 0 {
        format!("{title} is sold out")
    } else {
        format!("only {left} of {title} are left")
    })
}

/// Refuses at once a request for more than is in stock now, before anything is
/// claimed or written: in a rush most buyers come after the last unit, and each gets
/// its answer for the price of one read. Not a retry of an attempt made before, though
/// (`key` claimed by `user_id`): that one gets its first answer, whatever is left now.
/// Answers the currency the lines are sold in (what the PIN's threshold is counted in),
/// read in the same round trip.
pub async fn check_in_stock(
    db: &crate::base::db::Db,
    request: &CheckoutRequest,
    user_id: i64,
    key: &str,
) -> Result<Option<Currency>, ApiError> {
    let ids: Vec<i64> = request.lines.iter().map(|l| l.variant_id).collect();
    if ids.is_empty() {
        return Ok(None);
    }
    // The key's attempt is looked for in the same read: one round trip for a refusal.
    let sql = format!(
        "SELECT v.id, pr.title, {},
                (SELECT COUNT(*) FROM checkouts c WHERE c.user_id = $1 AND c.idempotency_key = $2),
                {LAUNCH_OF_V}, pr.currency
         FROM variants v JOIN products pr ON pr.id = v.product_id
         WHERE v.id IN ({})",
        stock::UNITS_OF_V,
        placeholders(3, ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, String, i64, i64, Option<i64>, String)>(&sql)
        .bind(user_id)
        .bind(key);
    for id in &ids {
        query = query.bind(*id);
    }
    let now = crate::base::db::now_ms();
    let mut currency = None;
    for (id, title, left, known, launch_at, sold_in) in query.fetch_all(&db.durable).await? {
        currency = currency.or_else(|| Currency::parse(&sold_in).ok());
        if let Some(launch_at) = launch_at.filter(|at| now < *at && known == 0) {
            return Err(drops::not_launched(&title, launch_at));
        }
        let wanted = request
            .lines
            .iter()
            .filter(|l| l.variant_id == id)
            .map(|l| l.quantity)
            .sum::<i64>();
        if left < wanted && known == 0 {
            return Err(sold_out_error(&title, left));
        }
    }
    Ok(currency)
}
