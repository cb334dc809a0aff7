//! The wallet on the wire, beyond topping it up: what it holds (main and savings), its
//! activity and monthly spending, money between people (sends and requests), savings,
//! withdrawals to a bank, donations to nonprofits, the virtual debit card, and the PIN
//! vault that guards them. Requests that move money carry the `Idempotency-Key` header
//! (see `checkout`); accepting a request is idempotent by the request itself.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::feed::Author;
use crate::money::Money;
use crate::secret::{self, Secret};

/// The most a note on money between people (or a donation) may say.
pub const MAX_NOTE_CHARS: usize = 140;
/// A PIN is this many digits.
pub const PIN_DIGITS: usize = 6;
/// Wrong PINs in a row before the vault locks.
pub const PIN_TRIES: i64 = 5;
/// How long the vault stays locked after each round of wrong PINs, one round after
/// another: 15 minutes, an hour, a day; after the last round it stays locked until the
/// account's password is given again.
pub const PIN_LOCK_MINUTES: [i64; 3] = [15, 60, 24 * 60];
/// Setting the first PIN, changing it and turning biometrics on need the password,
/// unless the session signed in with it within these minutes.
pub const RECENT_SIGN_IN_MINUTES: i64 = 10;
/// Wrong security codes (or expiry dates) in a row before a Souq card locks.
pub const CARD_CODE_TRIES: i64 = 3;
/// How long the holder has to approve a payment another account asked of their card.
pub const CARD_APPROVAL_MINUTES: i64 = 5;
/// How long a correct PIN unlocks the vault for (the PIN is asked once for a few
/// minutes of sends, as banks' apps do, not hashed on every one).
pub const UNLOCK_MINUTES: i64 = 5;
/// The most one activity page holds.
pub const MAX_ACTIVITY_PAGE: i64 = 50;
/// The most months one spending report covers.
pub const MAX_SPENDING_MONTHS: u32 = 12;

/// Where the PIN vault stands for the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultState {
    /// Whether a PIN was set (the first send, reveal or large payment asks for one).
    pub pin_set: bool,
    /// Until when this session may send, reveal and pay without typing the PIN again.
    pub unlocked_until: Option<DateTime<Utc>>,
    /// Until when no PIN is taken, after five wrong ones.
    pub locked_until: Option<DateTime<Utc>>,
    /// Locked after round upon round of wrong PINs: only the account's password opens
    /// it again (by choosing a new PIN with it).
    #[serde(default)]
    pub needs_password: bool,
    /// Wrong PINs still allowed before the lock.
    pub tries_left: i64,
    /// Whether this session holds a device key (`DeviceKey`): the device's biometrics
    /// may unlock instead of the PIN.
    #[serde(default)]
    pub device_key: bool,
}

/// Whether this device's biometrics may unlock the vault instead of the PIN
/// (`available`: the device has them; `enabled`: the person turned it on for this
/// session). Told by the app, not the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BiometricState {
    pub available: bool,
    pub enabled: bool,
}

/// A key made by the server for one session on a phone, which the app keeps behind the
/// device's biometrics and gives back to unlock the vault instead of the PIN. Shown
/// once; the server keeps only its hash. A wrong one counts as a wrong PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceKey {
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 16, max_length = 128))]
    pub key: Secret<String>,
}

/// Sets the PIN: the first time with no current PIN; later the current one is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetPin {
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 6, max_length = 6))]
    pub pin: Secret<String>,
    #[serde(
        default,
        serialize_with = "secret::serialize_exposed_opt",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub current_pin: Option<Secret<String>>,
    /// The account's password: needed unless this session signed in within the last
    /// `RECENT_SIGN_IN_MINUTES`. With it, a PIN may be changed without the current one
    /// (a forgotten PIN, or one locked until the password is given).
    #[serde(
        default,
        serialize_with = "secret::serialize_exposed_opt",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 128))]
    pub password: Option<Secret<String>>,
}

