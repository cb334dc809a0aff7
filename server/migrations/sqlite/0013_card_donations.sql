-- A gift by card is a checkout (purpose 'donation'); until its card pays, this row
-- keeps whom it is for and its note. Once paid, the card's money enters the donor's
-- wallet and leaves for the nonprofit in one transaction, as a `donations` row of
-- method 'card' (see server/src/checkout/settle.rs).
CREATE TABLE card_donations (
    checkout_id BIGINT NOT NULL PRIMARY KEY REFERENCES checkouts(id),
    store_id    BIGINT NOT NULL REFERENCES stores(id),
    -- The handle the gift was addressed to (the store's or its owner's).
    handle      TEXT   NOT NULL,
    note        TEXT   NOT NULL DEFAULT ''
);
