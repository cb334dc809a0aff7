//! The sandbox payment processor: the one Souq ships, behaving like a real one with
//! Stripe's test cards, so people recognise them. No real money moves and nothing leaves
//! the machine; its records live in its own tables (`sandbox_*`), which only this file
//! reads, as a real processor's live on its side.
//!
//! | card                | what happens                                              |
//! |---------------------|-----------------------------------------------------------|
//! | 4242 4242 4242 4242 | succeeds                                                  |
//! | 4000 0000 0000 0002 | declined (`card_declined`)                                |
//! | 4000 0000 0000 9995 | declined (`insufficient_funds`)                           |
//! | 4000 0027 6000 3184 | asks for a second step (3-D Secure) the shopper completes |
//! | 4000 0000 0000 7072 | Souq's own: processing, settles after a delay             |
//!
//! Payouts to a bank account go by the IBAN's last four digits: `0002` is refused
//! (`account_closed`), `7072` stays pending and is paid after the slow card's delay, any
//! other is paid at once.
//!
//! Any other number is refused (`test_card_required`), a number that fails the Luhn
//! check is `incorrect_number`, a past expiry `expired_card`. Like a real processor it
//! reports each change by a signed callback, and on purpose delivers each one twice, at
//! random moments, so that callbacks arrive late and out of order.
//!
//! A charge is authorized, then captured: only a captured payment has succeeded. A
//! number of Souq's own range is sent to Souq, its issuer, to authorize (and its
//! capture posts the issuer's hold); when the issuer asks its cardholder first, the
//! payment requires a second step that only the cardholder completes, in their app.
//!
//! `Faults` makes the sandbox fail as real processors sometimes do (a capture that
//! fails, a charge whose answer is lost, a payout call that hangs), for tests and the
//! money simulation.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::{Datelike, Utc};
use tokio::sync::mpsc;

use souq_wire::ActionKind;

use super::PaymentSettings;
use super::issuer::{Authorization, Captured, Decision, Issuer};
use super::{
    BoxFuture, Charge, Event, Payment, PaymentStatus, Payout, PayoutRequest, PayoutStatus,
    ProcessorError, sign,
};
use crate::base::db::{Db, now_ms};
use crate::base::random;

pub const SUCCEEDS: &str = "4242424242424242";
pub const DECLINED: &str = "4000000000000002";
pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
pub const NEEDS_SECOND_STEP: &str = "4000002760003184";
pub const SETTLES_LATER: &str = "4000000000007072";

/// A signed callback on its way: the body and its signature.
pub type Delivery = (Vec<u8>, String);

/// Failures asked of the sandbox: each counter is how many of the next such calls fail.
#[derive(Debug, Default)]
pub struct Faults {
    /// Captures that fail after the authorization: the payment stays authorized (not
    /// succeeded) until a retry captures it, or it is cancelled.
    pub fail_captures: AtomicU32,
    /// Charges the processor never gets (a timeout before it).
    pub charge_timeouts: AtomicU32,
    /// Charges made whose answer is lost on the way back.
    pub lost_answers: AtomicU32,
    /// Payouts made whose answer is lost on the way back.
    pub lost_payouts: AtomicU32,
    /// Payouts the processor never gets (still on their way, or lost before it).
    pub payout_timeouts: AtomicU32,
}

