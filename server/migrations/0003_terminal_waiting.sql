-- What waits on each till, as its last upload said (UploadRequest.waiting; older tills do not say): the highest seq
-- it holds in its current stream, and since when its oldest unacknowledged fact has waited, on the server's clock
-- (the till sends the fact's age on its own clock, so a till whose clock is off does not skew the lag).
ALTER TABLE terminal ADD COLUMN waiting_stream text;
ALTER TABLE terminal ADD COLUMN highest_seq bigint;
ALTER TABLE terminal ADD COLUMN oldest_waiting_since timestamptz;
ALTER TABLE terminal ADD COLUMN waiting_reported_at timestamptz;
