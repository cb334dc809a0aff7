//! Checkout: from the cart to paid orders, and money into the wallet from a card.
//!
//! One attempt, named by the app's idempotency key (`claim.rs`), places the orders and
//! reserves their stock in one transaction, batched with the attempts that arrive with
//! it (`placer.rs`, `place.rs`). From the wallet it pays in that same transaction; by
//! card, the processor is then asked to charge once per attempt and its outcome applied
//! whenever and however it arrives (`settle.rs`). The address book lives here too
//! (`addresses.rs`).

pub mod addresses;
pub(crate) mod claim;
mod drop_holds;
mod place;
mod placer;
mod service;
mod settle;

use std::net::IpAddr;

use souq_wire::checkout::MAX_TOP_UP_MINOR;
use souq_wire::{
    ActionKind, CardDetails, CardDonation, Checkout, CheckoutOptions, CheckoutRequest,
    CheckoutStatus, Money, NextAction, Order, PaymentMethod, StoreShippingOptions, TopUpRequest,
    User, Wallet,
};

use crate::base::idempotency::{self, CardPrint, Fingerprint};
pub use claim::LEASE;
use claim::NewClaim;
use claim::{Attempt, Claim};
use place::{Claiming, Job, Placement};
pub use place::{Rules, record_step, release_limit};
pub use placer::Placer;
pub use service::{CheckoutService, rules};
pub use settle::{
    deliver_callbacks, expire_due, failure_words, on_callback, owe_refund, refund_owed,
};

use crate::base::db::{from_ms, now_ms};
use crate::base::error::ApiError;
use crate::ledger::{self, Currency, Holder};
use crate::orders;
use crate::payments::{Charge, Payer};
use crate::stores::stock;
use crate::wallet::cards::keys::digits_of;
use crate::wallet::{self, donations};

/// The checkout's status as the wire says it.
fn status_of(attempt: &Attempt) -> CheckoutStatus {
    match attempt.status.as_str() {
        "paid" => CheckoutStatus::Paid,
        "requires_action" => CheckoutStatus::RequiresAction,
        "failed" | "refused" => CheckoutStatus::Failed,
        "expired" => CheckoutStatus::Expired,
        // Claimed or reserved: the charge is being made.
        _ => CheckoutStatus::Processing,
    }
}

async fn view(
    checkout: &CheckoutService,
    attempt: &Attempt,
    replayed: bool,
) -> Result<Checkout, ApiError> {
    let mut conn = checkout.base.db.durable.acquire().await?;
    let orders = orders::of_checkout(&mut conn, attempt.id).await?;
    drop(conn);
    Ok(view_of(attempt, orders, replayed))
}

fn view_of(attempt: &Attempt, orders: Vec<Order>, replayed: bool) -> Checkout {
    let status = status_of(attempt);
    Checkout {
        id: attempt.id,
        status,
        total: Money {
            amount_minor: attempt.total_minor,
            currency: attempt.currency.clone(),
        },
        method: attempt.method.clone(),
        card_last4: attempt.card_last4.clone(),
        orders,
        next_action: match (&attempt.payment_id, status) {
            (Some(payment_id), CheckoutStatus::RequiresAction) => Some(NextAction {
                payment_id: payment_id.clone(),
                expires_at: from_ms(attempt.expires_at.unwrap_or_default()),
                kind: if attempt.action_kind.as_deref() == Some("cardholder_approval") {
                    ActionKind::CardholderApproval
                } else {
                    ActionKind::ThreeDSecure
                },
            }),
            _ => None,
        },
        reserved_until: attempt
            .expires_at
            .filter(|_| !status.is_final())
            .map(from_ms),
        failure: attempt.error_message.clone(),
        failure_code: attempt.error_code.clone(),
        replayed,
        created_at: from_ms(attempt.created_at),
    }
}

