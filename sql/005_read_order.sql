-- 005: indexes that hand a product's recognitions (by decision date) and photos (in upload
-- order) back already sorted, so that showing a product needs no sort at all.
CREATE INDEX recognitions_product ON recognitions (product_id, decision_date, id);
CREATE INDEX product_photos_product ON product_photos (product_id, id);
