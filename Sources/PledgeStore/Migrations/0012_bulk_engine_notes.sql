-- A bulk import (pledgematch import, POST /imports) writes up to millions of rows in one
-- transaction. Noting each row in the engine's change log by trigger would step the one-row clock
-- once per row inside that transaction, and every step has to walk the row's growing chain of
-- versions: quadratic. So a transaction that sets pledgematch.bulk_import = on (SET LOCAL) notes its
-- changes itself, after its merge, in one statement: one clock step of k, and the same rows in
-- engine_changes (firm, asset, source) that the triggers would have written. Every other writer is
-- unchanged.
CREATE OR REPLACE FUNCTION engine_note(p_firm bigint, p_product bigint, p_asset bigint, p_source text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    next bigint;
BEGIN
    IF current_setting('pledgematch.bulk_import', true) = 'on' THEN
        RETURN;
    END IF;
    UPDATE engine_clock SET n = n + 1 WHERE id = 1 RETURNING n INTO next;
    INSERT INTO engine_changes (n, firm_id, product_id, asset_id, source) VALUES (next, p_firm, p_product, p_asset, p_source);
END;
$$;
