-- An account an admin makes without a password (POST /api/users with no "password") has none that anyone knows, and
-- its owner is mailed an invitation to choose hers: a link of purpose 'invitation', valid 72 hours (V109, V110).
ALTER TABLE password_link DROP CONSTRAINT password_link_purpose_check;
ALTER TABLE password_link ADD CONSTRAINT password_link_purpose_check CHECK (purpose IN ('reset', 'admin', 'invitation'));
