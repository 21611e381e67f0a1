-- Finished jobs are kept for a while (the technician's job list, the attempts of a failure), then removed by the
-- job runner's retention (src-main/jobs/retention.ts) so the table does not grow for as long as the till lives.
-- The attempts of an unfinished job stay append-only.
DROP TRIGGER job_attempt_no_delete;
CREATE TRIGGER job_attempt_no_delete BEFORE DELETE ON job_attempt
  WHEN (SELECT status FROM job WHERE id = OLD.job_id) IN ('queued', 'running')
  BEGIN SELECT raise(ABORT, 'the attempts of an unfinished job are append-only'); END;
-- The oldest finished jobs first.
CREATE INDEX job_finished_by_time ON job (finished_at) WHERE status IN ('done', 'failed', 'dead');
