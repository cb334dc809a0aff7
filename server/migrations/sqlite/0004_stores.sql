-- Stores and the Shop: published and draft products, collections, and the search terms.
ALTER TABLE stores ADD COLUMN banner_media_id BIGINT REFERENCES media(id);
-- The currency a store prices in; its products use it.
ALTER TABLE stores ADD COLUMN currency TEXT NOT NULL DEFAULT 'SAR';
UPDATE stores SET currency = COALESCE(
    (SELECT MIN(pr.currency) FROM products pr WHERE pr.store_id = stores.id), 'SAR');

-- What shoppers see of a product is its published state: a product never published is
-- a draft only its store sees; an archived one is hidden. Its lowest price and whether
-- any variant is in stock are kept on the row, so browsing filters and sorts on them.
ALTER TABLE products ADD COLUMN published_at BIGINT;
ALTER TABLE products ADD COLUMN archived_at BIGINT;
ALTER TABLE products ADD COLUMN price_minor BIGINT;
ALTER TABLE products ADD COLUMN in_stock BIGINT NOT NULL DEFAULT 0;
UPDATE products SET
    published_at = created_at,
    price_minor = (SELECT MIN(v.price_minor) FROM variants v WHERE v.product_id = products.id),
    in_stock = CASE WHEN EXISTS (SELECT 1 FROM variants v
                                 WHERE v.product_id = products.id AND v.stock > 0)
               THEN 1 ELSE 0 END;
CREATE INDEX products_shown_recent ON products(published_at DESC, id DESC)
    WHERE published_at IS NOT NULL AND archived_at IS NULL;
CREATE INDEX products_category ON products(category);
CREATE INDEX post_products_product ON post_products(product_id, post_id);

-- A product's unpublished changes, as the studio's JSON document (souq_wire::ProductDraft).
CREATE TABLE product_drafts (
    product_id BIGINT NOT NULL PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
    data       TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The store's unpublished about, banner and collections (souq_wire::StoreDraft).
CREATE TABLE store_drafts (
    store_id   BIGINT NOT NULL PRIMARY KEY REFERENCES stores(id) ON DELETE CASCADE,
    data       TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE collections (
    id         INTEGER PRIMARY KEY,
    store_id   BIGINT NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    position   BIGINT NOT NULL
);
CREATE INDEX collections_store ON collections(store_id, position);

CREATE TABLE collection_products (
    collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    product_id    BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position      BIGINT NOT NULL,
    PRIMARY KEY (collection_id, product_id)
);
CREATE INDEX collection_products_product ON collection_products(product_id);

-- The search index, one row per normalized word or stem (`search::normalize`) of a
-- product or store, with the weight of the field it came from. Prefix search scans a
-- range of `term`, so it must sort by code point on both engines.
CREATE TABLE search_terms (
    term        TEXT NOT NULL,
    kind        BIGINT NOT NULL,  -- 0 a word as written (normalized), 1 a stem
    target_kind BIGINT NOT NULL,  -- 0 a product, 1 a store
    target_id   BIGINT NOT NULL,
    weight      BIGINT NOT NULL,
    PRIMARY KEY (term, kind, target_kind, target_id)
);
CREATE INDEX search_terms_target ON search_terms(target_kind, target_id);