/// The answer to a request that made (or replayed) an attempt: a refusal or a declined
/// card is the error it was; anything else is the checkout as it stands.
async fn answer(
    checkout: &CheckoutService,
    attempt: &Attempt,
    replayed: bool,
) -> Result<Checkout, ApiError> {
    match attempt.status.as_str() {
        "refused" => Err(claim::kept_refusal(attempt)),
        "failed" => Err(ApiError::PaymentDeclined(
            attempt
                .error_message
                .clone()
                .unwrap_or_else(|| failure_words(None).into()),
        )),
        _ => view(checkout, attempt, replayed).await,
    }
}

async fn current(checkout: &CheckoutService, id: i64) -> Result<Attempt, ApiError> {
    claim::by_id(&checkout.base.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("checkout"))
}

/// Runs `work` for a claimed attempt; a refusal becomes the attempt's kept answer, a
/// passing failure lets the next retry try again at once.
async fn claimed<F>(
    checkout: &CheckoutService,
    attempt: &Attempt,
    work: F,
) -> Result<Checkout, ApiError>
where
    F: std::future::Future<Output = Result<Checkout, ApiError>>,
{
    match work.await {
        Ok(checkout) => Ok(checkout),
        Err(e) if idempotency::is_answer(&e) => {
            claim::refuse(&checkout.base.db, attempt.id, &e).await?;
            claim::release(&checkout.base.db, attempt.id).await;
            Err(e)
        }
        Err(e) => {
            claim::release(&checkout.base.db, attempt.id).await;
            Err(e)
        }
    }
}

/// Charges the attempt's card (the processor answers the same payment for the same
/// attempt, however often asked) and applies the outcome.
/// What the card statement says the payment was for.
async fn description(checkout: &CheckoutService, attempt: &Attempt) -> Result<String, ApiError> {
    let sql = match attempt.purpose.as_str() {
        "top_up" => return Ok("Souq wallet top-up".to_string()),
        "donation" => {
            "SELECT 'Donation to ' || s.name FROM card_donations d
             JOIN stores s ON s.id = d.store_id WHERE d.checkout_id = $1"
        }
        _ => {
            "SELECT s.name FROM orders o JOIN stores s ON s.id = o.store_id
             WHERE o.checkout_id = $1 ORDER BY o.id"
        }
    };
    let names: Vec<(String,)> = sqlx::query_as(sql)
        .bind(attempt.id)
        .fetch_all(&checkout.base.db.durable)
        .await?;
    Ok(names
        .into_iter()
        .map(|(name,)| name)
        .collect::<Vec<_>>()
        .join(", "))
}

async fn charge(
    checkout: &CheckoutService,
    attempt: &Attempt,
    card: &CardDetails,
    address: IpAddr,
) -> Result<Checkout, ApiError> {
    let description = description(checkout, attempt).await?;
    let payment = checkout
        .payments
        .processor
        .charge(Charge {
            idempotency_key: &settle::processor_key(attempt.id),
            description: &description,
            amount_minor: attempt.total_minor,
            currency: &attempt.currency,
            card,
            payer: Payer {
                account_id: attempt.user_id,
                address,
            },
        })
        .await?;
    settle::apply(checkout, attempt.id, &payment, settle::Cause::Answer).await?;
    answer(checkout, &current(checkout, attempt.id).await?, false).await
}

