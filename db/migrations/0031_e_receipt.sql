-- E-receipts (issue 15): a completed sale's token (128 random bits, base64url), drawn as it completes and sent up in
-- its fact; the customer's phone opens <the store server's public URL>/r/<token>. Sales before this version have none
-- (their receipts keep printing without a QR). The scan of an e-receipt's URL at the refund dialog finds the sale by it.
ALTER TABLE sale ADD COLUMN receipt_token TEXT CHECK (receipt_token IS NULL OR (length(receipt_token) = 22 AND receipt_token NOT GLOB '*[^A-Za-z0-9_-]*'));
CREATE UNIQUE INDEX sale_by_receipt_token ON sale (receipt_token) WHERE receipt_token IS NOT NULL;

-- The base of the e-receipt URL the store server sent in its pull (its --public-url); NULL: the server's own address.
ALTER TABLE sync_link ADD COLUMN e_receipt_base_url TEXT;
