//! The merchant studio on the real app: a merchant edits a product as a draft, sees it
//! in the preview's phone and desktop frames, publishes it, and a shopper then finds
//! it in Shop search and opens it.

use souq_e2e::Harness;

use crate::{arabic_on_a_phone, fits_the_screen, signed_in_feed};

const MERCHANT: &str = ".demo-account[data-email='dar.al.oud@demo.souq.example']";
const NEW_TITLE: &str = "عود ملكي للمناسبات";

/// How many columns the product grid of a preview frame lays out.
fn columns(frame: &str) -> String {
    format!(
        "return getComputedStyle(document.querySelector(
            '.preview-frame.{frame} .all-products .product-grid')).gridTemplateColumns
            .split(' ').length;"
    )
}

#[tokio::test]
async fn a_merchant_previews_a_draft_in_both_frames_publishes_it_and_a_shopper_finds_it() {
    let harness = Harness::start();
    let app = harness.launch().await;
    app.click(MERCHANT).await;
    app.click(".nav-item[data-screen='studio']").await;
    app.click(".studio-item .edit-product").await;
    app.type_into(".product-title-input", NEW_TITLE).await;
    app.click(".save-draft").await;
    app.wait_until(
        "!document.querySelector('.publish').disabled",
        "the draft waits to be published",
    )
    .await;

    app.click(".preview-storefront").await;
    app.wait_until(
        &format!(
            "['phone', 'desktop'].every(frame =>
                [...document.querySelectorAll(`.preview-frame.${{frame}} .product-title`)]
                    .some(t => t.textContent === {NEW_TITLE:?}))"
        ),
        "both preview frames show the draft",
    )
    .await;
    let phone = app.eval(&columns("phone")).await;
    let desktop = app.eval(&columns("desktop")).await;
    assert_eq!(phone, 2, "the phone frame lays out as a phone");
    assert_eq!(desktop, 4, "the desktop frame lays out as a desktop");
    let side_by_side = app
        .eval(
            "const [p, d] = ['phone', 'desktop'].map(f =>
                document.querySelector(`.preview-frame.${f}`).getBoundingClientRect());
             return Math.abs(p.top - d.top) < 1 && (p.right <= d.left || d.right <= p.left);",
        )
        .await;
    assert_eq!(side_by_side, true, "the two frames stand side by side");
    app.screenshot("studio-preview").await;

    // The studio in Arabic at a phone's width: its editor, and the preview.
    arabic_on_a_phone(&app).await;
    // On a phone the studio is under Me.
    app.click(".nav-item[data-screen='me']").await;
    app.click(".me-entry[data-screen='studio']").await;
    app.click(".studio-item .edit-product").await;
    app.wait_for(".product-editor .variant-row").await;
    fits_the_screen(&app, "studio-editor-ar-phone").await;
    app.click(".preview-storefront").await;
    app.wait_for(".preview-frame.desktop .product-card").await;
    fits_the_screen(&app, "studio-preview-ar-phone").await;

    app.click(".publish").await;
    app.wait_until(
        "document.querySelector('.publish').disabled",
        "everything is published",
    )
    .await;

    // A shopper now finds it by a typed prefix, and opens it.
    app.click(".nav-item[data-screen='me']").await;
    app.click(".me-entry[data-screen='settings']").await;
    app.click(".sign-out").await;
    signed_in_feed(&app).await;
    app.click(".nav-item[data-screen='shop']").await;
    app.type_into(".shop-search", "عود ملك").await;
    app.wait_until(
        &format!(
            "[...document.querySelectorAll('.shop-results .product-title')]
                .some(t => t.textContent === {NEW_TITLE:?})"
        ),
        "the shopper finds the published product",
    )
    .await;
    app.eval(&format!(
        "[...document.querySelectorAll('.shop-results .product-title')]
            .find(t => t.textContent === {NEW_TITLE:?}).closest('button').click(); return true;"
    ))
    .await;
    app.wait_until(
        &format!(
            "document.querySelector('.product-page .product-name')?.textContent === {NEW_TITLE:?}"
        ),
        "the product page opens",
    )
    .await;
    app.quit().await;
}