/// Pays for the reviewed lines of the cart: one order per store, from the wallet or a
/// card. `key` is the app's idempotency key for this attempt.
pub async fn checkout(
    checkout: &CheckoutService,
    user: &User,
    key: Option<&str>,
    session_token: &str,
    address: IpAddr,
    request: &CheckoutRequest,
) -> Result<Checkout, ApiError> {
    // A Souq card draws on a wallet, typed in by number or not.
    let draws_on_wallet = match &request.payment {
        PaymentMethod::Card { card } => is_souq_card(card),
        PaymentMethod::Wallet | PaymentMethod::SouqCard { .. } => true,
    };
    // A Souq card is paid like any card: its details, unsealed here, go to the
    // processor, which asks Souq (its issuer) to authorize it.
    let souq_card;
    let request = match &request.payment {
        PaymentMethod::SouqCard { card_id } => {
            souq_card = CheckoutRequest {
                payment: PaymentMethod::Card {
                    card: crate::wallet::cards::details(&checkout.wallet, user, *card_id).await?,
                },
                ..request.clone()
            };
            &souq_card
        }
        _ => request,
    };
    let (method, card) = match &request.payment {
        PaymentMethod::Wallet => ("wallet", None),
        PaymentMethod::Card { card } => ("card", Some(card)),
        PaymentMethod::SouqCard { .. } => {
            return Err(ApiError::Internal("a Souq card was not unsealed".into()));
        }
    };
    let hash = idempotency::hash(&Fingerprint {
        purpose: "order",
        request: (&request.lines, request.address_id, &request.shipping),
        card: card.map(CardPrint::of),
    })?;
    place::check_shape(request)?;
    let key = idempotency::checked_key(key)?;
    // Sold out already: said at once, before anything is claimed or written.
    let checking = std::time::Instant::now();
    let in_stock = place::check_in_stock(&checkout.base.db, request, user.id, key).await;
    slow("the sold-out pre-check", checking);
    let currency = in_stock?;
    // Large payments from the wallet (or a Souq card drawing on one) ask for the PIN.
    if draws_on_wallet && let Some(currency) = currency {
        ask_pin_if_large(checkout, user, session_token, request, &currency).await?;
    }
    // A new key is claimed by the batch that places it; a key seen before goes through
    // its claim (a replay, a reuse, a request still running, or a dead one to resume).
    let new = Claiming::New(NewClaim {
        user_id: user.id,
        key: key.to_string(),
        request_hash: hash.clone(),
        purpose: "order",
        method,
    });
    let (attempt, orders) = match placed(checkout, new, request).await? {
        Some(placed) => placed,
        None => {
            match claim::claim(
                &checkout.base.db,
                user.id,
                Some(key),
                &hash,
                "order",
                method,
            )
            .await?
            {
                Claim::Replay(attempt) => return answer(checkout, &attempt, true).await,
                Claim::Mine(attempt) if attempt.status == "claimed" => {
                    let id = attempt.id;
                    placed(checkout, Claiming::Resumed(Box::new(attempt)), request)
                        .await?
                        .ok_or_else(|| ApiError::Internal(format!("checkout {id} vanished")))?
                }
                Claim::Mine(attempt) => (attempt, None),
            }
        }
    };
    match card {
        Some(card) if attempt.status == "reserved" => {
            claimed(
                checkout,
                &attempt,
                charge(checkout, &attempt, card, address),
            )
            .await
        }
        _ => match orders {
            Some(orders) if attempt.status == "paid" => Ok(view_of(&attempt, orders, false)),
            _ => answer(checkout, &attempt, false).await,
        },
    }
}

/// Whether a typed card is one of Souq's own, which draws on its holder's wallet.
fn is_souq_card(card: &CardDetails) -> bool {
    wallet::cards::keys::is_souq_number(&digits_of(card.number.expose()))
}

/// What a checkout request comes to as the shopper was shown it: its lines at their
/// unit prices and each store's shipping.
fn stated_total(request: &CheckoutRequest) -> i64 {
    let lines = request.lines.iter().fold(0_i64, |sum, line| {
        sum.saturating_add(line.unit_price_minor.saturating_mul(line.quantity))
    });
    request.shipping.iter().fold(lines, |sum, shipping| {
        sum.saturating_add(shipping.price_minor)
    })
}

/// Asks for the PIN when the whole total (items and shipping) comes to more than the
/// wallet's threshold, in the currency's own minor units; the vault is read only then.
async fn ask_pin_if_large(
    checkout: &CheckoutService,
    user: &User,
    session_token: &str,
    request: &CheckoutRequest,
    currency: &Currency,
) -> Result<(), ApiError> {
    if !checkout
        .wallet
        .settings()
        .asks_pin(stated_total(request), currency)
    {
        return Ok(());
    }
    let mut conn = checkout.base.db.durable.acquire().await?;
    crate::wallet::vault::require(&mut conn, user.id, session_token, now_ms()).await
}

