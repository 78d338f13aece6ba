-- Firms financed in a period (惠及企业), not only firms borrowing for the first time (首贷户).
--
-- A target's beneficiary firms are the distinct firms with a disbursement day in [baseline, as-of], as
-- the ledger stood at the end of the as-of day (national and provincial statistics count "惠及企业" this
-- way and report first-time borrowers apart). A loan's disbursement days are the days on which the net
-- of its disbursement entries (originals and corrections, recorded by then) is positive, so a renewal
-- counts like any loan and a correction that moves or removes a disbursement moves or removes the day.
--
-- Distinct counts do not add up over days, so the rollups keep, for every firm, the pairs (d, p): a
-- day d on which it was financed and p, the firm's previous financed day ('-infinity' for its first).
-- The firms financed in [b, e] are exactly the pairs with b <= d <= e and p < b, one per firm: its
-- first financed day in the period. Each pair is stored at three resolutions (day × day, day × month
-- of p, month of d × day) and as month pairs, so a count reads a few thousand rows whatever the
-- size of the ledger: the edge months of the period day by day, the months between by month.
-- The same month pairs give the cumulative distinct firms of a monthly series since any `from`, and
-- per breakdown key the firms financed in each month (report_month_flows.financed_firms).
--
-- Like the other rollups, every row is keyed by the day (or month) the ledger learned it: when an
-- entry arrives, the trigger recomputes the firm's pairs over time with and without it and posts the
-- difference, so an entry recorded late or back-dated changes the figures from the day it is dated
-- known, and an earlier as-of report keeps its figures.

