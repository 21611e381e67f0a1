-- The e-receipt's token (0010) was written to two indexes on every sale an upload stores: the primary key
-- (store_id, token), which only the upload's ON CONFLICT read, and e_receipt_by_token, which the phone's look-up reads.
-- Both are keyed by 128 random bits, so each insertion lands on a random leaf page: the costliest index entries of a
-- sale, and on a large database the ones that fall out of the cache first. One key (token, store_id) serves both: the
-- look-up by token is its prefix, and ON CONFLICT (store_id, token) infers it (the same columns). store_id stays in
-- the key (Citus needs the distribution column in every unique key, not first); a look-up by token alone visits every
-- shard on Citus, as it did through e_receipt_by_token.
ALTER TABLE e_receipt DROP CONSTRAINT e_receipt_pkey;
ALTER TABLE e_receipt ADD CONSTRAINT e_receipt_pkey PRIMARY KEY (token, store_id);
DROP INDEX e_receipt_by_token;
