//! The Shop tab: search as you type (Arabic or English), browse by category, collection
//! and store, filter by price, stock and store, and sort.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, Highlight, ShopHome, ShopQuery, ShopResults, ShopSort, StoreCard};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::components::product_card::{Marked, ProductGrid, ranges_of};
use crate::i18n::{Text, category_name, format, tr, use_i18n};
use crate::state::{Screen, use_app};

/// How long typing must pause before a search runs.
const TYPING_PAUSE_MS: u64 = 180;

#[component]
fn StoreChips(
    stores: Vec<StoreCard>,
    #[prop(optional)] highlights: Vec<Highlight>,
) -> impl IntoView {
    let state = use_app();
    view! {
        <div class="store-chips">
            {stores.into_iter().map(|store| {
                let handle = store.handle.clone();
                let marks = ranges_of(&highlights, store.id);
                view! {
                    <button type="button" class="store-chip" data-handle=store.handle.clone()
                        on:click=move |_| state.open(Screen::Profile(handle.clone()))>
                        {store.avatar_media_id.map(|id| view! {
                            <img class="avatar small" src=api::media_url(id) alt=""/>
                        })}
                        <span dir="auto"><Marked text=store.name.clone() ranges=marks/></span>
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

fn sort_value(sort: ShopSort) -> &'static str {
    match sort {
        ShopSort::Relevance => "relevance",
        ShopSort::Newest => "newest",
        ShopSort::PriceLowToHigh => "price_low_to_high",
        ShopSort::PriceHighToLow => "price_high_to_low",
    }
}

fn sort_of(value: &str) -> ShopSort {
    match value {
        "newest" => ShopSort::Newest,
        "price_low_to_high" => ShopSort::PriceLowToHigh,
        "price_high_to_low" => ShopSort::PriceHighToLow,
        _ => ShopSort::Relevance,
    }
}

#[component]
pub fn ShopScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    spawn_local(async move {
        if let Ok(cart) = api::cart().await {
            state.cart_items.set(cart.items);
        }
    });
    let home = RwSignal::new(None::<ShopHome>);
    let query = RwSignal::new(ShopQuery::default());
    let results = RwSignal::new(None::<Result<ShopResults, ErrorBody>>);
    let typed = RwSignal::new(String::new());
    let price_from = RwSignal::new(String::new());
    let price_to = RwSignal::new(String::new());
    // Answers to older queries are dropped, so fast typing never shows stale results.
    let generation = StoredValue::new(0u32);

    spawn_local(async move {
        if let Ok(found) = api::shop_home().await {
            home.set(Some(found));
        }
    });
    Effect::new(move |_| {
        let q = query.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            let answer = api::shop_search(&q).await;
            if generation.get_value() == mine {
                results.set(Some(answer));
            }
        });
    });

    let default_currency = move || {
        home.with_untracked(|h| h.as_ref().and_then(|h| h.currencies.first().cloned()))
            .unwrap_or_else(|| "SAR".into())
    };
    let on_type = move |ev| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        set_timeout(
            move || {
                if typed.get_untracked() == text {
                    query.update(|q| {
                        q.q = (!text.trim().is_empty()).then(|| text.clone());
                        q.offset = None;
                    });
                }
            },
            std::time::Duration::from_millis(TYPING_PAUSE_MS),
        );
    };
    let apply_prices = move || {
        query.update(|q| {
            let currency = q.currency.clone().unwrap_or_else(default_currency);
            q.min_price = format::parse_money(&price_from.get_untracked(), &currency);
            q.max_price = format::parse_money(&price_to.get_untracked(), &currency);
            let by_price = q.min_price.is_some()
                || q.max_price.is_some()
                || matches!(q.sort, ShopSort::PriceLowToHigh | ShopSort::PriceHighToLow);
            q.currency = by_price.then_some(currency);
            q.offset = None;
        });
    };
    let load_more = move |_| {
        let Some(Ok(current)) = results.get_untracked() else {
            return;
        };
        let Some(offset) = current.next_offset else {
            return;
        };
        let mut next = query.get_untracked();
        next.offset = Some(offset);
        let mine = generation.get_value();
        spawn_local(async move {
            if let Ok(more) = api::shop_search(&next).await
                && generation.get_value() == mine
            {
                results.update(|r| {
                    if let Some(Ok(r)) = r {
                        r.products.extend(more.products);
                        r.next_offset = more.next_offset;
                    }
                });
            }
        });
    };
    let category_chip = move |category: Option<String>, label: String| {
        let selected = {
            let category = category.clone();
            move || query.with(|q| q.category == category)
        };
        view! {
            <button type="button" class="chip category-chip" class:active=selected.clone()
                aria-pressed=move || selected().to_string()
                data-category=category.clone().unwrap_or_default()
                on:click=move |_| query.update(|q| { q.category = category.clone(); q.offset = None; })>
                {label}
            </button>
        }
    };

    // On a phone the filters and sort wait in a sheet behind one button, so products
    // come first; a wide screen shows them above the results.
    let filters_open = RwSignal::new(false);
    view! {
        <div class="shop">
        <header class="screen-head shop-head">
            <h1>{i18n.t(Text::ShopTitle)}</h1>
            <button type="button" class="button open-cart" on:click=move |_| state.open(Screen::Cart)>
                {i18n.t(Text::CartTitle)}
                {move || (state.cart_items.get() > 0).then(|| view! {
                    <span class="cart-count">{format::number(i18n.language.get(), state.cart_items.get().unsigned_abs())}</span>
                })}
            </button>
        </header>
        <div class="shop-search-bar">
            <input type="search" class="shop-search" dir="auto" autocomplete="off"
                placeholder=move || tr(i18n.language.get(), Text::SearchProducts)
                aria-label=move || tr(i18n.language.get(), Text::SearchProducts)
                prop:value=typed on:input=on_type/>
            <button type="button" class="button open-filters" aria-expanded=move || filters_open.get().to_string()
                on:click=move |_| filters_open.set(true)>{i18n.t(Text::FiltersAndSort)}</button>
        </div>
        {move || filters_open.get().then(|| view! {
            <div class="sheet-backdrop" on:click=move |_| filters_open.set(false)></div>
        })}
        <section class="shop-filters" class:open=move || filters_open.get()
            role=move || filters_open.get().then_some("dialog")
            aria-modal=move || filters_open.get().then_some("true")
            aria-label=move || tr(i18n.language.get(), Text::FiltersAndSort)
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { filters_open.set(false) }>
            <div class="chips">
                {move || {
                    let language = i18n.language.get();
                    let mut chips = vec![category_chip(None, tr(language, Text::AllCategories).to_string())];
                    if let Some(home) = home.get() {
                        chips.extend(home.categories.into_iter().map(|c| {
                            let label = category_name(language, &c.category);
                            category_chip(Some(c.category), label)
                        }));
                    }
                    chips.collect_view()
                }}
            </div>
            {move || home.get().map(|h| h.collections).filter(|c| !c.is_empty()).map(|collections| view! {
                <div class="chips collection-chips" aria-label=move || tr(i18n.language.get(), Text::Collections)>
                    {collections.into_iter().map(|c| {
                        let id = c.id;
                        let selected = move || query.with(|q| q.collection == Some(id));
                        view! {
                            <button type="button" class="chip collection-chip" class:active=selected
                                aria-pressed=move || selected().to_string() data-collection-id=id
                                on:click=move |_| query.update(|q| {
                                    q.collection = if q.collection == Some(id) { None } else { Some(id) };
                                    q.offset = None;
                                })>
                                <span dir="auto">{c.name.clone()}</span>
                                <span class="muted" dir="auto">{c.store_name.clone()}</span>
                            </button>
                        }
                    }).collect_view()}
                </div>
            })}
            <div class="filter-row">
                <label class="inline">
                    <span>{i18n.t(Text::SortBy)}</span>
                    <select class="shop-sort" on:change=move |ev| {
                        let sort = sort_of(&event_target_value(&ev));
                        query.update(|q| q.sort = sort);
                        apply_prices();
                    }>
                        {[
                            (ShopSort::Relevance, Text::SortRelevance),
                            (ShopSort::Newest, Text::SortNewest),
                            (ShopSort::PriceLowToHigh, Text::SortPriceLow),
                            (ShopSort::PriceHighToLow, Text::SortPriceHigh),
                        ].into_iter().map(|(sort, label)| view! {
                            <option value=sort_value(sort) selected=move || query.with(|q| q.sort == sort)>
                                {move || tr(i18n.language.get(), label)}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="inline">
                    <span>{i18n.t(Text::Stores)}</span>
                    <select class="shop-store" on:change=move |ev| {
                        let handle = event_target_value(&ev);
                        query.update(|q| {
                            q.store = (!handle.is_empty()).then_some(handle);
                            q.offset = None;
                        });
                    }>
                        <option value="" selected=move || query.with(|q| q.store.is_none())>
                            {move || tr(i18n.language.get(), Text::AllCategories)}
                        </option>
                        {move || home.get().map(|h| h.stores).unwrap_or_default().into_iter().map(|store| {
                            let handle = store.handle.clone();
                            let value = store.handle.clone();
                            view! {
                                <option value=value selected=move || query.with(|q| q.store.as_deref() == Some(handle.as_str()))>
                                    {store.name}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                </label>
                <label class="inline">
                    <input type="checkbox" class="in-stock-only"
                        prop:checked=move || query.with(|q| q.in_stock)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            query.update(|q| { q.in_stock = on; q.offset = None; });
                        }/>
                    <span>{i18n.t(Text::InStockOnly)}</span>
                </label>
                <label class="inline">
                    <span>{i18n.t(Text::PriceFrom)}</span>
                    <input type="number" min="0" step="any" class="price-from" inputmode="decimal"
                        prop:value=price_from
                        on:change=move |ev| { price_from.set(event_target_value(&ev)); apply_prices(); }/>
                </label>
                <label class="inline">
                    <span>{i18n.t(Text::PriceTo)}</span>
                    <input type="number" min="0" step="any" class="price-to" inputmode="decimal"
                        prop:value=price_to
                        on:change=move |ev| { price_to.set(event_target_value(&ev)); apply_prices(); }/>
                </label>
                <label class="inline">
                    <span>{i18n.t(Text::Currency)}</span>
                    <select class="shop-currency" on:change=move |ev| {
                        let currency = event_target_value(&ev);
                        query.update(|q| q.currency = Some(currency));
                        apply_prices();
                    }>
                        {move || home.get().map(|h| h.currencies).unwrap_or_default().into_iter().map(|c| {
                            let value = c.clone();
                            let label = c.clone();
                            view! {
                                <option value=c selected=move || query.with(|q| q.currency.as_deref() == Some(value.as_str()))>{label}</option>
                            }
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" class="button clear-filters" on:click=move |_| {
                    price_from.set(String::new());
                    price_to.set(String::new());
                    query.update(|q| {
                        let words = q.q.take();
                        *q = ShopQuery { q: words, ..ShopQuery::default() };
                    });
                }>{i18n.t(Text::ClearFilters)}</button>
            </div>
            <button type="button" class="button button-primary show-results" on:click=move |_| filters_open.set(false)>
                {i18n.t(Text::ShowResults)}
            </button>
        </section>
        {move || {
            let searching = query.with(|q| q.q.is_some());
            (!searching).then(|| home.get().map(|h| view! {
                <section class="shop-stores">
                    <h2>{i18n.t(Text::Stores)}</h2>
                    <StoreChips stores=h.stores/>
                </section>
            })).flatten()
        }}
        <section class="shop-results" aria-live="polite">
            {move || match results.get() {
                None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
                Some(Ok(found)) => {
                    let empty = found.products.is_empty() && found.stores.is_empty();
                    let more = found.next_offset.is_some();
                    view! {
                        {(!found.stores.is_empty()).then(|| view! {
                            <h2>{i18n.t(Text::Stores)}</h2>
                            <StoreChips stores=found.stores.clone() highlights=found.store_highlights.clone()/>
                        })}
                        {empty.then(|| view! { <p class="muted empty-results">{i18n.t(Text::NoResults)}</p> })}
                        {found.did_you_mean.clone().map(|spelling| {
                            let words = spelling.clone();
                            view! {
                                <p class="did-you-mean">
                                    {i18n.t(Text::DidYouMean)}" "
                                    <button type="button" class="link suggestion" dir="auto" on:click=move |_| {
                                        typed.set(words.clone());
                                        query.update(|q| { q.q = Some(words.clone()); q.offset = None; });
                                    }>{spelling}</button>
                                </p>
                            }
                        })}
                        {(!found.products.is_empty()).then(|| view! {
                            <h2>{i18n.t(Text::Products)}</h2>
                            <ProductGrid products=found.products.clone() highlights=found.highlights.clone()/>
                        })}
                        {more.then(|| view! {
                            <button type="button" class="button load-more" on:click=load_more>
                                {i18n.t(Text::LoadMore)}
                            </button>
                        })}
                    }.into_any()
                }
            }}
        </section>
        </div>
    }
}