-- The month of a date, keeping '-infinity' ("no earlier financed day") as it is.
CREATE FUNCTION report_month_of(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN isfinite(d) THEN report_month(d) ELSE d END $$;

-- Pairs (d, p) at day × day resolution, for the edge months of a period. pm, dm: the months of p and d.
CREATE TABLE report_span_days (
    pm       date NOT NULL,
    dm       date NOT NULL,
    d        date NOT NULL,
    p        date NOT NULL,
    known_on date NOT NULL,
    firms    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (pm, dm, d, p, known_on)
);

-- Pairs by the day d and the month of p: firms financed on d whose previous financed day is in month pm.
CREATE TABLE report_span_day_month (
    dm       date NOT NULL,
    d        date NOT NULL,
    pm       date NOT NULL,
    known_on date NOT NULL,
    firms    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (dm, d, pm, known_on)
);

-- Pairs by the month of d and the day p.
CREATE TABLE report_span_month_day (
    pm       date NOT NULL,
    dm       date NOT NULL,
    p        date NOT NULL,
    known_on date NOT NULL,
    firms    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (pm, dm, p, known_on)
);

-- Month pairs: firms financed in `month` whose previous financed month is prev_month, keyed by the
-- known month (a report reads these before its as-of month) and by the known day (within it).
CREATE TABLE report_span_months (
    month       date NOT NULL,
    prev_month  date NOT NULL,
    known_month date NOT NULL,
    firms       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (month, prev_month, known_month)
);

CREATE TABLE report_span_months_daily (
    known_on   date NOT NULL,
    month      date NOT NULL,
    prev_month date NOT NULL,
    firms      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (known_on, month, prev_month)
);

-- Distinct firms with a disbursement in the month, per breakdown key (a firm financed under two
-- banks in a month counts under each, so these do not add up over a breakdown's groups).
ALTER TABLE report_month_flows ADD COLUMN financed_firms bigint NOT NULL DEFAULT 0;

ALTER TABLE report_day_flows ADD COLUMN financed_firms bigint NOT NULL DEFAULT 0;

-- A firm's financing facts from its disbursement entries, leaving out the entry p_skip (the one being
-- posted, to get the facts before it). At each day the ledger learned one of its disbursement entries
-- (a step), the firm's state is the set of its financed days; the state is posted +1 at its step and
-- withdrawn at the next, so the facts known by any day add up to the state as of that day. Kinds:
--   day    (d, p): financed day d and the previous financed day p;
--   month  (d, p): financed month d and the previous financed month p;
--   key    (dim, key, d): financed in month d under a breakdown key.
CREATE FUNCTION report_financed_facts(p_firm bigint, p_skip bigint)
RETURNS TABLE (kind text, dim text, key text, d date, p date, known_on date, firms bigint)
LANGUAGE sql STABLE AS $$
    WITH e AS (
        SELECT loan_id, effective_on AS d, report_day(recorded_at) AS k, amount_fen AS a
          FROM loan_entries
         WHERE firm_id = p_firm AND kind = 'disbursement' AND id IS DISTINCT FROM p_skip),
    steps AS (SELECT k, lead(k) OVER (ORDER BY k) AS next FROM (SELECT DISTINCT k FROM e) s),
    held AS (SELECT s.k, s.next, e.loan_id, e.d
               FROM steps s JOIN e ON e.k <= s.k
              GROUP BY s.k, s.next, e.loan_id, e.d
             HAVING sum(e.a) > 0),
    days AS (SELECT DISTINCT k, next, d FROM held),
    months AS (SELECT DISTINCT k, next, report_month(d) AS d FROM held),
    states AS (
        SELECT 'day'::text AS kind, 'all'::text AS dim, ''::text AS key, d,
               coalesce(lag(d) OVER (PARTITION BY k ORDER BY d), '-infinity'::date) AS p, k, next
          FROM days
        UNION ALL
        SELECT 'month', 'all', '', d, coalesce(lag(d) OVER (PARTITION BY k ORDER BY d), '-infinity'::date), k, next
          FROM months
        UNION ALL
        SELECT DISTINCT 'key', x.dim, x.key, report_month(h.d), NULL::date, h.k, h.next
          FROM held h
          JOIN report_loans r ON r.firm_id = p_firm AND r.loan_id = h.loan_id
         CROSS JOIN LATERAL report_keys(r) x)
    SELECT kind, dim, key, d, p, known_on, sum(n)::bigint
      FROM (SELECT kind, dim, key, d, p, k AS known_on, 1 AS n FROM states
            UNION ALL
            SELECT kind, dim, key, d, p, next, -1 FROM states WHERE next IS NOT NULL) x
     GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(n) <> 0
$$;

-- Posts the facts of the given firms: with p_skip, the difference its posting made (facts with every
-- entry less facts without p_skip); without, the firms' whole facts (a rebuild or a backfill).
CREATE FUNCTION report_financed_post(p_firms bigint[], p_skip bigint) RETURNS void
LANGUAGE sql AS $$
    WITH delta AS MATERIALIZED (
        SELECT f.kind, f.dim, f.key, f.d, f.p, f.known_on, sum(f.firms)::bigint AS firms
          FROM unnest(p_firms) AS u(firm_id)
         CROSS JOIN LATERAL (SELECT * FROM report_financed_facts(u.firm_id, NULL)
                             UNION ALL
                             SELECT g.kind, g.dim, g.key, g.d, g.p, g.known_on, -g.firms
                               FROM report_financed_facts(u.firm_id, p_skip) g WHERE p_skip IS NOT NULL) f
         GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(f.firms) <> 0),
    dd AS (INSERT INTO report_span_days AS r (pm, dm, d, p, known_on, firms)
           SELECT report_month_of(p), report_month(d), d, p, known_on, firms FROM delta WHERE kind = 'day'
           ON CONFLICT (pm, dm, d, p, known_on) DO UPDATE SET firms = r.firms + EXCLUDED.firms),
    dm AS (INSERT INTO report_span_day_month AS r (dm, d, pm, known_on, firms)
           SELECT report_month(d), d, report_month_of(p), known_on, sum(firms) FROM delta WHERE kind = 'day' GROUP BY 1, 2, 3, 4
           ON CONFLICT (dm, d, pm, known_on) DO UPDATE SET firms = r.firms + EXCLUDED.firms),
    md AS (INSERT INTO report_span_month_day AS r (pm, dm, p, known_on, firms)
           SELECT report_month_of(p), report_month(d), p, known_on, sum(firms) FROM delta WHERE kind = 'day' GROUP BY 1, 2, 3, 4
           ON CONFLICT (pm, dm, p, known_on) DO UPDATE SET firms = r.firms + EXCLUDED.firms),
    mm AS (INSERT INTO report_span_months AS r (month, prev_month, known_month, firms)
           SELECT d, p, report_month(known_on), sum(firms) FROM delta WHERE kind = 'month' GROUP BY 1, 2, 3
           ON CONFLICT (month, prev_month, known_month) DO UPDATE SET firms = r.firms + EXCLUDED.firms),
    mmd AS (INSERT INTO report_span_months_daily AS r (known_on, month, prev_month, firms)
            SELECT known_on, d, p, firms FROM delta WHERE kind = 'month'
            ON CONFLICT (known_on, month, prev_month) DO UPDATE SET firms = r.firms + EXCLUDED.firms),
    fm AS (INSERT INTO report_month_flows AS r (dim, key, month, known_month, financed_firms)
           SELECT dim, key, d, report_month(known_on), sum(firms) FROM delta WHERE kind = 'key' GROUP BY 1, 2, 3, 4
           ON CONFLICT (dim, key, month, known_month) DO UPDATE SET financed_firms = r.financed_firms + EXCLUDED.financed_firms)
    INSERT INTO report_day_flows AS r (dim, key, month, known_on, financed_firms)
    SELECT dim, key, d, known_on, firms FROM delta WHERE kind = 'key'
    ON CONFLICT (known_on, dim, key, month) DO UPDATE SET financed_firms = r.financed_firms + EXCLUDED.financed_firms
$$;

-- Runs after loan_entries_report (triggers fire in name order), so the loan is classified already.
CREATE FUNCTION report_financed_entry_posted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(5288077510764011062);   -- the report rollups' lock (0006)
    PERFORM report_financed_post(ARRAY[NEW.firm_id], NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER loan_entries_report_financed AFTER INSERT ON loan_entries
    FOR EACH ROW WHEN (NEW.kind = 'disbursement') EXECUTE FUNCTION report_financed_entry_posted();

-- The distinct firms with a financed day in [b, e], as the ledger stood at the end of asof (e <= asof):
-- the pairs with b <= d <= e and p < b. Days of b's and e's months are read day by day, the months
-- between as month pairs.
CREATE FUNCTION report_financed_firms(b date, e date, asof date) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN e < b THEN 0::bigint ELSE (
        (SELECT coalesce(sum(firms), 0) FROM report_span_day_month
          WHERE dm IN (report_month(b), report_month(e)) AND d BETWEEN b AND e AND pm < report_month(b) AND known_on <= asof)
      + (SELECT coalesce(sum(firms), 0) FROM report_span_days
          WHERE pm = report_month(b) AND dm IN (report_month(b), report_month(e)) AND d BETWEEN b AND e AND p < b
            AND known_on <= asof)
      + (SELECT coalesce(sum(firms), 0) FROM report_span_month_day
          WHERE pm = report_month(b) AND dm > report_month(b) AND dm < report_month(e) AND p < b AND known_on <= asof)
      + (SELECT coalesce(sum(firms), 0) FROM report_span_months
          WHERE month > report_month(b) AND month < report_month(e) AND prev_month < report_month(b)
            AND known_month < report_month(asof))
      + (SELECT coalesce(sum(firms), 0) FROM report_span_months_daily
          WHERE known_on >= report_month(asof) AND known_on <= asof
            AND month > report_month(b) AND month < report_month(e) AND prev_month < report_month(b))
    )::bigint END
$$;

-- 首贷户 by the same rules: the firms whose first financed day in the whole ledger is in [b, e], the
-- pairs with b <= d <= e and no earlier day.
CREATE FUNCTION report_first_financed_firms(b date, e date, asof date) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN e < b THEN 0::bigint ELSE (
        (SELECT coalesce(sum(firms), 0) FROM report_span_day_month
          WHERE dm IN (report_month(b), report_month(e)) AND d BETWEEN b AND e AND pm = '-infinity' AND known_on <= asof)
      + (SELECT coalesce(sum(firms), 0) FROM report_span_months
          WHERE month > report_month(b) AND month < report_month(e) AND prev_month = '-infinity'
            AND known_month < report_month(asof))
      + (SELECT coalesce(sum(firms), 0) FROM report_span_months_daily
          WHERE known_on >= report_month(asof) AND known_on <= asof
            AND month > report_month(b) AND month < report_month(e) AND prev_month = '-infinity')
    )::bigint END
$$;

-- report_rebuild() recomputes the flows as before (now report_rebuild_flows) and then these pairs.
ALTER FUNCTION report_rebuild() RENAME TO report_rebuild_flows;

CREATE FUNCTION report_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(5288077510764011062);
    PERFORM report_rebuild_flows();
    TRUNCATE report_span_days, report_span_day_month, report_span_month_day, report_span_months, report_span_months_daily;
    PERFORM report_financed_post(ARRAY(SELECT DISTINCT firm_id FROM loan_entries WHERE kind = 'disbursement'), NULL);
END;
$$;

-- The ledger so far.
SELECT report_financed_post(ARRAY(SELECT DISTINCT firm_id FROM loan_entries WHERE kind = 'disbursement'), NULL);
