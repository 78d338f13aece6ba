-- A progress report kept as answered (AnswerCache) is good while nothing it is made of has changed:
-- the ledger's entries, which already note their firm in the engine's change log (loan_entries_engine
-- in 0005_audit.sql), and the programme's targets, which noted nothing until now. One note per
-- statement: targets are few and change by hand.
CREATE FUNCTION engine_targets_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM engine_note_change(NULL, NULL, TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER programme_targets_engine AFTER INSERT OR UPDATE OR DELETE ON programme_targets
    FOR EACH STATEMENT EXECUTE FUNCTION engine_targets_changed();
