-- The engine reads each asset's latest valuation ordered by date, then id (two valuations on one
-- day: the later record wins). The index lacked the id, so every read sorted: once per asset in a
-- catch-up, a million times in a full index build.
DROP INDEX valuations_asset;

CREATE INDEX valuations_asset ON valuations (firm_id, asset_id, valuation_date DESC, id DESC) WHERE archived_at IS NULL;
