-- 023: the indicators that count dossiers (indicator.c, measure "dossiers") read the dossiers
-- filed in a period: without this index each one scanned every dossier (32 ms for a province's
-- year at national scale, 103,000 dossiers from the archive import).
CREATE INDEX dossiers_filed ON dossiers (filed_on);
