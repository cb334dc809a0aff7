//! The card issuer's side of a charge, as a processor reaches it over the card network:
//! authorize (hold the money, decline, or ask the holder first), then capture, release
//! or refund. Souq issues its own debit cards; the wallet implements this for them and
//! the processor is handed it at start-up, so payments never names the wallet.

use souq_wire::CardDetails;

use super::{BoxFuture, Payer, ProcessorError};

/// A charge the processor asks the issuer to authorize.
pub struct Authorization<'a> {
    /// The processor's key for the charge: the same key is the same authorization.
    pub payment_key: &'a str,
    pub card: &'a CardDetails,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub merchant: &'a str,
    /// How long the hold waits for the payment to succeed before it goes back.
    pub hold_ms: i64,
    /// Who pays and from where, as the processor passes it on.
    pub payer: &'a Payer,
}

/// The issuer's answer to an authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The money is held for the payment.
    Approved,
    /// Refused, with the code the payer may hear.
    Declined(&'static str),
    /// Another account pays with the card: its holder is asked in their app.
    NeedsApproval,
}

/// What a capture found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Captured {
    /// The card's money is taken: its hold is posted (now or before).
    Posted,
    /// The hold had already gone back (it ran out, or the payment was cancelled):
    /// nothing was taken, and the payment must not succeed.
    Gone,
    /// Not this issuer's card's payment: there is nothing to capture.
    NotOurs,
}

/// A card issuer, as the processor calls it. Each call is safe to repeat: the same
/// payment key is the same authorization, capture or release, and the same refund key
/// the same refund.
pub trait Issuer: Send + Sync {
    /// Whether a card number (digits only) is in this issuer's range.
    fn issues(&self, number: &str) -> bool;

    fn authorize<'a>(
        &'a self,
        authorization: &'a Authorization<'_>,
    ) -> BoxFuture<'a, Result<Decision, ProcessorError>>;

    /// The processor captured the payment: its hold is posted, once.
    fn capture<'a>(
        &'a self,
        payment_key: &'a str,
    ) -> BoxFuture<'a, Result<Captured, ProcessorError>>;

    /// The payment did not succeed: its hold goes back, or its approval is withdrawn.
    fn release<'a>(&'a self, payment_key: &'a str) -> BoxFuture<'a, Result<(), ProcessorError>>;

    /// Gives `amount_minor` of a captured payment back to the card's account.
    fn refund<'a>(
        &'a self,
        payment_key: &'a str,
        amount_minor: i64,
        refund_key: &'a str,
    ) -> BoxFuture<'a, Result<(), ProcessorError>>;
}
