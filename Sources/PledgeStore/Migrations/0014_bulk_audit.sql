-- A bulk import writes its audit rows itself, set-wise, as it already notes its engine changes
-- (0012). An AFTER ROW trigger costs a queued event and a PL/pgSQL call for every row even when
-- it does nothing, and the audit trigger builds and inserts one audit row per statement call: for a
-- million assets that is most of the load. So in a transaction that sets pledgematch.bulk_import =
-- on (SET LOCAL, only the import's merges do), the audit and engine triggers of the tables those
-- merges write (firms, ip_assets, valuations, gi_licences) do not fire, and each merge writes the same
-- audit rows (actor, request, action, entity, before, after) with one INSERT … SELECT and the same
-- engine notes with one clock step. Every other writer, and every other table, keeps its triggers.
DROP TRIGGER firms_audit ON firms;

CREATE TRIGGER firms_audit AFTER INSERT OR UPDATE OR DELETE ON firms
    FOR EACH ROW WHEN (current_setting('pledgematch.bulk_import', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION audit_row('firm', 'id');

DROP TRIGGER ip_assets_audit ON ip_assets;

CREATE TRIGGER ip_assets_audit AFTER INSERT OR UPDATE OR DELETE ON ip_assets
    FOR EACH ROW WHEN (current_setting('pledgematch.bulk_import', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION audit_row('asset', 'id');

DROP TRIGGER valuations_audit ON valuations;

CREATE TRIGGER valuations_audit AFTER INSERT OR UPDATE OR DELETE ON valuations
    FOR EACH ROW WHEN (current_setting('pledgematch.bulk_import', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION audit_row('valuation', 'id');

DROP TRIGGER gi_licences_audit ON gi_licences;

CREATE TRIGGER gi_licences_audit AFTER INSERT OR UPDATE OR DELETE ON gi_licences
    FOR EACH ROW WHEN (current_setting('pledgematch.bulk_import', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION audit_row('licence', 'id');

DROP TRIGGER firms_engine ON firms;

CREATE TRIGGER firms_engine AFTER INSERT OR UPDATE OR DELETE ON firms
    FOR EACH ROW WHEN (current_setting('pledgematch.bulk_import', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION engine_firm_row_changed();

DROP TRIGGER ip_assets_engine ON ip_assets;

CREATE TRIGGER ip_assets_engine AFTER INSERT OR UPDATE OR DELETE ON ip_assets
    FOR EACH ROW WHEN (current_setting('pledgematch.bulk_import', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION engine_asset_changed();

DROP TRIGGER valuations_engine ON valuations;

CREATE TRIGGER valuations_engine AFTER INSERT OR UPDATE OR DELETE ON valuations
    FOR EACH ROW WHEN (current_setting('pledgematch.bulk_import', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION engine_asset_changed();

DROP TRIGGER gi_licences_engine ON gi_licences;

CREATE TRIGGER gi_licences_engine AFTER INSERT OR UPDATE OR DELETE ON gi_licences
    FOR EACH ROW WHEN (current_setting('pledgematch.bulk_import', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION engine_licence_changed();
