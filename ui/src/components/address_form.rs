//! Adding or editing an address, checked field by field with the same rules the server
//! holds (`souq_wire::address`), so a mistake is pointed at before a round trip.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::address::{self, AddressField, COUNTRIES};
use souq_wire::{Address, AddressInput, ErrorBody};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, use_i18n};

fn field_text(field: AddressField) -> Text {
    match field {
        AddressField::Name => Text::CheckRecipient,
        AddressField::Phone => Text::CheckPhone,
        AddressField::Line1 => Text::CheckStreet,
        AddressField::Line2 => Text::CheckStreet,
        AddressField::City => Text::CheckCity,
        AddressField::Region => Text::CheckRegion,
        AddressField::PostalCode => Text::CheckPostalCode,
        AddressField::Country => Text::CheckCountry,
    }
}

#[component]
fn Input(
    id: &'static str,
    label: Text,
    value: RwSignal<String>,
    invalid: Signal<bool>,
    #[prop(optional)] ltr: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field" class:invalid=move || invalid.get()>
            <label for=id>{i18n.t(label)}</label>
            <input id=id class=id dir=if ltr { "ltr" } else { "auto"}
                aria-invalid=move || invalid.get().then_some("true")
                prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

/// The form; `on_saved` gets the saved address. `editing` fills it from an address.
#[component]
pub fn AddressForm(
    editing: Option<Address>,
    on_saved: Callback<Address>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = editing.as_ref().map(|a| a.id);
    let text = |f: fn(&Address) -> &String| {
        RwSignal::new(editing.as_ref().map(|a| f(a).clone()).unwrap_or_default())
    };
    let name = text(|a| &a.name);
    let phone = text(|a| &a.phone);
    let line1 = text(|a| &a.line1);
    let line2 = text(|a| &a.line2);
    let city = text(|a| &a.city);
    let region = text(|a| &a.region);
    let postal_code = text(|a| &a.postal_code);
    let country = RwSignal::new(
        editing
            .as_ref()
            .map(|a| a.country.clone())
            .unwrap_or_else(|| "SA".into()),
    );
    let is_default = RwSignal::new(editing.as_ref().is_some_and(|a| a.is_default));
    let wrong = RwSignal::new(None::<AddressField>);
    let error = RwSignal::new(None::<ErrorBody>);
    let busy = RwSignal::new(false);
    let invalid = move |fields: &'static [AddressField]| {
        Signal::derive(move || wrong.get().is_some_and(|w| fields.contains(&w)))
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = AddressInput {
            name: name.get_untracked(),
            phone: phone.get_untracked(),
            line1: line1.get_untracked(),
            line2: line2.get_untracked(),
            city: city.get_untracked(),
            region: region.get_untracked(),
            postal_code: postal_code.get_untracked(),
            country: country.get_untracked(),
            is_default: is_default.get_untracked(),
        };
        let input = match address::address(&input) {
            Ok(input) => input,
            Err(field) => {
                wrong.set(Some(field));
                return;
            }
        };
        wrong.set(None);
        busy.set(true);
        spawn_local(async move {
            match api::save_address(id, &input).await {
                Ok(saved) => on_saved.run(saved),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="panel address-form" on:submit=save novalidate>
            <Input id="address-name" label=Text::Recipient value=name invalid=invalid(&[AddressField::Name])/>
            <Input id="address-phone" label=Text::Phone value=phone invalid=invalid(&[AddressField::Phone]) ltr=true/>
            <Input id="address-line1" label=Text::Street value=line1 invalid=invalid(&[AddressField::Line1])/>
            <Input id="address-line2" label=Text::StreetMore value=line2 invalid=invalid(&[AddressField::Line2])/>
            <Input id="address-city" label=Text::City value=city invalid=invalid(&[AddressField::City])/>
            <Input id="address-region" label=Text::Region value=region invalid=invalid(&[AddressField::Region])/>
            <Input id="address-postal" label=Text::PostalCode value=postal_code invalid=invalid(&[AddressField::PostalCode]) ltr=true/>
            <div class="field">
                <label for="address-country">{i18n.t(Text::Country)}</label>
                <select id="address-country" class="address-country" on:change=move |ev| country.set(event_target_value(&ev))>
                    {COUNTRIES.iter().map(|c| view! {
                        <option value=*c selected=move || country.get() == *c>{*c}</option>
                    }).collect_view()}
                </select>
            </div>
            <label class="inline">
                <input type="checkbox" class="address-default" prop:checked=is_default
                    on:change=move |ev| is_default.set(event_target_checked(&ev))/>
                <span>{i18n.t(Text::DefaultAddress)}</span>
            </label>
            {move || wrong.get().map(|field| view! { <p class="error" role="alert">{i18n.t(field_text(field))}</p> })}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            <div class="form-actions">
                <button type="submit" class="button button-primary save-address" disabled=busy>{i18n.t(Text::SaveAddress)}</button>
                <button type="button" class="link" on:click=move |_| on_cancel.run(())>{i18n.t(Text::Cancel)}</button>
            </div>
        </form>
    }
}
