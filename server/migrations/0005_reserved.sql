-- Placeholder: number 0005 belongs to another branch's migration; this file only keeps 1..N without gaps on this
-- branch and is dropped when that branch's 0005 is merged.
SELECT 1;
