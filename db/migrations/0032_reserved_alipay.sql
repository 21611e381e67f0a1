-- PLACEHOLDER in branch s17-c only: migration 0032 belongs to the Alipay direct work (another branch). It exists here
-- so that 0033 can be numbered as assigned (migrations run 1..N without gaps). DELETE THIS FILE WHEN MERGING, keeping
-- the Alipay branch's 0032.
SELECT 1;
