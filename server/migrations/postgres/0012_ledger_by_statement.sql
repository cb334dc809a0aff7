-- The ledger applies each INSERT of transfers once, as a whole (see 0008_ledger.sql for
-- the invariants, which are unchanged). The row trigger ran one UPDATE per transfer,
-- so a batch of 60 sends ran 60 of them inside its one INSERT; a statement trigger
-- over the inserted rows checks every resolution and then moves every account the
-- statement names by its net amounts in one UPDATE. The checks on ledger_accounts
-- (no overdraft, no negative column) hold for the statement's outcome, which is all
-- anyone can see of it: the statement is atomic.
-- SQLite has no statement triggers and keeps its row trigger.

DROP TRIGGER ledger_transfer_applies ON ledger_transfers;
DROP FUNCTION ledger_transfer_applies();

CREATE FUNCTION ledger_transfers_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A resolution names its hold's accounts; posting or voiding is possible only
    -- before the hold times out, expiring only after, and voiding or expiring
    -- releases all of it. A hold inserted by the same statement counts.
    IF EXISTS (
        SELECT 1 FROM added n
        WHERE n.pending_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM ledger_transfers p
            WHERE p.id = n.pending_id AND p.kind = 1
              AND p.debit_account_id = n.debit_account_id
              AND p.credit_account_id = n.credit_account_id
              AND p.currency = n.currency
              AND n.amount <= p.amount
              AND (n.kind = 2 AND (p.timeout_at IS NULL OR n.created_at < p.timeout_at)
                   OR n.kind = 3 AND n.amount = p.amount
                      AND (p.timeout_at IS NULL OR n.created_at < p.timeout_at)
                   OR n.kind = 4 AND n.amount = p.amount
                      AND p.timeout_at IS NOT NULL AND n.created_at >= p.timeout_at))
    ) THEN
        RAISE EXCEPTION 'ledger_resolution_mismatch' USING ERRCODE = 'P0001';
    END IF;
    -- A hold adds to the pending columns, its resolution takes the whole hold off
    -- them, and what is posted (at once, or by posting a hold) adds to the posted ones.
    WITH moved AS (
        SELECT n.debit_account_id AS debit, n.credit_account_id AS credit, n.kind,
               n.amount,
               COALESCE((SELECT p.amount FROM ledger_transfers p WHERE p.id = n.pending_id),
                        0) AS held
        FROM added n
    ), sides AS (
        SELECT debit AS id,
               CASE kind WHEN 0 THEN 0 WHEN 1 THEN amount ELSE -held END AS debits_pending,
               0 AS credits_pending,
               CASE WHEN kind IN (0, 2) THEN amount ELSE 0 END AS debits_posted,
               0 AS credits_posted
        FROM moved
        UNION ALL
        SELECT credit, 0,
               CASE kind WHEN 0 THEN 0 WHEN 1 THEN amount ELSE -held END,
               0,
               CASE WHEN kind IN (0, 2) THEN amount ELSE 0 END
        FROM moved
    ), net AS (
        SELECT id,
               CAST(SUM(debits_pending) AS BIGINT) AS debits_pending,
               CAST(SUM(credits_pending) AS BIGINT) AS credits_pending,
               CAST(SUM(debits_posted) AS BIGINT) AS debits_posted,
               CAST(SUM(credits_posted) AS BIGINT) AS credits_posted
        FROM sides GROUP BY id
    )
    UPDATE ledger_accounts a SET
        debits_pending = a.debits_pending + net.debits_pending,
        credits_pending = a.credits_pending + net.credits_pending,
        debits_posted = a.debits_posted + net.debits_posted,
        credits_posted = a.credits_posted + net.credits_posted
    -- Found through the key, whatever the planner guesses of a seq scan's cost.
    FROM net WHERE a.id = net.id AND a.id = ANY (ARRAY(SELECT id FROM net));
    RETURN NULL;
END
$$;
CREATE TRIGGER ledger_transfers_apply AFTER INSERT ON ledger_transfers
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfers_apply();
