//! Checkout, the wallet, addresses and orders, for shoppers and for stores. Every call
//! that moves money or stock goes out with the idempotency key of its attempt, made and
//! saved on the device before it is sent (`attempts.rs`), and the same key again on retry.

use reqwest::Method;
use serde::Serialize;
use souq_wire::{
    Address, AddressInput, CancelOrder, ChallengeAnswer, Checkout, CheckoutLine, CheckoutOptions,
    CheckoutRequest, Order, OrderPage, PaymentMethod, ShippingOption, ShippingOptions,
    StoreShipping, StoreStep, TopUpRequest, Wallet,
};

use super::SouqClient;
use crate::api::NO_QUERY;
use crate::attempts::is_definite;
use crate::error::AppError;
use souq_wire::checkout::CardPrint;

/// What names a checkout attempt on the device: the request, its card by last digits.
#[derive(Serialize)]
struct CheckoutAttempt<'a> {
    purpose: &'static str,
    lines: &'a [CheckoutLine],
    address_id: i64,
    shipping: &'a [StoreShipping],
    card: Option<CardPrint>,
    /// The shopper's own Souq card, by id.
    souq_card: Option<i64>,
}

#[derive(Serialize)]
struct TopUpAttempt<'a> {
    purpose: &'static str,
    amount_minor: i64,
    currency: &'a str,
    card: CardPrint,
}

impl SouqClient {
    /// Sends one money-moving request under its attempt's key; a definite answer ends the
    /// attempt, anything else keeps its key for the retry.
    pub(super) async fn attempt<T>(
        &self,
        what: &impl Serialize,
        segments: &[&str],
        body: &impl Serialize,
    ) -> Result<T, AppError>
    where
        T: serde::de::DeserializeOwned,
    {
        let token = self.token().await?;
        let key = self.attempts.key_for(what).await?;
        let answer = self
            .api
            .post_idempotent(segments, body, Some(&token), &key)
            .await;
        let over = match &answer {
            Ok(_) => true,
            Err(e) => is_definite(e),
        };
        if over {
            self.attempts.settle(what).await?;
        }
        answer
    }

