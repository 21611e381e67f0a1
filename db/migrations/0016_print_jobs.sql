-- Printing becomes a kind of the one durable job runner (`print.receipt`, subject `print:<printer id>`, so one
-- printer's jobs print strictly in order). The ESC/POS bytes stay out of the job's JSON payload: they are binary
-- (JSON would need base64, which SQLite cannot make in a migration), and a printed job's bytes are pruned while
-- its job row stays in the technician's history. The bytes live beside the job, one row per job.
CREATE TABLE print_bytes (
  job_id TEXT PRIMARY KEY REFERENCES job (id),
  bytes  BLOB NOT NULL
) STRICT;

-- Every print job not printed yet carries over, in its order, due at once, with its attempts and last error.
-- It goes to the configured printer's subject (the terminal drives one receipt printer).
INSERT INTO job (id, kind, subject, payload, status, run_at, attempts, last_error, created_at, updated_at)
SELECT
  p.id,
  'print.receipt',
  'print:' || coalesce((SELECT d.id FROM device d WHERE d.role = 'printer' ORDER BY d.position LIMIT 1), 'printer'),
  json_object('document', p.kind),
  'queued', 0, p.attempts, p.last_error, p.created_at, p.created_at
FROM print_job p WHERE p.printed_at IS NULL ORDER BY p.rowid;

INSERT INTO print_bytes (job_id, bytes) SELECT id, bytes FROM print_job WHERE printed_at IS NULL ORDER BY rowid;

DROP TABLE print_job;
