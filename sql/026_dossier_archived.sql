-- 026: a dossier recorded from a province's archive (ocop import dossiers, dossier_archive.c)
-- says so, so that the lists can show the archive apart from the dossiers filed in ocop.
ALTER TABLE dossiers ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
UPDATE dossiers SET archived = 1 WHERE id IN (SELECT dossier_id FROM dossier_events WHERE action = 'archive');
