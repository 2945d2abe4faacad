-- 020: what the plans' targets on value chains ask of a producer (Hà Tĩnh 2023–2025: "at least
-- 30% of producers in circular / green value chains with a stable raw-material area"):
-- whether it takes part in a green or circular value chain, and the area of its stable
-- raw-material zone in hectares (indicator producers_green_chain_pct: both).
ALTER TABLE producers ADD COLUMN green_chain INTEGER NOT NULL DEFAULT 0;
ALTER TABLE producers ADD COLUMN raw_area_ha REAL;
