-- 014: the first scoring pass of the Ministry's council, so that the minutes of any pass name
-- the council that scored it (earlier passes: the province's).
ALTER TABLE dossiers ADD COLUMN ministry_pass INTEGER;