impl Faults {
    /// Takes one failure from `counter`, if any is left.
    fn take(counter: &AtomicU32) -> bool {
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    fn unavailable(what: &str) -> ProcessorError {
        ProcessorError::Unavailable(format!("sandbox fault: {what}"))
    }
}

/// A payment's stage in the sandbox's own table: the public statuses, and
/// `authorized` (the card's money is set aside, not yet taken), which the outside
/// sees as processing.
const AUTHORIZED: &str = "authorized";
/// `sandbox_payments.action` of a second step only the cardholder completes.
const CARDHOLDER: &str = "cardholder_approval";

pub struct Sandbox {
    /// Souq's database: the sandbox keeps its payments there.
    db: Db,
    secret: Arc<[u8]>,
    deliveries: mpsc::UnboundedSender<Delivery>,
    /// How long a `SETTLES_LATER` payment stays processing.
    settle_after: Duration,
    /// Souq's own cards: a charge of one is sent to Souq, their issuer, to authorize.
    issuer: Arc<dyn Issuer>,
    /// How long an authorized Souq card charge holds the money for its payment.
    hold_ms: i64,
    pub faults: Faults,
}

/// The card's digits, spaces and dashes left out.
fn digits(number: &str) -> String {
    number.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

fn luhn_valid(number: &str) -> bool {
    if !(12..=19).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// What the sandbox does with a card: its first status, and why it failed.
fn judge(
    number: &str,
    exp_month: u32,
    exp_year: u32,
    cvc: &str,
) -> (PaymentStatus, Option<&'static str>) {
    let today = Utc::now();
    let (year, month) = (u32::try_from(today.year()).unwrap_or(0), today.month());
    if !luhn_valid(number) {
        return (PaymentStatus::Failed, Some("incorrect_number"));
    }
    if !(1..=12).contains(&exp_month) || (exp_year, exp_month) < (year, month) {
        return (PaymentStatus::Failed, Some("expired_card"));
    }
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return (PaymentStatus::Failed, Some("incorrect_cvc"));
    }
    match number {
        SUCCEEDS => (PaymentStatus::Succeeded, None),
        DECLINED => (PaymentStatus::Failed, Some("card_declined")),
        INSUFFICIENT_FUNDS => (PaymentStatus::Failed, Some("insufficient_funds")),
        NEEDS_SECOND_STEP => (PaymentStatus::RequiresAction, None),
        SETTLES_LATER => (PaymentStatus::Processing, None),
        _ => (PaymentStatus::Failed, Some("test_card_required")),
    }
}

#[derive(Clone, sqlx::FromRow)]
struct Row {
    id: String,
    idempotency_key: String,
    status: String,
    amount_minor: i64,
    currency: String,
    card_last4: String,
    failure_code: Option<String>,
    action: Option<String>,
}

impl Row {
    fn payment(self) -> Payment {
        let status = if self.status == AUTHORIZED {
            PaymentStatus::Processing
        } else {
            PaymentStatus::parse(&self.status).unwrap_or(PaymentStatus::Failed)
        };
        Payment {
            action: (status == PaymentStatus::RequiresAction).then(|| {
                if self.action.as_deref() == Some(CARDHOLDER) {
                    ActionKind::CardholderApproval
                } else {
                    ActionKind::ThreeDSecure
                }
            }),
            status,
            id: self.id,
            amount_minor: self.amount_minor,
            currency: self.currency,
            card_last4: self.card_last4,
            failure_code: self.failure_code,
        }
    }

    fn waits_for_cardholder(&self) -> bool {
        self.status == PaymentStatus::RequiresAction.as_str()
            && self.action.as_deref() == Some(CARDHOLDER)
    }
}

const COLUMNS: &str =
    "id, idempotency_key, status, amount_minor, currency, card_last4, failure_code, action";

impl Sandbox {
    /// A sandbox over Souq's database that signs its callbacks with `secret` and hands
    /// them to `deliveries`.
    pub fn new(
        db: Db,
        secret: Arc<[u8]>,
        deliveries: mpsc::UnboundedSender<Delivery>,
        settings: &PaymentSettings,
        issuer: Arc<dyn Issuer>,
    ) -> Sandbox {
        Sandbox {
            db,
            secret,
            deliveries,
            settle_after: settings.sandbox_settle_after,
            issuer,
            hold_ms: i64::try_from(settings.reservation.as_millis()).unwrap_or(i64::MAX),
            faults: Faults::default(),
        }
    }

    /// Asks Souq, the issuer, to authorize a charge of one of its cards: the card
    /// network's part, which a real processor plays. Answers the payment's first
    /// stage, why it failed, and whether its cardholder completes a second step.
    async fn authorize(
        &self,
        charge: &Charge<'_>,
    ) -> Result<(&'static str, Option<&'static str>, Option<&'static str>), ProcessorError> {
        let decision = self
            .issuer
            .authorize(&Authorization {
                payment_key: charge.idempotency_key,
                card: charge.card,
                amount_minor: charge.amount_minor,
                currency: charge.currency,
                merchant: charge.description,
                hold_ms: self.hold_ms,
                payer: &charge.payer,
            })
            .await?;
        Ok(match decision {
            Decision::Approved => (AUTHORIZED, None, None),
            Decision::Declined(code) => (PaymentStatus::Failed.as_str(), Some(code), None),
            Decision::NeedsApproval => (
                PaymentStatus::RequiresAction.as_str(),
                None,
                Some(CARDHOLDER),
            ),
        })
    }

    async fn row_by(&self, column: &str, value: &str) -> Result<Option<Row>, ProcessorError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM sandbox_payments WHERE {column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.db.durable)
        .await?)
    }