    pub async fn checkout_options(&self) -> Result<CheckoutOptions, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "checkout"], NO_QUERY, Some(&token))
            .await
    }

    pub async fn checkout(&self, request: &CheckoutRequest) -> Result<Checkout, AppError> {
        let what = CheckoutAttempt {
            purpose: "order",
            lines: &request.lines,
            address_id: request.address_id,
            shipping: &request.shipping,
            card: match &request.payment {
                PaymentMethod::Card { card } => Some(CardPrint::of(card)),
                PaymentMethod::Wallet | PaymentMethod::SouqCard { .. } => None,
            },
            souq_card: match &request.payment {
                PaymentMethod::SouqCard { card_id } => Some(*card_id),
                _ => None,
            },
        };
        self.attempt(&what, &["v1", "checkouts"], request).await
    }

    pub async fn top_up(&self, request: &TopUpRequest) -> Result<Checkout, AppError> {
        let what = TopUpAttempt {
            purpose: "top_up",
            amount_minor: request.amount_minor,
            currency: &request.currency,
            card: CardPrint::of(&request.card),
        };
        self.attempt(&what, &["v1", "wallet", "top-ups"], request)
            .await
    }

    pub async fn checkout_status(&self, id: i64) -> Result<Checkout, AppError> {
        let token = self.token().await?;
        self.api
            .get(
                &["v1", "checkouts", &id.to_string()],
                NO_QUERY,
                Some(&token),
            )
            .await
    }

    /// After a card's second step: how the payment stands now.
    pub async fn refresh_checkout(&self, id: i64) -> Result<Checkout, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "checkouts", &id.to_string(), "refresh"],
                &serde_json::json!({}),
                Some(&token),
            )
            .await
    }

    pub async fn abandon_checkout(&self, id: i64) -> Result<Checkout, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "checkouts", &id.to_string(), "abandon"],
                &serde_json::json!({}),
                Some(&token),
            )
            .await
    }

    /// The shopper's answer to the sandbox's second step.
    pub async fn answer_challenge(
        &self,
        payment_id: &str,
        approve: bool,
    ) -> Result<Checkout, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "sandbox", "payments", payment_id, "challenge"],
                &ChallengeAnswer { approve },
                Some(&token),
            )
            .await
    }

    pub async fn wallet(&self) -> Result<Wallet, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "wallet"], NO_QUERY, Some(&token))
            .await
    }

    pub async fn addresses(&self) -> Result<Vec<Address>, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "addresses"], NO_QUERY, Some(&token))
            .await
    }

    /// Adds an address (no id) or edits one.
    pub async fn save_address(
        &self,
        id: Option<i64>,
        input: &AddressInput,
    ) -> Result<Address, AppError> {
        let token = self.token().await?;
        match id {
            None => {
                self.api
                    .post(&["v1", "addresses"], input, Some(&token))
                    .await
            }
            Some(id) => {
                self.api
                    .with_body(
                        Method::PUT,
                        &["v1", "addresses", &id.to_string()],
                        input,
                        Some(&token),
                    )
                    .await
            }
        }
    }

    pub async fn delete_address(&self, id: i64) -> Result<(), AppError> {
        let token = self.token().await?;
        self.api
            .delete(&["v1", "addresses", &id.to_string()], Some(&token))
            .await
    }

    pub async fn orders(&self, before: Option<&str>) -> Result<OrderPage, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "orders"], &Self::page_query(before), Some(&token))
            .await
    }

    pub async fn order(&self, id: i64) -> Result<Order, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "orders", &id.to_string()], NO_QUERY, Some(&token))
            .await
    }

    pub async fn cancel_order(&self, id: i64, cancel: &CancelOrder) -> Result<Order, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "orders", &id.to_string(), "cancel"],
                cancel,
                Some(&token),
            )
            .await
    }

    pub async fn store_orders(
        &self,
        handle: &str,
        before: Option<&str>,
    ) -> Result<OrderPage, AppError> {
        let token = self.token().await?;
        self.api
            .get(
                &["v1", "stores", handle, "studio", "orders"],
                &Self::page_query(before),
                Some(&token),
            )
            .await
    }

    /// A store moves one of its orders along.
    pub async fn store_step(
        &self,
        handle: &str,
        id: i64,
        step: &StoreStep,
    ) -> Result<Order, AppError> {
        let token = self.token().await?;
        let id = id.to_string();
        let name = match step {
            StoreStep::Ship(_) => "ship",
            StoreStep::Deliver => "deliver",
            StoreStep::Cancel(_) => "cancel",
            StoreStep::Refund(_) => "refund",
        };
        let segments = ["v1", "stores", handle, "studio", "orders", &id, name];
        match step {
            StoreStep::Ship(ship) => self.api.post(&segments, ship, Some(&token)).await,
            StoreStep::Cancel(why) | StoreStep::Refund(why) => {
                self.api.post(&segments, why, Some(&token)).await
            }
            StoreStep::Deliver => {
                self.api
                    .post(&segments, &serde_json::json!({}), Some(&token))
                    .await
            }
        }
    }

    pub async fn shipping_options(&self, handle: &str) -> Result<Vec<ShippingOption>, AppError> {
        let token = self.token().await?;
        self.api
            .get(
                &["v1", "stores", handle, "studio", "shipping"],
                NO_QUERY,
                Some(&token),
            )
            .await
    }

    pub async fn set_shipping_options(
        &self,
        handle: &str,
        options: &ShippingOptions,
    ) -> Result<Vec<ShippingOption>, AppError> {
        let token = self.token().await?;
        self.api
            .with_body(
                Method::PUT,
                &["v1", "stores", handle, "studio", "shipping"],
                options,
                Some(&token),
            )
            .await
    }
}
