-- The wallet beyond checkout (see server/src/wallet/): money between people, savings
-- (ledger accounts of kind 5) and their daily interest, withdrawals, donations, the
-- virtual debit card, and the PIN vault that guards them. Money itself still moves only
-- as ledger transfers; these tables say what each transfer was for, and keep each
-- request's first answer.

-- The PIN vault. Only an argon2id hash of each person's PIN; the wrong tries are
-- counted here, so every instance agrees and a stolen device cannot guess offline.
CREATE TABLE vault_pins (
    user_id      BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    pin_hash     TEXT   NOT NULL,
    -- Tries taken since the last right PIN; a try is counted before it is checked, so
    -- guesses sent at once cannot outrun the count.
    failed_tries BIGINT NOT NULL DEFAULT 0 CHECK (failed_tries >= 0),
    -- Until when no PIN is taken (Unix ms; 0 when open).
    locked_until BIGINT NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL
);

-- A session the right PIN unlocked, and until when (sudo mode): the PIN is typed once
-- for a few minutes of sends, not hashed on every one.
CREATE TABLE vault_unlocks (
    session_hash TEXT   NOT NULL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    until_at     BIGINT NOT NULL
);

-- A request for money; paying it is a send (money_sends.money_request_id).
CREATE TABLE money_requests (
    id              INTEGER PRIMARY KEY,
    requester_id    BIGINT NOT NULL REFERENCES users(id),
    payer_id        BIGINT NOT NULL REFERENCES users(id),
    idempotency_key TEXT   NOT NULL,
    request_hash    TEXT   NOT NULL,
    currency        TEXT   NOT NULL CHECK (length(currency) = 3),
    amount_minor    BIGINT NOT NULL CHECK (amount_minor > 0),
    note            TEXT   NOT NULL DEFAULT '',
    status          TEXT   NOT NULL CHECK (status IN ('open', 'paid', 'declined', 'cancelled')),
    created_at      BIGINT NOT NULL,
    answered_at     BIGINT,
    UNIQUE (requester_id, idempotency_key),
    CHECK (requester_id <> payer_id)
);
CREATE INDEX money_requests_payer ON money_requests(payer_id, id);
CREATE INDEX money_requests_requester ON money_requests(requester_id, id);

-- Money from one person to another: what its ledger transfer was for.
CREATE TABLE money_sends (
    id               INTEGER PRIMARY KEY,
    transfer_id      TEXT   NOT NULL UNIQUE REFERENCES ledger_transfers(id),
    sender_id        BIGINT NOT NULL REFERENCES users(id),
    recipient_id     BIGINT NOT NULL REFERENCES users(id),
    idempotency_key  TEXT   NOT NULL,
    request_hash     TEXT   NOT NULL,
    currency         TEXT   NOT NULL,
    amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
    note             TEXT   NOT NULL DEFAULT '',
    -- A request is paid at most once.
    money_request_id BIGINT UNIQUE REFERENCES money_requests(id),
    created_at       BIGINT NOT NULL,
    UNIQUE (sender_id, idempotency_key),
    CHECK (sender_id <> recipient_id)
);
-- The daily limit sums what a sender sent in the last 24 hours.
CREATE INDEX money_sends_daily ON money_sends(sender_id, currency, created_at);

-- Interest on savings, one row per account and day (UTC): the row's key is what makes
-- the day's interest happen once, whichever instance's job gets there first. What
-- falls below one minor unit is carried to the next day, exactly, as a remainder over
-- 3,650,000 (10,000 basis points times 365 days).
CREATE TABLE savings_interest (
    account_id        BIGINT NOT NULL REFERENCES ledger_accounts(id),
    day               TEXT   NOT NULL,
    balance_minor     BIGINT NOT NULL,
    rate_basis_points BIGINT NOT NULL,
    paid_minor        BIGINT NOT NULL CHECK (paid_minor >= 0),
    carry             BIGINT NOT NULL CHECK (carry BETWEEN 0 AND 3649999),
    transfer_id       TEXT   REFERENCES ledger_transfers(id),
    created_at        BIGINT NOT NULL,
    PRIMARY KEY (account_id, day)
);