    async fn by(&self, column: &str, value: &str) -> Result<Option<Payment>, ProcessorError> {
        Ok(self.row_by(column, value).await?.map(Row::payment))
    }

    /// Captures an authorized payment: a Souq card's hold is posted by its issuer (or,
    /// gone back already, the payment fails: nothing was taken); any other card's
    /// money is taken as it is. Only then has the payment succeeded.
    async fn capture(&self, row: Row) -> Result<Payment, ProcessorError> {
        if row.status != AUTHORIZED {
            return Ok(row.payment());
        }
        if Faults::take(&self.faults.fail_captures) {
            return Err(Faults::unavailable("the capture failed"));
        }
        let captured = self.issuer.capture(&row.idempotency_key).await?;
        let from = [AUTHORIZED];
        match captured {
            Captured::Posted | Captured::NotOurs => {
                self.change(&row.id, &from, PaymentStatus::Succeeded.as_str(), None)
                    .await
            }
            Captured::Gone => {
                self.change(
                    &row.id,
                    &from,
                    PaymentStatus::Failed.as_str(),
                    Some("card_declined"),
                )
                .await
            }
        }
    }

    /// Sends the callback for a change twice, each after a random pause: so they arrive
    /// late, twice, and (between payments, or a change and the next) out of order.
    fn announce(&self, payment: &Payment) {
        let event = Event {
            id: format!("evt_{}", random::id(12)),
            payment_id: payment.id.clone(),
            status: payment.status.as_str().to_string(),
            created_ms: now_ms(),
        };
        let Ok(body) = serde_json::to_vec(&event) else {
            return;
        };
        let signature = sign(&self.secret, &body);
        for most_ms in [300, 1_500] {
            let pause = Duration::from_millis(u64::try_from(random::below(most_ms)).unwrap_or(0));
            let (deliveries, body, signature) =
                (self.deliveries.clone(), body.clone(), signature.clone());
            tokio::spawn(async move {
                tokio::time::sleep(pause).await;
                // Nobody listening: the server is stopping; a real processor would retry.
                let _ = deliveries.send((body, signature));
            });
        }
    }

    /// Moves a payment from one stage to another, if it is still in one of the first;
    /// the change is announced once, by whoever made it.
    async fn change(
        &self,
        payment_id: &str,
        from: &[&str],
        to: &str,
        failure_code: Option<&str>,
    ) -> Result<Payment, ProcessorError> {
        let sql = format!(
            "UPDATE sandbox_payments SET status = $1, failure_code = $2, settle_at = NULL,
                 updated_at = $3
             WHERE id = $4 AND status IN ({})
             RETURNING {COLUMNS}",
            crate::base::db::placeholders(5, from.len())
        );
        let mut query = sqlx::query_as::<_, Row>(&sql)
            .bind(to)
            .bind(failure_code)
            .bind(now_ms())
            .bind(payment_id);
        for status in from {
            query = query.bind(*status);
        }
        let changed = query.fetch_optional(&self.db.durable).await?;
        match changed {
            Some(row) => {
                let payment = row.payment();
                self.announce(&payment);
                Ok(payment)
            }
            None => self
                .by("id", payment_id)
                .await?
                .ok_or(ProcessorError::NotFound),
        }
    }

    /// The shopper's answer to a card's second step, as a bank's 3-D Secure page takes
    /// it. A step only the cardholder completes (in their Souq app) is not the
    /// shopper's to answer.
    pub async fn answer_challenge(
        &self,
        payment_id: &str,
        approve: bool,
    ) -> Result<Payment, ProcessorError> {
        let row = self
            .row_by("id", payment_id)
            .await?
            .ok_or(ProcessorError::NotFound)?;
        if row.waits_for_cardholder() {
            return Err(ProcessorError::InvalidState(
                "only the card's holder can approve this payment, in their app".into(),
            ));
        }
        let waiting = [PaymentStatus::RequiresAction.as_str()];
        if row.status != waiting[0] {
            return Err(ProcessorError::InvalidState(format!(
                "the payment is {}",
                row.payment().status.as_str()
            )));
        }
        if approve {
            self.change(
                payment_id,
                &waiting,
                PaymentStatus::Succeeded.as_str(),
                None,
            )
            .await
        } else {
            self.change(
                payment_id,
                &waiting,
                PaymentStatus::Failed.as_str(),
                Some("authentication_failed"),
            )
            .await
        }
    }

