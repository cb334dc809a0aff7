//! The wallet beyond top-ups: its home, activity and spending, money between people,
//! savings, withdrawals, donations, the debit card, and the PIN vault. Calls that move
//! money go out under their attempt's idempotency key (`money.rs`); the PIN and the
//! card's secrets travel as `Secret`s, never printed.

use reqwest::Method;
use serde::Serialize;
use souq_wire::checkout::CardPrint;
use souq_wire::{
    ActivityEntry, ActivityPage, ActivityQuery, CardDonation, CardSettings, CardTransaction,
    ChallengeAnswer, Checkout, DebitCard, DeviceKey, Donate, Donation, DonationPage, IssueCard,
    MoneyRequest, MoneyRequests, MoneySent, MoveSavings, Reauthenticate, RequestMoney,
    RevealedCard, Secret, SendMoney, SetPin, SpendingQuery, SpendingReport, UnlockVault,
    VaultState, WalletHome, Withdraw, Withdrawal,
};

use super::SouqClient;
use crate::api::NO_QUERY;
use crate::error::AppError;

/// What names a send on the device: a retry of the same send reuses its key.
#[derive(Serialize)]
struct SendAttempt<'a> {
    purpose: &'static str,
    to: &'a str,
    amount_minor: i64,
    currency: &'a str,
    note: &'a str,
}

/// A gift by card, named on the device as a send is, and by the card's print.
#[derive(Serialize)]
struct CardGiftAttempt<'a> {
    purpose: &'static str,
    to: &'a str,
    amount_minor: i64,
    currency: &'a str,
    note: &'a str,
    card: CardPrint,
}

#[derive(Serialize)]
struct MoneyAttempt<'a> {
    purpose: &'static str,
    what: &'a str,
    amount_minor: i64,
    currency: &'a str,
}

