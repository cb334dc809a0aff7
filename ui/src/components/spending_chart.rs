//! Monthly spending as stacked bars, one colour per category, drawn in the app. The
//! bars are a flex row, so in Arabic the months run right to left as its text does; a
//! table beside them says the same figures to a screen reader. Each slice's share is
//! set through the CSSOM (`style:`), which the app's CSP allows where a `style`
//! attribute is refused.

use leptos::prelude::*;
use souq_wire::{Language, Money, SpendingCategory, SpendingMonth, SpendingReport};

use crate::i18n::{Text, format, tr, use_i18n};

const CATEGORIES: [SpendingCategory; 4] = [
    SpendingCategory::Shopping,
    SpendingCategory::People,
    SpendingCategory::Donations,
    SpendingCategory::Withdrawals,
];

fn category_text(category: SpendingCategory) -> Text {
    match category {
        SpendingCategory::Shopping => Text::CatShopping,
        SpendingCategory::People => Text::CatPeople,
        SpendingCategory::Donations => Text::CatDonations,
        SpendingCategory::Withdrawals => Text::CatWithdrawals,
    }
}

fn category_class(category: SpendingCategory) -> &'static str {
    match category {
        SpendingCategory::Shopping => "cat-shopping",
        SpendingCategory::People => "cat-people",
        SpendingCategory::Donations => "cat-donations",
        SpendingCategory::Withdrawals => "cat-withdrawals",
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_AR: [&str; 12] = [
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

fn month_name(language: Language, month: u32) -> &'static str {
    let names = match language {
        Language::Ar => &MONTHS_AR,
        Language::En => &MONTHS_EN,
    };
    usize::try_from(month.saturating_sub(1))
        .ok()
        .and_then(|i| names.get(i))
        .copied()
        .unwrap_or("")
}

fn total_of(month: &SpendingMonth, category: SpendingCategory) -> i64 {
    month
        .slices
        .iter()
        .filter(|s| s.category == category)
        .map(|s| s.amount_minor)
        .sum()
}

#[component]
pub fn SpendingChart(report: SpendingReport) -> impl IntoView {
    let i18n = use_i18n();
    let currency = report.currency.clone();
    let most = report
        .months
        .iter()
        .map(|m| m.slices.iter().map(|s| s.amount_minor).sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let empty = report.months.iter().all(|m| m.slices.is_empty());
    let money = move |amount_minor: i64| Money {
        amount_minor,
        currency: currency.clone(),
    };
    let bars = report.months.clone();
    let table_months = report.months.clone();
    let money_bar = money.clone();
    view! {
        <section class="panel spending">
            <h2 id="spending-title">{i18n.t(Text::SpendingTitle)}</h2>
            {empty.then(|| view! { <p class="muted spending-empty">{i18n.t(Text::SpendingEmpty)}</p> })}
            <div class="spending-bars" aria-hidden="true">
                {bars.into_iter().map(|month| {
                    let money = money_bar.clone();
                    let total: i64 = month.slices.iter().map(|s| s.amount_minor).sum();
                    let label_month = month.month;
                    view! {
                        <div class="spending-month">
                            <div class="spending-stack">
                                {CATEGORIES.into_iter().filter_map(|category| {
                                    let amount = total_of(&month, category);
                                    (amount > 0).then(|| {
                                        let share = (amount.saturating_mul(100) / most).max(2);
                                        let money = money.clone();
                                        view! {
                                            <span class=format!("spending-slice {}", category_class(category))
                                                style:flex-basis=format!("{share}%")
                                                title=move || format!("{}: {}", tr(i18n.language.get(), category_text(category)),
                                                    format::money(i18n.language.get(), &money(amount)))/>
                                        }
                                    })
                                }).collect_view()}
                            </div>
                            <span class="spending-total">{
                                let money = money.clone();
                                move || (total > 0).then(|| format::money(i18n.language.get(), &money(total)))
                            }</span>
                            <span class="spending-label">{move || month_name(i18n.language.get(), label_month)}</span>
                        </div>
                    }
                }).collect_view()}
            </div>
            <ul class="spending-legend">
                {CATEGORIES.into_iter().map(|category| view! {
                    <li><span class=format!("swatch {}", category_class(category))></span>{i18n.t(category_text(category))}</li>
                }).collect_view()}
            </ul>
            <table class="visually-hidden" aria-labelledby="spending-title">
                <thead><tr>
                    <th scope="col"></th>
                    {CATEGORIES.into_iter().map(|c| view! { <th scope="col">{i18n.t(category_text(c))}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {table_months.into_iter().map(|month| {
                        let money = money.clone();
                        let label = format!("{}", month.year);
                        view! { <tr>
                            <th scope="row">{move || format!("{} {label}", month_name(i18n.language.get(), month.month))}</th>
                            {CATEGORIES.into_iter().map(|c| {
                                let amount = total_of(&month, c);
                                let money = money.clone();
                                view! { <td>{move || format::money(i18n.language.get(), &money(amount))}</td> }
                            }).collect_view()}
                        </tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
