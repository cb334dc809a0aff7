//! The wallet's screens: its home, activity, spending, sends and requests, savings,
//! withdrawals, donations, the debit card, and the PIN vault.

use souq_wire::{
    ActivityEntry, ActivityPage, ActivityQuery, BiometricState, CardDonation, CardSettings,
    CardTransaction, Checkout, DebitCard, Donate, Donation, DonationPage, MoneyRequest,
    MoneyRequests, MoneySent, MoveSavings, RequestMoney, RevealedCard, Secret, SendMoney,
    SpendingQuery, SpendingReport, VaultState, WalletHome, Withdraw, Withdrawal,
};
use tauri::{AppHandle, State};

use crate::biometric;
use crate::client::SouqClient;
use crate::error::AppError;

#[tauri::command]
pub async fn wallet_home(client: State<'_, SouqClient>) -> Result<WalletHome, AppError> {
    client.wallet_home().await
}

#[tauri::command]
pub async fn wallet_activity(
    client: State<'_, SouqClient>,
    query: ActivityQuery,
) -> Result<ActivityPage, AppError> {
    client.wallet_activity(&query).await
}

#[tauri::command]
pub async fn wallet_entry(
    client: State<'_, SouqClient>,
    id: String,
) -> Result<ActivityEntry, AppError> {
    client.wallet_entry(&id).await
}

#[tauri::command]
pub async fn spending(
    client: State<'_, SouqClient>,
    query: SpendingQuery,
) -> Result<SpendingReport, AppError> {
    client.spending(&query).await
}

#[tauri::command]
pub async fn send_money(
    client: State<'_, SouqClient>,
    request: SendMoney,
) -> Result<MoneySent, AppError> {
    client.send_money(&request).await
}

#[tauri::command]
pub async fn request_money(
    client: State<'_, SouqClient>,
    request: RequestMoney,
) -> Result<MoneyRequest, AppError> {
    client.request_money(&request).await
}

#[tauri::command]
pub async fn money_requests(client: State<'_, SouqClient>) -> Result<MoneyRequests, AppError> {
    client.money_requests().await
}

#[tauri::command]
pub async fn answer_request(
    client: State<'_, SouqClient>,
    id: i64,
    answer: String,
) -> Result<MoneyRequest, AppError> {
    client.answer_request(id, &answer).await
}

#[tauri::command]
pub async fn move_savings(
    client: State<'_, SouqClient>,
    request: MoveSavings,
) -> Result<WalletHome, AppError> {
    client.move_savings(&request).await
}

#[tauri::command]
pub async fn withdraw(
    client: State<'_, SouqClient>,
    request: Withdraw,
) -> Result<Withdrawal, AppError> {
    client.withdraw(&request).await
}

#[tauri::command]
pub async fn donate(
    client: State<'_, SouqClient>,
    handle: String,
    request: Donate,
) -> Result<Donation, AppError> {
    client.donate(&handle, &request).await
}

#[tauri::command]
pub async fn donate_by_card(
    client: State<'_, SouqClient>,
    handle: String,
    request: CardDonation,
) -> Result<Checkout, AppError> {
    client.donate_by_card(&handle, &request).await
}

#[tauri::command]
pub async fn donations_received(
    client: State<'_, SouqClient>,
    handle: String,
    before: Option<String>,
) -> Result<DonationPage, AppError> {
    client.donations_received(&handle, before.as_deref()).await
}

#[tauri::command]
pub async fn vault(client: State<'_, SouqClient>) -> Result<VaultState, AppError> {
    client.vault().await
}

#[tauri::command]
pub async fn set_pin(
    client: State<'_, SouqClient>,
    pin: Secret<String>,
    current_pin: Option<Secret<String>>,
    password: Option<Secret<String>>,
) -> Result<VaultState, AppError> {
    client.set_pin(pin, current_pin, password).await
}

#[tauri::command]
pub async fn unlock_vault(
    client: State<'_, SouqClient>,
    pin: Secret<String>,
) -> Result<VaultState, AppError> {
    client.unlock_vault(pin).await
}

#[tauri::command]
pub async fn lock_vault(client: State<'_, SouqClient>) -> Result<VaultState, AppError> {
    client.lock_vault().await
}

#[tauri::command]
pub async fn cards(client: State<'_, SouqClient>) -> Result<Vec<DebitCard>, AppError> {
    client.cards().await
}

#[tauri::command]
pub async fn issue_card(
    client: State<'_, SouqClient>,
    currency: String,
) -> Result<DebitCard, AppError> {
    client.issue_card(&currency).await
}

#[tauri::command]
pub async fn set_card(
    client: State<'_, SouqClient>,
    id: i64,
    settings: CardSettings,
) -> Result<DebitCard, AppError> {
    client.set_card(id, &settings).await
}

#[tauri::command]
pub async fn reveal_card(client: State<'_, SouqClient>, id: i64) -> Result<RevealedCard, AppError> {
    client.reveal_card(id).await
}

#[tauri::command]
pub async fn answer_card_approval(
    client: State<'_, SouqClient>,
    card: i64,
    transaction: i64,
    approve: bool,
) -> Result<CardTransaction, AppError> {
    client
        .answer_card_approval(card, transaction, approve)
        .await
}

#[tauri::command]
pub async fn card_transactions(
    client: State<'_, SouqClient>,
    id: i64,
) -> Result<Vec<CardTransaction>, AppError> {
    client.card_transactions(id).await
}

/// Whether biometrics may unlock the vault on this device, and whether they do.
#[tauri::command]
pub async fn biometric_state(
    app: AppHandle,
    client: State<'_, SouqClient>,
) -> Result<BiometricState, AppError> {
    let available = biometric::available(&app);
    let enabled = available && client.holds_device_key().await && client.vault().await?.device_key;
    Ok(BiometricState { available, enabled })
}

/// Turns biometric unlocking on (confirmed by the biometrics, with the vault unlocked:
/// otherwise `pin_required`; and the password unless the session signed in lately:
/// otherwise `password_required`) or off.
#[tauri::command]
pub async fn set_biometric_unlock(
    app: AppHandle,
    client: State<'_, SouqClient>,
    on: bool,
    reason: String,
    password: Option<Secret<String>>,
) -> Result<BiometricState, AppError> {
    if on {
        biometric::confirm(&app, &reason).await?;
        client.make_device_key(password).await?;
    } else {
        client.forget_device_key().await?;
    }
    biometric_state(app, client).await
}

/// Unlocks the vault by the biometrics instead of the PIN.
#[tauri::command]
pub async fn unlock_with_biometrics(
    app: AppHandle,
    client: State<'_, SouqClient>,
    reason: String,
) -> Result<VaultState, AppError> {
    biometric::confirm(&app, &reason).await?;
    client.unlock_with_device_key().await
}
