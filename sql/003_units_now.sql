-- 003: the units in force today in the 2025 geography, as a covering partial index: every
-- product, producer, village and point of sale shows its commune and province by name, and the
-- single-product GET (the API's hottest read) looks both up. Without it each lookup reads the
-- units table once per period of the code (codes are reused across geographies).
CREATE INDEX units_now ON units (code, level, type, name, parent_code, geo, valid_to)
    WHERE geo = '2025' AND valid_to IS NULL;
ANALYZE units;