    /// Settles the payments whose delay has passed; each instance's housekeeping calls
    /// it, and each payment settles once whichever instance gets there.
    pub async fn settle_due(&self) -> Result<usize, ProcessorError> {
        let due: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM sandbox_payments WHERE settle_at IS NOT NULL AND settle_at <= $1",
        )
        .bind(now_ms())
        .fetch_all(&self.db.durable)
        .await?;
        let paid = sqlx::query(
            "UPDATE sandbox_payouts SET status = 'paid' WHERE status = 'pending' AND settle_at <= $1",
        )
        .bind(now_ms())
        .execute(&self.db.durable)
        .await?
        .rows_affected();
        let mut settled = usize::try_from(paid).unwrap_or(0);
        for (id,) in due {
            let payment = self
                .change(
                    &id,
                    &[PaymentStatus::Processing.as_str()],
                    PaymentStatus::Succeeded.as_str(),
                    None,
                )
                .await?;
            settled += usize::from(payment.status == PaymentStatus::Succeeded);
        }
        Ok(settled)
    }
}

impl Sandbox {
    /// Makes the payment a charge asks for, once per idempotency key: judged by the
    /// test cards' table, or authorized by Souq for a card of its range.
    async fn make(&self, charge: &Charge<'_>) -> Result<Row, ProcessorError> {
        let number = digits(charge.card.number.expose());
        let (stage, failure_code, action) = if self.issuer.issues(&number) {
            self.authorize(charge).await?
        } else {
            let (status, code) = judge(
                &number,
                charge.card.exp_month,
                charge.card.exp_year,
                charge.card.cvc.expose(),
            );
            let stage = if status == PaymentStatus::Succeeded {
                AUTHORIZED
            } else {
                status.as_str()
            };
            (stage, code, None)
        };
        let last4: String = number
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let now = now_ms();
        let settle_at = (stage == PaymentStatus::Processing.as_str())
            .then(|| now.saturating_add(i64::try_from(self.settle_after.as_millis()).unwrap_or(0)));
        let inserted = sqlx::query(
            "INSERT INTO sandbox_payments (id, idempotency_key, amount_minor, currency, status,
                 card_last4, failure_code, settle_at, action, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(format!("pay_{}", random::id(18)))
        .bind(charge.idempotency_key)
        .bind(charge.amount_minor)
        .bind(charge.currency)
        .bind(stage)
        .bind(&last4)
        .bind(failure_code)
        .bind(settle_at)
        .bind(action)
        .bind(now)
        .execute(&self.db.durable)
        .await?;
        let row = self
            .row_by("idempotency_key", charge.idempotency_key)
            .await?
            .ok_or(ProcessorError::NotFound)?;
        // An authorized payment is announced once captured.
        if inserted.rows_affected() == 1 && row.status != AUTHORIZED {
            self.announce(&row.clone().payment());
        }
        Ok(row)
    }
}

/// What the sandbox does with a payout to an account ending in these digits.
fn judge_payout(iban: &str) -> (PayoutStatus, Option<&'static str>) {
    if iban.ends_with("0002") {
        (PayoutStatus::Failed, Some("account_closed"))
    } else if iban.ends_with("7072") {
        (PayoutStatus::Pending, None)
    } else {
        (PayoutStatus::Paid, None)
    }
}

fn payout_status(status: &str) -> PayoutStatus {
    match status {
        "paid" => PayoutStatus::Paid,
        "pending" => PayoutStatus::Pending,
        _ => PayoutStatus::Failed,
    }
}

impl Sandbox {
    /// A Souq card's refund goes back to its wallet, as its issuer books it (once per
    /// refund key; nothing for other cards).
    async fn refund_souq_card(
        &self,
        payment_id: &str,
        amount_minor: i64,
        refund_key: &str,
    ) -> Result<(), ProcessorError> {
        let key: Option<(String,)> =
            sqlx::query_as("SELECT idempotency_key FROM sandbox_payments WHERE id = $1")
                .bind(payment_id)
                .fetch_optional(&self.db.durable)
                .await?;
        if let Some((key,)) = key {
            self.issuer.refund(&key, amount_minor, refund_key).await?;
        }
        Ok(())
    }

