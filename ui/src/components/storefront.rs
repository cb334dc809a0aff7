//! A store's mini-store: its banner, its collections, and every product it shows. The
//! store's profile shows it to shoppers; the studio's preview shows the same component
//! with the drafts applied.

use leptos::prelude::*;
use souq_wire::Storefront;

use crate::api;
use crate::components::product_card::ProductGrid;
use crate::i18n::{Text, use_i18n};

/// `header` adds the store's name and about text, which a profile shows above it.
#[component]
pub fn StorefrontView(front: Storefront, #[prop(optional)] header: bool) -> impl IntoView {
    let i18n = use_i18n();
    let store = front.store.clone();
    view! {
        <div class="storefront" data-store=front.store.handle.clone()>
            {header.then(|| view! {
                <div class="storefront-head">
                    {store.avatar_media_id.map(|id| view! { <img class="avatar" src=api::media_url(id) alt=""/> })}
                    <div>
                        <h2 class="storefront-name" dir="auto">{store.name.clone()}</h2>
                        <p class="about" dir="auto">{store.about.clone()}</p>
                    </div>
                </div>
            })}
            <div class="store-banner">
                {front.store.banner_media_id.map(|id| view! {
                    <img src=api::media_url(id) alt=""/>
                })}
            </div>
            {front.collections.into_iter().map(|collection| view! {
                <section class="collection" data-collection-id=collection.id>
                    <h2 dir="auto">{collection.name.clone()}</h2>
                    <ProductGrid products=collection.products/>
                </section>
            }).collect_view()}
            <section class="collection all-products">
                <h2>{i18n.t(Text::AllProducts)}</h2>
                {if front.products.is_empty() {
                    view! { <p class="muted">{i18n.t(Text::NoResults)}</p> }.into_any()
                } else {
                    view! { <ProductGrid products=front.products/> }.into_any()
                }}
            </section>
        </div>
    }
}
