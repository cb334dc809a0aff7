//! Card payments: the interface a payment processor plugs into (`Processor`), the signed
//! callbacks it sends when a payment's state changes (`Event`), and the sandbox, the one
//! processor Souq ships (`sandbox.rs`), which behaves like a real one with test cards and
//! moves no real money.
//!
//! A processor is outside Souq's database: nothing it says is taken on trust from a
//! callback's body. A callback only says "look at this payment again"; Souq then asks the
//! processor for the payment's state and applies that, so callbacks that arrive twice,
//! late or out of order all end in the same place.

pub mod issuer;
pub mod sandbox;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use souq_wire::{CardDetails, Secret};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How Souq takes money: its cut, how long stock waits for a card's second step, and
/// the sandbox's pace. Every instance sharing a database must agree on them.
#[derive(Debug, Clone)]
pub struct PaymentSettings {
    /// The platform's fee on each order (items and shipping), in hundredths of a per
    /// cent: 500 is 5%.
    pub fee_basis_points: i64,
    /// How long stock stays reserved for a payment that is not finished (a card's
    /// second step, a slow settlement) before it goes back on sale.
    pub reservation: Duration,
    /// The same for a drop's stock: a few minutes, as a drop sells out in minutes and a
    /// shopper may hold only one such payment per drop at once.
    pub drop_reservation: Duration,
    /// How long the sandbox's slow test card stays processing.
    pub sandbox_settle_after: Duration,
    /// The secret processor callbacks are signed with; made at start when not given
    /// (then only this instance's own sandbox can call back). A `Secret`, so printing
    /// the settings (or the server's `Config`) never shows it.
    pub callback_secret: Option<Secret<String>>,
}

impl Default for PaymentSettings {
    fn default() -> Self {
        PaymentSettings {
            fee_basis_points: 500,
            reservation: Duration::from_secs(10 * 60),
            drop_reservation: Duration::from_secs(3 * 60),
            sandbox_settle_after: Duration::from_secs(5),
            callback_secret: None,
        }
    }
}

/// Parses a fee (or a rate) given in per cent ("5", "2.5", "0.25") into basis points, exactly.
pub fn fee_basis_points(percent: &str) -> Result<i64, String> {
    let bad = || format!("a per cent from 0 to 50 with at most two decimals: {percent:?}");
    let (whole, fraction) = percent
        .trim()
        .split_once('.')
        .unwrap_or((percent.trim(), ""));
    if whole.is_empty() || fraction.len() > 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
    let points = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(bad)?;
    if (0..=5_000).contains(&points) {
        Ok(points)
    } else {
        Err(bad())
    }
}

/// Who pays, as a processor passes it on to the card's issuer with the charge (the
/// cardholder account and device data of 3-D Secure): the Souq account and the
/// address it asked from. An issuer judges a charge by it: its velocity limits, and
/// whether the card pays for its own holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payer {
    pub account_id: i64,
    pub address: std::net::IpAddr,
}

/// The processor in use and what goes with it, in the server's state.
pub struct Payments {
    pub processor: Arc<dyn Processor>,
    /// The sandbox's callbacks on their way, taken by the server when it starts.
    pub callbacks:
        std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<sandbox::Delivery>>>,
    /// The sandbox itself when it is the processor, for its test-only page (a card's
    /// second step) and its settling clock.
    pub sandbox: Option<Arc<sandbox::Sandbox>>,
    pub callback_secret: Arc<[u8]>,
    pub settings: PaymentSettings,
}

