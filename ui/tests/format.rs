//! The locale rules for numbers, prices and relative times.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use chrono::{DateTime, Duration, Utc};
use souq_ui::i18n::format::{money, number, relative};
use souq_wire::{Language, Money};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn price(amount_minor: i64, currency: &str) -> Money {
    Money {
        amount_minor,
        currency: currency.into(),
    }
}

#[wasm_bindgen_test]
fn numbers_group_thousands_in_each_locale() {
    assert_eq!(number(Language::En, 0), "0");
    assert_eq!(number(Language::En, 1_234_567), "1,234,567");
    assert_eq!(number(Language::Ar, 1_234_567), "١٬٢٣٤٬٥٦٧");
}

#[wasm_bindgen_test]
fn prices_come_from_minor_units_with_the_currency_digits() {
    assert_eq!(money(Language::En, &price(45_000, "SAR")), "SAR 450.00");
    assert_eq!(money(Language::En, &price(12_905, "USD")), "$129.05");
    assert_eq!(money(Language::En, &price(18_500, "KWD")), "KWD 18.500");
    assert_eq!(money(Language::En, &price(5, "AED")), "AED 0.05");
    assert_eq!(
        money(Language::Ar, &price(160_000, "SAR")),
        "\u{200F}١٬٦٠٠٫٠٠ ر.س."
    );
    assert_eq!(
        money(Language::Ar, &price(18_500, "KWD")),
        "\u{200F}١٨٫٥٠٠ د.ك."
    );
}

#[wasm_bindgen_test]
fn arabic_relative_times_use_all_plural_forms() {
    let now: DateTime<Utc> = "2026-11-21T12:00:00Z".parse().unwrap();
    let ago = |minutes: i64| relative(Language::Ar, now - Duration::minutes(minutes), now, 0);
    assert_eq!(ago(0), "الآن");
    assert_eq!(ago(1), "منذ دقيقة");
    assert_eq!(ago(2), "منذ دقيقتين");
    assert_eq!(ago(7), "منذ ٧ دقائق");
    assert_eq!(ago(25), "منذ ٢٥ دقيقة");
    assert_eq!(ago(60), "منذ ساعة");
    assert_eq!(ago(120), "منذ ساعتين");
    assert_eq!(ago(5 * 60), "منذ ٥ ساعات");
    assert_eq!(ago(2 * 24 * 60), "منذ يومين");
    assert_eq!(ago(3 * 24 * 60), "منذ ٣ أيام");
}

#[wasm_bindgen_test]
fn english_relative_times_count_singular_and_plural() {
    let now: DateTime<Utc> = "2026-11-21T12:00:00Z".parse().unwrap();
    let ago = |minutes: i64| relative(Language::En, now - Duration::minutes(minutes), now, 0);
    assert_eq!(ago(0), "just now");
    assert_eq!(ago(1), "1 minute ago");
    assert_eq!(ago(59), "59 minutes ago");
    assert_eq!(ago(60), "1 hour ago");
    assert_eq!(ago(26 * 60), "1 day ago");
    assert_eq!(ago(6 * 24 * 60), "6 days ago");
}
