//! App-wide state shared through context: who is signed in, which screen is showing,
//! and what the app told us about itself.

use leptos::prelude::*;
use souq_wire::{AppInfo, ErrorBody, ErrorCode, Preferences, User};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Home,
    Hashtag(String),
    Post(i64),
    Profile(String),
    Shop,
    Product(i64),
    Drop(i64),
    Studio,
    Cart,
    Checkout,
    Orders,
    Order(i64),
    Wallet,
    Me,
    Bookmarks,
    Notifications,
    Settings,
}

impl Screen {
    /// The tab a screen belongs to, for highlighting the navigation.
    pub fn tab(&self) -> Screen {
        match self {
            Screen::Settings => Screen::Settings,
            Screen::Bookmarks => Screen::Bookmarks,
            Screen::Notifications => Screen::Notifications,
            Screen::Profile(handle) => Screen::Profile(handle.clone()),
            Screen::Shop | Screen::Product(_) => Screen::Shop,
            Screen::Cart | Screen::Checkout => Screen::Cart,
            Screen::Orders | Screen::Order(_) => Screen::Orders,
            Screen::Wallet => Screen::Wallet,
            Screen::Me => Screen::Me,
            Screen::Studio => Screen::Studio,
            Screen::Home | Screen::Hashtag(_) | Screen::Post(_) | Screen::Drop(_) => Screen::Home,
        }
    }

    /// Whether the screen lives under "Me" on a phone (which has no tab for it).
    pub fn under_me(&self, me: &str) -> bool {
        match self.tab() {
            Screen::Me
            | Screen::Orders
            | Screen::Wallet
            | Screen::Bookmarks
            | Screen::Settings
            | Screen::Studio => true,
            Screen::Profile(handle) => handle == me,
            _ => false,
        }
    }
}

/// The home screen's timelines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeTab {
    ForYou,
    Following,
    Latest,
}

/// Whether the server answers yet: the embedded one migrates and, on a first launch,
/// loads the demo data while the window already shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Server {
    Preparing,
    Ready,
    Failed(ErrorBody),
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub user: RwSignal<Option<User>>,
    pub info: RwSignal<Option<AppInfo>>,
    pub server: RwSignal<Server>,
    pub preferences: RwSignal<Option<Preferences>>,
    pub screen: RwSignal<Screen>,
    /// Screens to return to with Back.
    pub history: RwSignal<Vec<Screen>>,
    pub home_tab: RwSignal<HomeTab>,
    /// Unread notifications, for the badge on the navigation.
    pub unread: RwSignal<i64>,
    /// The composer: closed (None), a new post (Some(None)), or quoting a post.
    pub composing: RwSignal<Option<Option<souq_wire::Post>>>,
    /// Bumped after posting, so lists showing the viewer's posts reload.
    pub posted: RwSignal<u32>,
    /// How many items the cart holds, for the cart's tab and buttons.
    pub cart_items: RwSignal<i64>,
}

impl AppState {
    pub fn provide() -> AppState {
        let state = AppState {
            user: RwSignal::new(None),
            info: RwSignal::new(None),
            server: RwSignal::new(Server::Preparing),
            preferences: RwSignal::new(None),
            screen: RwSignal::new(Screen::Home),
            history: RwSignal::new(Vec::new()),
            home_tab: RwSignal::new(HomeTab::ForYou),
            unread: RwSignal::new(0),
            composing: RwSignal::new(None),
            posted: RwSignal::new(0),
            cart_items: RwSignal::new(0),
        };
        provide_context(state);
        state
    }

    /// Opens a screen on top of the current one.
    pub fn open(self, screen: Screen) {
        let current = self.screen.get_untracked();
        if current != screen {
            self.history.update(|h| h.push(current));
            self.screen.set(screen);
        }
    }

    /// Switches tab: a fresh stack.
    pub fn switch_tab(self, screen: Screen) {
        self.history.set(Vec::new());
        self.screen.set(screen);
    }

    pub fn back(self) {
        let previous = self.history.try_update(Vec::pop).flatten();
        self.screen.set(previous.unwrap_or(Screen::Home));
    }

    /// Opens the screen a `souq://` link names. Products and drops open the hashtag
    /// page of what they launch until their own screens exist.
    pub fn open_link(self, link: souq_wire::DeepLink) {
        use souq_wire::DeepLink;
        let screen = match link {
            DeepLink::Post { id } => Screen::Post(id),
            DeepLink::Store { handle } => Screen::Profile(handle),
            DeepLink::Hashtag { tag } => Screen::Hashtag(tag),
            DeepLink::Product { id } => Screen::Product(id),
            DeepLink::Drop { id } => Screen::Drop(id),
            DeepLink::Wallet => Screen::Wallet,
            DeepLink::Notifications => Screen::Notifications,
        };
        self.open(screen);
    }

    /// A call failed because the session ended: return to the sign-in screen.
    pub fn note_error(self, error: &ErrorBody) {
        if error.code == ErrorCode::Unauthorized {
            self.user.set(None);
        }
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
