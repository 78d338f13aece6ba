-- Historical loans brought in from an operation centre's records (pledgematch import loans) are
-- known by the contract number their bank gave them. That number is the natural key an import
-- matches on, so importing the same file twice adds nothing. Like the loans, these rows are
-- posted records: never changed.
CREATE TABLE loan_contracts (
    firm_id         bigint NOT NULL,
    bank_id         bigint NOT NULL REFERENCES banks (id),
    contract_number text NOT NULL CHECK (length(contract_number) BETWEEN 1 AND 80),
    loan_id         bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (firm_id, bank_id, contract_number),
    UNIQUE (firm_id, loan_id),
    FOREIGN KEY (firm_id, loan_id) REFERENCES loans (firm_id, id)
);

CREATE TRIGGER loan_contracts_audit AFTER INSERT ON loan_contracts
    FOR EACH ROW EXECUTE FUNCTION audit_row('loan', 'loan_id');
CREATE TRIGGER loan_contracts_append_only BEFORE UPDATE OR DELETE ON loan_contracts
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A contract is its bank's business, as the loan is.
ALTER TABLE loan_contracts ENABLE ROW LEVEL SECURITY;
ALTER TABLE loan_contracts FORCE ROW LEVEL SECURITY;
CREATE POLICY loan_contracts_reach ON loan_contracts FOR ALL
    USING (access_reaches_bank(bank_id, false)) WITH CHECK (access_reaches_bank(bank_id, true));
