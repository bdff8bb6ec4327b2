-- Who a link to choose a password (V109) comes from, which its mail says and which sets how long it serves: 'reset',
-- asked for with the account's address on the page "Mot de passe oublié ?" (an hour); 'admin', sent by an admin to the
-- account's owner (POST /api/users/{id}/password-link, 72 hours): the admin never sees its token. The table is new and
-- small: its check is validated at once.
ALTER TABLE password_link ADD COLUMN purpose text NOT NULL DEFAULT 'reset' CHECK (purpose IN ('reset', 'admin'));
