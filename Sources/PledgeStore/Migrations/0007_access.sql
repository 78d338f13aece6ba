-- Users, roles, tokens, firms' consent to share data with banks, and the bank boundary in the
-- database itself (row-level security), so a check forgotten in the server still leaks nothing.

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text NOT NULL CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    role          text NOT NULL CHECK (role IN ('administrator', 'operations', 'bank_officer', 'analyst')),
    -- A bank officer is bound to exactly one bank; nobody else is.
    bank_id       bigint REFERENCES banks (id),
    -- bcrypt; NULL for an account that only signs in with API tokens (a machine client).
    password_hash text,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_bank_matches_role CHECK ((role = 'bank_officer') = (bank_id IS NOT NULL))
);

CREATE UNIQUE INDEX users_login ON users (login);

-- Login sessions and API tokens. Only the SHA-256 of the secret is kept: a copy of the table
-- gives nobody a usable token.
CREATE TABLE access_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    kind         text NOT NULL CHECK (kind IN ('session', 'api')),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);

CREATE UNIQUE INDEX access_tokens_secret ON access_tokens (secret_hash);
CREATE INDEX access_tokens_user ON access_tokens (user_id, id);

-- Failed logins in the recent past, per account and per address: the rate limit counts them here
-- so every server process sees the same count.
CREATE TABLE login_failures (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login   text NOT NULL,
    address text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_failures_login ON login_failures (login, at);
CREATE INDEX login_failures_address ON login_failures (address, at);

-- A firm's consent to share its data with banks (数据共享授权). bank_id NULL: every programme bank.
-- Withdrawal is a timestamp on the row, never a delete, so the history stays; it takes effect at once.
CREATE TABLE firm_consents (
    id           bigint GENERATED ALWAYS AS IDENTITY,
    firm_id      bigint NOT NULL REFERENCES firms (id),
    scope        text NOT NULL CHECK (scope IN ('share_with_banks')),
    bank_id      bigint REFERENCES banks (id),
    granted_on   date NOT NULL,
    -- The signed form or document that records the consent.
    evidence     text CHECK (length(evidence) BETWEEN 1 AND 200),
    withdrawn_at timestamptz,
    recorded_by  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (firm_id, id)
);

CREATE UNIQUE INDEX firm_consents_id ON firm_consents (id);
CREATE INDEX firm_consents_in_force ON firm_consents (firm_id) WHERE withdrawn_at IS NULL;

CREATE TRIGGER firm_consents_audit AFTER INSERT OR UPDATE OR DELETE ON firm_consents
    FOR EACH ROW EXECUTE FUNCTION audit_row('consent', 'id');
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION audit_row('user', 'id');

-- The role the server takes for every request transaction (SET LOCAL ROLE). It owns nothing, so
-- FORCE ROW LEVEL SECURITY and the policies below always apply to it. Roles belong to the whole
-- cluster, so another database of the same cluster may have created it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pledgematch_app') THEN
        CREATE ROLE pledgematch_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END;
$$;

-- The account that runs migrations is the one the server logs in with; it may switch to the role.
-- (A DBA may have granted it already, to an account that could not grant it itself.)
DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'pledgematch_app', 'MEMBER') THEN
        EXECUTE format('GRANT pledgematch_app TO %I', current_user);
    END IF;
END;
$$;

GRANT USAGE ON SCHEMA public TO pledgematch_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pledgematch_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO pledgematch_app;
-- Tables of later migrations get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pledgematch_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO pledgematch_app;
-- The audit trail is append-only for the server too.
REVOKE UPDATE, DELETE ON audit_log FROM pledgematch_app;

