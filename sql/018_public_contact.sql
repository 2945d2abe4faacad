-- 018: an organisation's published contact: the phone and e-mail a cooperative, a company or an
-- association prints on its packaging and its website, public like its name and address and
-- shown on its page. producers.phone and producers.email stay personal data (Decree
-- 13/2023/ND-CP): for a household business or a farm they are a person's, and for every
-- producer they may be an officer's direct line. Only an organisation may have these
-- (registry.c producer_prepare).
ALTER TABLE producers ADD COLUMN contact_phone TEXT;
ALTER TABLE producers ADD COLUMN contact_email TEXT;
