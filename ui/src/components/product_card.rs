//! A product as a tile: picture, title (with what a search matched in it marked),
//! store, price, and whether it sold out. Tapping it opens the product's page.

use leptos::prelude::*;
use souq_wire::{Highlight, ProductCard as Product, TextRange};

use crate::api;
use crate::i18n::{Text, format, use_i18n};
use crate::state::{Screen, use_app};

/// A text with the parts a search matched in `<mark>`.
#[component]
pub fn Marked(text: String, #[prop(optional)] ranges: Vec<TextRange>) -> impl IntoView {
    TextRange::split(&text, &ranges)
        .into_iter()
        .map(|(part, matched)| {
            let part = part.to_string();
            if matched {
                view! { <mark>{part}</mark> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

/// The ranges of `highlights` for this product or store.
pub fn ranges_of(highlights: &[Highlight], id: i64) -> Vec<TextRange> {
    highlights
        .iter()
        .find(|h| h.id == id)
        .map(|h| h.ranges.clone())
        .unwrap_or_default()
}

#[component]
pub fn ProductCard(product: Product, #[prop(optional)] marks: Vec<TextRange>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let price = product.price.clone();
    let id = product.id;
    view! {
        <button type="button" class="product-card" data-product-id=product.id
            on:click=move |ev| {
                // Inside a post, the tap is the product's, not the post's.
                ev.stop_propagation();
                state.open(Screen::Product(id));
            }>
            {product.image_media_id.map(|id| view! {
                <img class="product-image" src=api::media_url(id) alt=product.title.clone() loading="lazy"/>
            })}
            <span class="product-info">
                <span class="product-title" dir="auto"><Marked text=product.title.clone() ranges=marks/></span>
                <span class="product-store" dir="auto">{product.store_name.clone()}</span>
                <span class="price">{move || format::money(i18n.language.get(), &price)}</span>
                {(!product.in_stock).then(|| view! {
                    <span class="badge badge-sold-out">{i18n.t(Text::SoldOut)}</span>
                })}
            </span>
        </button>
    }
}

/// Products as a grid of tiles, with what a search matched in their titles marked.
#[component]
pub fn ProductGrid(
    products: Vec<Product>,
    #[prop(optional)] highlights: Vec<Highlight>,
) -> impl IntoView {
    view! {
        <div class="product-grid">
            {products.into_iter().map(|product| {
                let marks = ranges_of(&highlights, product.id);
                view! { <ProductCard product=product marks=marks/> }
            }).collect_view()}
        </div>
    }
}
