//! The wallet at run time.

use std::sync::Arc;

use super::cards::keys::CardKeys;
use super::sender::Sender;
use super::settings::WalletSettings;
use crate::accounts::AccountsService;
use crate::base::Base;
use crate::payments::Payments;

/// The wallet at run time: its rules, the keys its cards are sealed under, the
/// sender's batches, the processor (through `payments`: payouts), and the accounts
/// (the vault asks for the password).
#[derive(Clone)]
pub struct WalletService {
    pub base: Base,
    settings: Arc<WalletSettings>,
    pub card_keys: Arc<CardKeys>,
    pub sender: Sender,
    pub payments: Arc<Payments>,
    pub accounts: AccountsService,
}

impl WalletService {
    pub fn start(
        base: &Base,
        settings: &WalletSettings,
        card_keys: Arc<CardKeys>,
        payments: Arc<Payments>,
        accounts: AccountsService,
    ) -> WalletService {
        WalletService {
            base: base.clone(),
            settings: Arc::new(settings.clone()),
            card_keys,
            sender: Sender::start(base.clone(), settings.clone()),
            payments,
            accounts,
        }
    }

    /// The wallet's rules.
    pub fn settings(&self) -> &WalletSettings {
        &self.settings
    }
}
