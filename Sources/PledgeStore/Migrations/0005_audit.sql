-- The audit trail and idempotency keys.
--
-- Every row written to a business table appends one audit row in the same transaction, by trigger,
-- so no code path can forget it. Who and which request come from the transaction's settings
-- (pledgematch.actor, pledgematch.request_id, set with SET LOCAL by the server); writes made outside
-- a request (seeding, migrations) are recorded as 'system'.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    request_id text,
    -- insert / update / delete, or a named event (login, export, …) written by the server.
    action     text NOT NULL,
    -- The entity whose history the row belongs to (firm, asset, application, loan, …) and its id;
    -- a child table's rows (co-owners, pledged assets) belong to their parent's history.
    entity     text NOT NULL,
    entity_id  bigint,
    firm_id    bigint,
    table_name text,
    before     jsonb,
    after      jsonb
);

CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_firm ON audit_log (firm_id, id);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- TG_ARGV[0]: the entity name; TG_ARGV[1]: the column that holds the entity's id.
CREATE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
    row_now jsonb := coalesce(new_row, old_row);
BEGIN
    INSERT INTO audit_log (actor, request_id, action, entity, entity_id, firm_id, table_name, before, after)
    VALUES (coalesce(nullif(current_setting('pledgematch.actor', true), ''), 'system'),
            nullif(current_setting('pledgematch.request_id', true), ''),
            lower(TG_OP), TG_ARGV[0], (row_now ->> TG_ARGV[1])::bigint, (row_now ->> 'firm_id')::bigint,
            TG_TABLE_NAME, old_row, new_row);
    RETURN NULL;
END;
$$;

CREATE TRIGGER firms_audit AFTER INSERT OR UPDATE OR DELETE ON firms
    FOR EACH ROW EXECUTE FUNCTION audit_row('firm', 'id');
CREATE TRIGGER ip_assets_audit AFTER INSERT OR UPDATE OR DELETE ON ip_assets
    FOR EACH ROW EXECUTE FUNCTION audit_row('asset', 'id');
CREATE TRIGGER co_owners_audit AFTER INSERT OR UPDATE OR DELETE ON ip_asset_co_owners
    FOR EACH ROW EXECUTE FUNCTION audit_row('asset', 'asset_id');
CREATE TRIGGER valuations_audit AFTER INSERT OR UPDATE OR DELETE ON valuations
    FOR EACH ROW EXECUTE FUNCTION audit_row('valuation', 'id');
CREATE TRIGGER banks_audit AFTER INSERT OR UPDATE OR DELETE ON banks
    FOR EACH ROW EXECUTE FUNCTION audit_row('bank', 'id');
CREATE TRIGGER loan_products_audit AFTER INSERT OR UPDATE OR DELETE ON loan_products
    FOR EACH ROW EXECUTE FUNCTION audit_row('product', 'id');
CREATE TRIGGER product_ip_terms_audit AFTER INSERT OR UPDATE OR DELETE ON product_ip_terms
    FOR EACH ROW EXECUTE FUNCTION audit_row('product', 'product_id');
CREATE TRIGGER programme_targets_audit AFTER INSERT OR UPDATE OR DELETE ON programme_targets
    FOR EACH ROW EXECUTE FUNCTION audit_row('target', 'id');
CREATE TRIGGER gi_licences_audit AFTER INSERT OR UPDATE OR DELETE ON gi_licences
    FOR EACH ROW EXECUTE FUNCTION audit_row('licence', 'id');
CREATE TRIGGER pledges_audit AFTER INSERT OR UPDATE OR DELETE ON pledges
    FOR EACH ROW EXECUTE FUNCTION audit_row('pledge', 'id');
CREATE TRIGGER pledge_assets_audit AFTER INSERT OR UPDATE OR DELETE ON pledge_assets
    FOR EACH ROW EXECUTE FUNCTION audit_row('pledge', 'pledge_id');
CREATE TRIGGER applications_audit AFTER INSERT OR UPDATE OR DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION audit_row('application', 'id');
CREATE TRIGGER application_assets_audit AFTER INSERT OR UPDATE OR DELETE ON application_assets
    FOR EACH ROW EXECUTE FUNCTION audit_row('application', 'application_id');
CREATE TRIGGER loans_audit AFTER INSERT ON loans
    FOR EACH ROW EXECUTE FUNCTION audit_row('loan', 'id');
CREATE TRIGGER loan_entries_audit AFTER INSERT ON loan_entries
    FOR EACH ROW EXECUTE FUNCTION audit_row('loan', 'loan_id');

-- A POST's idempotency key and the response it got. The row is written in the same transaction as
-- the POST's effect, so after a crash either both exist or neither does. scope keeps one client's
-- keys apart from another's.
CREATE TABLE idempotency_keys (
    scope        text NOT NULL,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL,
    status       integer NOT NULL,
    headers      jsonb NOT NULL DEFAULT '{}',
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- The engine reads a firm's defaults (risk factor), so a default entry must reach it.
CREATE TRIGGER loan_entries_engine AFTER INSERT ON loan_entries
    FOR EACH ROW EXECUTE FUNCTION engine_firm_changed();
