-- The owner's back office (issue 15): accounts, what each may see, sessions. Accounts belong to the whole
-- chain, not to one store (an owner sees every store), so these three tables are the only ones without
-- store_id: on Citus they are reference tables (SELECT create_reference_table(...)), small and copied to every
-- node; the store tables stay distributed on store_id.

CREATE TABLE office_account (
  account_id text NOT NULL,
  -- What the person types to sign in: lower case, no spaces.
  login text NOT NULL CHECK (login ~ '^[a-z0-9][a-z0-9._@-]{2,63}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  -- scrypt$N$r$p$salt$hash (base64url): server/office/passwords.ts.
  password_hash text NOT NULL,
  -- Base32 TOTP secret once the person turned on a second factor; NULL: password only.
  totp_secret text,
  -- Consecutive failed sign-ins; at the limit the account is locked until locked_until.
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id),
  UNIQUE (login)
);

-- What an account may see: an owner every store ('*'); a store manager one store; an accountant (read only)
-- one store or every store.
CREATE TABLE office_grant (
  account_id text NOT NULL,
  store_id text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'accountant')),
  CHECK (role <> 'owner' OR store_id = '*'),
  CHECK (role <> 'manager' OR store_id <> '*'),
  PRIMARY KEY (account_id, store_id)
);

-- A signed-in browser: the cookie holds 32 random bytes, the table only their SHA-256.
CREATE TABLE office_session (
  token_hash text NOT NULL,
  account_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (token_hash)
);
CREATE INDEX office_session_by_account ON office_session (account_id);