    async fn payout_by_key(&self, key: &str) -> Result<Option<Payout>, ProcessorError> {
        let row: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, status, failure_code FROM sandbox_payouts WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.db.durable)
        .await?;
        Ok(row.map(|(id, status, failure_code)| Payout {
            id,
            status: payout_status(&status),
            failure_code,
        }))
    }
}

impl super::Processor for Sandbox {
    fn charge<'a>(&'a self, charge: Charge<'a>) -> BoxFuture<'a, Result<Payment, ProcessorError>> {
        Box::pin(async move {
            if Faults::take(&self.faults.charge_timeouts) {
                return Err(Faults::unavailable("the charge timed out"));
            }
            let row = match self
                .row_by("idempotency_key", charge.idempotency_key)
                .await?
            {
                Some(row) => row,
                None => self.make(&charge).await?,
            };
            // Authorized but not captured (a capture that failed): a retry captures it.
            let payment = self.capture(row).await?;
            if Faults::take(&self.faults.lost_answers) {
                return Err(Faults::unavailable("the charge's answer was lost"));
            }
            Ok(payment)
        })
    }

    fn issuer_authenticated<'a>(
        &'a self,
        idempotency_key: &'a str,
        approved: bool,
    ) -> BoxFuture<'a, Result<Payment, ProcessorError>> {
        Box::pin(async move {
            let row = self
                .row_by("idempotency_key", idempotency_key)
                .await?
                .ok_or(ProcessorError::NotFound)?;
            if row.waits_for_cardholder() {
                let waiting = [PaymentStatus::RequiresAction.as_str()];
                if !approved {
                    return self
                        .change(
                            &row.id,
                            &waiting,
                            PaymentStatus::Failed.as_str(),
                            Some("card_declined"),
                        )
                        .await;
                }
                self.change(&row.id, &waiting, AUTHORIZED, None).await?;
                let row = self
                    .row_by("id", &row.id)
                    .await?
                    .ok_or(ProcessorError::NotFound)?;
                return self.capture(row).await;
            }
            if approved {
                return self.capture(row).await;
            }
            Ok(row.payment())
        })
    }

    fn retrieve<'a>(
        &'a self,
        payment_id: &'a str,
    ) -> BoxFuture<'a, Result<Payment, ProcessorError>> {
        Box::pin(async move {
            self.by("id", payment_id)
                .await?
                .ok_or(ProcessorError::NotFound)
        })
    }

    fn find<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<Payment>, ProcessorError>> {
        Box::pin(async move { self.by("idempotency_key", idempotency_key).await })
    }

    fn cancel<'a>(&'a self, payment_id: &'a str) -> BoxFuture<'a, Result<Payment, ProcessorError>> {
        Box::pin(async move {
            let payment = self
                .change(
                    payment_id,
                    &[
                        PaymentStatus::RequiresAction.as_str(),
                        PaymentStatus::Processing.as_str(),
                        AUTHORIZED,
                    ],
                    PaymentStatus::Cancelled.as_str(),
                    None,
                )
                .await?;
            if payment.status == PaymentStatus::Cancelled
                && let Some(row) = self.row_by("id", payment_id).await?
            {
                // A Souq card's hold (or its holder's pending approval) goes back.
                self.issuer.release(&row.idempotency_key).await?;
            }
            Ok(payment)
        })
    }

    fn refund<'a>(
        &'a self,
        payment_id: &'a str,
        amount_minor: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<(), ProcessorError>> {
        Box::pin(async move {
            let mut tx = self.db.begin_durable().await?;
            let done: Option<(String,)> =
                sqlx::query_as("SELECT payment_id FROM sandbox_refunds WHERE idempotency_key = $1")
                    .bind(idempotency_key)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                tx.rollback().await?;
                return self
                    .refund_souq_card(payment_id, amount_minor, idempotency_key)
                    .await;
            }
            let refunded = sqlx::query(
                "UPDATE sandbox_payments SET refunded_minor = refunded_minor + $1, updated_at = $2
                 WHERE id = $3 AND status = 'succeeded' AND refunded_minor + $1 <= amount_minor",
            )
            .bind(amount_minor)
            .bind(now_ms())
            .bind(payment_id)
            .execute(&mut *tx)
            .await?;
            if refunded.rows_affected() != 1 {
                return Err(ProcessorError::InvalidState(
                    "only a succeeded payment is refunded, up to its amount".into(),
                ));
            }
            sqlx::query(
                "INSERT INTO sandbox_refunds (idempotency_key, payment_id, amount_minor, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(idempotency_key)
            .bind(payment_id)
            .bind(amount_minor)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            self.refund_souq_card(payment_id, amount_minor, idempotency_key)
                .await
        })
    }

    fn payout<'a>(
        &'a self,
        payout: PayoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Payout, ProcessorError>> {
        Box::pin(async move {
            if Faults::take(&self.faults.payout_timeouts) {
                return Err(Faults::unavailable("the payout timed out"));
            }
            let iban = payout.iban.expose();
            let (status, failure_code) = judge_payout(iban);
            let now = now_ms();
            let status_text = match status {
                PayoutStatus::Paid => "paid",
                PayoutStatus::Pending => "pending",
                PayoutStatus::Failed => "failed",
            };
            sqlx::query(
                "INSERT INTO sandbox_payouts (id, idempotency_key, amount_minor, currency,
                     bank_last4, status, failure_code, settle_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(format!("po_{}", random::id(18)))
            .bind(payout.idempotency_key)
            .bind(payout.amount_minor)
            .bind(payout.currency)
            .bind(iban.get(iban.len().saturating_sub(4)..).unwrap_or_default())
            .bind(status_text)
            .bind(failure_code)
            .bind(now.saturating_add(i64::try_from(self.settle_after.as_millis()).unwrap_or(0)))
            .bind(now)
            .execute(&self.db.durable)
            .await?;
            let made = self
                .payout_by_key(payout.idempotency_key)
                .await?
                .ok_or(ProcessorError::NotFound)?;
            if Faults::take(&self.faults.lost_payouts) {
                return Err(Faults::unavailable("the payout's answer was lost"));
            }
            Ok(made)
        })
    }

    fn find_payout<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<Payout>, ProcessorError>> {
        Box::pin(async move { self.payout_by_key(idempotency_key).await })
    }

    fn cancel_payout<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Payout, ProcessorError>> {
        Box::pin(async move {
            let now = now_ms();
            // Never received: the key is taken by a failed payout, which a late request
            // with it then finds instead of paying.
            sqlx::query(
                "INSERT INTO sandbox_payouts (id, idempotency_key, amount_minor, currency,
                     bank_last4, status, failure_code, settle_at, created_at)
                 VALUES ($1, $2, 0, '', '', 'failed', 'cancelled', $3, $3)
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(format!("po_{}", random::id(18)))
            .bind(idempotency_key)
            .bind(now)
            .execute(&self.db.durable)
            .await?;
            sqlx::query(
                "UPDATE sandbox_payouts SET status = 'failed', failure_code = 'cancelled'
                 WHERE idempotency_key = $1 AND status = 'pending'",
            )
            .bind(idempotency_key)
            .execute(&self.db.durable)
            .await?;
            self.payout_by_key(idempotency_key)
                .await?
                .ok_or(ProcessorError::NotFound)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_cards_do_what_their_table_says() {
        let future = 2099;
        assert_eq!(
            judge(SUCCEEDS, 12, future, "123").0,
            PaymentStatus::Succeeded
        );
        assert_eq!(
            judge(DECLINED, 12, future, "123"),
            (PaymentStatus::Failed, Some("card_declined"))
        );
        assert_eq!(
            judge(INSUFFICIENT_FUNDS, 12, future, "123"),
            (PaymentStatus::Failed, Some("insufficient_funds"))
        );
        assert_eq!(
            judge(NEEDS_SECOND_STEP, 12, future, "123").0,
            PaymentStatus::RequiresAction
        );
        assert_eq!(
            judge(SETTLES_LATER, 12, future, "123").0,
            PaymentStatus::Processing
        );
        assert_eq!(
            judge("4242424242424241", 12, future, "123").1,
            Some("incorrect_number")
        );
        assert_eq!(judge(SUCCEEDS, 1, 2001, "123").1, Some("expired_card"));
        assert_eq!(judge(SUCCEEDS, 12, future, "12").1, Some("incorrect_cvc"));
        assert_eq!(
            judge("5555555555554444", 12, future, "123").1,
            Some("test_card_required"),
            "a real-looking card is not charged"
        );
    }

    #[test]
    fn card_numbers_are_read_with_spaces_and_dashes() {
        assert_eq!(digits("4242 4242-4242 4242"), SUCCEEDS);
    }
}
