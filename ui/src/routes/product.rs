//! A product's page: its pictures, variants (each with its price and stock), the
//! description, the store, "Shop on website", and the posts that carry it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, ErrorCode, ProductDetail, Timeline};

use crate::api;
use crate::components::back_header::BackHeader;
use crate::components::error_message::ErrorMessage;
use crate::components::feed_list::{FeedList, FeedSource};
use crate::i18n::{Text, category_name, format, tr, use_i18n};
use crate::state::{Screen, use_app};

#[component]
fn Gallery(images: Vec<i64>, title: String) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(images.first().copied());
    let many = images.len() > 1;
    let main_title = title.clone();
    view! {
        <div class="gallery">
            {move || shown.get().map(|id| view! {
                <img class="gallery-main" src=api::media_url(id) alt=main_title.clone()/>
            })}
            {many.then(|| view! {
                <div class="gallery-thumbs">
                    {images.iter().copied().zip(1u64..).map(|(id, n)| {
                        // Each thumbnail is named by the picture it shows: the title and its place.
                        let title = title.clone();
                        let name = move || format!("{title} {}", format::number(i18n.language.get(), n));
                        view! {
                            <button type="button" class="gallery-thumb" class:active=move || shown.get() == Some(id)
                                aria-pressed=move || (shown.get() == Some(id)).to_string()
                                on:click=move |_| shown.set(Some(id))>
                                <img src=api::media_url(id) alt=name/>
                            </button>
                        }
                    }).collect_view()}
                </div>
            })}
        </div>
    }
}

#[component]
fn Details(product: ProductDetail) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    // The first variant in stock is chosen to begin with.
    let first = product
        .variants
        .iter()
        .position(|v| v.stock > 0)
        .unwrap_or(0);
    let chosen = RwSignal::new(first);
    let variants = StoredValue::new(product.variants.clone());
    let price = move || {
        variants.with_value(|v| {
            v.get(chosen.get())
                .map(|v| format::money(i18n.language.get(), &v.price))
                .unwrap_or_default()
        })
    };
    let opening_failed = RwSignal::new(None::<ErrorBody>);
    let added = RwSignal::new(false);
    let cart_error = RwSignal::new(None::<ErrorBody>);
    let sold_out =
        move || variants.with_value(|v| v.get(chosen.get()).is_none_or(|v| v.stock <= 0));
    // "Buy now" puts the chosen option in the cart and opens it.
    let buy = move |now: bool| {
        let Some(variant) = variants.with_value(|v| v.get(chosen.get_untracked()).map(|v| v.id))
        else {
            return;
        };
        added.set(false);
        spawn_local(async move {
            match api::add_to_cart(variant, 1).await {
                Ok(cart) => {
                    state.cart_items.set(cart.items);
                    cart_error.set(None);
                    if now {
                        state.open(Screen::Cart);
                    } else {
                        added.set(true);
                    }
                }
                Err(e) => cart_error.set(Some(e)),
            }
        });
    };
    let id = product.id;
    let store_handle = product.store.handle.clone();
    let category = product.category.clone();
    view! {
        <section class="panel product-page" data-product-id=product.id>
            <Gallery images=product.images.clone() title=product.title.clone()/>
            <div class="product-summary">
                <button type="button" class="link product-store-link"
                    on:click=move |_| state.open(Screen::Profile(store_handle.clone()))>
                    <span dir="auto">{product.store.name.clone()}</span>
                </button>
                <h1 class="product-name" dir="auto">{product.title.clone()}</h1>
                <p class="eyebrow">{move || category_name(i18n.language.get(), &category)}</p>
                <p class="price product-price">{price}</p>
                <fieldset class="variants">
                    <legend>{i18n.t(Text::Options)}</legend>
                    {product.variants.iter().enumerate().map(|(i, variant)| {
                        let sold_out = variant.stock <= 0;
                        let variant_price = variant.price.clone();
                        let stock = variant.stock;
                        view! {
                            <label class="variant" class:sold-out=sold_out>
                                <input type="radio" name="variant" value=variant.id
                                    prop:checked=move || chosen.get() == i
                                    on:change=move |_| chosen.set(i)/>
                                <span class="variant-name" dir="auto">{variant.name.clone()}</span>
                                <span class="price">{move || format::money(i18n.language.get(), &variant_price)}</span>
                                <span class="variant-stock">{move || {
                                    let language = i18n.language.get();
                                    if sold_out {
                                        tr(language, Text::SoldOut).to_string()
                                    } else {
                                        format!("{} {}", format::number(language, stock.unsigned_abs()), tr(language, Text::InStockCount))
                                    }
                                }}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="buy-buttons">
                    <button type="button" class="button button-primary add-to-cart"
                        disabled=sold_out on:click=move |_| buy(false)>
                        {i18n.t(Text::AddToCart)}
                    </button>
                    <button type="button" class="button buy-now" disabled=sold_out on:click=move |_| buy(true)>
                        {i18n.t(Text::BuyNow)}
                    </button>
                </div>
                {move || added.get().then(|| view! { <p class="saved" role="status">{i18n.t(Text::AddedToCart)}</p> })}
                {move || cart_error.get().map(|e| view! {
                    <ErrorMessage error=e/>
                })}
                {product.external_url.is_some().then(|| view! {
                    <button type="button" class="button shop-on-website" on:click=move |_| {
                        spawn_local(async move {
                            opening_failed.set(api::open_product_website(id).await.err());
                        });
                    }>{i18n.t(Text::ShopOnWebsite)}</button>
                })}
                {move || opening_failed.get().map(|e| view! {
                    <ErrorMessage error=e/>
                })}
                <h2>{i18n.t(Text::Description)}</h2>
                <p class="product-description" dir="auto">{product.description.clone()}</p>
            </div>
        </section>
    }
}

#[component]
pub fn ProductScreen(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let product = RwSignal::new(None::<Result<ProductDetail, ErrorBody>>);
    spawn_local(async move {
        product.set(Some(api::product(id).await));
    });
    view! {
        <BackHeader/>
        {move || match product.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) if e.code == ErrorCode::NotFound => {
                view! { <p class="muted" role="status">{i18n.t(Text::ProductNotFound)}</p> }.into_any()
            }
            Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            Some(Ok(p)) => view! {
                <Details product=p/>
                <h2 class="section-title">{i18n.t(Text::PostsWithProduct)}</h2>
                <FeedList source=FeedSource::Timeline(Timeline::Product { id })/>
            }.into_any(),
        }}
    }
}
