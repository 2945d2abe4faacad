-- 017: photos are decoded and re-encoded on upload (src/image.c): metadata stripped (EXIF with
-- its GPS position is personal data), turned upright, kept at 320, 640 and 1280 px wide and at
-- full size up to 2560 px, each as JPEG and WebP, never upscaled. A photo recorded from now on
-- is named (product_photos.sha256) by its full-size JPEG; its sizes are listed here, each a
-- content-addressed file like the photo itself, so pages can offer them in srcset. A photo
-- stored before this migration has no rows here and is served as it was uploaded.
CREATE TABLE product_photo_variants (
    photo_id INTEGER NOT NULL REFERENCES product_photos (id) ON DELETE CASCADE,
    width    INTEGER NOT NULL CHECK (width > 0),
    height   INTEGER NOT NULL CHECK (height > 0),
    mime     TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/webp')),
    sha256   TEXT NOT NULL,
    bytes    INTEGER NOT NULL,
    PRIMARY KEY (photo_id, width, mime)
);
-- GET /files/{sha256} finds a variant's type by its hash.
CREATE INDEX product_photo_variants_sha ON product_photo_variants (sha256);
-- ... and a photo's by its hash too: its UNIQUE (product_id, sha256) cannot serve that, so each
-- GET /files/ read the whole table.
CREATE INDEX product_photos_sha ON product_photos (sha256);
