-- 025: what the caches of rendered records, public pages, list counts and indicators check
-- (db_change_stamp): a number bumped by every change of the data they show, and by nothing else.
-- They checked that nothing at all had been committed since (PRAGMA data_version), and the
-- bookkeeping of signing in commits too: a session's last activity (once a minute per signed-in
-- user), a sign-in's time, the login throttle, the audit entry of a sign-in. On a national
-- deployment with officers at work, that emptied every cache every few seconds, and each
-- dashboard paid the indicators' gathering again (1.2 s at national scale).
--
-- Not counted: sessions, login_throttle, api_tokens, audit_log (an audited change of data
-- bumps the stamp through its own table), the search index (written with the records it
-- indexes), and of users only what a page may show (name, contacts, status), not the time of
-- the last sign-in or the password. A later migration that rebuilds one of these tables must
-- create its three triggers again.
CREATE TABLE data_stamp (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
);
INSERT INTO data_stamp VALUES (1, 1);

CREATE TRIGGER stamp_ref_data_ins AFTER INSERT ON ref_data BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_ref_data_upd AFTER UPDATE ON ref_data BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_ref_data_del AFTER DELETE ON ref_data BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_units_ins AFTER INSERT ON units BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_units_upd AFTER UPDATE ON units BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_units_del AFTER DELETE ON units BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_unit_links_ins AFTER INSERT ON unit_links BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_unit_links_upd AFTER UPDATE ON unit_links BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_unit_links_del AFTER DELETE ON unit_links BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_unit_aliases_ins AFTER INSERT ON unit_aliases BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_unit_aliases_upd AFTER UPDATE ON unit_aliases BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_unit_aliases_del AFTER DELETE ON unit_aliases BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_product_sets_ins AFTER INSERT ON product_sets BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_product_sets_upd AFTER UPDATE ON product_sets BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_product_sets_del AFTER DELETE ON product_sets BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_villages_ins AFTER INSERT ON villages BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_villages_upd AFTER UPDATE ON villages BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_villages_del AFTER DELETE ON villages BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_producers_ins AFTER INSERT ON producers BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_producers_upd AFTER UPDATE ON producers BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_producers_del AFTER DELETE ON producers BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_products_ins AFTER INSERT ON products BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_products_upd AFTER UPDATE ON products BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_products_del AFTER DELETE ON products BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_product_photos_ins AFTER INSERT ON product_photos BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_product_photos_upd AFTER UPDATE ON product_photos BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_product_photos_del AFTER DELETE ON product_photos BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_product_photo_variants_ins AFTER INSERT ON product_photo_variants BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_product_photo_variants_upd AFTER UPDATE ON product_photo_variants BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_product_photo_variants_del AFTER DELETE ON product_photo_variants BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_recognitions_ins AFTER INSERT ON recognitions BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_recognitions_upd AFTER UPDATE ON recognitions BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_recognitions_del AFTER DELETE ON recognitions BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_sale_points_ins AFTER INSERT ON sale_points BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_sale_points_upd AFTER UPDATE ON sale_points BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_sale_points_del AFTER DELETE ON sale_points BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_sale_point_products_ins AFTER INSERT ON sale_point_products BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_sale_point_products_upd AFTER UPDATE ON sale_point_products BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_sale_point_products_del AFTER DELETE ON sale_point_products BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_councils_ins AFTER INSERT ON councils BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_councils_upd AFTER UPDATE ON councils BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_councils_del AFTER DELETE ON councils BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_advisors_ins AFTER INSERT ON advisors BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_advisors_upd AFTER UPDATE ON advisors BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_advisors_del AFTER DELETE ON advisors BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_user_roles_ins AFTER INSERT ON user_roles BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_user_roles_upd AFTER UPDATE ON user_roles BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_user_roles_del AFTER DELETE ON user_roles BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_signing_keys_ins AFTER INSERT ON signing_keys BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_signing_keys_upd AFTER UPDATE ON signing_keys BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_signing_keys_del AFTER DELETE ON signing_keys BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_rounds_ins AFTER INSERT ON rounds BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_rounds_upd AFTER UPDATE ON rounds BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_rounds_del AFTER DELETE ON rounds BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_dossiers_ins AFTER INSERT ON dossiers BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_dossiers_upd AFTER UPDATE ON dossiers BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_dossiers_del AFTER DELETE ON dossiers BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_dossier_events_ins AFTER INSERT ON dossier_events BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_dossier_events_upd AFTER UPDATE ON dossier_events BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_dossier_events_del AFTER DELETE ON dossier_events BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_dossier_files_ins AFTER INSERT ON dossier_files BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_dossier_files_upd AFTER UPDATE ON dossier_files BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_dossier_files_del AFTER DELETE ON dossier_files BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_scores_ins AFTER INSERT ON scores BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_scores_upd AFTER UPDATE ON scores BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_scores_del AFTER DELETE ON scores BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_conflicts_ins AFTER INSERT ON conflicts BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_conflicts_upd AFTER UPDATE ON conflicts BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_conflicts_del AFTER DELETE ON conflicts BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_decisions_ins AFTER INSERT ON decisions BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_decisions_upd AFTER UPDATE ON decisions BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_decisions_del AFTER DELETE ON decisions BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_decision_items_ins AFTER INSERT ON decision_items BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_decision_items_upd AFTER UPDATE ON decision_items BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_decision_items_del AFTER DELETE ON decision_items BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_certificates_ins AFTER INSERT ON certificates BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_certificates_upd AFTER UPDATE ON certificates BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_certificates_del AFTER DELETE ON certificates BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_certificate_events_ins AFTER INSERT ON certificate_events BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_certificate_events_upd AFTER UPDATE ON certificate_events BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_certificate_events_del AFTER DELETE ON certificate_events BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_plans_ins AFTER INSERT ON plans BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_plans_upd AFTER UPDATE ON plans BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_plans_del AFTER DELETE ON plans BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_plan_targets_ins AFTER INSERT ON plan_targets BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_plan_targets_upd AFTER UPDATE ON plan_targets BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_plan_targets_del AFTER DELETE ON plan_targets BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_plan_tasks_ins AFTER INSERT ON plan_tasks BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_plan_tasks_upd AFTER UPDATE ON plan_tasks BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_plan_tasks_del AFTER DELETE ON plan_tasks BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_users_ins AFTER INSERT ON users BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_users_upd AFTER UPDATE OF username, full_name, full_name_fold, email, phone, status ON users BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER stamp_users_del AFTER DELETE ON users BEGIN UPDATE data_stamp SET v = v + 1 WHERE id = 1; END;
