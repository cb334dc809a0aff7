//! One post: who, when, the text with tappable hashtags, and its products.

use leptos::prelude::*;
use souq_wire::{AuthorKind, Post, Segment, segments};

use crate::components::avatar::Avatar;
use crate::components::product_card::ProductCard;
use crate::i18n::{Text, format, use_i18n};
use crate::state::{Screen, use_app};

#[component]
fn Body(text: String) -> impl IntoView {
    let state = use_app();
    segments(&text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(text) => view! { <span>{text}</span> }.into_any(),
            Segment::Hashtag(tag) => {
                let key = souq_wire::text::hashtag_key(&tag);
                view! {
                    <button
                        type="button"
                        class="hashtag"
                        // Isolated, so "#drop" inside Arabic text does not read "drop#".
                        dir="auto"
                        data-tag=key.clone()
                        on:click=move |_| state.open(Screen::Hashtag(key.clone()))
                    >
                        {format!("#{tag}")}
                    </button>
                }
                .into_any()
            }
            // Profiles arrive with the social graph; until then a mention is styled
            // text, not a control that does nothing.
            Segment::Mention(handle) => {
                view! { <span class="mention" dir="ltr">{format!("@{handle}")}</span> }.into_any()
            }
        })
        .collect_view()
}

#[component]
pub fn PostCard(post: Post) -> impl IntoView {
    let i18n = use_i18n();
    let created = post.created_at;
    let badge = match post.author.kind {
        AuthorKind::Store => Some(Text::StoreBadge),
        AuthorKind::Nonprofit => Some(Text::NonprofitBadge),
        AuthorKind::Person => None,
    };
    let when = move || {
        let language = i18n.language.get();
        let offset = format::local_offset_minutes(created);
        format::relative(language, created, format::now(), offset)
    };
    let full_date = move || {
        format::date(
            i18n.language.get(),
            created,
            format::local_offset_minutes(created),
        )
    };
    view! {
        <article class="post" data-post-id=post.id>
            <header class="post-head">
                <Avatar author=post.author.clone()/>
                <div class="who">
                    <span class="author-name" dir="auto">{post.author.display_name.clone()}</span>
                    {badge.map(|text| view! { <span class="badge">{i18n.t(text)}</span> })}
                    <span class="author-handle" dir="ltr">{format!("@{}", post.author.handle)}</span>
                    <time class="post-time" datetime=created.to_rfc3339() title=full_date>{when}</time>
                </div>
            </header>
            <p class="post-body" dir="auto"><Body text=post.body.clone()/></p>
            {(!post.products.is_empty()).then(|| view! {
                <div class="products">
                    {post.products.clone().into_iter().map(|product| view! {
                        <ProductCard product=product/>
                    }).collect_view()}
                </div>
            })}
        </article>
    }
}
