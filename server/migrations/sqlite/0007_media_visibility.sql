-- Whether an image is public is asked on every image request: where it is used must be
-- found by index.
CREATE INDEX product_images_media ON product_images(media_id);
CREATE INDEX post_images_media ON post_images(media_id);
CREATE INDEX stores_avatar_media ON stores(avatar_media_id);
CREATE INDEX stores_banner_media ON stores(banner_media_id);