/// Places one job through this instance's placer: the attempt as it stands after (with
/// its orders when the placer read them), or none when its key was claimed before.
async fn placed(
    checkout: &CheckoutService,
    claim: Claiming,
    request: &CheckoutRequest,
) -> Result<Option<(Attempt, Option<Vec<Order>>)>, ApiError> {
    let resumed = match &claim {
        Claiming::Resumed(attempt) => Some(attempt.id),
        Claiming::New(_) => None,
    };
    let job = Job {
        claim,
        request: request.clone(),
        deferrals: 0,
    };
    let waiting = std::time::Instant::now();
    let placement = checkout.placer.place(job).await;
    slow("placing a checkout in its batch", waiting);
    match placement {
        Ok(Placement::Placed {
            attempt,
            sold_out,
            orders,
        }) => {
            let restocking = std::time::Instant::now();
            stock::changed(&checkout.base, &sold_out).await;
            slow("telling of a sell-out", restocking);
            Ok(Some((*attempt, orders)))
        }
        // Kept as the attempt's answer, its claim let go, in the batch's transaction.
        Ok(Placement::Refused(refusal)) => Err(refusal),
        Ok(Placement::Known) => Ok(None),
        // The placer runs a deferred job again itself; it never answers this.
        Ok(Placement::Deferred) => Err(ApiError::Internal(
            "a deferred checkout was answered".into(),
        )),
        Ok(Placement::Gone(id)) => Ok(Some((current(checkout, id).await?, None))),
        Err(e) => {
            // A new claim rolled back with the batch; a resumed one is let go.
            if let Some(id) = resumed {
                claim::release(&checkout.base.db, id).await;
            }
            Err(e)
        }
    }
}

/// Logs a step of a checkout that took over a second: what a rush's outliers are made of.
fn slow(step: &str, since: std::time::Instant) {
    let took = since.elapsed();
    if took > std::time::Duration::from_secs(1) {
        tracing::warn!(step, ms = took.as_millis(), "a slow checkout step");
    }
}

fn reservation_end(checkout: &CheckoutService, now: i64) -> i64 {
    now.saturating_add(
        i64::try_from(checkout.payments.settings.reservation.as_millis()).unwrap_or(i64::MAX),
    )
}

/// Puts money in the wallet from a card (a bank's, never a Souq card: that would move
/// one wallet's money into another, around its holder's approval).
pub async fn top_up(
    checkout: &CheckoutService,
    user: &User,
    key: Option<&str>,
    address: IpAddr,
    request: &TopUpRequest,
) -> Result<Checkout, ApiError> {
    if !(1..=MAX_TOP_UP_MINOR).contains(&request.amount_minor) {
        return Err(ApiError::Validation(format!(
            "a top-up is 1 to {MAX_TOP_UP_MINOR} minor units"
        )));
    }
    if is_souq_card(&request.card) {
        return Err(ApiError::Validation(
            "a Souq card cannot top up a wallet; top up with a bank's card".into(),
        ));
    }
    let currency =
        Currency::parse(&request.currency).map_err(|e| ApiError::Validation(e.to_string()))?;
    let hash = idempotency::hash(&Fingerprint {
        purpose: "top_up",
        request: (request.amount_minor, &request.currency),
        card: Some(CardPrint::of(&request.card)),
    })?;
    let attempt =
        match claim::claim(&checkout.base.db, user.id, key, &hash, "top_up", "card").await? {
            Claim::Replay(attempt) => return answer(checkout, &attempt, true).await,
            Claim::Mine(attempt) => attempt,
        };
    claimed(checkout, &attempt, async {
        let mut conn = checkout.base.db.durable.acquire().await?;
        let total = (currency.as_str(), request.amount_minor);
        reserve(checkout, &mut conn, attempt.id, total, &request.card).await?;
        drop(conn);
        charge_reserved(checkout, attempt.id, &request.card, address).await
    })
    .await
}

