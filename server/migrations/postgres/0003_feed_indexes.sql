-- Timelines pick a page of ids from these indexes alone, then load only those posts.
CREATE INDEX posts_live_by_author ON posts(author_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX posts_live_recent ON posts(created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX reposts_by_user_recent ON reposts(user_id, created_at DESC, post_id DESC);
