-- Every token issued for a link to choose a password (V109), not only the last: a mail the server took whole but whose
-- answer never came back is sent again by the job with a new token, and the link in the mail she did receive first
-- must open too. Each hash opens its link until the link is spent, void or expired (the link's row says which); the
-- link's one column of a hash goes (its index with it). The table is new and small.
-- The old unique index bears the new table's name: renamed first, it goes with its column.
ALTER INDEX password_link_token RENAME TO password_link_token_hash_once;
CREATE TABLE password_link_token (
  token_hash  bytea PRIMARY KEY,
  link_id     uuid NOT NULL REFERENCES password_link (id)
);
CREATE INDEX password_link_token_of_link ON password_link_token (link_id);
INSERT INTO password_link_token (token_hash, link_id) SELECT token_hash, id FROM password_link WHERE token_hash IS NOT NULL;
ALTER TABLE password_link DROP COLUMN token_hash;
