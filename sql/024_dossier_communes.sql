-- 024: a dossier keeps its product's pre-2025 commune as it keeps its commune (dossier.c, when
-- filed or imported), and the dossiers of a commune are indexed by filing day, so that the
-- indicators that count dossiers (indicator.c, measure "dossiers") read a province's, a
-- district's or a commune's own dossiers on either map without reading the products: reading
-- the country's dossiers of the period and their products took 22 ms for a province's year at
-- national scale (103,000 dossiers from the archive import) and 140-180 ms at ten times that.
ALTER TABLE dossiers ADD COLUMN commune_code_old TEXT;
UPDATE dossiers SET commune_code_old = (SELECT p.commune_code_old FROM products p WHERE p.id = dossiers.product_id);
CREATE INDEX dossiers_commune_filed ON dossiers (commune_code, filed_on);
CREATE INDEX dossiers_commune_old_filed ON dossiers (commune_code_old, filed_on);
