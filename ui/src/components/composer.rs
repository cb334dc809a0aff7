//! Writing a post: text with #hashtags and @mentions, up to four images, optionally
//! quoting another post. The limits are the server's own, checked as you type.

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::components::files;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::state::use_app;
use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::feed::{MAX_POST_CHARS, MAX_POST_IMAGES};
use souq_wire::{ErrorBody, NewPost, Post, ProductCard};

/// An image picked for the post: its preview and its bytes.
#[derive(Clone)]
struct Picked {
    preview: String,
    bytes: Vec<u8>,
}

async fn read(file: web_sys::File) -> Option<Picked> {
    let bytes = files::bytes(&file).await?;
    let preview = web_sys::Url::create_object_url_with_blob(&file).ok()?;
    Some(Picked { preview, bytes })
}

#[component]
pub fn Composer(
    #[prop(optional)] quote: Option<Post>,
    #[prop(optional)] on_done: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let text = RwSignal::new(String::new());
    let images = RwSignal::new(Vec::<Picked>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let too_many = RwSignal::new(false);
    let quote_id = quote.as_ref().map(|q| q.id);
    // Stores attach their own products; the catalogue loads when first asked for.
    let is_store = state.user.with_untracked(|u| {
        u.as_ref()
            .is_some_and(|u| u.role != souq_wire::Role::Shopper)
    });
    let catalogue = RwSignal::new(None::<Vec<ProductCard>>);
    let picking = RwSignal::new(false);
    let attached = RwSignal::new(Vec::<i64>::new());
    let toggle_picker = move |_| {
        picking.update(|open| *open = !*open);
        if catalogue.with_untracked(Option::is_none) {
            spawn_local(async move {
                match api::my_products().await {
                    Ok(products) => catalogue.set(Some(products)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let length = move || text.with(|t| t.chars().count());
    let over = move || length() > MAX_POST_CHARS;
    let empty = move || {
        text.with(|t| t.trim().is_empty()) && (quote_id.is_some() || images.with(Vec::is_empty))
    };

    let pick = move |ev: leptos::ev::Event| {
        let picked = files::picked(&ev);
        spawn_local(async move {
            for file in picked {
                if images.with_untracked(Vec::len) >= MAX_POST_IMAGES {
                    too_many.set(true);
                    break;
                }
                if let Some(picked) = read(file).await {
                    images.update(|list| list.push(picked));
                }
            }
        });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || over() || empty() {
            return;
        }
        busy.set(true);
        error.set(None);
        let body = text.get_untracked();
        let picked = images.get_untracked();
        spawn_local(async move {
            let mut media = Vec::new();
            for image in &picked {
                match api::upload_image(&image.bytes).await {
                    Ok(uploaded) => media.push(uploaded.id),
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                        return;
                    }
                }
            }
            let new = NewPost {
                body,
                images: media,
                products: attached.get_untracked(),
                quote_of: quote_id,
            };
            match api::create_post(&new).await {
                Ok(_) => {
                    text.set(String::new());
                    images.set(Vec::new());
                    attached.set(Vec::new());
                    picking.set(false);
                    too_many.set(false);
                    state.posted.update(|n| *n += 1);
                    if let Some(done) = on_done {
                        done.run(());
                    }
                }
                Err(e) => {
                    state.note_error(&e);
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };

    view! {
        <form class="composer" on:submit=submit>
            <textarea
                class="compose-text"
                name="body"
                dir="auto"
                rows="3"
                placeholder=i18n.t(Text::ComposePlaceholder)
                aria-label=i18n.t(Text::ComposePlaceholder)
                bind:value=text
            ></textarea>
            {quote.map(|q| view! {
                <div class="quote">
                    <div class="quote-head">
                        <span class="author-name" dir="auto">{q.author.display_name.clone()}</span>
                        <span class="author-handle" dir="ltr">{format!("@{}", q.author.handle)}</span>
                    </div>
                    <p class="post-body" dir="auto">{q.body.clone()}</p>
                </div>
            })}
            <Show when=move || images.with(|i| !i.is_empty())>
                <div class="compose-images">
                    {move || images.get().into_iter().enumerate().map(|(index, picked)| view! {
                        <div class="compose-image">
                            <img src=picked.preview.clone() alt=""/>
                            <button type="button" class="icon-button remove" aria-label=i18n.t(Text::RemoveImage)
                                on:click=move |_| {
                                    images.update(|list| { if index < list.len() { list.remove(index); } });
                                    too_many.set(false);
                                }>"×"</button>
                        </div>
                    }).collect_view()}
                </div>
            </Show>
            <Show when=move || picking.get()>
                <fieldset class="product-picker">
                    <legend>{i18n.t(Text::AttachProducts)}</legend>
                    {move || match catalogue.get() {
                        None => view! { <p class="muted">{i18n.t(Text::Loading)}</p> }.into_any(),
                        Some(products) if products.is_empty() => view! { <p class="muted">{i18n.t(Text::NoProducts)}</p> }.into_any(),
                        Some(products) => products.into_iter().map(|product| {
                            let id = product.id;
                            view! {
                                <label class="choice product-choice">
                                    <input type="checkbox" name="product" value=id
                                        prop:checked=move || attached.with(|a| a.contains(&id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            attached.update(|a| {
                                                a.retain(|p| *p != id);
                                                if on { a.push(id); }
                                            });
                                        }/>
                                    <span dir="auto">{product.title.clone()}</span>
                                    <span class="price">{move || format::money(i18n.language.get(), &product.price)}</span>
                                </label>
                            }
                        }).collect_view().into_any(),
                    }}
                </fieldset>
            </Show>
            <div class="compose-bar">
                <label class="button add-images" class:disabled=move || { images.with(Vec::len) >= MAX_POST_IMAGES }>
                    {i18n.t(Text::AddImages)}
                    <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" multiple
                        class="visually-hidden" on:change=pick
                        disabled=move || { images.with(Vec::len) >= MAX_POST_IMAGES }/>
                </label>
                {move || too_many.get().then(|| view! { <span class="muted">{i18n.t(Text::TooManyImages)}</span> })}
                {is_store.then(|| view! {
                    <button type="button" class="button attach-products" aria-expanded=move || picking.get().to_string()
                        on:click=toggle_picker>{i18n.t(Text::AttachProducts)}</button>
                })}
                <span class="counter" class:over=over>
                    {move || {
                        let language = i18n.language.get();
                        let left = i64::try_from(MAX_POST_CHARS).unwrap_or(0) - i64::try_from(length()).unwrap_or(0);
                        let sign = if left < 0 { "-" } else { "" };
                        format!("{sign}{}", format::number(language, left.unsigned_abs()))
                    }}
                </span>
                <button type="submit" class="button button-primary post-submit" disabled=move || busy.get() || over() || empty()>
                    {move || tr(i18n.language.get(), if busy.get() { Text::Posting } else { Text::Post })}
                </button>
            </div>
            {move || error.get().map(|e| view! {
                <ErrorMessage error=e/>
            })}
        </form>
    }
}
