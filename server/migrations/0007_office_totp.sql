-- Two-step sign-in for back-office accounts (issue 15). A secret being set up waits in totp_pending_secret until
-- the person proves their authenticator app shows the same codes; then it moves to totp_secret (0005). A code's
-- 30-second step is remembered once used, so a code seen over someone's shoulder cannot be used again.
ALTER TABLE office_account ADD COLUMN totp_pending_secret text;
ALTER TABLE office_account ADD COLUMN totp_last_step bigint;
