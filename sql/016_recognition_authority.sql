-- 016: a recognition knows the decision recorded in ocop that made it (and issued its
-- certificate), and certificate numbers are unique across the registry.
--
-- decision_id is set only by a decision (decision.c); the generic routes and imports cannot
-- set it, and a recognition that has one changes only with its certificate (registry.c).
ALTER TABLE recognitions ADD COLUMN decision_id INTEGER REFERENCES decisions (id);

UPDATE recognitions SET decision_id = (SELECT c.decision_id FROM certificates c WHERE c.recognition_id = recognitions.id)
WHERE id IN (SELECT recognition_id FROM certificates WHERE recognition_id IS NOT NULL);

-- Before this migration the generic routes could record a number twice (a number of ocop's
-- series even, which the next decision then issued again). The certificate's own recognition
-- keeps its number; any other holder (the later one, between two without a decision) has its
-- number marked " (trùng #ID)" so the index can be built and the clash is visible to fix.
UPDATE recognitions SET cert_no = cert_no || ' (trùng #' || id || ')'
WHERE cert_no IS NOT NULL AND decision_id IS NULL AND EXISTS (
    SELECT 1 FROM recognitions o WHERE o.cert_no = recognitions.cert_no AND o.id <> recognitions.id
    AND (o.decision_id IS NOT NULL OR o.id < recognitions.id));

CREATE UNIQUE INDEX recognitions_cert_no ON recognitions (cert_no);

-- Producers are no longer found by their legal representative's name (personal data, Decree
-- 13/2023/NĐ-CP): the index an older ocop built still holds those names, so it is made anew.
-- ocop: rebuild the search index
CREATE INDEX recognitions_decision ON recognitions (decision_id);
