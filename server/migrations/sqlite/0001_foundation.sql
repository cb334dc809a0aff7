-- Accounts, sessions, stores, media, products, posts and drops. Times are Unix
-- milliseconds (UTC); money is integer minor units.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    handle        TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('shopper', 'merchant', 'nonprofit')),
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE sign_in_failures (
    throttle_key TEXT   PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures     BIGINT NOT NULL
);

CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    content_type TEXT    NOT NULL,
    bytes        BLOB    NOT NULL,
    created_at   BIGINT  NOT NULL
);

CREATE TABLE stores (
    id               INTEGER PRIMARY KEY,
    owner_id         BIGINT  NOT NULL UNIQUE REFERENCES users(id),
    handle           TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    about            TEXT    NOT NULL,
    is_nonprofit     BIGINT  NOT NULL DEFAULT 0,
    website_url      TEXT,
    avatar_media_id  BIGINT  REFERENCES media(id),
    created_at       BIGINT  NOT NULL
);

CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    store_id      BIGINT  NOT NULL REFERENCES stores(id),
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    currency      TEXT    NOT NULL,
    external_url  TEXT,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX products_store ON products(store_id);

CREATE TABLE product_images (
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    media_id   BIGINT NOT NULL REFERENCES media(id),
    PRIMARY KEY (product_id, position)
);

CREATE TABLE variants (
    id           INTEGER PRIMARY KEY,
    product_id   BIGINT  NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    sku          TEXT    NOT NULL UNIQUE,
    price_minor  BIGINT  NOT NULL CHECK (price_minor > 0),
    stock        BIGINT  NOT NULL CHECK (stock >= 0)
);
CREATE INDEX variants_product ON variants(product_id);

CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    author_id   BIGINT  NOT NULL REFERENCES users(id),
    store_id    BIGINT  REFERENCES stores(id),
    body        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    deleted_at  BIGINT
);
CREATE INDEX posts_recent ON posts(created_at DESC, id DESC);

CREATE TABLE post_hashtags (
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    tag     TEXT   NOT NULL,
    PRIMARY KEY (post_id, tag)
);
CREATE INDEX post_hashtags_tag ON post_hashtags(tag, post_id);

CREATE TABLE post_products (
    post_id    BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products(id),
    PRIMARY KEY (post_id, position)
);

CREATE TABLE drops (
    id          INTEGER PRIMARY KEY,
    store_id    BIGINT  NOT NULL REFERENCES stores(id),
    product_id  BIGINT  NOT NULL REFERENCES products(id),
    title       TEXT    NOT NULL,
    hashtag     TEXT    NOT NULL,
    launch_at   BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX drops_launch ON drops(launch_at);

-- One row per fact the server must establish once per database, such as the demo data.
CREATE TABLE server_facts (
    fact       TEXT   PRIMARY KEY,
    created_at BIGINT NOT NULL
);
