//! Checkout at run time: the service each request takes (its placer, the processor,
//! the wallet), and the rules its placer keeps.

use std::sync::Arc;

use super::place::Rules;
use super::placer::Placer;
use crate::base::Base;
use crate::payments::{PaymentSettings, Payments};
use crate::wallet::WalletService;

/// Checkout at run time: this instance's placer (its batches of attempts), the
/// processor that charges cards, and the wallet that pays and is paid into.
#[derive(Clone)]
pub struct CheckoutService {
    pub base: Base,
    pub placer: Placer,
    pub payments: Arc<Payments>,
    pub wallet: WalletService,
}

impl CheckoutService {
    pub fn start(wallet: &WalletService) -> CheckoutService {
        let payments = Arc::clone(&wallet.payments);
        CheckoutService {
            base: wallet.base.clone(),
            placer: Placer::start(wallet.base.db.clone(), rules(&payments.settings)),
            payments,
            wallet: wallet.clone(),
        }
    }
}

/// What a batch places by, from the payment settings.
pub fn rules(settings: &PaymentSettings) -> Rules {
    let ms =
        |duration: std::time::Duration| i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
    Rules {
        fee_basis_points: settings.fee_basis_points,
        reservation_ms: ms(settings.reservation),
        drop_reservation_ms: ms(settings.drop_reservation),
    }
}
