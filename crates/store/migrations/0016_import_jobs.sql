-- Cognito user import jobs: the uploaded CSV and the failure report live with the job.
-- Upload and report URLs carry random tokens; only their hashes are stored.
CREATE TABLE import_jobs (
    pool_id           TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    job_id            TEXT NOT NULL,
    name              TEXT NOT NULL,
    status            TEXT NOT NULL,
    role_arn          TEXT NOT NULL,
    upload_hash       TEXT,
    csv               TEXT,
    report_hash       TEXT,
    report            TEXT,
    imported          BIGINT NOT NULL,
    skipped           BIGINT NOT NULL,
    failed            BIGINT NOT NULL,
    message           TEXT,
    created_at        BIGINT NOT NULL,
    started_at        BIGINT,
    completed_at      BIGINT,
    PRIMARY KEY (pool_id, job_id)
);
CREATE UNIQUE INDEX import_jobs_by_upload ON import_jobs (upload_hash);
CREATE UNIQUE INDEX import_jobs_by_report ON import_jobs (report_hash);
