-- Checkout: stock kept in lots, addresses, shipping options, checkouts (each its own
-- idempotency record), orders with their timeline, and the sandbox payment processor's
-- own tables.

-- An option's stock is split over a few lots so that buyers of one option take from
-- different rows instead of queueing on one (server/src/stock.rs). What is in stock is
-- the sum of its lots.
CREATE TABLE stock_lots (
    variant_id BIGINT NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
    lot        BIGINT NOT NULL,
    units      BIGINT NOT NULL CHECK (units >= 0),
    PRIMARY KEY (variant_id, lot)
);
INSERT INTO stock_lots (variant_id, lot, units) SELECT id, 0, stock FROM variants;
ALTER TABLE variants DROP COLUMN stock;
-- An option that orders name is archived instead of deleted; a store may cap how many
-- of an option one shopper buys.
ALTER TABLE variants ADD COLUMN archived_at BIGINT;
ALTER TABLE variants ADD COLUMN per_customer_limit BIGINT
    CHECK (per_customer_limit IS NULL OR per_customer_limit > 0);

-- How many of an option each shopper holds in orders not cancelled.
CREATE TABLE purchase_counts (
    user_id    BIGINT NOT NULL REFERENCES users(id),
    variant_id BIGINT NOT NULL REFERENCES variants(id),
    units      BIGINT NOT NULL CHECK (units >= 0),
    PRIMARY KEY (user_id, variant_id)
);

CREATE TABLE addresses (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    name        TEXT   NOT NULL,
    phone       TEXT   NOT NULL,
    line1       TEXT   NOT NULL,
    line2       TEXT   NOT NULL,
    city        TEXT   NOT NULL,
    region      TEXT   NOT NULL,
    postal_code TEXT   NOT NULL,
    country     TEXT   NOT NULL CHECK (length(country) = 2),
    is_default  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    deleted_at  BIGINT
);
CREATE INDEX addresses_user ON addresses(user_id, created_at);

CREATE TABLE shipping_options (
    id          INTEGER PRIMARY KEY,
    store_id    BIGINT NOT NULL REFERENCES stores(id),
    name        TEXT   NOT NULL,
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    min_days    BIGINT NOT NULL CHECK (min_days >= 0),
    max_days    BIGINT NOT NULL CHECK (max_days >= min_days),
    position    BIGINT NOT NULL,
    archived_at BIGINT
);
CREATE INDEX shipping_options_store ON shipping_options(store_id, position);

