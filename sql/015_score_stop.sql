-- 015: a council member's sheet may stop at a criterion whose note stops the evaluation
-- ("không đánh giá các bước tiếp theo"): what follows scores 0.
ALTER TABLE scores ADD COLUMN stopped_at TEXT;
