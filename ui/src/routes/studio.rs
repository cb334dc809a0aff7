//! The merchant studio: the store's products edited as drafts (names, descriptions,
//! categories, images, options with their prices and stock, the website link,
//! archiving), the store page and its collections, a preview of the storefront in a
//! phone-sized and a desktop-sized frame side by side, and publishing it all at once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::shop::CATEGORIES;
use souq_wire::{
    CollectionDraft, ErrorBody, ErrorCode, NewStore, ProductDraft, StoreDraft, Storefront, Studio,
    StudioProduct, VariantDraft,
};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::components::files;
use crate::components::shipping_editor::ShippingEditor;
use crate::components::store_drops::StoreDrops;
use crate::components::store_orders::StoreOrders;
use crate::components::storefront::StorefrontView;
use crate::i18n::{Text, category_name, format, tr, use_i18n};
use crate::state::use_app;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pane {
    Products,
    /// Editing a product; `None` is a new one.
    Editor(Option<i64>),
    Page,
    Preview,
    /// The store's orders, and the steps they are ready for.
    Orders,
    Shipping,
    /// The store's drops, scheduled and past, with their funnels.
    Drops,
}

#[component]
fn OpenStoreForm(on_open: Callback<Studio>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let about = RwSignal::new(String::new());
    let currency = RwSignal::new("SAR".to_string());
    let error = RwSignal::new(None::<ErrorBody>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let store = NewStore {
            name: name.get_untracked(),
            about: about.get_untracked(),
            currency: currency.get_untracked(),
        };
        spawn_local(async move {
            match api::open_store(&store).await {
                Ok(studio) => on_open.run(studio),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="panel studio-open" on:submit=submit>
            <h2>{i18n.t(Text::OpenYourStore)}</h2>
            <label>{i18n.t(Text::StoreName)}
                <input class="store-name" dir="auto" required prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
            <label>{i18n.t(Text::AboutStore)}
                <textarea dir="auto" prop:value=about on:input=move |ev| about.set(event_target_value(&ev))></textarea>
            </label>
            <label>{i18n.t(Text::Currency)}
                <select on:change=move |ev| currency.set(event_target_value(&ev))>
                    {["SAR", "AED", "KWD", "QAR", "BHD", "OMR", "EGP", "JOD", "USD"].into_iter().map(|c| view! {
                        <option value=c>{c}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button button-primary">{i18n.t(Text::OpenStore)}</button>
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
        </form>
    }
}

/// One option row as typed: prices and stock stay text until saved.
#[derive(Debug, Clone, PartialEq)]
struct OptionRow {
    key: u32,
    id: Option<i64>,
    name: RwSignal<String>,
    price: RwSignal<String>,
    stock: RwSignal<String>,
    /// Empty for no limit.
    limit: RwSignal<String>,
}

#[component]
fn ProductEditor(
    handle: String,
    currency: String,
    product: Option<StudioProduct>,
    on_saved: Callback<StudioProduct>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = product.as_ref().map(|p| p.id);
    let draft = product.map(|p| p.draft).unwrap_or_else(|| ProductDraft {
        title: String::new(),
        description: String::new(),
        category: CATEGORIES
            .first()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        external_url: None,
        images: Vec::new(),
        variants: Vec::new(),
        archived: false,
    });
    let title = RwSignal::new(draft.title.clone());
    let description = RwSignal::new(draft.description.clone());
    let category = RwSignal::new(draft.category.clone());
    let website = RwSignal::new(draft.external_url.clone().unwrap_or_default());
    let images = RwSignal::new(draft.images.clone());
    let archived = RwSignal::new(draft.archived);
    let next_key = StoredValue::new(0u32);
    let new_row =
        move |id: Option<i64>, name: String, price: String, stock: String, limit: String| {
            next_key.update_value(|k| *k += 1);
            OptionRow {
                key: next_key.get_value(),
                id,
                name: RwSignal::new(name),
                price: RwSignal::new(price),
                stock: RwSignal::new(stock),
                limit: RwSignal::new(limit),
            }
        };
    let rows = RwSignal::new(
        draft
            .variants
            .iter()
            .map(|v| {
                new_row(
                    v.id,
                    v.name.clone(),
                    format::money_input(v.price_minor, &currency),
                    v.stock.to_string(),
                    v.per_customer_limit
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>(),
    );
    if rows.with_untracked(Vec::is_empty) {
        rows.update(|r| {
            r.push(new_row(
                None,
                String::new(),
                String::new(),
                "0".into(),
                String::new(),
            ))
        });
    }
    let error = RwSignal::new(None::<ErrorBody>);
    let bad_numbers = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let uploading = RwSignal::new(false);

    let pick = move |ev: leptos::ev::Event| {
        let picked = files::picked(&ev);
        uploading.set(true);
        spawn_local(async move {
            for file in picked {
                let Some(bytes) = files::bytes(&file).await else {
                    continue;
                };
                match api::upload_image(&bytes).await {
                    Ok(media) => images.update(|list| list.push(media.id)),
                    Err(e) => error.set(Some(e)),
                }
            }
            uploading.set(false);
        });
    };
    let currency_for_save = currency.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let variants: Option<Vec<VariantDraft>> = rows.with_untracked(|rows| {
            rows.iter()
                .map(|row| {
                    Some(VariantDraft {
                        id: row.id,
                        name: row.name.get_untracked(),
                        price_minor: format::parse_money(
                            &row.price.get_untracked(),
                            &currency_for_save,
                        )?,
                        stock: row.stock.get_untracked().trim().parse().ok()?,
                        per_customer_limit: match row.limit.get_untracked().trim() {
                            "" => None,
                            limit => Some(limit.parse().ok().filter(|n: &i64| *n > 0)?),
                        },
                    })
                })
                .collect()
        });
        let Some(variants) = variants else {
            bad_numbers.set(true);
            return;
        };
        bad_numbers.set(false);
        let website = website.get_untracked();
        let draft = ProductDraft {
            title: title.get_untracked(),
            description: description.get_untracked(),
            category: category.get_untracked(),
            external_url: (!website.trim().is_empty()).then_some(website),
            images: images.get_untracked(),
            variants,
            archived: archived.get_untracked(),
        };
        let handle = handle.clone();
        busy.set(true);
        error.set(None);
        saved.set(false);
        spawn_local(async move {
            match api::save_product(&handle, id, &draft).await {
                Ok(product) => {
                    saved.set(true);
                    on_saved.run(product);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="panel product-editor" on:submit=save>
            <label>{i18n.t(Text::ProductTitle)}
                <input class="product-title-input" dir="auto" required maxlength="120"
                    prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
            </label>
            <label>{i18n.t(Text::Description)}
                <textarea class="product-description-input" dir="auto" rows="4" prop:value=description
                    on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            </label>
            <label>{i18n.t(Text::Category)}
                <select class="product-category" on:change=move |ev| category.set(event_target_value(&ev))>
                    {CATEGORIES.iter().map(|c| {
                        let key = c.to_string();
                        let selected = key.clone();
                        let value = key.clone();
                        view! {
                            <option value=value selected=move || category.get() == selected>
                                {move || category_name(i18n.language.get(), &key)}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </label>
            <label>{i18n.t(Text::ProductWebsite)}
                <input type="url" dir="ltr" placeholder="https://" prop:value=website
                    on:input=move |ev| website.set(event_target_value(&ev))/>
            </label>
            <fieldset class="editor-images">
                <legend>{i18n.t(Text::Images)}</legend>
                <div class="thumbs">
                    {move || images.get().into_iter().map(|media| view! {
                        <span class="thumb">
                            <img src=api::media_url(media) alt=""/>
                            <button type="button" class="link danger"
                                on:click=move |_| images.update(|list| list.retain(|m| *m != media))>
                                {i18n.t(Text::Remove)}
                            </button>
                        </span>
                    }).collect_view()}
                </div>
                <label class="button">
                    {i18n.t(Text::AddImages)}
                    <input type="file" class="visually-hidden" accept="image/png,image/jpeg,image/gif,image/webp"
                        multiple on:change=pick disabled=uploading/>
                </label>
            </fieldset>
            <fieldset class="editor-variants">
                <legend>{i18n.t(Text::Variants)}</legend>
                <div class="variant-head" aria-hidden="true">
                    <span>{i18n.t(Text::VariantName)}</span>
                    <span>{move || format!("{} ({})", tr(i18n.language.get(), Text::Price), currency)}</span>
                    <span>{i18n.t(Text::Stock)}</span>
                    <span>{i18n.t(Text::LimitPerShopper)}</span>
                    <span></span>
                </div>
                <For each=move || rows.get() key=|row| row.key let:row>
                    <div class="variant-row">
                        <input class="variant-name-input" dir="auto" required aria-label=i18n.t(Text::VariantName)
                            prop:value=row.name on:input=move |ev| row.name.set(event_target_value(&ev))/>
                        <input class="variant-price-input" inputmode="decimal" dir="ltr" required aria-label=i18n.t(Text::Price)
                            prop:value=row.price on:input=move |ev| row.price.set(event_target_value(&ev))/>
                        <input class="variant-stock-input" type="number" min="0" step="1" dir="ltr" required aria-label=i18n.t(Text::Stock)
                            prop:value=row.stock on:input=move |ev| row.stock.set(event_target_value(&ev))/>
                        <input class="variant-limit-input" type="number" min="1" step="1" dir="ltr" aria-label=i18n.t(Text::LimitPerShopper)
                            prop:value=row.limit on:input=move |ev| row.limit.set(event_target_value(&ev))/>
                        <button type="button" class="link danger"
                            disabled=move || rows.with(|r| r.len() <= 1)
                            on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))>
                            {i18n.t(Text::Remove)}
                        </button>
                    </div>
                </For>
                <button type="button" class="button add-variant"
                    on:click=move |_| rows.update(|r| r.push(new_row(None, String::new(), String::new(), "0".into(), String::new())))>
                    {i18n.t(Text::AddVariant)}
                </button>
            </fieldset>
            <label class="inline">
                <input type="checkbox" class="archived" prop:checked=archived
                    on:change=move |ev| archived.set(event_target_checked(&ev))/>
                <span>{i18n.t(Text::ArchivedHidden)}</span>
            </label>
            {move || bad_numbers.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::CheckPrices)}</p> })}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            {move || saved.get().then(|| view! { <p class="saved" role="status">{i18n.t(Text::SavedDraft)}</p> })}
            <button type="submit" class="button button-primary save-draft" disabled=busy>{i18n.t(Text::SaveDraft)}</button>
        </form>
    }
}

#[component]
fn PageEditor(
    handle: String,
    page: StoreDraft,
    products: Vec<StudioProduct>,
    on_saved: Callback<Studio>,
) -> impl IntoView {
    let i18n = use_i18n();
    let about = RwSignal::new(page.about.clone());
    let error = RwSignal::new(None::<ErrorBody>);
    let banner = RwSignal::new(page.banner_media_id);
    let pick_banner = move |ev: leptos::ev::Event| {
        let picked = files::picked(&ev);
        spawn_local(async move {
            let Some(file) = picked.first() else {
                return;
            };
            let Some(bytes) = files::bytes(file).await else {
                return;
            };
            match api::upload_image(&bytes).await {
                Ok(media) => banner.set(Some(media.id)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let collections = RwSignal::new(
        page.collections
            .iter()
            .map(|c| {
                (
                    c.id,
                    RwSignal::new(c.name.clone()),
                    RwSignal::new(c.product_ids.clone()),
                )
            })
            .collect::<Vec<_>>(),
    );
    let products = StoredValue::new(products);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let page = StoreDraft {
            about: about.get_untracked(),
            banner_media_id: banner.get_untracked(),
            collections: collections.with_untracked(|list| {
                list.iter()
                    .map(|(id, name, members)| CollectionDraft {
                        id: *id,
                        name: name.get_untracked(),
                        product_ids: members.get_untracked(),
                    })
                    .collect()
            }),
        };
        let handle = handle.clone();
        saved.set(false);
        error.set(None);
        spawn_local(async move {
            match api::save_store_page(&handle, &page).await {
                Ok(studio) => {
                    saved.set(true);
                    on_saved.run(studio);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="panel page-editor" on:submit=save>
            <label>{i18n.t(Text::AboutStore)}
                <textarea dir="auto" rows="3" prop:value=about on:input=move |ev| about.set(event_target_value(&ev))></textarea>
            </label>
            <fieldset class="editor-banner">
                <legend>{i18n.t(Text::Banner)}</legend>
                {move || banner.get().map(|id| view! {
                    <span class="thumb banner-thumb">
                        <img src=api::media_url(id) alt=""/>
                        <button type="button" class="link danger" on:click=move |_| banner.set(None)>
                            {i18n.t(Text::Remove)}
                        </button>
                    </span>
                })}
                <label class="button">
                    {i18n.t(Text::ChooseBanner)}
                    <input type="file" class="visually-hidden" accept="image/png,image/jpeg,image/gif,image/webp"
                        on:change=pick_banner/>
                </label>
            </fieldset>
            <h3>{i18n.t(Text::Collections)}</h3>
            {move || collections.get().into_iter().map(|(_, name, members)| view! {
                <fieldset class="collection-editor">
                    <legend>
                        <input dir="auto" required aria-label=i18n.t(Text::CollectionName) prop:value=name
                            on:input=move |ev| name.set(event_target_value(&ev))/>
                    </legend>
                    {products.get_value().into_iter().map(|p| {
                        let id = p.id;
                        view! {
                            <label class="inline">
                                <input type="checkbox" prop:checked=move || members.with(|m| m.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        members.update(|m| {
                                            m.retain(|x| *x != id);
                                            if on { m.push(id); }
                                        });
                                    }/>
                                <span dir="auto">{p.draft.title.clone()}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }).collect_view()}
            <button type="button" class="button" on:click=move |_| collections.update(|list| {
                list.push((None, RwSignal::new(String::new()), RwSignal::new(Vec::new())));
            })>{i18n.t(Text::AddCollection)}</button>
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            {move || saved.get().then(|| view! { <p class="saved" role="status">{i18n.t(Text::SavedDraft)}</p> })}
            <button type="submit" class="button button-primary">{i18n.t(Text::SavePage)}</button>
        </form>
    }
}

/// The storefront with the drafts applied, in a phone-sized and a desktop-sized frame.
#[component]
fn PreviewFrames(front: Storefront) -> impl IntoView {
    let i18n = use_i18n();
    let frame = move |class: &'static str, label: Text, front: Storefront| {
        view! {
            <figure class=format!("preview-frame {class}")>
                <figcaption>{i18n.t(label)}</figcaption>
                <div class="frame-holder">
                    <div class="frame-screen">
                        <StorefrontView front=front header=true/>
                    </div>
                </div>
            </figure>
        }
    };
    view! {
        <div class="preview-frames">
            {frame("phone", Text::PhoneFrame, front.clone())}
            {frame("desktop", Text::DesktopFrame, front)}
        </div>
    }
}

#[component]
fn StudioView(
    studio: RwSignal<Option<Result<Studio, ErrorBody>>>,
    handle: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let pane = RwSignal::new(Pane::Products);
    let preview = RwSignal::new(None::<Result<Storefront, ErrorBody>>);
    let notice = RwSignal::new(None::<Text>);
    let failure = RwSignal::new(None::<ErrorBody>);
    let reload = {
        let handle = handle.clone();
        move || {
            let handle = handle.clone();
            spawn_local(async move {
                studio.set(Some(api::studio(&handle).await));
            });
        }
    };
    let current = move || studio.get().and_then(Result::ok);
    let show_preview = {
        let handle = handle.clone();
        move |_| {
            let handle = handle.clone();
            pane.set(Pane::Preview);
            preview.set(None);
            spawn_local(async move {
                preview.set(Some(api::preview_storefront(&handle).await));
            });
        }
    };
    let publish = {
        let handle = handle.clone();
        let reload = reload.clone();
        move |_| {
            let handle = handle.clone();
            let reload = reload.clone();
            failure.set(None);
            spawn_local(async move {
                match api::publish_store(&handle).await {
                    Ok(_) => {
                        notice.set(Some(Text::PublishedNow));
                        pane.set(Pane::Products);
                        reload();
                    }
                    Err(e) => failure.set(Some(e)),
                }
            });
        }
    };
    let discard = {
        let handle = handle.clone();
        move |_| {
            let handle = handle.clone();
            spawn_local(async move {
                match api::discard_drafts(&handle).await {
                    Ok(fresh) => {
                        studio.set(Some(Ok(fresh)));
                        pane.set(Pane::Products);
                    }
                    Err(e) => failure.set(Some(e)),
                }
            });
        }
    };
    let on_product_saved = {
        let reload = reload.clone();
        Callback::new(move |product: StudioProduct| {
            notice.set(Some(Text::SavedDraft));
            pane.set(Pane::Editor(Some(product.id)));
            reload();
        })
    };
    let on_page_saved = Callback::new(move |fresh: Studio| {
        notice.set(Some(Text::SavedDraft));
        studio.set(Some(Ok(fresh)));
    });
    let tab = move |which: Pane, label: Text| {
        view! {
            <button type="button" role="tab" class="tab" class:active=move || pane.get() == which
                aria-selected=move || (pane.get() == which).to_string() on:click=move |_| pane.set(which)>
                {i18n.t(label)}
            </button>
        }
    };
    view! {
        <div class="studio-bar panel">
            <p class="studio-state" role="status">{move || {
                let language = i18n.language.get();
                let waiting = current().is_some_and(|s| s.has_drafts);
                tr(language, if waiting { Text::DraftsWaiting } else { Text::AllPublished })
            }}</p>
            <div class="studio-actions">
                <button type="button" class="button preview-storefront" on:click=show_preview>
                    {i18n.t(Text::PreviewStorefront)}
                </button>
                <button type="button" class="button button-primary publish"
                    disabled=move || !current().is_some_and(|s| s.has_drafts) on:click=publish>
                    {i18n.t(Text::Publish)}
                </button>
                <button type="button" class="link danger discard"
                    disabled=move || !current().is_some_and(|s| s.has_drafts) on:click=discard>
                    {i18n.t(Text::DiscardDrafts)}
                </button>
            </div>
            {move || notice.get().map(|t| view! { <p class="saved">{i18n.t(t)}</p> })}
            {move || failure.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
        </div>
        <div class="tabs" role="tablist">
            {tab(Pane::Products, Text::Products)}
            {tab(Pane::Page, Text::StorePage)}
            {tab(Pane::Orders, Text::Orders)}
            {tab(Pane::Shipping, Text::Shipping)}
            {tab(Pane::Drops, Text::StudioDrops)}
        </div>
        {move || {
            let Some(s) = current() else {
                return ().into_any();
            };
            let handle = handle.clone();
            match pane.get() {
                Pane::Products => view! {
                    <div class="studio-products">
                        <button type="button" class="button new-product" on:click=move |_| pane.set(Pane::Editor(None))>
                            {i18n.t(Text::NewProduct)}
                        </button>
                        {s.products.is_empty().then(|| view! { <p class="muted">{i18n.t(Text::NoStudioProducts)}</p> })}
                        <ul class="studio-list">
                            {s.products.iter().map(|p| {
                                let id = p.id;
                                let badge = match (p.published, p.has_draft, p.draft.archived) {
                                    (_, _, true) => Text::ArchivedBadge,
                                    (false, _, _) => Text::DraftBadge,
                                    (true, true, _) => Text::ChangedBadge,
                                    (true, false, _) => Text::PublishedBadge,
                                };
                                view! {
                                    <li class="studio-item" data-product-id=id>
                                        {p.draft.images.first().map(|m| view! { <img class="thumb" src=api::media_url(*m) alt=""/> })}
                                        <span class="studio-item-title" dir="auto">{p.draft.title.clone()}</span>
                                        <span class="badge">{i18n.t(badge)}</span>
                                        <button type="button" class="button edit-product" on:click=move |_| pane.set(Pane::Editor(Some(id)))>
                                            {i18n.t(Text::Edit)}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
                Pane::Editor(id) => {
                    let product = id.and_then(|id| s.products.iter().find(|p| p.id == id).cloned());
                    view! {
                        <ProductEditor handle=handle currency=s.currency.clone() product=product on_saved=on_product_saved/>
                    }.into_any()
                }
                Pane::Page => view! {
                    <PageEditor handle=handle page=s.page.clone() products=s.products.clone() on_saved=on_page_saved/>
                }.into_any(),
                Pane::Orders => view! { <StoreOrders handle=handle/> }.into_any(),
                Pane::Shipping => view! { <ShippingEditor handle=handle currency=s.currency.clone()/> }.into_any(),
                Pane::Drops => view! { <StoreDrops handle=handle products=s.products.clone()/> }.into_any(),
                Pane::Preview => view! {
                    <div class="studio-preview">
                        <button type="button" class="link close-preview" on:click=move |_| pane.set(Pane::Products)>
                            {i18n.t(Text::ClosePreview)}
                        </button>
                        {move || match preview.get() {
                            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
                            Some(Err(e)) => view! { <ErrorMessage error=e detail=true/> }.into_any(),
                            Some(Ok(front)) => view! { <PreviewFrames front=front/> }.into_any(),
                        }}
                    </div>
                }.into_any(),
            }
        }}
    }
}

#[component]
pub fn StudioScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let handle = state
        .user
        .get_untracked()
        .map(|u| u.handle)
        .unwrap_or_default();
    let studio = RwSignal::new(None::<Result<Studio, ErrorBody>>);
    {
        let handle = handle.clone();
        spawn_local(async move {
            studio.set(Some(api::studio(&handle).await));
        });
    }
    let opened = Callback::new(move |fresh: Studio| studio.set(Some(Ok(fresh))));
    // Only whether it loaded, so reloading the studio keeps the open pane.
    let loaded = Memo::new(move |_| studio.with(|s| matches!(s, Some(Ok(_)))));
    view! {
        <header class="screen-head">
            <h1>{i18n.t(Text::StudioTitle)}</h1>
        </header>
        {move || match studio.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) if e.code == ErrorCode::NotFound => view! { <OpenStoreForm on_open=opened/> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e detail=true/> }.into_any(),
            Some(Ok(_)) => ().into_any(),
        }}
        {move || loaded.get().then(|| view! {
            <StudioView studio=studio handle=handle.clone()/>
        })}
    }
}
