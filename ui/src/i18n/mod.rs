//! The one translation layer: every string the UI shows is a `Text`, and `tr` maps it
//! to English or Arabic. The match is exhaustive, so a string cannot ship untranslated.

pub mod format;

use leptos::prelude::*;
use souq_wire::{ErrorBody, ErrorCode, Language};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    AppName,
    Tagline,
    NavHome,
    NavSettings,
    SignIn,
    SignUp,
    Email,
    Password,
    DisplayName,
    Handle,
    AccountType,
    RoleShopper,
    RoleMerchant,
    RoleNonprofit,
    DemoAccounts,
    DemoHint,
    NewToSouq,
    HaveAccount,
    HomeTitle,
    LoadMore,
    CaughtUp,
    EmptyFeed,
    SoldOut,
    Back,
    StoreBadge,
    NonprofitBadge,
    PostsTagged,
    LanguageLabel,
    LanguageSystem,
    Account,
    SignedInAs,
    SignOut,
    Loading,
    TryAgain,
    CheckEmail,
    CheckPassword,
    CheckHandle,
    CheckDisplayName,
    ErrInvalidCredentials,
    ErrTooMany,
    ErrEmailTaken,
    ErrHandleTaken,
    ErrUnavailable,
    ErrSignedOut,
    ErrValidation,
    ErrGeneric,
}

pub fn tr(language: Language, text: Text) -> &'static str {
    use Text::*;
    match language {
        Language::En => match text {
            AppName => "Souq",
            Tagline => "Follow the stores you love and buy without leaving the feed.",
            NavHome => "Home",
            NavSettings => "Settings",
            SignIn => "Sign in",
            SignUp => "Create account",
            Email => "Email",
            Password => "Password",
            DisplayName => "Name",
            Handle => "Username",
            AccountType => "Account type",
            RoleShopper => "Shopper",
            RoleMerchant => "Merchant",
            RoleNonprofit => "Nonprofit",
            DemoAccounts => "Demo accounts",
            DemoHint => "One tap signs you in to the built-in demo.",
            NewToSouq => "New to Souq?",
            HaveAccount => "Already have an account?",
            HomeTitle => "Home",
            LoadMore => "Load more",
            CaughtUp => "You're all caught up",
            EmptyFeed => "No posts yet",
            SoldOut => "Sold out",
            Back => "Back",
            StoreBadge => "Store",
            NonprofitBadge => "Nonprofit",
            PostsTagged => "Posts tagged",
            LanguageLabel => "Language",
            LanguageSystem => "System default",
            Account => "Account",
            SignedInAs => "Signed in as",
            SignOut => "Sign out",
            Loading => "Loading…",
            TryAgain => "Try again",
            CheckEmail => "Enter a valid email address.",
            CheckPassword => "Use 8 to 128 characters.",
            CheckHandle => "3 to 30 letters, digits or underscores.",
            CheckDisplayName => "Enter 1 to 60 characters.",
            ErrInvalidCredentials => "Wrong email or password.",
            ErrTooMany => "Too many attempts. Try again in a few minutes.",
            ErrEmailTaken => "That email is already registered.",
            ErrHandleTaken => "That username is taken.",
            ErrUnavailable => "Can't reach Souq. Check your connection and try again.",
            ErrSignedOut => "Your session ended. Sign in again.",
            ErrValidation => "Some details are not valid.",
            ErrGeneric => "Something went wrong. Try again.",
        },
        Language::Ar => match text {
            AppName => "سوق",
            Tagline => "تابع متاجرك المفضّلة واشترِ دون مغادرة الصفحة.",
            NavHome => "الرئيسية",
            NavSettings => "الإعدادات",
            SignIn => "تسجيل الدخول",
            SignUp => "إنشاء حساب",
            Email => "البريد الإلكتروني",
            Password => "كلمة المرور",
            DisplayName => "الاسم",
            Handle => "اسم المستخدم",
            AccountType => "نوع الحساب",
            RoleShopper => "متسوّق",
            RoleMerchant => "تاجر",
            RoleNonprofit => "جمعية خيرية",
            DemoAccounts => "حسابات تجريبية",
            DemoHint => "بلمسة واحدة تدخل إلى النسخة التجريبية المدمجة.",
            NewToSouq => "جديد في سوق؟",
            HaveAccount => "لديك حساب؟",
            HomeTitle => "الرئيسية",
            LoadMore => "عرض المزيد",
            CaughtUp => "لقد شاهدت كل المنشورات",
            EmptyFeed => "لا توجد منشورات بعد",
            SoldOut => "نفدت الكمية",
            Back => "رجوع",
            StoreBadge => "متجر",
            NonprofitBadge => "جمعية خيرية",
            PostsTagged => "منشورات الوسم",
            LanguageLabel => "اللغة",
            LanguageSystem => "لغة النظام",
            Account => "الحساب",
            SignedInAs => "تم تسجيل الدخول باسم",
            SignOut => "تسجيل الخروج",
            Loading => "جارٍ التحميل…",
            TryAgain => "أعد المحاولة",
            CheckEmail => "أدخل بريدًا إلكترونيًا صحيحًا.",
            CheckPassword => "استخدم من ٨ إلى ١٢٨ حرفًا.",
            CheckHandle => "من ٣ إلى ٣٠ حرفًا لاتينيًا أو رقمًا أو شرطة سفلية.",
            CheckDisplayName => "أدخل من ١ إلى ٦٠ حرفًا.",
            ErrInvalidCredentials => "البريد الإلكتروني أو كلمة المرور غير صحيحة.",
            ErrTooMany => "محاولات كثيرة. حاول مرة أخرى بعد دقائق.",
            ErrEmailTaken => "هذا البريد الإلكتروني مسجّل مسبقًا.",
            ErrHandleTaken => "اسم المستخدم محجوز.",
            ErrUnavailable => "تعذّر الوصول إلى سوق. تحقّق من اتصالك وحاول مجددًا.",
            ErrSignedOut => "انتهت جلستك. سجّل الدخول مرة أخرى.",
            ErrValidation => "بعض البيانات غير صحيحة.",
            ErrGeneric => "حدث خطأ ما. حاول مجددًا.",
        },
    }
}

/// The message a user sees for an error, in their language.
pub fn error_text(error: &ErrorBody) -> Text {
    match error.code {
        ErrorCode::InvalidCredentials => Text::ErrInvalidCredentials,
        ErrorCode::TooManyRequests => Text::ErrTooMany,
        ErrorCode::EmailTaken => Text::ErrEmailTaken,
        ErrorCode::HandleTaken => Text::ErrHandleTaken,
        ErrorCode::Unavailable => Text::ErrUnavailable,
        ErrorCode::Unauthorized => Text::ErrSignedOut,
        ErrorCode::Validation => Text::ErrValidation,
        _ => Text::ErrGeneric,
    }
}

/// The UI's language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub language: RwSignal<Language>,
}

impl I18n {
    pub fn provide(language: Language) -> I18n {
        let i18n = I18n {
            language: RwSignal::new(language),
        };
        provide_context(i18n);
        i18n
    }

    /// A reactive translation, for use in views.
    pub fn t(self, text: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || tr(self.language.get(), text)
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