impl std::fmt::Debug for Payments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payments")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Payments {
    /// The sandbox as the processor, over Souq's database; its callbacks wait in
    /// `callbacks` for the server to feed them to `checkout::on_callback`. Charges of
    /// Souq's own cards go to `issuer`, as a card network routes them.
    pub fn sandbox(
        db: &crate::base::db::Db,
        settings: &PaymentSettings,
        issuer: Arc<dyn issuer::Issuer>,
    ) -> Payments {
        let secret: Arc<[u8]> = match &settings.callback_secret {
            Some(secret) => Arc::from(secret.expose().as_bytes()),
            None => Arc::from(crate::base::random::id(32).as_bytes()),
        };
        let settings = settings.clone();
        let (deliveries, received) = tokio::sync::mpsc::unbounded_channel();
        let sandbox = Arc::new(sandbox::Sandbox::new(
            db.clone(),
            secret.clone(),
            deliveries,
            &settings,
            issuer,
        ));
        let processor: Arc<dyn Processor> = sandbox.clone();
        Payments {
            processor,
            callbacks: std::sync::Mutex::new(Some(received)),
            sandbox: Some(sandbox),
            callback_secret: secret,
            settings,
        }
    }
}

/// The usual shape of a card payment's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The card asks for a second step (3-D Secure) that the shopper completes.
    RequiresAction,
    /// Accepted, settling; the outcome comes later by callback.
    Processing,
    Succeeded,
    Failed,
    Cancelled,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::RequiresAction => "requires_action",
            PaymentStatus::Processing => "processing",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentStatus> {
        [
            PaymentStatus::RequiresAction,
            PaymentStatus::Processing,
            PaymentStatus::Succeeded,
            PaymentStatus::Failed,
            PaymentStatus::Cancelled,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
    }
}

/// A payment as the processor reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: String,
    pub status: PaymentStatus,
    pub amount_minor: i64,
    pub currency: String,
    pub card_last4: String,
    /// Why it failed: `card_declined`, `insufficient_funds`, `authentication_failed`,
    /// `expired_card`, `incorrect_number`, `test_card_required`.
    pub failure_code: Option<String>,
    /// Who completes a second step the payment requires.
    pub action: Option<souq_wire::ActionKind>,
}

/// What Souq asks a processor to charge. The idempotency key is Souq's own, per
/// checkout: asked twice with it, a processor answers the same payment.
pub struct Charge<'a> {
    pub idempotency_key: &'a str,
    /// What the card's statement says: the stores paid, or a top-up.
    pub description: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub card: &'a CardDetails,
    pub payer: Payer,
}

/// What Souq asks a processor to send to a bank account, once per idempotency key.
pub struct PayoutRequest<'a> {
    pub idempotency_key: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    /// The account's IBAN, checked; the processor needs it whole.
    pub iban: &'a Secret<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutStatus {
    /// On its way to the bank.
    Pending,
    Paid,
    /// The bank refused it; nothing left.
    Failed,
}

/// A payout as the processor reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    pub id: String,
    pub status: PayoutStatus,
    /// Why it failed: `account_closed`, `no_account`.
    pub failure_code: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProcessorError {
    #[error("no such payment")]
    NotFound,
    #[error("the payment cannot do that now: {0}")]
    InvalidState(String),
    /// The processor could not be reached or failed; the call may be made again.
    #[error("the payment processor is unavailable: {0}")]
    Unavailable(String),
}

impl From<sqlx::Error> for ProcessorError {
    fn from(e: sqlx::Error) -> Self {
        ProcessorError::Unavailable(e.to_string())
    }
}

impl From<ProcessorError> for crate::base::error::ApiError {
    fn from(e: ProcessorError) -> Self {
        match e {
            ProcessorError::NotFound => crate::base::error::ApiError::not_found("payment"),
            ProcessorError::InvalidState(why) => crate::base::error::ApiError::Conflict(why),
            ProcessorError::Unavailable(detail) => crate::base::error::ApiError::Unavailable {
                detail,
                retry_after_secs: 2,
            },
        }
    }
}