-- Money out of the wallet to a bank account, held until the bank says it arrived.
CREATE TABLE withdrawals (
    id              INTEGER PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users(id),
    idempotency_key TEXT   NOT NULL,
    request_hash    TEXT   NOT NULL,
    -- The ledger hold that sets the money aside, resolved once by the payout's outcome.
    transfer_id     TEXT   NOT NULL UNIQUE REFERENCES ledger_transfers(id),
    currency        TEXT   NOT NULL,
    amount_minor    BIGINT NOT NULL CHECK (amount_minor > 0),
    bank_last4      TEXT   NOT NULL,
    payout_id       TEXT,
    status          TEXT   NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
    failure         TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX withdrawals_pending ON withdrawals(status, updated_at);

-- The sandbox's payouts to banks, as a real processor would keep them.
CREATE TABLE sandbox_payouts (
    id              TEXT   NOT NULL PRIMARY KEY,
    idempotency_key TEXT   NOT NULL UNIQUE,
    amount_minor    BIGINT NOT NULL,
    currency        TEXT   NOT NULL,
    bank_last4      TEXT   NOT NULL,
    status          TEXT   NOT NULL,
    failure_code    TEXT,
    settle_at       BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- Donations to verified nonprofits: what their ledger transfers were for.
CREATE TABLE donations (
    id              INTEGER PRIMARY KEY,
    transfer_id     TEXT   NOT NULL UNIQUE REFERENCES ledger_transfers(id),
    donor_id        BIGINT NOT NULL REFERENCES users(id),
    store_id        BIGINT NOT NULL REFERENCES stores(id),
    idempotency_key TEXT   NOT NULL,
    request_hash    TEXT   NOT NULL,
    currency        TEXT   NOT NULL,
    amount_minor    BIGINT NOT NULL CHECK (amount_minor > 0),
    note            TEXT   NOT NULL DEFAULT '',
    -- wallet, or souq_card (then card_id)
    method          TEXT   NOT NULL,
    card_id         BIGINT,
    created_at      BIGINT NOT NULL,
    UNIQUE (donor_id, idempotency_key)
);
CREATE INDEX donations_store ON donations(store_id, id);

-- Virtual debit cards. Number and CVV are sealed (AES-256-GCM) with a key that is not
-- in the database; only the last four digits are in the clear, and the number's keyed
-- hash (HMAC-SHA256 under that key) finds the card when a charge names it.
CREATE TABLE debit_cards (
    id                       INTEGER PRIMARY KEY,
    user_id                  BIGINT NOT NULL REFERENCES users(id),
    sealed                   TEXT   NOT NULL,
    number_hash              TEXT   NOT NULL UNIQUE,
    last4                    TEXT   NOT NULL,
    exp_month                BIGINT NOT NULL,
    exp_year                 BIGINT NOT NULL,
    currency                 TEXT   NOT NULL,
    frozen                   BIGINT NOT NULL DEFAULT 0,
    per_purchase_limit_minor BIGINT NOT NULL CHECK (per_purchase_limit_minor > 0),
    monthly_limit_minor      BIGINT NOT NULL CHECK (monthly_limit_minor > 0),
    created_at               BIGINT NOT NULL
);
CREATE UNIQUE INDEX debit_cards_one_per_currency ON debit_cards(user_id, currency);

-- What was paid (or refused) with a card: a purchase is a ledger hold on the wallet,
-- posted when the order is paid and voided if it is not.
CREATE TABLE card_transactions (
    id           INTEGER PRIMARY KEY,
    card_id      BIGINT NOT NULL REFERENCES debit_cards(id),
    -- The processor's key for the charge: asked again, the same authorization answers.
    payment_key  TEXT   NOT NULL UNIQUE,
    merchant     TEXT   NOT NULL,
    currency     TEXT   NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    status       TEXT   NOT NULL CHECK (status IN ('held', 'posted', 'voided', 'declined')),
    reason       TEXT,
    hold_id      TEXT   REFERENCES ledger_transfers(id),
    checkout_id  BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX card_transactions_card ON card_transactions(card_id, created_at);

-- The inbox also tells of money: received, requested, a request declined, a donation.
-- SQLite cannot change a CHECK in place, so the table is rebuilt with the new kinds.
CREATE TABLE notifications_new (
    id               INTEGER PRIMARY KEY,
    user_id          BIGINT  NOT NULL REFERENCES users(id),
    kind             TEXT    NOT NULL
                     CHECK (kind IN ('followed', 'liked', 'reposted', 'mentioned', 'order',
                                     'money_received', 'money_requested', 'request_declined',
                                     'donation')),
    actor_id         BIGINT  NOT NULL REFERENCES users(id),
    post_id          BIGINT  REFERENCES posts(id) ON DELETE CASCADE,
    order_id         BIGINT  REFERENCES orders(id),
    order_status     TEXT,
    money_send_id    BIGINT  REFERENCES money_sends(id),
    money_request_id BIGINT  REFERENCES money_requests(id),
    donation_id      BIGINT  REFERENCES donations(id),
    created_at       BIGINT  NOT NULL,
    read_at          BIGINT
);
INSERT INTO notifications_new (id, user_id, kind, actor_id, post_id, order_id, order_status,
                               created_at, read_at)
    SELECT id, user_id, kind, actor_id, post_id, order_id, order_status, created_at, read_at
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_inbox ON notifications(user_id, id DESC);
