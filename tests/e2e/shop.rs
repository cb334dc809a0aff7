//! The Shop tab on the real app: search as you type in Arabic, a product page, and a
//! store's mini-store on its profile.

use souq_e2e::Harness;

use crate::{arabic_on_a_phone, fits_the_screen, signed_in_feed};

/// Clicks the first element matching `css` whose text is `text`, through the page.
const CLICK_BY_TEXT: &str = "const [css, text] = arguments;
    const found = [...document.querySelectorAll(css)].find(e => e.textContent.trim() === text);
    if (found) { found.closest('button').click(); }
    return !!found;";

#[tokio::test]
async fn a_shopper_finds_a_product_by_an_arabic_spelling_and_opens_it() {
    let harness = Harness::start();
    let app = harness.launch().await;
    signed_in_feed(&app).await;
    app.click(".nav-item[data-screen='shop']").await;
    app.wait_for(".shop-results .product-card").await;
    // Typed with its last word unfinished: "دهن عو" finds "دهن عود".
    app.type_into(".shop-search", "دهن عو").await;
    app.wait_until(
        "[...document.querySelectorAll('.shop-results .product-title')]
            .some(t => t.textContent === 'دهن عود كمبودي')",
        "the search finds the oud oil",
    )
    .await;
    app.screenshot("shop-search-arabic").await;
    let clicked = app
        .client
        .execute(
            CLICK_BY_TEXT,
            vec![
                ".shop-results .product-title".into(),
                "دهن عود كمبودي".into(),
            ],
        )
        .await
        .unwrap();
    assert_eq!(clicked, serde_json::Value::Bool(true));
    app.wait_until(
        "document.querySelector('.product-page .product-name')?.textContent === 'دهن عود كمبودي'",
        "the product page opens",
    )
    .await;
    assert!(app.count(".product-page .variant").await >= 2);
    assert_eq!(app.count(".product-page .shop-on-website").await, 1);
    app.screenshot("product-page").await;

    // Add to cart stays on the page; Buy now adds one more and opens the cart.
    app.click(".add-to-cart").await;
    app.wait_for(".product-page .saved").await;
    app.click(".buy-now").await;
    app.wait_until(
        "['2', '٢'].includes(document.querySelector('.cart-line .quantity')?.textContent.trim())",
        "the cart holds two of the option",
    )
    .await;
    assert_eq!(app.count(".cart-line").await, 1);
    assert_eq!(app.count(".cart-total").await, 1);
    app.screenshot("cart").await;
    app.click(".cart-line-title").await;

    // Its store's profile opens on the mini-store, with its collections.
    app.wait_for(".product-store-link").await;
    app.click(".product-store-link").await;
    app.wait_for(".storefront .collection .product-card").await;
    assert!(app.count(".storefront .collection").await >= 2);
    app.screenshot("storefront").await;

    // The same screens in Arabic at a phone's width.
    arabic_on_a_phone(&app).await;
    app.click(".nav-item[data-screen='shop']").await;
    app.wait_for(".shop-results .product-card").await;
    fits_the_screen(&app, "shop-ar-phone").await;
    app.click(".open-cart").await;
    app.wait_for(".cart-line").await;
    fits_the_screen(&app, "cart-ar-phone").await;
    app.click(".cart-line-title").await;
    app.wait_for(".product-page .variant").await;
    fits_the_screen(&app, "product-ar-phone").await;
    app.click(".product-store-link").await;
    app.wait_for(".storefront .collection .product-card").await;
    fits_the_screen(&app, "storefront-ar-phone").await;
    app.quit().await;
}

/// The texts of the marked parts of the product titles shown.
const MARKED: &str = "[...document.querySelectorAll('.shop-results .product-title mark')]
    .map(m => m.textContent).join('|')";

#[tokio::test]
async fn a_misspelt_search_still_finds_marks_what_matched_and_a_miss_suggests_a_spelling() {
    let harness = Harness::start();
    let app = harness.launch().await;
    signed_in_feed(&app).await;
    app.click(".nav-item[data-screen='shop']").await;
    app.wait_for(".shop-results .product-card").await;
    // One typo in a six-letter word is forgiven; what matched is marked in the title.
    app.type_into(".shop-search", "amber nigths ").await;
    app.wait_until(
        &format!("{MARKED} === 'Amber|Nights'"),
        "Amber Nights is found and both its words are marked",
    )
    .await;
    app.screenshot("shop-search-typo").await;
    // Too short for a typo to be forgiven: nothing, and the spelling that finds.
    app.type_into(".shop-search", "dibz ").await;
    app.wait_until(
        "document.querySelector('.did-you-mean .suggestion')?.textContent === 'Dibs'",
        "the search suggests Dibs",
    )
    .await;
    assert_eq!(app.count(".shop-results .product-card").await, 0);
    app.check_accessibility("shop-did-you-mean").await;
    app.click(".did-you-mean .suggestion").await;
    app.wait_until(
        "[...document.querySelectorAll('.shop-results .product-title')]
            .some(t => t.textContent === 'Date Syrup (Dibs)')",
        "the suggestion's search finds the date syrup",
    )
    .await;
    assert_eq!(
        app.eval("return document.querySelector('.shop-search').value")
            .await,
        "Dibs"
    );

    // In Arabic at a phone's width: a typo forgiven and marked, and a suggestion.
    arabic_on_a_phone(&app).await;
    app.click(".nav-item[data-screen='shop']").await;
    app.wait_for(".shop-results .product-card").await;
    app.type_into(".shop-search", "بخوور ").await;
    app.wait_until(
        &format!("{MARKED}.split('|').includes('بخور')"),
        "the incense is found and its word marked",
    )
    .await;
    app.type_into(".shop-search", "سدق ").await;
    app.wait_until(
        "document.querySelector('.did-you-mean')?.textContent.includes('هل تقصد')
            && document.querySelector('.did-you-mean .suggestion')?.textContent === 'سدو'",
        "the search suggests سدو in Arabic",
    )
    .await;
    fits_the_screen(&app, "shop-did-you-mean-ar-phone").await;
    app.check_accessibility("shop-did-you-mean-ar").await;
    app.quit().await;
}
