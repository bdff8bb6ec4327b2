-- RGPD (issue 12): a person's places on waiting lists (her name and contacts) are exported and
-- erased like her appointments — by an admin on request, and exported by herself with her
-- place's link — so their lines belong with the others in personal_data_audit (with the admin's
-- reason), the place's id as the item.
ALTER TABLE personal_data_audit DROP CONSTRAINT personal_data_audit_item_kind_check;
ALTER TABLE personal_data_audit ADD CONSTRAINT personal_data_audit_item_kind_check
  CHECK (item_kind IN ('appointment', 'teleconsultation', 'waiting_place'));