impl SouqClient {
    pub async fn wallet_home(&self) -> Result<WalletHome, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "wallet", "home"], NO_QUERY, Some(&token))
            .await
    }

    pub async fn wallet_activity(&self, query: &ActivityQuery) -> Result<ActivityPage, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "wallet", "activity"], query, Some(&token))
            .await
    }

    pub async fn wallet_entry(&self, id: &str) -> Result<ActivityEntry, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "wallet", "activity", id], NO_QUERY, Some(&token))
            .await
    }

    pub async fn spending(&self, query: &SpendingQuery) -> Result<SpendingReport, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "wallet", "spending"], query, Some(&token))
            .await
    }

    pub async fn send_money(&self, request: &SendMoney) -> Result<MoneySent, AppError> {
        let what = SendAttempt {
            purpose: "send",
            to: &request.to,
            amount_minor: request.amount_minor,
            currency: &request.currency,
            note: &request.note,
        };
        self.attempt(&what, &["v1", "wallet", "sends"], request)
            .await
    }

    pub async fn request_money(&self, request: &RequestMoney) -> Result<MoneyRequest, AppError> {
        let what = SendAttempt {
            purpose: "request",
            to: &request.from,
            amount_minor: request.amount_minor,
            currency: &request.currency,
            note: &request.note,
        };
        self.attempt(&what, &["v1", "wallet", "requests"], request)
            .await
    }

    pub async fn money_requests(&self) -> Result<MoneyRequests, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "wallet", "requests"], NO_QUERY, Some(&token))
            .await
    }

    /// Accepts (pays), declines or cancels a request: `answer` is which.
    pub async fn answer_request(&self, id: i64, answer: &str) -> Result<MoneyRequest, AppError> {
        if !matches!(answer, "accept" | "decline" | "cancel") {
            return Err(AppError::Internal(format!("no such answer {answer:?}")));
        }
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "wallet", "requests", &id.to_string(), answer],
                &serde_json::json!({}),
                Some(&token),
            )
            .await
    }

    pub async fn move_savings(&self, request: &MoveSavings) -> Result<WalletHome, AppError> {
        let direction = match request.direction {
            souq_wire::SavingsDirection::In => "savings-in",
            souq_wire::SavingsDirection::Out => "savings-out",
        };
        let what = MoneyAttempt {
            purpose: "savings",
            what: direction,
            amount_minor: request.amount_minor,
            currency: &request.currency,
        };
        self.attempt(&what, &["v1", "wallet", "savings"], request)
            .await
    }

    pub async fn withdraw(&self, request: &Withdraw) -> Result<Withdrawal, AppError> {
        let iban = request.iban.expose();
        let last4 = iban.get(iban.len().saturating_sub(4)..).unwrap_or_default();
        let what = MoneyAttempt {
            purpose: "withdrawal",
            what: last4,
            amount_minor: request.amount_minor,
            currency: &request.currency,
        };
        self.attempt(&what, &["v1", "wallet", "withdrawals"], request)
            .await
    }

    pub async fn donate(&self, handle: &str, request: &Donate) -> Result<Donation, AppError> {
        let what = SendAttempt {
            purpose: "donation",
            to: handle,
            amount_minor: request.amount_minor,
            currency: &request.currency,
            note: &request.note,
        };
        self.attempt(&what, &["v1", "stores", handle, "donations"], request)
            .await
    }

    /// A gift by card: a checkout, with the card's second step when it asks for one.
    pub async fn donate_by_card(
        &self,
        handle: &str,
        request: &CardDonation,
    ) -> Result<Checkout, AppError> {
        let what = CardGiftAttempt {
            purpose: "card_donation",
            to: handle,
            amount_minor: request.amount_minor,
            currency: &request.currency,
            note: &request.note,
            card: CardPrint::of(&request.card),
        };
        self.attempt(
            &what,
            &["v1", "stores", handle, "donations", "card"],
            request,
        )
        .await
    }

    pub async fn donations_received(
        &self,
        handle: &str,
        before: Option<&str>,
    ) -> Result<DonationPage, AppError> {
        let token = self.token().await?;
        self.api
            .get(
                &["v1", "stores", handle, "studio", "donations"],
                &Self::page_query(before),
                Some(&token),
            )
            .await
    }

    pub async fn vault(&self) -> Result<VaultState, AppError> {
        let token = self.token().await?;
        self.api.get(&["v1", "vault"], NO_QUERY, Some(&token)).await
    }

    pub async fn set_pin(
        &self,
        pin: Secret<String>,
        current_pin: Option<Secret<String>>,
        password: Option<Secret<String>>,
    ) -> Result<VaultState, AppError> {
        let token = self.token().await?;
        self.api
            .with_body(
                Method::PUT,
                &["v1", "vault", "pin"],
                &SetPin {
                    pin,
                    current_pin,
                    password,
                },
                Some(&token),
            )
            .await
    }

    pub async fn unlock_vault(&self, pin: Secret<String>) -> Result<VaultState, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "vault", "unlock"],
                &UnlockVault { pin },
                Some(&token),
            )
            .await
    }

    /// Where this session's vault device key is kept: beside the session's entry.
    pub(super) fn device_keychain(&self) -> crate::keychain::Keychain {
        self.keychain.beside("vault-key")
    }

    /// Whether this device holds a device key for the session (the server may still
    /// have forgotten it: a new PIN forgets every key).
    pub async fn holds_device_key(&self) -> bool {
        self.device_key().await.is_some()
    }

    async fn device_key(&self) -> Option<Secret<String>> {
        if let Some(key) = self.device_key.read().await.clone() {
            return Some(key);
        }
        let kept = self.device_keychain().load().await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot read the vault's device key");
            None
        })?;
        let key = Secret::new(kept);
        *self.device_key.write().await = Some(key.clone());
        Some(key)
    }

    /// Asks the server for this session's device key (the vault must be unlocked) and
    /// keeps it, so that biometrics may unlock from now on.
    /// Makes this session's device key; `password` where the server asks for it again.
    pub async fn make_device_key(&self, password: Option<Secret<String>>) -> Result<(), AppError> {
        let token = self.token().await?;
        let made: DeviceKey = self
            .api
            .post(
                &["v1", "vault", "device-key"],
                &Reauthenticate { password },
                Some(&token),
            )
            .await?;
        if let Err(e) = self.device_keychain().save(made.key.expose()).await {
            // Where there is no keychain the key lasts as long as the session does.
            tracing::warn!(error = %e, "the vault's device key is kept in memory only");
        }
        *self.device_key.write().await = Some(made.key);
        Ok(())
    }

    /// Unlocks the vault with the kept device key; the caller has asked the biometrics.
    pub async fn unlock_with_device_key(&self) -> Result<VaultState, AppError> {
        let token = self.token().await?;
        let key = self.device_key().await.ok_or_else(|| {
            AppError::Server(souq_wire::ErrorBody {
                code: souq_wire::ErrorCode::PinRequired,
                message: "biometrics are not set up on this device; enter your PIN".into(),
            })
        })?;
        self.api
            .post(
                &["v1", "vault", "device-unlock"],
                &DeviceKey { key },
                Some(&token),
            )
            .await
    }

    /// Forgets the device key, here and on the server.
    pub async fn forget_device_key(&self) -> Result<VaultState, AppError> {
        let token = self.token().await?;
        *self.device_key.write().await = None;
        if let Err(e) = self.device_keychain().delete().await {
            tracing::warn!(error = %e, "cannot remove the vault's device key from the keychain");
        }
        self.api
            .delete_json(&["v1", "vault", "device-key"], Some(&token))
            .await
    }

    pub async fn lock_vault(&self) -> Result<VaultState, AppError> {
        let token = self.token().await?;
        self.api
            .delete_json(&["v1", "vault", "unlock"], Some(&token))
            .await
    }

    pub async fn cards(&self) -> Result<Vec<DebitCard>, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "wallet", "cards"], NO_QUERY, Some(&token))
            .await
    }

    pub async fn issue_card(&self, currency: &str) -> Result<DebitCard, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "wallet", "cards"],
                &IssueCard {
                    currency: currency.to_string(),
                },
                Some(&token),
            )
            .await
    }

    pub async fn set_card(&self, id: i64, settings: &CardSettings) -> Result<DebitCard, AppError> {
        let token = self.token().await?;
        self.api
            .with_body(
                Method::PUT,
                &["v1", "wallet", "cards", &id.to_string()],
                settings,
                Some(&token),
            )
            .await
    }

    pub async fn reveal_card(&self, id: i64) -> Result<RevealedCard, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "wallet", "cards", &id.to_string(), "reveal"],
                &serde_json::json!({}),
                Some(&token),
            )
            .await
    }

    /// The holder's answer to a payment another account asked of their card.
    pub async fn answer_card_approval(
        &self,
        card: i64,
        transaction: i64,
        approve: bool,
    ) -> Result<CardTransaction, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &[
                    "v1",
                    "wallet",
                    "cards",
                    &card.to_string(),
                    "transactions",
                    &transaction.to_string(),
                    "answer",
                ],
                &ChallengeAnswer { approve },
                Some(&token),
            )
            .await
    }

    pub async fn card_transactions(&self, id: i64) -> Result<Vec<CardTransaction>, AppError> {
        let token = self.token().await?;
        self.api
            .get(
                &["v1", "wallet", "cards", &id.to_string(), "transactions"],
                NO_QUERY,
                Some(&token),
            )
            .await
    }
}
