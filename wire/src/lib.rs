//! Souq's wire types: every request and response body that crosses HTTP between the
//! server, the app and the UI. Times are UTC; money is an integer of minor units.

pub mod accounts;
pub mod address;
pub mod app;
pub mod cart;
pub mod checkout;
pub mod drops;
pub mod error;
pub mod feed;
pub mod health;
pub mod language;
pub mod money;
pub mod orders;
pub mod secret;
pub mod shop;
pub mod social;
pub mod studio;
pub mod text;
pub mod validate;
pub mod wallet;

pub use accounts::{
    ChangePassword, DemoSignIn, Role, Session, SessionInfo, SignInRequest, SignUpRequest,
    StoreSummary, User,
};
pub use address::{Address, AddressInput};
pub use app::{
    AppInfo, AppUpdate, DeepLink, ForYouPage, PostAction, Preferences, RankReason, RankedPost,
    RankingSettings, Timeline, UpdateCheck,
};
pub use cart::{AddToCart, Cart, CartLine, SetQuantity};
pub use checkout::{
    ActionKind, CardDetails, ChallengeAnswer, Checkout, CheckoutLine, CheckoutOptions,
    CheckoutRequest, CheckoutStatus, NextAction, PaymentMethod, ShippingOption,
    ShippingOptionInput, ShippingOptions, StoreShipping, StoreShippingOptions, TopUpRequest,
    Wallet,
};
pub use drops::{
    DropFunnel, DropState, DropUpdate, LocalTime, NewDrop, ProductDrop, ReminderState,
    RescheduleDrop, StudioDrop, StudioDrops,
};
pub use error::{ErrorBody, ErrorCode};
pub use feed::{
    Author, AuthorKind, FeedPage, NewPost, Post, PostActivity, PostStats, ProductCard, QuotedPost,
    UploadedMedia, ViewerState,
};
pub use health::Health;
pub use language::Language;
pub use money::Money;
pub use orders::{
    CancelOrder, Order, OrderEvent, OrderLine, OrderPage, OrderStatus, ShipOrder, StoreStep,
};
pub use secret::Secret;
pub use shop::{
    CategoryCount, CollectionCard, CollectionView, Highlight, ProductDetail, ShopHome, ShopQuery,
    ShopResults, ShopSort, StoreCard, Storefront, TextRange, Variant,
};
pub use social::{
    CardNotice, DropSummary, FollowState, HashtagInfo, Notification, NotificationKind,
    NotificationPage, PeoplePage, Profile, SessionNotice,
};
pub use studio::{
    CollectionDraft, NewStore, ProductDraft, StoreDraft, Studio, StudioProduct, VariantDraft,
};
pub use text::{Segment, segments};
pub use wallet::{
    ActivityEntry, ActivityKind, ActivityPage, ActivityQuery, BiometricState, CardDonation,
    CardSettings, CardTransaction, CardTransactionStatus, Counterpart, DebitCard, DeviceKey,
    Donate, Donation, DonationPage, IssueCard, MoneyRequest, MoneyRequests, MoneySent, MoveSavings,
    Reauthenticate, RequestMoney, RequestStatus, RevealedCard, SavingsDirection, SendLimit,
    SendMoney, SetPin, SpendingCategory, SpendingMonth, SpendingQuery, SpendingReport,
    SpendingSlice, UnlockVault, VaultState, WalletHome, Withdraw, Withdrawal, WithdrawalStatus,
};