/// Confirms who is asking by the account's password, where an action asks for it
/// (turning biometrics on) and the session did not sign in within the last minutes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reauthenticate {
    #[serde(
        default,
        serialize_with = "secret::serialize_exposed_opt",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 128))]
    pub password: Option<Secret<String>>,
}

/// Unlocks the vault for this session with the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnlockVault {
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 6, max_length = 6))]
    pub pin: Secret<String>,
}

/// What a person may send in one currency: per transfer, per rolling day, and how much
/// of the day's allowance is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendLimit {
    pub currency: String,
    pub per_transfer_minor: i64,
    pub daily_minor: i64,
    pub sent_today_minor: i64,
}

/// The wallet screen's top: main balances, savings, the savings rate, send limits and
/// the vault, and how many requests wait for an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalletHome {
    /// What can be spent, per currency (holds set aside excluded).
    pub balances: Vec<Money>,
    /// Held aside by holds still pending (a card purchase not settled yet).
    pub pending: Vec<Money>,
    pub savings: Vec<Money>,
    /// The savings' annual rate, in hundredths of a per cent (450 is 4.5%).
    pub savings_rate_basis_points: i64,
    pub limits: Vec<SendLimit>,
    pub vault: VaultState,
    /// Requests from others still waiting for this person's answer.
    pub requests_waiting: i64,
}

/// What an entry of the activity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    TopUp,
    /// Paid for an order.
    Purchase,
    Refund,
    Sent,
    Received,
    /// From main into savings.
    ToSavings,
    /// From savings back to main.
    FromSavings,
    Interest,
    Donation,
    Withdrawal,
    /// Paid with the virtual debit card (held until the order is paid).
    Card,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 11] = [
        ActivityKind::TopUp,
        ActivityKind::Purchase,
        ActivityKind::Refund,
        ActivityKind::Sent,
        ActivityKind::Received,
        ActivityKind::ToSavings,
        ActivityKind::FromSavings,
        ActivityKind::Interest,
        ActivityKind::Donation,
        ActivityKind::Withdrawal,
        ActivityKind::Card,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::TopUp => "top_up",
            ActivityKind::Purchase => "purchase",
            ActivityKind::Refund => "refund",
            ActivityKind::Sent => "sent",
            ActivityKind::Received => "received",
            ActivityKind::ToSavings => "to_savings",
            ActivityKind::FromSavings => "from_savings",
            ActivityKind::Interest => "interest",
            ActivityKind::Donation => "donation",
            ActivityKind::Withdrawal => "withdrawal",
            ActivityKind::Card => "card",
        }
    }

    pub fn parse(s: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who or what is on the other side of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Counterpart {
    /// A person or a store, as posts show them.
    Party { author: Author },
    /// A card or a bank outside Souq, by its last four digits when known.
    Outside { last4: Option<String> },
    /// Souq itself (interest, a returned fee).
    Souq,
    /// The person's own savings.
    Savings,
}

/// One entry of the activity: a transfer into or out of the person's main wallet or
/// savings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityEntry {
    /// The ledger transfer's id.
    pub id: String,
    pub kind: ActivityKind,
    /// Positive when money came in, negative when it went out.
    pub amount: Money,
    pub counterpart: Counterpart,
    pub note: Option<String>,
    /// The order it paid for or refunded.
    pub order_id: Option<i64>,
    /// A hold not settled yet.
    pub pending: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    pub next_cursor: Option<String>,
}

/// What the activity list asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ActivityQuery {
    /// Only entries of this kind (`sent`, `purchase`, ...).
    #[serde(default)]
    pub kind: Option<String>,
    /// Only entries whose counterpart's name or handle holds this text.
    #[serde(default)]
    pub q: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub before: Option<String>,
    /// 1 to 50; 20 when none.
    #[serde(default)]
    pub limit: Option<i64>,
}

