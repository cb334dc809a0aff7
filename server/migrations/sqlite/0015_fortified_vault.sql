-- The fortified vault (see docs/SECURITY.md). SQLite cannot change a CHECK in place,
-- so the tables whose CHECK grows are rebuilt.

-- A Souq card locks itself after wrong security codes or expiry dates in a row; only
-- its holder, with the PIN, unlocks it.
ALTER TABLE debit_cards ADD COLUMN wrong_codes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE debit_cards ADD COLUMN locked BIGINT NOT NULL DEFAULT 0;

-- A payment another account asks of a card waits for its holder's approval; who asked
-- is kept, so the holder sees each attempt.
CREATE TABLE card_transactions_new (
    id             INTEGER PRIMARY KEY,
    card_id        BIGINT NOT NULL REFERENCES debit_cards(id),
    payment_key    TEXT   NOT NULL UNIQUE,
    merchant       TEXT   NOT NULL,
    currency       TEXT   NOT NULL,
    amount_minor   BIGINT NOT NULL CHECK (amount_minor > 0),
    status         TEXT   NOT NULL
                   CHECK (status IN ('held', 'posted', 'voided', 'declined',
                                     'awaiting_approval')),
    reason         TEXT,
    hold_id        TEXT   REFERENCES ledger_transfers(id),
    checkout_id    BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    payer_id       BIGINT REFERENCES users(id),
    approval_until BIGINT
);
INSERT INTO card_transactions_new (id, card_id, payment_key, merchant, currency, amount_minor,
                                   status, reason, hold_id, checkout_id, created_at, updated_at)
    SELECT id, card_id, payment_key, merchant, currency, amount_minor, status, reason, hold_id,
           checkout_id, created_at, updated_at
    FROM card_transactions;
DROP TABLE card_transactions;
ALTER TABLE card_transactions_new RENAME TO card_transactions;
CREATE INDEX card_transactions_card ON card_transactions(card_id, created_at);
CREATE INDEX card_transactions_awaiting ON card_transactions(approval_until)
    WHERE status = 'awaiting_approval';

-- Wrong PINs lock the vault for longer each round: the round it is in.
ALTER TABLE vault_pins ADD COLUMN lock_level BIGINT NOT NULL DEFAULT 0;

-- Security notices ("was this you?") name the session that acted; card notices name
-- the card and the payment.
CREATE TABLE notifications_new (
    id                  INTEGER PRIMARY KEY,
    user_id             BIGINT  NOT NULL REFERENCES users(id),
    kind                TEXT    NOT NULL
                        CHECK (kind IN ('followed', 'liked', 'reposted', 'mentioned', 'order',
                                        'money_received', 'money_requested', 'request_declined',
                                        'donation', 'signed_in', 'pin_changed',
                                        'card_revealed', 'card_locked', 'card_approval')),
    actor_id            BIGINT  NOT NULL REFERENCES users(id),
    post_id             BIGINT  REFERENCES posts(id) ON DELETE CASCADE,
    order_id            BIGINT  REFERENCES orders(id),
    order_status        TEXT,
    money_send_id       BIGINT  REFERENCES money_sends(id),
    money_request_id    BIGINT  REFERENCES money_requests(id),
    donation_id         BIGINT  REFERENCES donations(id),
    created_at          BIGINT  NOT NULL,
    read_at             BIGINT,
    session_id          TEXT,
    device              TEXT,
    card_id             BIGINT  REFERENCES debit_cards(id),
    card_transaction_id BIGINT  REFERENCES card_transactions(id)
);
INSERT INTO notifications_new (id, user_id, kind, actor_id, post_id, order_id, order_status,
                               money_send_id, money_request_id, donation_id, created_at,
                               read_at)
    SELECT id, user_id, kind, actor_id, post_id, order_id, order_status, money_send_id,
           money_request_id, donation_id, created_at, read_at
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_inbox ON notifications(user_id, id DESC);

-- Who completes a payment's second step: the shopper (3-D Secure) or the card's
-- holder in their app.
ALTER TABLE sandbox_payments ADD COLUMN action TEXT;
ALTER TABLE checkouts ADD COLUMN action_kind TEXT;

-- A shopper's card payment in progress for a drop: at most one per shopper and drop,
-- the checkout that holds it (see server/src/checkout/drop_holds.rs). A hold whose
-- checkout has ended is free to be taken again.
CREATE TABLE drop_holds (
    user_id     BIGINT NOT NULL REFERENCES users(id),
    product_id  BIGINT NOT NULL REFERENCES products(id),
    checkout_id BIGINT NOT NULL REFERENCES checkouts(id),
    PRIMARY KEY (user_id, product_id)
);
