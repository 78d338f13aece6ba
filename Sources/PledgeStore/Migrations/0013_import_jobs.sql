-- Imports through the API (POST /imports) run as jobs: the upload is kept here until a worker of
-- any service instance claims it (FOR UPDATE SKIP LOCKED), runs the same import as the CLI on a
-- connection of its own, and writes the outcome back for GET /imports/{id} to show. A job whose
-- worker stopped beating (a crash, a restart) is claimed again; the import is idempotent, so
-- running it twice changes nothing more.
CREATE TABLE import_jobs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('firms', 'assets', 'valuations', 'licences', 'loans')),
    status        text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'succeeded', 'refused', 'failed')),
    dry_run       boolean NOT NULL,
    skip_invalid  boolean NOT NULL,
    sheet         text CHECK (length(sheet) BETWEEN 1 AND 100),
    file_name     text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    format        text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    encoding      text,
    -- The upload, until the job has run; then NULL (the outcome stays).
    file          bytea,
    file_bytes    bigint NOT NULL CHECK (file_bytes >= 0),
    file_sha256   bytea NOT NULL CHECK (length(file_sha256) = 32),
    actor         text NOT NULL,
    request_id    text,
    -- Progress while running: the phase and rows done of the phase's total.
    phase         text,
    done          bigint NOT NULL DEFAULT 0 CHECK (done >= 0),
    total         bigint NOT NULL DEFAULT 0 CHECK (total >= 0),
    attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- The outcome.
    rows_read     integer,
    rows_valid    integer,
    rows_refused  integer,
    inserted      integer,
    updated       integer,
    unchanged     integer,
    written       boolean NOT NULL DEFAULT false,
    issue_count   integer NOT NULL DEFAULT 0,
    header        text[],
    ignored_headers text[],
    rejects       bytea,
    error_code    text,
    error_zh      text,
    error_en      text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    heartbeat_at  timestamptz,
    finished_at   timestamptz
);

CREATE INDEX import_jobs_waiting ON import_jobs (id) WHERE status IN ('queued', 'running');

-- Every problem an import found, in line order (seq), for the report's pages.
CREATE TABLE import_job_issues (
    job_id        bigint NOT NULL REFERENCES import_jobs (id),
    seq           integer NOT NULL CHECK (seq >= 1),
    sheet         text NOT NULL,
    line          integer,
    column_letter text,
    header        text,
    value         text NOT NULL,
    code          text NOT NULL,
    message_zh    text NOT NULL,
    message_en    text NOT NULL,
    PRIMARY KEY (job_id, seq)
);