-- One checkout attempt, keyed by the idempotency key its app made and kept: the row is
-- claimed before the work (so a second request while it runs is 409), and its outcome
-- is written in the same transaction as the work.
CREATE TABLE checkouts (
    id              INTEGER PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users(id),
    idempotency_key TEXT   NOT NULL,
    -- SHA-256 of what was asked (card numbers left out), to refuse the key's reuse.
    request_hash    TEXT   NOT NULL,
    -- order (the cart's lines become orders) or top_up (money into the wallet)
    purpose         TEXT   NOT NULL,
    -- claimed, reserved, requires_action, processing, paid, failed, expired, refused
    status          TEXT   NOT NULL,
    method          TEXT   NOT NULL,
    currency        TEXT   NOT NULL,
    total_minor     BIGINT NOT NULL DEFAULT 0,
    payment_id      TEXT,
    card_last4      TEXT,
    -- A refused checkout's first answer (its ErrorCode), or why a payment failed (the
    -- processor's code), replayed to a retry.
    error_code      TEXT,
    error_message   TEXT,
    -- Until when the stock is held for a payment still in progress.
    expires_at      BIGINT,
    -- Until when the request that claimed it is taken to be running.
    locked_until    BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX checkouts_expiry ON checkouts(expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX checkouts_payment ON checkouts(payment_id);

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    checkout_id      BIGINT NOT NULL REFERENCES checkouts(id),
    user_id          BIGINT NOT NULL REFERENCES users(id),
    store_id         BIGINT NOT NULL REFERENCES stores(id),
    -- placed, paid, shipped, delivered, cancelled, refunded
    status           TEXT   NOT NULL,
    currency         TEXT   NOT NULL,
    items_minor      BIGINT NOT NULL CHECK (items_minor >= 0),
    shipping_minor   BIGINT NOT NULL CHECK (shipping_minor >= 0),
    total_minor      BIGINT NOT NULL CHECK (total_minor >= 0),
    fee_minor        BIGINT NOT NULL CHECK (fee_minor >= 0),
    shipping_name    TEXT   NOT NULL,
    shipping_min_days BIGINT NOT NULL,
    shipping_max_days BIGINT NOT NULL,
    -- The address as it was when the order was placed (souq_wire::Address as JSON).
    address          TEXT   NOT NULL,
    carrier          TEXT,
    tracking_number  TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX orders_shopper ON orders(user_id, created_at DESC, id DESC);
CREATE INDEX orders_store ON orders(store_id, created_at DESC, id DESC);
CREATE INDEX orders_checkout ON orders(checkout_id);

-- Card refunds owed: written in the transaction that cancels or refunds, then made at
-- the processor (again until it says done), so a refund is never lost nor made twice.
CREATE TABLE card_refunds (
    idempotency_key TEXT   NOT NULL PRIMARY KEY,
    payment_id      TEXT   NOT NULL,
    amount_minor    BIGINT NOT NULL CHECK (amount_minor > 0),
    created_at      BIGINT NOT NULL,
    done_at         BIGINT
);
CREATE INDEX card_refunds_owed ON card_refunds(created_at) WHERE done_at IS NULL;

CREATE TABLE order_lines (
    order_id         BIGINT NOT NULL REFERENCES orders(id),
    variant_id       BIGINT NOT NULL REFERENCES variants(id),
    product_id       BIGINT NOT NULL REFERENCES products(id),
    title            TEXT   NOT NULL,
    variant_name     TEXT   NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, variant_id)
);
CREATE INDEX order_lines_variant ON order_lines(variant_id);

-- An order's timeline: each status it reached, when, with what note.
CREATE TABLE order_events (
    order_id   BIGINT NOT NULL REFERENCES orders(id),
    status     TEXT   NOT NULL,
    note       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, status)
);

-- The sandbox payment processor's own records, as a real processor keeps them on its
-- side: Souq's code reads them only through the processor's interface.
CREATE TABLE sandbox_payments (
    id              TEXT   NOT NULL PRIMARY KEY,
    idempotency_key TEXT   NOT NULL UNIQUE,
    amount_minor    BIGINT NOT NULL,
    currency        TEXT   NOT NULL,
    -- requires_action, processing, succeeded, failed, cancelled
    status          TEXT   NOT NULL,
    card_last4      TEXT   NOT NULL,
    failure_code    TEXT,
    refunded_minor  BIGINT NOT NULL DEFAULT 0,
    settle_at       BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX sandbox_payments_settling ON sandbox_payments(settle_at)
    WHERE settle_at IS NOT NULL;
CREATE TABLE sandbox_refunds (
    idempotency_key TEXT   NOT NULL PRIMARY KEY,
    payment_id      TEXT   NOT NULL REFERENCES sandbox_payments(id),
    amount_minor    BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- The inbox also tells a shopper that a store moved one of their orders along. SQLite
-- cannot change a CHECK in place, so the table is rebuilt with the new kind.
CREATE TABLE notifications_new (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users(id),
    kind         TEXT    NOT NULL
                 CHECK (kind IN ('followed', 'liked', 'reposted', 'mentioned', 'order')),
    actor_id     BIGINT  NOT NULL REFERENCES users(id),
    post_id      BIGINT  REFERENCES posts(id) ON DELETE CASCADE,
    order_id     BIGINT  REFERENCES orders(id),
    order_status TEXT,
    created_at   BIGINT  NOT NULL,
    read_at      BIGINT
);
INSERT INTO notifications_new (id, user_id, kind, actor_id, post_id, created_at, read_at)
    SELECT id, user_id, kind, actor_id, post_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_inbox ON notifications(user_id, id DESC);