/// Where spending went, for the monthly chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpendingCategory {
    /// Orders, by the product category of their largest line.
    Shopping,
    /// Money sent to people.
    People,
    Donations,
    Withdrawals,
}

/// One category's total in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpendingSlice {
    pub category: SpendingCategory,
    /// For shopping: the product category ("coffee", "perfume"); empty otherwise.
    pub detail: String,
    pub amount_minor: i64,
}

/// One month of spending, in the person's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpendingMonth {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    pub slices: Vec<SpendingSlice>,
}

/// Monthly spending in one currency, oldest month first, the current month last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpendingReport {
    pub currency: String,
    pub time_zone: String,
    pub months: Vec<SpendingMonth>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SpendingQuery {
    /// ISO 4217; the wallet's first currency when none.
    #[serde(default)]
    pub currency: Option<String>,
    /// An IANA zone such as "Asia/Riyadh"; UTC when none.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// 1 to 12; 6 when none.
    #[serde(default)]
    pub months: Option<u32>,
}

/// Sends money to a person by handle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendMoney {
    /// The recipient's @handle, with or without '@'.
    pub to: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub amount_minor: i64,
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 3))]
    pub currency: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 140))]
    pub note: String,
}

/// Money that went from one person to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoneySent {
    /// The ledger transfer's id.
    pub transfer_id: String,
    pub from: Author,
    pub to: Author,
    pub amount: Money,
    pub note: String,
    /// The request it paid, if it answered one.
    pub request_id: Option<i64>,
    /// True when this answers a retry of a send already made.
    pub replayed: bool,
    pub created_at: DateTime<Utc>,
}

/// Asks a person for money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestMoney {
    /// Who is asked to pay: an @handle.
    pub from: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub amount_minor: i64,
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 3))]
    pub currency: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 140))]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Open,
    Paid,
    Declined,
    Cancelled,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Paid => "paid",
            RequestStatus::Declined => "declined",
            RequestStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<RequestStatus> {
        match s {
            "open" => Some(RequestStatus::Open),
            "paid" => Some(RequestStatus::Paid),
            "declined" => Some(RequestStatus::Declined),
            "cancelled" => Some(RequestStatus::Cancelled),
            _ => None,
        }
    }
}

/// A request for money, as both sides see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoneyRequest {
    pub id: i64,
    /// Who asks for the money (and receives it).
    pub requester: Author,
    /// Who is asked to pay.
    pub payer: Author,
    pub amount: Money,
    pub note: String,
    pub status: RequestStatus,
    /// The transfer that paid it.
    pub transfer_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The person's requests: those waiting for their answer, and those they made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoneyRequests {
    pub incoming: Vec<MoneyRequest>,
    pub outgoing: Vec<MoneyRequest>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SavingsDirection {
    /// From main into savings.
    In,
    /// From savings back to main.
    Out,
}

/// Moves money between main and savings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveSavings {
    pub direction: SavingsDirection,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub amount_minor: i64,
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 3))]
    pub currency: String,
}

/// Takes money out of the wallet to a bank account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withdraw {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub amount_minor: i64,
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 3))]
    pub currency: String,
    /// The bank account's IBAN (checked by its mod-97 digits); only its last four are
    /// kept.
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 15, max_length = 42))]
    pub iban: Secret<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalStatus {
    /// Sent to the bank; the money is held until the bank says it arrived.
    Pending,
    Paid,
    /// The bank refused it; the money is back in the wallet.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withdrawal {
    pub id: i64,
    pub amount: Money,
    pub bank_last4: String,
    pub status: WithdrawalStatus,
    pub failure: Option<String>,
    pub replayed: bool,
    pub created_at: DateTime<Utc>,
}

/// Gives money to a verified nonprofit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Donate {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub amount_minor: i64,
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 3))]
    pub currency: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 140))]
    pub note: String,
}

