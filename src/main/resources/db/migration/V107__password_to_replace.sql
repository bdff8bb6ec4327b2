-- An account whose password an admin typed (made through the admin API) is not yet its owner's alone: until she
-- chooses her own (POST /api/auth/password), every route but that one, her account's reading and signing out
-- refuses her (403). Accounts made by the node itself (the first admin from the configuration, the demo's people)
-- are not.
ALTER TABLE app_user ADD COLUMN password_to_replace boolean NOT NULL DEFAULT false;
-- Those an admin made before this whose owner never changed the password since: theirs is still the admin's.
UPDATE app_user u SET password_to_replace = true
WHERE EXISTS (SELECT 1 FROM change_audit c
              WHERE c.action = 'user.created' AND c.item_id = u.id::text AND c.user_id IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM change_audit c
                  WHERE c.action = 'user.password_changed' AND c.item_id = u.id::text);
