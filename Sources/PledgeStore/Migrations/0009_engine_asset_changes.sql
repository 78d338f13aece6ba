-- The change log names the asset when an asset's own rows change (the asset, its valuations,
-- co-owners or pledge), so a catch-up reloads that asset alone instead of every asset of its firm:
-- one valuation update then reads one asset, not the firm's ten. Changes with no asset (the firm
-- row, its ledger entries, GI licences) still reload the whole firm.
ALTER TABLE engine_changes ADD COLUMN asset_id bigint;

-- One place takes the next change number and writes the row; the firm- and product-level
-- triggers of 0003 keep calling engine_note_change, now a shorthand for it.
CREATE FUNCTION engine_note(p_firm bigint, p_product bigint, p_asset bigint, p_source text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    next bigint;
BEGIN
    UPDATE engine_clock SET n = n + 1 WHERE id = 1 RETURNING n INTO next;
    INSERT INTO engine_changes (n, firm_id, product_id, asset_id, source) VALUES (next, p_firm, p_product, p_asset, p_source);
END;
$$;

CREATE OR REPLACE FUNCTION engine_note_change(p_firm bigint, p_product bigint, p_source text) RETURNS void
LANGUAGE sql AS $$ SELECT engine_note(p_firm, p_product, NULL, p_source) $$;

-- ip_assets names the asset `id`, the other tables `asset_id`. PL/pgSQL prepares a statement when it
-- first runs, so the branch for the other tables never reads a field the row lacks.
CREATE FUNCTION engine_asset_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_asset bigint;
    new_asset bigint;
BEGIN
    IF TG_TABLE_NAME = 'ip_assets' THEN
        IF TG_OP <> 'INSERT' THEN old_asset := OLD.id; END IF;
        IF TG_OP <> 'DELETE' THEN new_asset := NEW.id; END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN old_asset := OLD.asset_id; END IF;
        IF TG_OP <> 'DELETE' THEN new_asset := NEW.asset_id; END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM engine_note(NEW.firm_id, NULL, new_asset, TG_TABLE_NAME);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM engine_note(OLD.firm_id, NULL, old_asset, TG_TABLE_NAME);
    ELSE
        PERFORM engine_note(NEW.firm_id, NULL, new_asset, TG_TABLE_NAME);
        IF OLD.firm_id IS DISTINCT FROM NEW.firm_id OR old_asset IS DISTINCT FROM new_asset THEN
            PERFORM engine_note(OLD.firm_id, NULL, old_asset, TG_TABLE_NAME);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- The asset-level tables' triggers (named as in 0003) now call engine_asset_changed.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('ip_assets', 'ip_assets_engine'), ('ip_asset_co_owners', 'co_owners_engine'),
                                   ('valuations', 'valuations_engine'), ('pledge_assets', 'pledge_assets_engine'))
                           AS x (tbl, trg) LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t.trg, t.tbl);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION engine_asset_changed()', t.trg, t.tbl);
    END LOOP;
END;
$$;
