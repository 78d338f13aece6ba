-- Progress reports for the finance bureau (区财政局/金融办).
--
-- The ledger (loan_entries) stays the only truth. This migration adds:
--   report_loans        each loan's classification (bank, product, pledged IP type, the firm's industry,
--                       park/town and size), frozen when the loan's first entry is posted, so a past
--                       month's breakdown does not move when a firm later changes town or releases a pledge;
--   report_firm_firsts  each firm's first disbursed loan as the ledger knew it over time (see below);
--   report_daily, report_month_flows, report_day_flows
--                       sums of ledger entries keyed by when they happened (effective day or month) and
--                       when the ledger learned them (known day or month, Asia/Shanghai).
-- A report "as of" day D adds up the rows whose known day is on or before D, which are exactly the
-- entries recorded by the end of D in Beijing time. Rows hold sums only, maintained by trigger in the
-- same transaction as the entry, and report_rebuild() recomputes them from the ledger; a test holds the
-- rollups equal to the plain computation over loan_entries on random data.

-- The first day of d's month.
CREATE FUNCTION report_month(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT d - (extract(day FROM d)::int - 1) $$;

-- The Beijing calendar day of an instant: programme days and months are Asia/Shanghai ones.
CREATE FUNCTION report_day(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (t AT TIME ZONE 'Asia/Shanghai')::date $$;

CREATE TABLE report_loans (
    firm_id       bigint NOT NULL,
    loan_id       bigint NOT NULL,
    bank_id       bigint NOT NULL,
    product_id    bigint NOT NULL,
    disbursed_on  date NOT NULL,
    -- The type of the pledged asset of highest appraised value, or 'none' when no pledge is recorded.
    ip_type       text NOT NULL,
    industry_code text NOT NULL,
    town          text NOT NULL,
    size          text NOT NULL,
    -- The Beijing day the loan's first disbursement entry was recorded; NULL while it has none.
    known_on      date,
    PRIMARY KEY (firm_id, loan_id),
    FOREIGN KEY (firm_id, loan_id) REFERENCES loans (firm_id, id)
);

-- A firm counts once, in the month of its first disbursed loan (earliest disbursed_on, then lowest id)
-- among the loans the ledger knew of. Because a loan may be recorded after a later-dated one, that
-- first loan can change over time: each row says "from known_on on, the firm's first loan is loan_id".
CREATE TABLE report_firm_firsts (
    firm_id  bigint NOT NULL,
    known_on date NOT NULL,
    loan_id  bigint NOT NULL,
    PRIMARY KEY (firm_id, known_on)
);

-- Totals by effective day: progress needs the programme's baseline to the day.
CREATE TABLE report_daily (
    effective_on  date NOT NULL,
    known_on      date NOT NULL,
    loans         bigint NOT NULL DEFAULT 0,
    principal_fen bigint NOT NULL DEFAULT 0,
    repaid_fen    bigint NOT NULL DEFAULT 0,
    defaulted_fen bigint NOT NULL DEFAULT 0,
    new_firms     bigint NOT NULL DEFAULT 0,
    -- Ledger entries behind the row, to tell a past report that later entries changed its figures.
    entries       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (effective_on, known_on)
);

-- The same totals keyed by the known month: a report reads these for everything learned before
-- its as-of month and report_daily (by known day) for the as-of month itself.
CREATE TABLE report_daily_months (
    effective_on  date NOT NULL,
    known_month   date NOT NULL,
    loans         bigint NOT NULL DEFAULT 0,
    principal_fen bigint NOT NULL DEFAULT 0,
    repaid_fen    bigint NOT NULL DEFAULT 0,
    defaulted_fen bigint NOT NULL DEFAULT 0,
    new_firms     bigint NOT NULL DEFAULT 0,
    entries       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (effective_on, known_month)
);

CREATE INDEX report_daily_known ON report_daily (known_on);

-- Breakdowns by month. dim is one of all, bank, product, ip_type, industry, town, size; key is the
-- value ('' for all). Keyed by the known month, so a report reads a few rows per month and key for
-- everything learned before the as-of month, and report_day_flows for the as-of month itself.
CREATE TABLE report_month_flows (
    dim           text NOT NULL,
    key           text NOT NULL,
    month         date NOT NULL,
    known_month   date NOT NULL,
    loans         bigint NOT NULL DEFAULT 0,
    principal_fen bigint NOT NULL DEFAULT 0,
    repaid_fen    bigint NOT NULL DEFAULT 0,
    defaulted_fen bigint NOT NULL DEFAULT 0,
    new_firms     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, key, month, known_month)
);

CREATE TABLE report_day_flows (
    dim           text NOT NULL,
    key           text NOT NULL,
    month         date NOT NULL,
    known_on      date NOT NULL,
    loans         bigint NOT NULL DEFAULT 0,
    principal_fen bigint NOT NULL DEFAULT 0,
    repaid_fen    bigint NOT NULL DEFAULT 0,
    defaulted_fen bigint NOT NULL DEFAULT 0,
    new_firms     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (known_on, dim, key, month)
);

-- "Corrections were recorded after that date": corrections are few, so a partial index finds them.
CREATE INDEX loan_entries_corrections_recorded ON loan_entries (recorded_at) WHERE corrects_id IS NOT NULL;

-- The breakdown keys of a classified loan, one row per dimension.
CREATE FUNCTION report_keys(l report_loans) RETURNS TABLE (dim text, key text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES ('all', ''), ('bank', l.bank_id::text), ('product', l.product_id::text), ('ip_type', l.ip_type),
           ('industry', l.industry_code), ('town', l.town), ('size', l.size)
$$;

-- Classifies a loan from its terms, its firm as it is now and the assets pledged for its application
-- (the one of highest latest valuation; a renewal without its own pledge keeps the renewed loan's type).
CREATE FUNCTION report_classify(p_firm bigint, p_loan bigint) RETURNS report_loans
LANGUAGE plpgsql AS $$
DECLARE
    result report_loans;
BEGIN
    INSERT INTO report_loans (firm_id, loan_id, bank_id, product_id, disbursed_on, ip_type, industry_code, town, size)
    SELECT l.firm_id, l.id, l.bank_id, l.product_id, l.disbursed_on,
           coalesce((SELECT a.type
                       FROM pledges p
                       JOIN pledge_assets pa ON pa.firm_id = p.firm_id AND pa.pledge_id = p.id
                       JOIN ip_assets a ON a.firm_id = pa.firm_id AND a.id = pa.asset_id
                       LEFT JOIN LATERAL (SELECT v.value_fen FROM valuations v
                                          WHERE v.firm_id = a.firm_id AND v.asset_id = a.id AND v.archived_at IS NULL
                                          ORDER BY v.valuation_date DESC, v.id DESC LIMIT 1) v ON true
                      WHERE p.firm_id = l.firm_id AND p.application_id = l.application_id
                      ORDER BY coalesce(v.value_fen, 0) DESC, a.id
                      LIMIT 1),
                    (SELECT r.ip_type FROM report_loans r WHERE r.firm_id = l.firm_id AND r.loan_id = l.renewal_of),
                    'none'),
           f.industry_code, f.town, f.size
      FROM loans l JOIN firms f ON f.id = l.firm_id
     WHERE l.firm_id = p_firm AND l.id = p_loan
    RETURNING * INTO result;
    RETURN result;
END;
$$;

-- Adds signed amounts to the three rollups under every breakdown key of the loan.
CREATE FUNCTION report_post(l report_loans, eff date, known date, n_loans bigint, principal bigint, repaid bigint,
                            defaulted bigint, firms bigint, n_entries bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_daily AS r (effective_on, known_on, loans, principal_fen, repaid_fen, defaulted_fen, new_firms, entries)
    VALUES (eff, known, n_loans, principal, repaid, defaulted, firms, n_entries)
    ON CONFLICT (effective_on, known_on) DO UPDATE
       SET loans = r.loans + EXCLUDED.loans, principal_fen = r.principal_fen + EXCLUDED.principal_fen,
           repaid_fen = r.repaid_fen + EXCLUDED.repaid_fen, defaulted_fen = r.defaulted_fen + EXCLUDED.defaulted_fen,
           new_firms = r.new_firms + EXCLUDED.new_firms, entries = r.entries + EXCLUDED.entries;
    INSERT INTO report_daily_months AS r (effective_on, known_month, loans, principal_fen, repaid_fen, defaulted_fen, new_firms, entries)
    VALUES (eff, report_month(known), n_loans, principal, repaid, defaulted, firms, n_entries)
    ON CONFLICT (effective_on, known_month) DO UPDATE
       SET loans = r.loans + EXCLUDED.loans, principal_fen = r.principal_fen + EXCLUDED.principal_fen,
           repaid_fen = r.repaid_fen + EXCLUDED.repaid_fen, defaulted_fen = r.defaulted_fen + EXCLUDED.defaulted_fen,
           new_firms = r.new_firms + EXCLUDED.new_firms, entries = r.entries + EXCLUDED.entries;
    INSERT INTO report_month_flows AS r (dim, key, month, known_month, loans, principal_fen, repaid_fen, defaulted_fen, new_firms)
    SELECT k.dim, k.key, report_month(eff), report_month(known), n_loans, principal, repaid, defaulted, firms
      FROM report_keys(l) k
    ON CONFLICT (dim, key, month, known_month) DO UPDATE
       SET loans = r.loans + EXCLUDED.loans, principal_fen = r.principal_fen + EXCLUDED.principal_fen,
           repaid_fen = r.repaid_fen + EXCLUDED.repaid_fen, defaulted_fen = r.defaulted_fen + EXCLUDED.defaulted_fen,
           new_firms = r.new_firms + EXCLUDED.new_firms;
    INSERT INTO report_day_flows AS r (dim, key, month, known_on, loans, principal_fen, repaid_fen, defaulted_fen, new_firms)
    SELECT k.dim, k.key, report_month(eff), known, n_loans, principal, repaid, defaulted, firms
      FROM report_keys(l) k
    ON CONFLICT (known_on, dim, key, month) DO UPDATE
       SET loans = r.loans + EXCLUDED.loans, principal_fen = r.principal_fen + EXCLUDED.principal_fen,
           repaid_fen = r.repaid_fen + EXCLUDED.repaid_fen, defaulted_fen = r.defaulted_fen + EXCLUDED.defaulted_fen,
           new_firms = r.new_firms + EXCLUDED.new_firms;
END;
$$;

-- Every firm's chain of first loans, from report_loans: ordered by the day each loan became known,
-- a row wherever the earliest loan so far (by disbursed_on, then id) changes. The code packs the
-- two into one comparable number (ids stay below 2^40).
CREATE VIEW report_firm_chain AS
SELECT firm_id, known_on, loan_id
  FROM (SELECT firm_id, known_on, loan_id, best,
               lag(best) OVER (PARTITION BY firm_id ORDER BY known_on, code) AS previous_best
          FROM (SELECT firm_id, known_on, loan_id, code,
                       min(code) OVER (PARTITION BY firm_id ORDER BY known_on, code ROWS UNBOUNDED PRECEDING) AS best
                  FROM (SELECT firm_id, known_on, loan_id,
                               (disbursed_on - date '2000-01-01')::bigint * 1099511627776 + loan_id AS code
                          FROM report_loans WHERE known_on IS NOT NULL) coded) running) changes
 WHERE previous_best IS NULL OR best <> previous_best;

-- Posts (sign +1) or withdraws (-1) a firm's new-firm counts as its stored chain says: from each
-- row's day the firm counts under its first loan, and no longer under the previous first loan.
CREATE FUNCTION report_post_chain(p_firm bigint, sign bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c record;
    l report_loans;
BEGIN
    FOR c IN SELECT known_on, loan_id, lag(loan_id) OVER (ORDER BY known_on) AS previous
               FROM report_firm_firsts WHERE firm_id = p_firm ORDER BY known_on LOOP
        SELECT * INTO l FROM report_loans WHERE firm_id = p_firm AND loan_id = c.loan_id;
        PERFORM report_post(l, l.disbursed_on, c.known_on, 0, 0, 0, 0, sign, 0);
        IF c.previous IS NOT NULL THEN
            SELECT * INTO l FROM report_loans WHERE firm_id = p_firm AND loan_id = c.previous;
            PERFORM report_post(l, l.disbursed_on, c.known_on, 0, 0, 0, 0, -sign, 0);
        END IF;
    END LOOP;
END;
$$;

-- Posts one ledger entry. Ledger writes are human-paced, so one lock serialises the rollup updates
-- and keeps concurrent upserts of the same rows from deadlocking one another.
CREATE FUNCTION report_entry_posted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    l report_loans;
    known date := report_day(NEW.recorded_at);
BEGIN
    PERFORM pg_advisory_xact_lock(5288077510764011062);   -- arbitrary constant naming the report rollups
    SELECT * INTO l FROM report_loans WHERE firm_id = NEW.firm_id AND loan_id = NEW.loan_id;
    IF NOT FOUND THEN
        l := report_classify(NEW.firm_id, NEW.loan_id);
    END IF;
    PERFORM report_post(l, NEW.effective_on, known, 0,
                        CASE WHEN NEW.kind = 'disbursement' THEN NEW.amount_fen ELSE 0 END,
                        CASE WHEN NEW.kind = 'repayment' THEN NEW.amount_fen ELSE 0 END,
                        CASE WHEN NEW.kind = 'default' THEN NEW.amount_fen ELSE 0 END, 0, 1);
    -- The loan counts from the day its first disbursement was recorded (earlier if an entry arrives
    -- back-dated in recorded_at, as imports do), in the month it was disbursed.
    IF NEW.kind = 'disbursement' AND (l.known_on IS NULL OR known < l.known_on) THEN
        IF l.known_on IS NOT NULL THEN
            PERFORM report_post(l, l.disbursed_on, l.known_on, -1, 0, 0, 0, 0, 0);
        END IF;
        PERFORM report_post(l, l.disbursed_on, known, 1, 0, 0, 0, 0, 0);
        PERFORM report_post_chain(NEW.firm_id, -1);
        UPDATE report_loans SET known_on = known WHERE firm_id = NEW.firm_id AND loan_id = NEW.loan_id;
        DELETE FROM report_firm_firsts WHERE firm_id = NEW.firm_id;
        INSERT INTO report_firm_firsts (firm_id, known_on, loan_id)
        SELECT firm_id, known_on, loan_id FROM report_firm_chain WHERE firm_id = NEW.firm_id;
        PERFORM report_post_chain(NEW.firm_id, 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER loan_entries_report AFTER INSERT ON loan_entries
    FOR EACH ROW EXECUTE FUNCTION report_entry_posted();

-- Recomputes every rollup from the ledger: after a bulk load with triggers off, or to check them.
CREATE FUNCTION report_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    missing record;
BEGIN
    PERFORM pg_advisory_xact_lock(5288077510764011062);
    DROP TABLE IF EXISTS report_facts, report_cells;
    FOR missing IN SELECT DISTINCT e.firm_id, e.loan_id FROM loan_entries e
                    WHERE NOT EXISTS (SELECT 1 FROM report_loans r WHERE r.firm_id = e.firm_id AND r.loan_id = e.loan_id) LOOP
        PERFORM report_classify(missing.firm_id, missing.loan_id);
    END LOOP;
    UPDATE report_loans r SET known_on = k.known_on
      FROM (SELECT firm_id, loan_id, min(report_day(recorded_at)) AS known_on FROM loan_entries
             WHERE kind = 'disbursement' GROUP BY firm_id, loan_id) k
     WHERE r.firm_id = k.firm_id AND r.loan_id = k.loan_id AND r.known_on IS DISTINCT FROM k.known_on;
    TRUNCATE report_daily, report_daily_months, report_month_flows, report_day_flows, report_firm_firsts;
    INSERT INTO report_firm_firsts (firm_id, known_on, loan_id) SELECT firm_id, known_on, loan_id FROM report_firm_chain;

    CREATE TEMP TABLE report_facts ON COMMIT DROP AS
    SELECT e.firm_id, e.loan_id, e.effective_on AS eff, report_day(e.recorded_at) AS known, 0::bigint AS loans,
           CASE WHEN e.kind = 'disbursement' THEN e.amount_fen ELSE 0 END AS principal,
           CASE WHEN e.kind = 'repayment' THEN e.amount_fen ELSE 0 END AS repaid,
           CASE WHEN e.kind = 'default' THEN e.amount_fen ELSE 0 END AS defaulted,
           0::bigint AS firms, 1::bigint AS entries
      FROM loan_entries e
    UNION ALL
    SELECT firm_id, loan_id, disbursed_on, known_on, 1, 0, 0, 0, 0, 0 FROM report_loans WHERE known_on IS NOT NULL
    UNION ALL
    SELECT c.firm_id, c.loan_id, r.disbursed_on, c.known_on, 0, 0, 0, 0, 1, 0
      FROM report_firm_firsts c JOIN report_loans r ON r.firm_id = c.firm_id AND r.loan_id = c.loan_id
    UNION ALL
    SELECT p.firm_id, p.previous, r.disbursed_on, p.known_on, 0, 0, 0, 0, -1, 0
      FROM (SELECT firm_id, known_on, lag(loan_id) OVER (PARTITION BY firm_id ORDER BY known_on) AS previous
              FROM report_firm_firsts) p
      JOIN report_loans r ON r.firm_id = p.firm_id AND r.loan_id = p.previous;

    INSERT INTO report_daily (effective_on, known_on, loans, principal_fen, repaid_fen, defaulted_fen, new_firms, entries)
    SELECT eff, known, sum(loans), sum(principal), sum(repaid), sum(defaulted), sum(firms), sum(entries)
      FROM report_facts GROUP BY eff, known ORDER BY known;

    INSERT INTO report_daily_months (effective_on, known_month, loans, principal_fen, repaid_fen, defaulted_fen, new_firms, entries)
    SELECT effective_on, report_month(known_on), sum(loans), sum(principal_fen), sum(repaid_fen), sum(defaulted_fen),
           sum(new_firms), sum(entries)
      FROM report_daily GROUP BY 1, 2;

    -- Sum per loan classification first, then spread over the seven keys.
    CREATE TEMP TABLE report_cells ON COMMIT DROP AS
    SELECT r.bank_id, r.product_id, r.ip_type, r.industry_code, r.town, r.size,
           report_month(f.eff) AS month, f.known, sum(f.loans) AS loans, sum(f.principal) AS principal,
           sum(f.repaid) AS repaid, sum(f.defaulted) AS defaulted, sum(f.firms) AS firms
      FROM report_facts f JOIN report_loans r ON r.firm_id = f.firm_id AND r.loan_id = f.loan_id
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

    INSERT INTO report_day_flows (dim, key, month, known_on, loans, principal_fen, repaid_fen, defaulted_fen, new_firms)
    SELECT k.dim, k.key, c.month, c.known, sum(c.loans), sum(c.principal), sum(c.repaid), sum(c.defaulted), sum(c.firms)
      FROM report_cells c
     CROSS JOIN LATERAL (VALUES ('all', ''), ('bank', c.bank_id::text), ('product', c.product_id::text),
                                ('ip_type', c.ip_type), ('industry', c.industry_code), ('town', c.town),
                                ('size', c.size)) k(dim, key)
     GROUP BY 1, 2, 3, 4
     -- Stored in known-day order, as the trigger appends them, so a report reads its days from few pages.
     ORDER BY 4;

    INSERT INTO report_month_flows (dim, key, month, known_month, loans, principal_fen, repaid_fen, defaulted_fen, new_firms)
    SELECT dim, key, month, report_month(known_on), sum(loans), sum(principal_fen), sum(repaid_fen), sum(defaulted_fen),
           sum(new_firms)
      FROM report_day_flows GROUP BY 1, 2, 3, 4;
END;
$$;
