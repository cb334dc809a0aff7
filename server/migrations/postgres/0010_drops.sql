-- Product drops become real: each sells one option, with the stock set aside for it
-- (the option's stock beyond it is held back and returned when the drop closes), a
-- per-customer limit, an optional link to the store's website, and the times it was
-- cancelled or ended. A hashtag belongs to one drop. Reminders and the drop-page visits
-- after a launch are one row per shopper. Existing drops sell their product's first
-- option with what it has in stock.
ALTER TABLE drops ADD COLUMN variant_id BIGINT REFERENCES variants(id);
ALTER TABLE drops ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE drops ADD COLUMN stock BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0);
ALTER TABLE drops ADD COLUMN held_back BIGINT NOT NULL DEFAULT 0 CHECK (held_back >= 0);
ALTER TABLE drops ADD COLUMN per_customer_limit BIGINT NOT NULL DEFAULT 2
    CHECK (per_customer_limit > 0);
ALTER TABLE drops ADD COLUMN external_url TEXT;
ALTER TABLE drops ADD COLUMN cancelled_at BIGINT;
ALTER TABLE drops ADD COLUMN ended_at BIGINT;
ALTER TABLE drops ADD COLUMN updated_at BIGINT;
UPDATE drops d SET
    variant_id = (SELECT MIN(id) FROM variants WHERE product_id = d.product_id),
    updated_at = d.created_at;
DELETE FROM drops WHERE variant_id IS NULL;
UPDATE drops d SET stock =
    (SELECT COALESCE(SUM(l.units), 0) FROM stock_lots l WHERE l.variant_id = d.variant_id);
ALTER TABLE drops ALTER COLUMN variant_id SET NOT NULL;
ALTER TABLE drops ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE drops ALTER COLUMN time_zone DROP DEFAULT;
ALTER TABLE drops ALTER COLUMN stock DROP DEFAULT;
ALTER TABLE drops ALTER COLUMN per_customer_limit DROP DEFAULT;
DROP INDEX drops_hashtag;
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
