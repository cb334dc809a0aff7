//! An author's picture: the store's image, or an initial on a colour of its own.

use leptos::prelude::*;
use souq_wire::Author;

use crate::api;

const HUES: [u16; 8] = [12, 38, 95, 160, 200, 235, 280, 330];

#[component]
pub fn Avatar(author: Author) -> impl IntoView {
    match author.avatar_media_id {
        Some(id) => view! {
            <img class="avatar" src=api::media_url(id) alt="" loading="lazy"/>
        }
        .into_any(),
        None => {
            let initial: String = author.display_name.chars().take(1).collect();
            let index = usize::try_from(author.id.rem_euclid(8)).unwrap_or(0);
            let hue = HUES.get(index).copied().unwrap_or(200);
            view! {
                <span class=format!("avatar avatar-initial hue-{hue}") aria-hidden="true">{initial}</span>
            }
            .into_any()
        }
    }
}
