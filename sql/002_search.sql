-- 002: the search index (search.c). One FTS5 row per indexed product, producer and craft
-- village; search.c keeps it current and is the only code that reads or writes it.
--
-- rowid   kind << 48 | id, kind 1 = product, 2 = producer, 3 = village: a kind filter is a
--         rowid range, which FTS5 answers by seeking in its doclists instead of filtering.
-- title   text_fold(display title): lower case, no diacritics, words separated by one space.
-- extra   text_fold(more searchable text): codes, the producer's and commune's names, ...
-- display the title as written, returned with hits (stored, not indexed).
--
-- The 'ascii' tokenizer splits exactly at the spaces text_fold wrote (it treats bytes >= 0x80
-- as word characters, so letters of other scripts stay whole). The prefix indexes make one-,
-- two- and three-letter prefix terms ("b"*, "ba"*) a single doclist read instead of a merge of
-- every word that starts with them.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, extra, display UNINDEXED,
    tokenize = 'ascii', prefix = '1 2 3'
);

-- Default ranking for ORDER BY rank: BM25 with a title hit worth ten extra-text hits.
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 0.0)');