/// Marks a claimed card attempt reserved for its total, until the reservation ends.
async fn reserve(
    checkout: &CheckoutService,
    conn: &mut sqlx::AnyConnection,
    attempt_id: i64,
    (currency, total_minor): (&str, i64),
    card: &CardDetails,
) -> Result<(), ApiError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE checkouts SET status = 'reserved', currency = $1, total_minor = $2,
             card_last4 = $3, expires_at = $4, updated_at = $5
         WHERE id = $6 AND status = 'claimed'",
    )
    .bind(currency)
    .bind(total_minor)
    .bind(card.last4())
    .bind(reservation_end(checkout, now))
    .bind(now)
    .bind(attempt_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Charges a reserved attempt's card; an attempt already past reserved (a retry that
/// took the claim over) is answered as it stands.
async fn charge_reserved(
    checkout: &CheckoutService,
    attempt_id: i64,
    card: &CardDetails,
    address: IpAddr,
) -> Result<Checkout, ApiError> {
    let attempt = current(checkout, attempt_id).await?;
    if attempt.status == "reserved" {
        charge(checkout, &attempt, card, address).await
    } else {
        answer(checkout, &attempt, false).await
    }
}

/// Gives to a verified nonprofit from a card: a checkout whose payment, once the card
/// pays, goes into the donor's wallet and on to the nonprofit in one transaction
/// (`settle::apply`), so the donor's activity shows the card's money coming in and the
/// gift going out. The card's own second step stands in for the PIN.
pub async fn donate_by_card(
    checkout: &CheckoutService,
    user: &User,
    key: Option<&str>,
    address: IpAddr,
    handle: &str,
    request: &CardDonation,
) -> Result<Checkout, ApiError> {
    if !(1..=MAX_TOP_UP_MINOR).contains(&request.amount_minor) {
        return Err(ApiError::Validation(format!(
            "a gift by card is 1 to {MAX_TOP_UP_MINOR} minor units"
        )));
    }
    let (amount, currency) = wallet::requests::money_of(request.amount_minor, &request.currency)?;
    let note = wallet::requests::note_of(&request.note)?;
    let to = donations::nonprofit(&checkout.wallet, user, handle).await?;
    let hash = donations::request_hash(
        &to,
        amount,
        &currency,
        &note,
        Some(CardPrint::of(&request.card)),
    )?;
    let attempt =
        match claim::claim(&checkout.base.db, user.id, key, &hash, "donation", "card").await? {
            Claim::Replay(attempt) => return answer(checkout, &attempt, true).await,
            Claim::Mine(attempt) => attempt,
        };
    claimed(checkout, &attempt, async {
        let mut tx = checkout.base.db.begin_durable().await?;
        // A retry that took the claim over finds the gift's details already there.
        sqlx::query(
            "INSERT INTO card_donations (checkout_id, store_id, handle, note)
             VALUES ($1, $2, $3, $4) ON CONFLICT (checkout_id) DO NOTHING",
        )
        .bind(attempt.id)
        .bind(to.store_id)
        .bind(&to.handle)
        .bind(&note)
        .execute(&mut *tx)
        .await?;
        let total = (currency.as_str(), amount.get());
        reserve(checkout, &mut tx, attempt.id, total, &request.card).await?;
        tx.commit().await?;
        charge_reserved(checkout, attempt.id, &request.card, address).await
    })
    .await
}

/// One of the shopper's checkouts as it stands; 404 for anyone else's.
pub async fn get(checkout: &CheckoutService, user: &User, id: i64) -> Result<Checkout, ApiError> {
    let attempt = current(checkout, id).await?;
    if attempt.user_id != user.id || attempt.status == "claimed" {
        return Err(ApiError::not_found("checkout"));
    }
    view(checkout, &attempt, false).await
}

/// Asks the processor how the checkout's payment stands and applies it: what the app
/// calls when the shopper comes back from a card's second step.
pub async fn refresh(
    checkout: &CheckoutService,
    user: &User,
    id: i64,
) -> Result<Checkout, ApiError> {
    let attempt = current(checkout, id).await?;
    if attempt.user_id != user.id {
        return Err(ApiError::not_found("checkout"));
    }
    if let Some(payment_id) = &attempt.payment_id {
        let payment = checkout.payments.processor.retrieve(payment_id).await?;
        settle::apply(checkout, id, &payment, settle::Cause::Answer).await?;
    }
    get(checkout, user, id).await
}

/// The shopper's answer to the sandbox's second step for their payment, then applied.
pub async fn answer_challenge(
    checkout: &CheckoutService,
    user: &User,
    payment_id: &str,
    approve: bool,
) -> Result<Checkout, ApiError> {
    let owner: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, user_id FROM checkouts WHERE payment_id = $1")
            .bind(payment_id)
            .fetch_optional(&checkout.base.db.durable)
            .await?;
    let Some((checkout_id, _)) = owner.filter(|(_, owner)| *owner == user.id) else {
        return Err(ApiError::not_found("payment"));
    };
    let sandbox = checkout
        .payments
        .sandbox
        .as_ref()
        .ok_or_else(|| ApiError::not_found("sandbox"))?;
    let payment = sandbox.answer_challenge(payment_id, approve).await?;
    settle::apply(checkout, checkout_id, &payment, settle::Cause::Answer).await?;
    get(checkout, user, checkout_id).await
}

/// The shopper gives up on a card's second step: the payment is cancelled and the
/// stock goes back at once (if the payment succeeded meanwhile, it stays paid).
pub async fn abandon(
    checkout: &CheckoutService,
    user: &User,
    id: i64,
) -> Result<Checkout, ApiError> {
    let attempt = current(checkout, id).await?;
    if attempt.user_id != user.id {
        return Err(ApiError::not_found("checkout"));
    }
    if let Some(payment_id) = &attempt.payment_id
        && matches!(attempt.status.as_str(), "requires_action" | "processing")
    {
        let payment = checkout.payments.processor.cancel(payment_id).await?;
        settle::apply(checkout, id, &payment, settle::Cause::Answer).await?;
    }
    get(checkout, user, id).await
}

/// What the checkout screen needs: the cart, the address book, each store's shipping
/// options for its part of the cart, and the wallet.
pub async fn options(checkout: &CheckoutService, user: &User) -> Result<CheckoutOptions, ApiError> {
    let cart = crate::cart::get(&checkout.base.db, user).await?;
    let variant_ids: Vec<i64> = cart.lines.iter().map(|l| l.variant_id).collect();
    let mut conn = checkout.base.db.pool.acquire().await?;
    let stores_of = crate::stores::shipping::stores_of_variants(&mut conn, &variant_ids).await?;
    let store_ids: Vec<i64> = stores_of.iter().map(|(id, _, _)| *id).collect();
    let mut options = crate::stores::shipping::of_stores(&mut conn, &store_ids).await?;
    drop(conn);
    Ok(CheckoutOptions {
        addresses: addresses::list(&checkout.base.db, user.id).await?,
        stores: stores_of
            .into_iter()
            .map(|(store_id, store_name, variant_ids)| StoreShippingOptions {
                options: options.remove(&store_id).unwrap_or_default(),
                store_id,
                store_name,
                variant_ids,
            })
            .collect(),
        wallet: wallet(checkout, user).await?,
        cart,
    })
}

/// The wallet's balance in each currency it holds, what holds set aside excluded.
pub async fn wallet(checkout: &CheckoutService, user: &User) -> Result<Wallet, ApiError> {
    let mut conn = checkout.base.db.durable.acquire().await?;
    let balances = ledger::balances_of(&mut conn, Holder::Wallet { user_id: user.id }).await?;
    Ok(Wallet {
        balances: balances
            .into_iter()
            .map(|(currency, balance)| Money {
                amount_minor: balance.available(),
                currency: currency.as_str().to_string(),
            })
            .collect(),
    })
}
