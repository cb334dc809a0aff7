//! A product attached to a post: picture, title, store, price, and whether it sold out.

use leptos::prelude::*;
use souq_wire::ProductCard as Product;

use crate::api;
use crate::i18n::{Text, format, use_i18n};

#[component]
pub fn ProductCard(product: Product) -> impl IntoView {
    let i18n = use_i18n();
    let price = product.price.clone();
    view! {
        <div class="product-card" data-product-id=product.id>
            {product.image_media_id.map(|id| view! {
                <img class="product-image" src=api::media_url(id) alt=product.title.clone() loading="lazy"/>
            })}
            <div class="product-info">
                <span class="product-title" dir="auto">{product.title.clone()}</span>
                <span class="product-store" dir="auto">{product.store_name.clone()}</span>
                <span class="price">{move || format::money(i18n.language.get(), &price)}</span>
                {(!product.in_stock).then(|| view! {
                    <span class="badge badge-sold-out">{i18n.t(Text::SoldOut)}</span>
                })}
            </div>
        </div>
    }
}
