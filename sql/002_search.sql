-- 002: the search index (search.c) over products, producers and craft villages. search.c
-- keeps these tables current and is the only code that uses them.
--
-- search_docs holds one row per indexed record; two FTS5 tables index it (external content:
-- they store only their index, and read columns from search_docs when asked for them).
-- Text is text_fold() output: lower case, no diacritics, words separated by one space.
--
-- doc is words << 50 | kindno << 48 | ref_id, where words is the number of words of the
-- folded title (at most 15) and kindno 1 = product, 2 = producer, 3 = village. FTS5 returns
-- matches in rowid order, so within a ranking tier shorter titles come first and a page is
-- the first LIMIT matches: no sort of every match (see search.c).
CREATE TABLE search_docs (
    doc     INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('product', 'producer', 'village')),
    ref_id  INTEGER NOT NULL,        -- products.id, producers.id or villages.id
    title   TEXT NOT NULL,           -- text_fold(display)
    extra   TEXT NOT NULL,           -- text_fold(more searchable text): codes, the producer's
                                     -- and the commune's names, description, ...
    display TEXT NOT NULL,           -- the title as written, returned with hits
    UNIQUE (kind, ref_id)
);

-- Tokenizer and prefixes, for both indexes: 'ascii' splits exactly at the spaces text_fold
-- wrote (bytes >= 0x80 are word characters to it, so letters of other scripts stay whole).
-- Prefix indexes for 1 to 6 letters (a folded Vietnamese syllable has at most 7) make a prefix
-- term ("b"*, "nguy"*) one doclist, read lazily and skipped through, instead of a merge of
-- every word that starts with it: 2-5x faster for queries of several common words, for about
-- a third more index. No column sizes: nothing ranks by BM25.

-- Everything searchable, for "every word somewhere" and the total. detail=column: no phrase
-- is asked of this index, so it keeps no positions (smaller doclists, faster scans).
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, extra, kind,
    content = 'search_docs', content_rowid = 'doc',
    tokenize = 'ascii', prefix = '1 2 3 4 5 6', detail = column, columnsize = 0
);

-- Titles only, with positions, for the ranking tiers (phrase; title starts with the query):
-- its doclists hold no extra text, so those queries stay cheap.
CREATE VIRTUAL TABLE search_title USING fts5(
    title, kind,
    content = 'search_docs', content_rowid = 'doc',
    tokenize = 'ascii', prefix = '1 2 3 4 5 6', columnsize = 0
);
