//! The app's state, which only `http/`, start-up and housekeeping know: the base floor
//! and each domain's runtime part, put together here and handed to each handler as
//! the part it needs (`FromRef`). Each part subscribes itself to the changes it must
//! hear; none of them knows this type.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::accounts::AccountsService;
use crate::base::Base;
use crate::base::db::DbError;
use crate::base::limits::rate::Actions;
use crate::checkout::CheckoutService;
use crate::config::Config;
use crate::drops::events::DropEvents;
use crate::feed::FeedService;
use crate::notifications::events::InboxEvents;
use crate::payments::Payments;
use crate::search::index::SearchIndex;
use crate::wallet::WalletService;
use crate::wallet::cards::{CardKeys, SouqIssuer};

#[derive(Clone)]
pub struct Souq {
    pub base: Base,
    pub accounts: AccountsService,
    pub feed: FeedService,
    /// The shown catalogue's terms, sized by the catalogue rather than by the byte budget.
    pub search: Arc<SearchIndex>,
    /// The drop updates this instance's running apps listen to.
    pub drops: Arc<DropEvents>,
    /// The inbox news this instance's running apps listen to.
    pub inbox: Arc<InboxEvents>,
    /// Checkouts, money requests and event streams, limited per account and address.
    pub actions: Arc<Actions>,
    pub payments: Arc<Payments>,
    pub wallet: WalletService,
    pub checkout: CheckoutService,
}

impl Souq {
    /// Connects (and migrates), listens for the other instances' changes, and starts
    /// each domain's runtime part.
    pub async fn connect(config: &Config) -> Result<Souq, DbError> {
        let limits = &config.limits;
        let base = Base::connect(&config.database, limits).await?;
        // A tenth of the cache budget for sessions, the rest for what feeds show.
        let session_bytes = limits.cache_bytes / 10;
        let accounts = AccountsService::start(&base, session_bytes);
        let feed = FeedService::start(&base, limits.cache_bytes.saturating_sub(session_bytes));
        let drops = base.subscribed(DropEvents::default());
        drops.start(base.db.clone());
        let card_keys = Arc::new(CardKeys::for_settings(&config.wallet));
        let issuer = Arc::new(SouqIssuer::new(&base, Arc::clone(&card_keys)));
        let payments = Arc::new(Payments::sandbox(&base.db, &config.payments, issuer));
        let wallet = WalletService::start(
            &base,
            &config.wallet,
            card_keys,
            Arc::clone(&payments),
            accounts.clone(),
        );
        let checkout = CheckoutService::start(&wallet);
        Ok(Souq {
            search: base.subscribed(SearchIndex::default()),
            inbox: base.subscribed(InboxEvents::default()),
            actions: Arc::new(Actions::new(limits)),
            accounts,
            feed,
            drops,
            payments,
            wallet,
            checkout,
            base,
        })
    }

    /// The bytes the bounded caches hold now, together at most `Limits::cache_bytes`.
    pub fn cached_bytes(&self) -> u64 {
        self.accounts.sessions.weighed_bytes() + self.feed.cache.weighed_bytes()
    }

    /// Ends every open event stream (the server is stopping).
    pub fn close_streams(&self) {
        self.drops.close();
        self.inbox.close();
    }
}

impl FromRef<Souq> for Base {
    fn from_ref(souq: &Souq) -> Base {
        souq.base.clone()
    }
}

impl FromRef<Souq> for AccountsService {
    fn from_ref(souq: &Souq) -> AccountsService {
        souq.accounts.clone()
    }
}

impl FromRef<Souq> for FeedService {
    fn from_ref(souq: &Souq) -> FeedService {
        souq.feed.clone()
    }
}

impl FromRef<Souq> for WalletService {
    fn from_ref(souq: &Souq) -> WalletService {
        souq.wallet.clone()
    }
}

impl FromRef<Souq> for CheckoutService {
    fn from_ref(souq: &Souq) -> CheckoutService {
        souq.checkout.clone()
    }
}
