//! Numbers, prices and times per locale: Arabic gets Arabic-Indic digits, Arabic
//! separators and its six plural forms; English gets Western digits. Pure functions,
//! so the rules are unit-tested; `now_ms` and `local_offset_minutes` read the clock.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use souq_wire::{Language, Money};

pub use souq_wire::money::{digits, money, number};

/// Arabic plural forms of a counted unit: one, two, few (3–10), many (11–99), other.
struct ArabicUnit {
    one: &'static str,
    two: &'static str,
    few: &'static str,
    many: &'static str,
}

const AR_MINUTE: ArabicUnit = ArabicUnit {
    one: "دقيقة",
    two: "دقيقتين",
    few: "دقائق",
    many: "دقيقة",
};
const AR_HOUR: ArabicUnit = ArabicUnit {
    one: "ساعة",
    two: "ساعتين",
    few: "ساعات",
    many: "ساعة",
};
const AR_DAY: ArabicUnit = ArabicUnit {
    one: "يوم",
    two: "يومين",
    few: "أيام",
    many: "يومًا",
};

fn arabic_count(n: u64, unit: &ArabicUnit) -> String {
    match n {
        1 => unit.one.to_string(),
        2 => unit.two.to_string(),
        _ => {
            let word = match n % 100 {
                3..=10 => unit.few,
                11..=99 => unit.many,
                // 100, 101, 102, 200…: the singular, as in "١٠٠ دقيقة".
                _ => unit.one,
            };
            format!("{} {word}", number(Language::Ar, n))
        }
    }
}

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const AR_MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// A calendar date in the user's time zone: "21 Nov 2026" / "٢١ نوفمبر ٢٠٢٦".
pub fn date(language: Language, at: DateTime<Utc>, offset_minutes: i64) -> String {
    let local = at + Duration::minutes(offset_minutes);
    let month_index = usize::try_from(local.month0()).unwrap_or(0);
    let day = u64::from(local.day());
    let year = u64::try_from(local.year()).unwrap_or(0);
    let year_text = digits(language, &year.to_string());
    match language {
        Language::En => format!(
            "{} {} {year_text}",
            day,
            EN_MONTHS.get(month_index).copied().unwrap_or("")
        ),
        Language::Ar => format!(
            "{} {} {year_text}",
            digits(language, &day.to_string()),
            AR_MONTHS.get(month_index).copied().unwrap_or("")
        ),
    }
}

/// A date and a 24-hour time in the user's time zone: "21 Nov 2026, 14:05".
pub fn date_time(language: Language, at: DateTime<Utc>, offset_minutes: i64) -> String {
    let local = at + Duration::minutes(offset_minutes);
    let time = digits(
        language,
        &format!("{:02}:{:02}", local.hour(), local.minute()),
    );
    let comma = match language {
        Language::En => ",",
        Language::Ar => "،",
    };
    format!("{}{comma} {time}", date(language, at, offset_minutes))
}

/// What is left of a drop: "3 left of 40" / "متبقٍّ ٣ من ٤٠".
pub fn left_of(language: Language, left: i64, stock: i64) -> String {
    let (left, stock) = (
        number(language, left.unsigned_abs()),
        number(language, stock.unsigned_abs()),
    );
    match language {
        Language::En => format!("{left} left of {stock}"),
        Language::Ar => format!("متبقٍّ {left} من {stock}"),
    }
}

/// A countdown to a launch: "2d 03:14:05", "03:14:05" under a day ("٠٣:١٤:٠٥" in
/// Arabic, with "ي" for days).
pub fn countdown(language: Language, seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let clock = format!(
        "{:02}:{:02}:{:02}",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    );
    let day_mark = match language {
        Language::En => "d",
        Language::Ar => "ي",
    };
    if days > 0 {
        digits(language, &format!("{days}{day_mark} {clock}"))
    } else {
        digits(language, &clock)
    }
}

/// Delivery time: "2–4 days" / "٢–٤ أيام", "1 day", "same day".
pub fn delivery_days(language: Language, least: i64, most: i64) -> String {
    let (least, most) = (least.unsigned_abs(), most.unsigned_abs());
    match (language, least, most) {
        (Language::En, 0, 0) => "same day".into(),
        (Language::Ar, 0, 0) => "في اليوم نفسه".into(),
        (Language::En, l, m) if l == m => format!("{l} {}", if l == 1 { "day" } else { "days" }),
        (Language::En, l, m) => format!("{l}–{m} days"),
        (Language::Ar, l, m) if l == m => arabic_count(l, &AR_DAY),
        (Language::Ar, l, m) => format!("{}–{}", number(Language::Ar, l), arabic_count(m, &AR_DAY)),
    }
}

