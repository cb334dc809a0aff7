//! A product as a tile: picture, title, store, price, and whether it sold out. Tapping
//! it opens the product's page.

use leptos::prelude::*;
use souq_wire::ProductCard as Product;

use crate::api;
use crate::i18n::{Text, format, use_i18n};
use crate::state::{Screen, use_app};

#[component]
pub fn ProductCard(product: Product) -> impl IntoView {
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
                <span class="product-title" dir="auto">{product.title.clone()}</span>
                <span class="product-store" dir="auto">{product.store_name.clone()}</span>
                <span class="price">{move || format::money(i18n.language.get(), &price)}</span>
                {(!product.in_stock).then(|| view! {
                    <span class="badge badge-sold-out">{i18n.t(Text::SoldOut)}</span>
                })}
            </span>
        </button>
    }
}

/// Products as a grid of tiles.
#[component]
pub fn ProductGrid(products: Vec<Product>) -> impl IntoView {
    view! {
        <div class="product-grid">
            {products.into_iter().map(|product| view! { <ProductCard product=product/> }).collect_view()}
        </div>
    }
}
