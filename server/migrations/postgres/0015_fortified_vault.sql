-- The fortified vault (see docs/SECURITY.md).

-- A Souq card locks itself after wrong security codes or expiry dates in a row; only
-- its holder, with the PIN, unlocks it.
ALTER TABLE debit_cards ADD COLUMN wrong_codes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE debit_cards ADD COLUMN locked BIGINT NOT NULL DEFAULT 0;

-- A payment another account asks of a card waits for its holder's approval; who asked
-- is kept, so the holder sees each attempt.
ALTER TABLE card_transactions DROP CONSTRAINT card_transactions_status_check;
ALTER TABLE card_transactions ADD CONSTRAINT card_transactions_status_check
    CHECK (status IN ('held', 'posted', 'voided', 'declined', 'awaiting_approval'));
ALTER TABLE card_transactions ADD COLUMN payer_id BIGINT REFERENCES users(id);
ALTER TABLE card_transactions ADD COLUMN approval_until BIGINT;
CREATE INDEX card_transactions_awaiting ON card_transactions(approval_until)
    WHERE status = 'awaiting_approval';

-- Wrong PINs lock the vault for longer each round: the round it is in.
ALTER TABLE vault_pins ADD COLUMN lock_level BIGINT NOT NULL DEFAULT 0;

-- Security notices ("was this you?") name the session that acted; card notices name
-- the card and the payment.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('followed', 'liked', 'reposted', 'mentioned', 'order',
                    'money_received', 'money_requested', 'request_declined', 'donation',
                    'signed_in', 'pin_changed', 'card_revealed', 'card_locked',
                    'card_approval'));
ALTER TABLE notifications ADD COLUMN session_id TEXT;
ALTER TABLE notifications ADD COLUMN device TEXT;
ALTER TABLE notifications ADD COLUMN card_id BIGINT REFERENCES debit_cards(id);
ALTER TABLE notifications ADD COLUMN card_transaction_id BIGINT REFERENCES card_transactions(id);

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
