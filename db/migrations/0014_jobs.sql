-- One durable job table for every kind of background work (payment query/cancel, refund send, statement
-- download, and the kinds still to come). The kind is free text: the runner's registry validates it.
-- A job is claimed with a lease (lease_owner, lease_until): a runner that dies mid-job leaves it 'running'
-- with a lease that runs out, and the next runner takes it again. Jobs of one subject (`payment:<id>`,
-- `refund:<id>`, `statement:<date>`, `print:<printer>`) run strictly in the order they were queued.
-- Times the runner compares (run_at, lease_until, deadline_at) are epoch milliseconds; the rest ISO text.
CREATE TABLE job (
  -- The order jobs were queued in (ULIDs made in one millisecond do not sort by creation).
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
  subject     TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  payload     TEXT NOT NULL CHECK (json_valid(payload)),
  status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'dead')),
  run_at      INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error  TEXT,
  lease_owner TEXT,
  lease_until INTEGER,
  started_at  TEXT,
  deadline_at INTEGER,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  finished_at TEXT,
  CHECK ((status = 'running') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
) STRICT;
-- The next due jobs of a kind, and the soonest wake-up (queued by run_at, running by lease expiry).
CREATE INDEX job_open_by_kind_due ON job (kind, run_at, seq) WHERE status IN ('queued', 'running');
CREATE INDEX job_queued_by_due ON job (run_at) WHERE status = 'queued';
CREATE INDEX job_running_by_lease ON job (lease_until) WHERE status = 'running';
-- The head of a subject: its oldest unfinished job.
CREATE INDEX job_open_by_subject ON job (subject, seq) WHERE status IN ('queued', 'running');
-- The technician's list, newest activity first.
CREATE INDEX job_by_updated ON job (updated_at);

-- Every attempt of every job, appended when the attempt ends (or, for one cut short by a crash, when its
-- lease is found expired).
CREATE TABLE job_attempt (
  job_id     TEXT NOT NULL REFERENCES job (id),
  attempt    INTEGER NOT NULL CHECK (attempt >= 1),
  started_at TEXT NOT NULL,
  ended_at   TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('done', 'rescheduled', 'retry', 'failed', 'dead', 'lease_expired')),
  error      TEXT,
  PRIMARY KEY (job_id, attempt)
) STRICT;

CREATE TRIGGER job_attempt_no_update BEFORE UPDATE ON job_attempt BEGIN SELECT raise(ABORT, 'job_attempt is append-only'); END;
CREATE TRIGGER job_attempt_no_delete BEFORE DELETE ON job_attempt BEGIN SELECT raise(ABORT, 'job_attempt is append-only'); END;

-- Every pending outbox job carries over with its subject, attempts, last error and due time.
INSERT INTO job (id, kind, subject, payload, status, run_at, attempts, last_error, created_at, updated_at)
SELECT
  id,
  CASE kind WHEN 'query' THEN 'payment.query' WHEN 'cancel' THEN 'payment.cancel' WHEN 'refund' THEN 'refund.send' ELSE 'statement.download' END,
  CASE kind WHEN 'refund' THEN 'refund:' || refund_id WHEN 'statement' THEN 'statement:' || business_date ELSE 'payment:' || payment_id END,
  CASE kind
    WHEN 'refund' THEN json_object('refundId', refund_id)
    WHEN 'statement' THEN json_object('date', business_date)
    ELSE json_object('paymentId', payment_id)
  END,
  'queued', due_at, attempts, last_error, created_at, created_at
FROM outbox ORDER BY due_at, id;

DROP TABLE outbox;
