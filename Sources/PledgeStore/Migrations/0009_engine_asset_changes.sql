-- The change log names the asset when an asset's own rows change (the asset, its valuations,
-- co-owners or pledge), so a catch-up reloads that asset alone instead of every asset of its firm:
-- one valuation update then reads one asset, not the firm's ten. Changes with no asset (the firm
-- row, its ledger entries, GI licences) still reload the whole firm.
ALTER TABLE engine_changes ADD COLUMN asset_id bigint;

CREATE FUNCTION engine_note_asset_change(p_firm bigint, p_asset bigint, p_source text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    next bigint;
BEGIN
    UPDATE engine_clock SET n = n + 1 WHERE id = 1 RETURNING n INTO next;
    INSERT INTO engine_changes (n, firm_id, asset_id, source) VALUES (next, p_firm, p_asset, p_source);
END;
$$;

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
        PERFORM engine_note_asset_change(NEW.firm_id, new_asset, TG_TABLE_NAME);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM engine_note_asset_change(OLD.firm_id, old_asset, TG_TABLE_NAME);
    ELSE
        PERFORM engine_note_asset_change(NEW.firm_id, new_asset, TG_TABLE_NAME);
        IF OLD.firm_id IS DISTINCT FROM NEW.firm_id OR old_asset IS DISTINCT FROM new_asset THEN
            PERFORM engine_note_asset_change(OLD.firm_id, old_asset, TG_TABLE_NAME);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER ip_assets_engine ON ip_assets;

CREATE TRIGGER ip_assets_engine AFTER INSERT OR UPDATE OR DELETE ON ip_assets
    FOR EACH ROW EXECUTE FUNCTION engine_asset_changed();

DROP TRIGGER co_owners_engine ON ip_asset_co_owners;

CREATE TRIGGER co_owners_engine AFTER INSERT OR UPDATE OR DELETE ON ip_asset_co_owners
    FOR EACH ROW EXECUTE FUNCTION engine_asset_changed();

DROP TRIGGER valuations_engine ON valuations;

CREATE TRIGGER valuations_engine AFTER INSERT OR UPDATE OR DELETE ON valuations
    FOR EACH ROW EXECUTE FUNCTION engine_asset_changed();

DROP TRIGGER pledge_assets_engine ON pledge_assets;

CREATE TRIGGER pledge_assets_engine AFTER INSERT OR UPDATE OR DELETE ON pledge_assets
    FOR EACH ROW EXECUTE FUNCTION engine_asset_changed();
