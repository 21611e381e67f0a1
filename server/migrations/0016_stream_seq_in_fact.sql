-- Which fact a stream's seq held was a stream_seq row written for every fact an upload stored: a heap row and an index
-- entry a fact, beside the fact row that holds its stream and seq already. A fact a stream stores is now found by its
-- (stream, seq) in this index of fact; stream_seq keeps rows only for a fact another stream stored first (a restored
-- till re-sending under a new stream) and the rows written before this migration, which stay as they are. Unique:
-- one fact per (stream, seq), as stream_seq's key kept it; store_id first (Citus's distribution column).
CREATE UNIQUE INDEX fact_by_stream_seq ON fact (store_id, stream, seq);