-- May the current transaction's caller reach a record of this bank? Bank officers reach their own
-- bank only; operations and administrators every bank; analysts read everything (the API gives them
-- aggregates only) and write nothing. A request transaction with no role set reaches nothing.
-- Only requests run as pledgematch_app; the account the server logs in with is the system itself
-- (the matching index, seeding, migrations) and reaches everything, as it would as superuser.
CREATE FUNCTION access_reaches_bank(record_bank bigint, for_write boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN current_user <> 'pledgematch_app' THEN true ELSE
    CASE coalesce(current_setting('pledgematch.role', true), '')
        WHEN 'administrator' THEN true
        WHEN 'operations' THEN true
        WHEN 'analyst' THEN NOT for_write
        WHEN 'bank_officer' THEN record_bank = nullif(current_setting('pledgematch.bank_id', true), '')::bigint
        ELSE false
    END END
$$;

-- May the caller see this firm? Everyone but a bank officer; a bank officer while the firm's
-- consent to share with banks (all banks, or this officer's bank) is in force, or when the firm
-- applied to the officer's bank (the application is the firm sharing itself with that bank; the
-- subquery sees only that bank's applications, under their own policy).
CREATE FUNCTION access_reaches_firm(record_firm bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN current_user <> 'pledgematch_app' THEN true ELSE
    CASE coalesce(current_setting('pledgematch.role', true), '')
        WHEN 'administrator' THEN true
        WHEN 'operations' THEN true
        WHEN 'analyst' THEN true
        WHEN 'bank_officer' THEN EXISTS (
            SELECT 1 FROM firm_consents c
            WHERE c.firm_id = record_firm AND c.scope = 'share_with_banks' AND c.withdrawn_at IS NULL
              AND c.granted_on <= (now() AT TIME ZONE 'Asia/Shanghai')::date
              AND (c.bank_id IS NULL OR c.bank_id = nullif(current_setting('pledgematch.bank_id', true), '')::bigint))
            OR EXISTS (SELECT 1 FROM applications a WHERE a.firm_id = record_firm)
        ELSE false
    END END
$$;

ALTER TABLE loan_products ENABLE ROW LEVEL SECURITY;
ALTER TABLE loan_products FORCE ROW LEVEL SECURITY;
CREATE POLICY loan_products_read ON loan_products FOR SELECT USING (access_reaches_bank(bank_id, false));
CREATE POLICY loan_products_write ON loan_products FOR ALL
    USING (access_reaches_bank(bank_id, true)) WITH CHECK (access_reaches_bank(bank_id, true));

-- A product's terms follow their product: the subquery is itself filtered by loan_products' policy.
ALTER TABLE product_ip_terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_ip_terms FORCE ROW LEVEL SECURITY;
CREATE POLICY product_ip_terms_reach ON product_ip_terms FOR ALL
    USING (EXISTS (SELECT 1 FROM loan_products p WHERE p.id = product_id))
    WITH CHECK (EXISTS (SELECT 1 FROM loan_products p WHERE p.id = product_id));

ALTER TABLE applications ENABLE ROW LEVEL SECURITY;
ALTER TABLE applications FORCE ROW LEVEL SECURITY;
CREATE POLICY applications_read ON applications FOR SELECT USING (access_reaches_bank(bank_id, false));
CREATE POLICY applications_write ON applications FOR ALL
    USING (access_reaches_bank(bank_id, true)) WITH CHECK (access_reaches_bank(bank_id, true));

ALTER TABLE loans ENABLE ROW LEVEL SECURITY;
ALTER TABLE loans FORCE ROW LEVEL SECURITY;
CREATE POLICY loans_read ON loans FOR SELECT USING (access_reaches_bank(bank_id, false));
CREATE POLICY loans_write ON loans FOR ALL
    USING (access_reaches_bank(bank_id, true)) WITH CHECK (access_reaches_bank(bank_id, true));

-- Entries follow their loan, pledges their application (a pledge not yet tied to an application is
-- the operation centre's business only).
ALTER TABLE loan_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE loan_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY loan_entries_reach ON loan_entries FOR ALL
    USING (EXISTS (SELECT 1 FROM loans l WHERE l.firm_id = loan_entries.firm_id AND l.id = loan_id))
    WITH CHECK (EXISTS (SELECT 1 FROM loans l WHERE l.firm_id = loan_entries.firm_id AND l.id = loan_id));

ALTER TABLE pledges ENABLE ROW LEVEL SECURITY;
ALTER TABLE pledges FORCE ROW LEVEL SECURITY;
CREATE POLICY pledges_reach ON pledges FOR ALL
    USING (coalesce(access_reaches_bank(NULL, false), false)
           OR EXISTS (SELECT 1 FROM applications a WHERE a.firm_id = pledges.firm_id AND a.id = application_id))
    WITH CHECK (coalesce(access_reaches_bank(NULL, true), false)
           OR EXISTS (SELECT 1 FROM applications a WHERE a.firm_id = pledges.firm_id AND a.id = application_id));

-- Firms reach a bank officer only with consent in force.
ALTER TABLE firms ENABLE ROW LEVEL SECURITY;
ALTER TABLE firms FORCE ROW LEVEL SECURITY;
CREATE POLICY firms_reach ON firms FOR ALL USING (access_reaches_firm(id)) WITH CHECK (access_reaches_firm(id));
