-- 004: search answers from an in-memory index built from search_docs (search.c), not from
-- FTS5: filling the two FTS5 indexes cost about 7 s per 100,000 imported products, while the
-- in-memory index is built in about a quarter of a second from search_docs. search_meta's
-- version moves with every write to search_docs and tells each connection to rebuild.
DROP TABLE search_title;
DROP TABLE search_fts;
CREATE TABLE search_meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO search_meta (id, version) VALUES (1, 0);
