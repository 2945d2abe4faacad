-- 013: a dossier the province sent to the Ministry keeps the round its province's council
-- scored it in, so that council still reads the dossier and its first pass.
ALTER TABLE dossiers ADD COLUMN province_round_id INTEGER REFERENCES rounds (id);
