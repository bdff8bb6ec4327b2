-- A session answered again (a refresh's lost answer given again, as a new family: V105) stays in the lineage of the
-- one it replaced, so that what ends one ends the other: a spent or ended token of the lineage presented again while it
-- lives on (a copy of the page's send, the lost answer used by whoever took it), or a sign-out with such a token, ends
-- every family of it. Null: the lineage is the family (every row before this, every session never answered again).
ALTER TABLE refresh_token ADD COLUMN lineage_id uuid;
CREATE INDEX refresh_token_lineage ON refresh_token ((coalesce(lineage_id, family_id)));
