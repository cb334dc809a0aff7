//! The locale rules for numbers, prices and relative times.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::as_conversions
)]

use chrono::{DateTime, Duration, Utc};
use souq_ui::i18n::format::{self, money, number, relative};
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
fn typed_prices_become_minor_units_with_the_currency_digits() {
    assert_eq!(format::parse_money("12.5", "SAR"), Some(1250));
    assert_eq!(format::parse_money(" 12 ", "SAR"), Some(1200));
    assert_eq!(format::parse_money("1.250", "KWD"), Some(1250));
    assert_eq!(format::parse_money("500", "JPY"), Some(500));
    // More decimals than the currency has, signs, words and nothing are not prices.
    for bad in ["12.345", "-3", "abc", "", "1.2.3", "5.5"] {
        let currency = if bad == "5.5" { "JPY" } else { "SAR" };
        assert_eq!(format::parse_money(bad, currency), None, "{bad}");
    }
    assert_eq!(format::money_input(1250, "SAR"), "12.50");
    assert_eq!(format::money_input(1250, "KWD"), "1.250");
    assert_eq!(
        format::parse_money(&format::money_input(98765, "AED"), "AED"),
        Some(98765)
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

mod windowing {
    use souq_ui::components::window::{ESTIMATED_PX, OVERSCAN_PX, Pull, pull, window};
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    fn only_items_on_screen_or_near_it_are_rendered() {
        let heights = vec![Some(300.0); 5000];
        let w = window(&heights, 100.0, 0.0, 800.0);
        assert_eq!(w.start, 0);
        assert!(w.end < 25, "{w:?}");
        assert_eq!(w.before_px, 0.0);
        assert!((w.after_px - (5000 - w.end) as f64 * 300.0).abs() < 0.5);
        // Deep in the list: a small window, and spacers that keep the scroll height.
        let w = window(&heights, 100.0, 600_000.0, 800.0);
        assert!(w.end - w.start < 25, "{w:?}");
        let covered = w.before_px + (w.end - w.start) as f64 * 300.0 + w.after_px;
        assert!((covered - 1_500_000.0).abs() < 0.5, "{w:?}");
        assert!(w.before_px <= 600_000.0 - 100.0 - OVERSCAN_PX + 300.0);
    }

    #[wasm_bindgen_test]
    fn unmeasured_items_use_the_estimate() {
        let heights = vec![None; 10];
        let w = window(&heights, 0.0, 0.0, 100.0);
        assert_eq!(w.start, 0);
        assert!(w.end <= 10);
        let total = w.before_px + w.after_px + (w.end - w.start) as f64 * ESTIMATED_PX;
        assert!((total - 10.0 * ESTIMATED_PX).abs() < 0.5);
    }

    #[wasm_bindgen_test]
    fn the_end_of_the_list_renders_its_last_items() {
        let heights = vec![Some(250.0); 300];
        let w = window(&heights, 0.0, 300.0 * 250.0 - 800.0, 800.0);
        assert_eq!(w.end, 300);
        assert_eq!(w.after_px, 0.0);
    }

    #[wasm_bindgen_test]
    fn a_pull_arms_a_refresh_only_past_its_threshold() {
        assert_eq!(pull(0.0), Pull::Idle);
        assert_eq!(pull(30.0), Pull::Pulling);
        assert_eq!(pull(80.0), Pull::Armed);
    }
}

#[wasm_bindgen_test]
fn delivery_days_read_as_a_range_in_both_languages() {
    assert_eq!(format::delivery_days(Language::En, 2, 4), "2–4 days");
    assert_eq!(format::delivery_days(Language::En, 1, 1), "1 day");
    assert_eq!(format::delivery_days(Language::Ar, 3, 5), "٣–٥ أيام");
    assert_eq!(format::delivery_days(Language::Ar, 0, 0), "في اليوم نفسه");
}

#[wasm_bindgen_test]
fn a_countdown_shows_days_then_a_clock_in_both_languages() {
    assert_eq!(
        format::countdown(Language::En, 2 * 86_400 + 3 * 3_600 + 14 * 60 + 5),
        "2d 03:14:05"
    );
    assert_eq!(format::countdown(Language::En, 59), "00:00:59");
    assert_eq!(format::countdown(Language::Ar, 3_600), "٠١:٠٠:٠٠");
    assert_eq!(format::countdown(Language::En, -5), "00:00:00");
}

#[wasm_bindgen_test]
fn what_is_left_of_a_drop_reads_in_each_languages_order() {
    assert_eq!(format::left_of(Language::En, 3, 40), "3 left of 40");
    assert_eq!(format::left_of(Language::Ar, 3, 40), "متبقٍّ ٣ من ٤٠");
}

#[wasm_bindgen_test]
fn a_pin_is_read_in_any_digits_and_must_be_six() {
    assert_eq!(format::pin_digits("482913").as_deref(), Some("482913"));
    assert_eq!(format::pin_digits("٤٨٢٩١٣").as_deref(), Some("482913"));
    assert_eq!(format::pin_digits("۴۸۲۹۱۳").as_deref(), Some("482913"));
    assert_eq!(format::pin_digits("48 29 13").as_deref(), Some("482913"));
    assert_eq!(format::pin_digits("4829"), None);
    assert_eq!(format::pin_digits("48291a"), None);
}
