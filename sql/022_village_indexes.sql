-- 022: a producer's craft village is looked up by name on import (registry.c) and producers are
-- joined to their village by the indicator of craft villages with an OCOP product (indicator.c):
-- without these, each lookup scanned the table (an import of 50,000 producers naming 4,500
-- villages took 13.6 s instead of 4.1 s; the indicator took 100 s at national scale).
CREATE INDEX villages_name_key ON villages (name_key);
CREATE INDEX producers_village ON producers (village_id);
