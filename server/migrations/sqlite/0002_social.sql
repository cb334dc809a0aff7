-- The social graph: likes, reposts, bookmarks, shares, follows, post images, quotes,
-- and the notifications inbox. Each post carries its own counters, changed in the same
-- transaction as the row that counts, so counts stay exact under concurrent use.
ALTER TABLE posts ADD COLUMN quote_of BIGINT REFERENCES posts(id);
ALTER TABLE posts ADD COLUMN like_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN repost_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN bookmark_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN share_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN quote_count BIGINT NOT NULL DEFAULT 0;
CREATE INDEX posts_author_recent ON posts(author_id, created_at DESC, id DESC);

CREATE TABLE post_images (
    post_id  BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    media_id BIGINT NOT NULL REFERENCES media(id),
    PRIMARY KEY (post_id, position)
);

CREATE TABLE likes (
    user_id    BIGINT NOT NULL REFERENCES users(id),
    post_id    BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, post_id)
);
CREATE INDEX likes_post ON likes(post_id);

CREATE TABLE reposts (
    user_id    BIGINT NOT NULL REFERENCES users(id),
    post_id    BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, post_id)
);
CREATE INDEX reposts_recent ON reposts(user_id, created_at DESC);

CREATE TABLE bookmarks (
    user_id    BIGINT NOT NULL REFERENCES users(id),
    post_id    BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, post_id)
);
CREATE INDEX bookmarks_recent ON bookmarks(user_id, created_at DESC, post_id DESC);

CREATE TABLE shares (
    user_id    BIGINT NOT NULL REFERENCES users(id),
    post_id    BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, post_id)
);

CREATE TABLE follows (
    follower_id BIGINT NOT NULL REFERENCES users(id),
    followee_id BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee ON follows(followee_id, created_at DESC);

ALTER TABLE users ADD COLUMN follower_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN following_count BIGINT NOT NULL DEFAULT 0;

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users(id),
    kind       TEXT    NOT NULL CHECK (kind IN ('followed', 'liked', 'reposted', 'mentioned')),
    actor_id   BIGINT  NOT NULL REFERENCES users(id),
    post_id    BIGINT  REFERENCES posts(id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    read_at    BIGINT
);
CREATE INDEX notifications_inbox ON notifications(user_id, id DESC);

-- Uploaded images belong to whoever uploaded them; only they may attach them.
ALTER TABLE media ADD COLUMN owner_id BIGINT REFERENCES users(id);

-- A product may own a hashtag; its hashtag page then shows it at the top.
ALTER TABLE products ADD COLUMN hashtag TEXT;
CREATE INDEX products_hashtag ON products(hashtag);
CREATE INDEX drops_hashtag ON drops(hashtag);