/// Gives money to a verified nonprofit from a card: the card's payment goes into the
/// donor's wallet and straight on to the nonprofit, in one step once the card pays (its
/// second step and slow settlement as at checkout). Answered as a `Checkout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardDonation {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub amount_minor: i64,
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 3))]
    pub currency: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 140))]
    pub note: String,
    pub card: crate::checkout::CardDetails,
}

/// A donation's receipt, as the donor and the nonprofit see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Donation {
    pub id: i64,
    pub transfer_id: String,
    pub donor: Author,
    pub nonprofit: Author,
    pub amount: Money,
    pub note: String,
    pub replayed: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DonationPage {
    pub donations: Vec<Donation>,
    /// What all its donations add up to, per currency.
    pub totals: Vec<Money>,
    pub next_cursor: Option<String>,
}

/// The virtual debit card, as shown: never its full number or CVV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DebitCard {
    pub id: i64,
    /// "•••• 4242"
    pub masked: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
    pub currency: String,
    pub frozen: bool,
    /// Locked by wrong security codes or expiry dates: it pays nothing until its holder
    /// unlocks it with the PIN (as unfreezing is).
    #[serde(default)]
    pub locked: bool,
    pub per_purchase_limit_minor: i64,
    pub monthly_limit_minor: i64,
    /// Spent with it this calendar month (UTC), holds included.
    pub spent_this_month_minor: i64,
}

/// Orders a card in a currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueCard {
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 3))]
    pub currency: String,
}

/// Freezes or unfreezes the card and sets its limits. Unfreezing (which also unlocks a
/// card locked by wrong codes) and raising a limit need the vault unlocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardSettings {
    pub frozen: bool,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub per_purchase_limit_minor: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub monthly_limit_minor: i64,
}

/// The card's number, expiry and CVV, revealed after the PIN. Sent on purpose: its
/// secrets name `serialize_exposed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedCard {
    pub id: i64,
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub number: Secret<String>,
    pub exp_month: u32,
    pub exp_year: u32,
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub cvv: Secret<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CardTransactionStatus {
    /// Held in the wallet until the order is paid.
    Held,
    Posted,
    /// Given back: the order was not paid.
    Voided,
    /// Refused: frozen, over a limit, or not enough money.
    Declined,
    /// Another account asked to pay with the card: it waits for the holder to approve
    /// (with the PIN or biometrics) or decline it in the app.
    AwaitingApproval,
}

impl CardTransactionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CardTransactionStatus::Held => "held",
            CardTransactionStatus::Posted => "posted",
            CardTransactionStatus::Voided => "voided",
            CardTransactionStatus::Declined => "declined",
            CardTransactionStatus::AwaitingApproval => "awaiting_approval",
        }
    }

    pub fn parse(s: &str) -> Option<CardTransactionStatus> {
        match s {
            "held" => Some(CardTransactionStatus::Held),
            "posted" => Some(CardTransactionStatus::Posted),
            "voided" => Some(CardTransactionStatus::Voided),
            "declined" => Some(CardTransactionStatus::Declined),
            "awaiting_approval" => Some(CardTransactionStatus::AwaitingApproval),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardTransaction {
    pub id: i64,
    pub merchant: String,
    pub amount: Money,
    pub status: CardTransactionStatus,
    /// Why it was declined.
    pub reason: Option<String>,
    /// The @handle of another Souq account that tried to pay with the card; none when
    /// its holder paid (or a payment came from outside Souq).
    #[serde(default)]
    pub payer: Option<String>,
    /// Until when an approval waits for the holder's answer.
    #[serde(default)]
    pub approval_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_kinds_read_back_what_they_write() {
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ActivityKind::parse("bogus"), None);
    }

    #[test]
    fn a_pin_is_never_printed_but_is_sent_where_named() {
        let unlock = UnlockVault {
            pin: Secret::new("482913".into()),
        };
        assert!(!format!("{unlock:?}").contains("482913"));
        assert_eq!(
            serde_json::to_string(&unlock).unwrap_or_default(),
            r#"{"pin":"482913"}"#
        );
    }
}
