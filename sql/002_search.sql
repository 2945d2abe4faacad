-- 002: the search index (search.c). One row per indexed product, producer and craft village
-- in each of two FTS5 tables; search.c keeps them current and is the only code that uses them.
--
-- Text is text_fold() output: lower case, no diacritics, words separated by one space. The
-- 'ascii' tokenizer splits exactly at those spaces (bytes >= 0x80 are word characters to it,
-- so letters of other scripts stay whole). Prefix indexes for 1 to 6 letters (a folded
-- Vietnamese syllable has at most 7) make a prefix term ("b"*, "nguy"*) one doclist, read
-- lazily and skipped through, instead of a merge of every word that starts with it: 2-5x
-- faster for queries of several common words, for a third more index.
--
-- rowid   words << 50 | kindno << 48 | id, where words is the number of words of the folded
--         title (at most 15) and kindno 1 = product, 2 = producer, 3 = village. FTS5 returns
--         matches in rowid order, so within a ranking tier shorter titles come first and a
--         page is the first LIMIT matches: no sort of every match (see search.c).

-- Everything searchable. detail=column: only "all words somewhere" is asked of this table,
-- never a phrase, so positions are not kept (smaller doclists, faster scans).
--   title   text_fold(display title)
--   extra   text_fold(more searchable text): codes, the producer's and commune's names, ...
--   kind    'product', 'producer' or 'village': one token, for the kind filter
--   display the title as written, returned with hits (stored, not indexed)
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, extra, kind, display UNINDEXED,
    tokenize = 'ascii', prefix = '1 2 3 4 5 6', detail = column, columnsize = 0
);

-- Titles only, with positions, for the ranking tiers (phrase, title starts with the query):
-- its doclists hold no extra text, so those queries stay cheap. Contentless: search.c deletes
-- a row with the 'delete' command and the title and kind it reads from search_fts.
CREATE VIRTUAL TABLE search_title USING fts5(
    title, kind,
    tokenize = 'ascii', prefix = '1 2 3 4 5 6', columnsize = 0, content = ''
);
