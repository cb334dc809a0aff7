//! One post: who (and who reposted it), when, the text with tappable hashtags and
//! mentions, its images, the post it quotes, its products, and the action bar. In
//! "For you" it can say why it is there.

use leptos::prelude::*;
use souq_wire::{Author, AuthorKind, Post, QuotedPost, RankReason, Segment, segments};

use crate::api;
use crate::components::avatar::Avatar;
use crate::components::donate::DonateButton;
use crate::components::post_actions::PostActions;
use crate::components::product_card::ProductCard;
use crate::i18n::{Text, format, tr, use_i18n};
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
                        on:click=move |ev| {
                            ev.stop_propagation();
                            state.open(Screen::Hashtag(key.clone()));
                        }
                    >
                        {format!("#{tag}")}
                    </button>
                }
                .into_any()
            }
            Segment::Mention(handle) => {
                let target = handle.to_ascii_lowercase();
                view! {
                    <button type="button" class="mention" dir="ltr" data-handle=target.clone()
                        on:click=move |ev| {
                            ev.stop_propagation();
                            state.open(Screen::Profile(target.clone()));
                        }>
                        {format!("@{handle}")}
                    </button>
                }
                .into_any()
            }
        })
        .collect_view()
}

/// The author's picture and name, opening their profile.
#[component]
fn Byline(author: Author, created: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let badge = match author.kind {
        AuthorKind::Store => Some(Text::StoreBadge),
        AuthorKind::Nonprofit => Some(Text::NonprofitBadge),
        AuthorKind::Person => None,
    };
    let when = move || {
        let offset = format::local_offset_minutes(created);
        format::relative(i18n.language.get(), created, format::now(), offset)
    };
    let full_date = move || {
        format::date(
            i18n.language.get(),
            created,
            format::local_offset_minutes(created),
        )
    };
    let handle = author.handle.clone();
    view! {
        <header class="post-head">
            // Named by whose profile it opens: the picture alone says nothing to a reader.
            <button type="button" class="author-link" aria-label=author.display_name.clone()
                on:click=move |_| state.open(Screen::Profile(handle.clone()))>
                <Avatar author=author.clone()/>
            </button>
            <div class="who">
                <span class="author-name" dir="auto">{author.display_name.clone()}</span>
                {badge.map(|text| view! { <span class="badge">{i18n.t(text)}</span> })}
                <span class="author-handle" dir="ltr">{format!("@{}", author.handle)}</span>
                <time class="post-time" datetime=created.to_rfc3339() title=full_date>{when}</time>
            </div>
        </header>
    }
}

#[component]
fn Quote(quote: QuotedPost) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let id = quote.id;
    if quote.deleted {
        return view! { <div class="quote quote-deleted">{i18n.t(Text::QuotedDeleted)}</div> }
            .into_any();
    }
    view! {
        <div class="quote" role="link" tabindex="0" on:click=move |_| state.open(Screen::Post(id))
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                // A link opens with Enter, as a real one would.
                if ev.key() == "Enter" {
                    state.open(Screen::Post(id));
                }
            }>
            <div class="quote-head">
                <span class="author-name" dir="auto">{quote.author.display_name.clone()}</span>
                <span class="author-handle" dir="ltr">{format!("@{}", quote.author.handle)}</span>
            </div>
            <p class="post-body" dir="auto"><Body text=quote.body.clone()/></p>
        </div>
    }
    .into_any()
}

fn reason_text(language: souq_wire::Language, reason: &RankReason) -> String {
    match reason {
        RankReason::Hashtag(tag) => format!("{} #{tag}", tr(language, Text::WhyHashtag)),
        RankReason::Store(name) => format!("{} {name}", tr(language, Text::WhyStore)),
        RankReason::Category(category) => format!("{} {category}", tr(language, Text::WhyCategory)),
        RankReason::Popular => tr(language, Text::WhyPopular).to_string(),
        RankReason::Recent => tr(language, Text::WhyRecent).to_string(),
    }
}

#[component]
fn WhyThis(reasons: Vec<RankReason>, ranked: bool) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    view! {
        <div class="why">
            <button type="button" class="link why-toggle" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {i18n.t(Text::WhyThis)}
            </button>
            <Show when=move || open.get()>
                <ul class="why-reasons">
                    {
                        let reasons = reasons.clone();
                        move || {
                            let language = i18n.language.get();
                            if !ranked {
                                return vec![view! { <li>{tr(language, Text::WhyChronological).to_string()}</li> }];
                            }
                            reasons.iter().map(|r| view! { <li>{reason_text(language, r)}</li> }).collect::<Vec<_>>()
                        }
                    }
                </ul>
            </Show>
        </div>
    }
}

#[component]
pub fn PostCard(
    post: Post,
    /// In "For you": why the post ranks where it does, and whether ranking is on.
    #[prop(optional)]
    why: Option<(Vec<RankReason>, bool)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let removed = RwSignal::new(false);
    let reposter = post.reposted_by.clone();
    view! {
        <Show when=move || !removed.get()>
            <article class="post" data-post-id=post.id>
                {reposter.clone().map(|r| {
                    let handle = r.handle.clone();
                    view! {
                        <p class="reposted-by">
                            <button type="button" class="link" on:click=move |_| state.open(Screen::Profile(handle.clone()))>
                                <span dir="auto">{r.display_name.clone()}</span>
                            </button>" "{i18n.t(Text::RepostedBy)}
                        </p>
                    }
                })}
                <Byline author=post.author.clone() created=post.created_at/>
                {(!post.body.is_empty()).then(|| view! {
                    <p class="post-body" dir="auto"><Body text=post.body.clone()/></p>
                })}
                {(!post.images.is_empty()).then(|| view! {
                    <div class=format!("post-images count-{}", post.images.len())>
                        {post.images.iter().map(|id| view! {
                            <img src=api::media_url(*id) alt="" loading="lazy"/>
                        }).collect_view()}
                    </div>
                })}
                {post.quote.clone().map(|quote| view! { <Quote quote=quote/> })}
                {(!post.products.is_empty()).then(|| view! {
                    <div class="products">
                        {post.products.clone().into_iter().map(|product| view! {
                            <ProductCard product=product/>
                        }).collect_view()}
                    </div>
                })}
                {(post.author.kind == AuthorKind::Nonprofit).then(|| view! {
                    <div class="post-donate"><DonateButton nonprofit=post.author.clone()/></div>
                })}
                <PostActions post=post.clone() removed=removed/>
                {why.clone().map(|(reasons, ranked)| view! { <WhyThis reasons=reasons ranked=ranked/> })}
            </article>
        </Show>
    }
}
