-- The ledger: double-entry accounts in one currency each, and immutable transfers
-- between them (see server/src/ledger/). The database itself keeps the invariants:
--   * each transfer moves one amount from one account to another of its currency (the
--     composite keys), so per currency the balances always sum to zero;
--   * the triggers below are the only writers of balances, and apply a transfer whole
--     with the insert that records it;
--   * no account but an external one may owe (ledger_no_overdraft), pending debits
--     counted against it;
--   * a transfer is never changed or deleted; a hold is resolved at most once.

CREATE TABLE ledger_accounts (
    id              INTEGER PRIMARY KEY,
    -- 0 external (the outside world), 1 a person's wallet, 2 a store, 3 the platform's
    -- fees, 4 an order's escrow: what it stands for, with owner_id (0 when none).
    kind            BIGINT NOT NULL CHECK (kind BETWEEN 0 AND 15),
    owner_id        BIGINT NOT NULL,
    currency        TEXT   NOT NULL CHECK (length(currency) = 3),
    debits_pending  BIGINT NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    debits_posted   BIGINT NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_pending BIGINT NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    credits_posted  BIGINT NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    created_at      BIGINT NOT NULL,
    UNIQUE (kind, owner_id, currency),
    UNIQUE (id, currency),
    CONSTRAINT ledger_no_overdraft
        CHECK (kind = 0 OR debits_posted + debits_pending <= credits_posted)
);

CREATE TABLE ledger_transfers (
    -- Made by the client and kept before it is sent, so a retry names the same transfer.
    id                TEXT   NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
    debit_account_id  BIGINT NOT NULL,
    credit_account_id BIGINT NOT NULL,
    currency          TEXT   NOT NULL,
    -- At most 10^15 minor units, so no balance can overflow in any plausible life.
    amount            BIGINT NOT NULL CHECK (amount BETWEEN 1 AND 1000000000000000),
    -- 0 posted at once, 1 a pending hold, 2 posts a hold (for its amount or less),
    -- 3 voids it, 4 expires it.
    kind              BIGINT NOT NULL CHECK (kind BETWEEN 0 AND 4),
    pending_id        TEXT REFERENCES ledger_transfers(id),
    -- When a hold expires; only holds have one.
    timeout_at        BIGINT,
    -- What it is for (top_up, payment, fee, payout, refund, ...) and what it is about.
    code              TEXT   NOT NULL,
    reference         TEXT,
    created_at        BIGINT NOT NULL,
    FOREIGN KEY (debit_account_id, currency) REFERENCES ledger_accounts(id, currency),
    FOREIGN KEY (credit_account_id, currency) REFERENCES ledger_accounts(id, currency),
    CHECK (debit_account_id <> credit_account_id),
    CHECK ((kind >= 2) = (pending_id IS NOT NULL)),
    CHECK (kind = 1 OR timeout_at IS NULL)
);
-- A hold is posted, voided or expired at most once.
CREATE UNIQUE INDEX ledger_transfers_resolution ON ledger_transfers(pending_id)
    WHERE pending_id IS NOT NULL;
CREATE INDEX ledger_transfers_debit ON ledger_transfers(debit_account_id, created_at);
CREATE INDEX ledger_transfers_credit ON ledger_transfers(credit_account_id, created_at);
CREATE INDEX ledger_transfers_open_holds ON ledger_transfers(timeout_at)
    WHERE kind = 1;

-- A resolution names its hold's accounts; posting or voiding is possible only before
-- the hold times out, expiring only after, and voiding or expiring releases all of it.
CREATE TRIGGER ledger_resolution_matches_its_hold
BEFORE INSERT ON ledger_transfers WHEN NEW.pending_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'ledger_resolution_mismatch')
    WHERE NOT EXISTS (
        SELECT 1 FROM ledger_transfers p
        WHERE p.id = NEW.pending_id AND p.kind = 1
          AND p.debit_account_id = NEW.debit_account_id
          AND p.credit_account_id = NEW.credit_account_id
          AND p.currency = NEW.currency
          AND NEW.amount <= p.amount
          AND (NEW.kind = 2 AND (p.timeout_at IS NULL OR NEW.created_at < p.timeout_at)
               OR NEW.kind = 3 AND NEW.amount = p.amount
                  AND (p.timeout_at IS NULL OR NEW.created_at < p.timeout_at)
               OR NEW.kind = 4 AND NEW.amount = p.amount
                  AND p.timeout_at IS NOT NULL AND NEW.created_at >= p.timeout_at));
END;

-- Applies a transfer to both of its accounts in one statement: a hold adds to the
-- pending columns, its resolution takes the whole hold off them, and what is posted
-- (at once, or by posting a hold) adds to the posted columns.
CREATE TRIGGER ledger_transfer_applies
AFTER INSERT ON ledger_transfers
BEGIN
    UPDATE ledger_accounts SET
        debits_pending = debits_pending + CASE WHEN id = NEW.debit_account_id THEN
            CASE NEW.kind WHEN 0 THEN 0 WHEN 1 THEN NEW.amount
            ELSE -(SELECT p.amount FROM ledger_transfers p WHERE p.id = NEW.pending_id) END
            ELSE 0 END,
        credits_pending = credits_pending + CASE WHEN id = NEW.credit_account_id THEN
            CASE NEW.kind WHEN 0 THEN 0 WHEN 1 THEN NEW.amount
            ELSE -(SELECT p.amount FROM ledger_transfers p WHERE p.id = NEW.pending_id) END
            ELSE 0 END,
        debits_posted = debits_posted + CASE WHEN id = NEW.debit_account_id
            AND NEW.kind IN (0, 2) THEN NEW.amount ELSE 0 END,
        credits_posted = credits_posted + CASE WHEN id = NEW.credit_account_id
            AND NEW.kind IN (0, 2) THEN NEW.amount ELSE 0 END
    WHERE id IN (NEW.debit_account_id, NEW.credit_account_id);
END;

CREATE TRIGGER ledger_transfers_are_never_changed
BEFORE UPDATE ON ledger_transfers
BEGIN
    SELECT RAISE(ABORT, 'ledger_transfers_immutable');
END;

CREATE TRIGGER ledger_transfers_are_never_deleted
BEFORE DELETE ON ledger_transfers
BEGIN
    SELECT RAISE(ABORT, 'ledger_transfers_immutable');
END;

-- An account outlives every transfer that names it.
CREATE TRIGGER ledger_accounts_are_never_deleted
BEFORE DELETE ON ledger_accounts
BEGIN
    SELECT RAISE(ABORT, 'ledger_accounts_permanent');
END;