/// How long ago, for a post: "just now", "5 minutes ago", "منذ ٣ ساعات"; older than a
/// week, the date.
pub fn relative(
    language: Language,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    offset_minutes: i64,
) -> String {
    let seconds = (now - at).num_seconds().max(0);
    let minutes = u64::try_from(seconds / 60).unwrap_or(0);
    let hours = minutes / 60;
    let days = hours / 24;
    match language {
        Language::En => {
            let plural = |n: u64, unit: &str| {
                if n == 1 {
                    format!("1 {unit} ago")
                } else {
                    format!("{} {unit}s ago", number(language, n))
                }
            };
            match (minutes, hours, days) {
                (0, _, _) => "just now".to_string(),
                (m, 0, _) => plural(m, "minute"),
                (_, h, 0) => plural(h, "hour"),
                (_, _, d) if d < 7 => plural(d, "day"),
                _ => date(language, at, offset_minutes),
            }
        }
        Language::Ar => match (minutes, hours, days) {
            (0, _, _) => "الآن".to_string(),
            (m, 0, _) => format!("منذ {}", arabic_count(m, &AR_MINUTE)),
            (_, h, 0) => format!("منذ {}", arabic_count(h, &AR_HOUR)),
            (_, _, d) if d < 7 => format!("منذ {}", arabic_count(d, &AR_DAY)),
            _ => date(language, at, offset_minutes),
        },
    }
}

/// The clock, from the webview.
pub fn now() -> DateTime<Utc> {
    // Milliseconds since 1970 fit an i64 exactly; the float comes from JavaScript.
    let ms = js_sys::Date::now();
    DateTime::<Utc>::from_timestamp_millis(format!("{ms:.0}").parse().unwrap_or(0))
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// The user's time zone offset at `at`, in minutes east of UTC.
pub fn local_offset_minutes(at: DateTime<Utc>) -> i64 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&at.to_rfc3339()));
    // getTimezoneOffset is minutes *west* of UTC, and always a small whole number.
    -format!("{:.0}", date.get_timezone_offset())
        .parse::<i64>()
        .unwrap_or(0)
}

/// Minor units from an amount typed in major units ("12.5" SAR is 1250); `None` when
/// it is empty or not an amount with at most the currency's decimals.
pub fn parse_money(typed: &str, currency: &str) -> Option<i64> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let digits = Money {
        amount_minor: 0,
        currency: currency.to_string(),
    }
    .minor_digits();
    let width = usize::try_from(digits).ok()?;
    let (whole, fraction) = typed.split_once('.').unwrap_or((typed, ""));
    if fraction.len() > width || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok().filter(|w: &i64| *w >= 0)?;
    let fraction: String = fraction
        .chars()
        .chain(std::iter::repeat('0'))
        .take(width)
        .collect();
    let fraction: i64 = if width == 0 {
        0
    } else {
        fraction.parse().ok()?
    };
    whole
        .checked_mul(10i64.checked_pow(digits)?)?
        .checked_add(fraction)
}

/// Minor units as an amount to edit in major units, digits only: 1250 SAR is "12.50".
pub fn money_input(amount_minor: i64, currency: &str) -> String {
    let digits = Money {
        amount_minor,
        currency: currency.to_string(),
    }
    .minor_digits();
    let scale = 10u64.pow(digits);
    let amount = amount_minor.unsigned_abs();
    let width = usize::try_from(digits).unwrap_or(2);
    if digits == 0 {
        amount.to_string()
    } else {
        format!("{}.{:0width$}", amount / scale, amount % scale)
    }
}

/// A PIN as typed: its six digits, in any script (Arabic-Indic and Persian digits
/// too), spaces left out; none when it is not six digits.
pub fn pin_digits(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '٠'..='٩' => char::from_digit(u32::from(c) - u32::from('٠'), 10).unwrap_or(c),
            '۰'..='۹' => char::from_digit(u32::from(c) - u32::from('۰'), 10).unwrap_or(c),
            other => other,
        })
        .collect();
    (digits.len() == souq_wire::wallet::PIN_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}