/// The interface a payment processor plugs into. Every call is safe to repeat.
pub trait Processor: Send + Sync {
    /// Charges a card, once per idempotency key.
    fn charge<'a>(&'a self, charge: Charge<'a>) -> BoxFuture<'a, Result<Payment, ProcessorError>>;
    fn retrieve<'a>(
        &'a self,
        payment_id: &'a str,
    ) -> BoxFuture<'a, Result<Payment, ProcessorError>>;
    /// The payment made with this idempotency key, if the processor ever got the charge
    /// (a server that stopped before it heard the answer asks this).
    fn find<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<Payment>, ProcessorError>>;
    /// The card's issuer tells of a second step it ran itself (3-D Secure's decoupled
    /// authentication: the cardholder approved or declined in their own app).
    /// Answers the payment as it then is; one no longer waiting for it stays as it was.
    fn issuer_authenticated<'a>(
        &'a self,
        idempotency_key: &'a str,
        approved: bool,
    ) -> BoxFuture<'a, Result<Payment, ProcessorError>>;
    /// Cancels a payment not yet succeeded; answers the payment as it then is (a
    /// payment that succeeded meanwhile stays succeeded).
    fn cancel<'a>(&'a self, payment_id: &'a str) -> BoxFuture<'a, Result<Payment, ProcessorError>>;
    /// Gives back part or all of a succeeded payment, once per idempotency key.
    fn refund<'a>(
        &'a self,
        payment_id: &'a str,
        amount_minor: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<(), ProcessorError>>;
    /// Sends money to a bank account, once per idempotency key: asked again, it answers
    /// the same payout as it now stands.
    fn payout<'a>(
        &'a self,
        payout: PayoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Payout, ProcessorError>>;
    /// The payout made with this idempotency key, if the processor ever got it.
    fn find_payout<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<Payout>, ProcessorError>>;
    /// Stops the payout of this idempotency key unless it was paid: one still pending
    /// fails, and one never received is refused from now on (a late request with the
    /// key finds it failed). Answers the payout as it then stands (a paid one stays
    /// paid): only a failed one may be given back.
    fn cancel_payout<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Payout, ProcessorError>>;
}

/// A processor's callback: "this payment changed". Its status is a hint for logs only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    pub id: String,
    pub payment_id: String,
    /// The status the processor saw when it sent this.
    pub status: String,
    pub created_ms: i64,
}

/// The header a callback's signature travels in: hex HMAC-SHA256 of the body.
pub const SIGNATURE_HEADER: &str = "Souq-Signature";

/// Signs a callback's body with the secret Souq and its processor share.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    match <Hmac<Sha256> as Mac>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            hex(&mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length: this does not happen.
        Err(_) => String::new(),
    }
}

/// Whether `signature` is the body's, compared in constant time.
pub fn verify(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    match unhex(signature.trim()) {
        Some(bytes) => mac.verify_slice(&bytes).is_ok(),
        None => false,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_settings_never_show_the_callback_secret() {
        let settings = PaymentSettings {
            callback_secret: Some(Secret::new("s3cret-for-callbacks".into())),
            ..PaymentSettings::default()
        };
        let printed = format!("{settings:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("<redacted>"), "{printed}");
    }

    #[test]
    fn fees_are_read_in_per_cent_exactly() {
        assert_eq!(fee_basis_points("5"), Ok(500));
        assert_eq!(fee_basis_points("2.5"), Ok(250));
        assert_eq!(fee_basis_points("0.25"), Ok(25));
        assert_eq!(fee_basis_points("0"), Ok(0));
        for bad in ["", "-1", "51", "2.555", "1e2", "five"] {
            assert!(fee_basis_points(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_callback_verifies_only_with_its_secret_and_its_body() {
        let body = br#"{"id":"evt_1"}"#;
        let signature = sign(b"shared", body);
        assert!(verify(b"shared", body, &signature));
        assert!(!verify(b"other", body, &signature));
        assert!(!verify(b"shared", br#"{"id":"evt_2"}"#, &signature));
        assert!(!verify(b"shared", body, "not hex"));
    }
}
