-- Product drops become real: each sells one option, with the stock set aside for it
-- (the option's stock beyond it is held back and returned when the drop closes), a
-- per-customer limit, an optional link to the store's website, and the times it was
-- cancelled or ended. A hashtag belongs to one drop. Reminders and the drop-page visits
-- after a launch are one row per shopper. Existing drops sell their product's first
-- option with what it has in stock.
CREATE TABLE drops_v2 (
    id                 INTEGER PRIMARY KEY,
    store_id           BIGINT  NOT NULL REFERENCES stores(id),
    product_id         BIGINT  NOT NULL REFERENCES products(id),
    variant_id         BIGINT  NOT NULL REFERENCES variants(id),
    title              TEXT    NOT NULL,
    hashtag            TEXT    NOT NULL,
    launch_at          BIGINT  NOT NULL,
    time_zone          TEXT    NOT NULL,
    stock              BIGINT  NOT NULL CHECK (stock >= 0),
    held_back          BIGINT  NOT NULL DEFAULT 0 CHECK (held_back >= 0),
    per_customer_limit BIGINT  NOT NULL CHECK (per_customer_limit > 0),
    external_url       TEXT,
    cancelled_at       BIGINT,
    ended_at           BIGINT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
INSERT INTO drops_v2 (id, store_id, product_id, variant_id, title, hashtag, launch_at,
                      time_zone, stock, per_customer_limit, created_at, updated_at)
SELECT d.id, d.store_id, d.product_id, v.id, d.title, d.hashtag, d.launch_at, 'UTC',
       (SELECT COALESCE(SUM(l.units), 0) FROM stock_lots l WHERE l.variant_id = v.id),
       2, d.created_at, d.created_at
FROM drops d
JOIN variants v ON v.id = (SELECT MIN(id) FROM variants WHERE product_id = d.product_id);
DROP TABLE drops;
ALTER TABLE drops_v2 RENAME TO drops;
CREATE INDEX drops_launch ON drops(launch_at);
CREATE UNIQUE INDEX drops_hashtag ON drops(hashtag);
CREATE INDEX drops_store ON drops(store_id, launch_at);
-- One open (neither cancelled nor ended) drop per option: its stock is the drop's.
CREATE UNIQUE INDEX drops_open_variant ON drops(variant_id)
    WHERE cancelled_at IS NULL AND ended_at IS NULL;

CREATE TABLE drop_reminders (
    drop_id    BIGINT NOT NULL REFERENCES drops(id),
    user_id    BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (drop_id, user_id)
);
CREATE INDEX drop_reminders_user ON drop_reminders(user_id);

CREATE TABLE drop_visits (
    drop_id    BIGINT NOT NULL REFERENCES drops(id),
    user_id    BIGINT NOT NULL REFERENCES users(id),
    visited_at BIGINT NOT NULL,
    PRIMARY KEY (drop_id, user_id)
);

-- The zone a store's merchant schedules in (the last one used).
ALTER TABLE stores ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
