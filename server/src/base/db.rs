//! The database: one pool over SQLite or PostgreSQL, chosen at start, and its migrations.
//!
//! Every query is written once, with `$1` placeholders and portable SQL, and runs on both
//! engines through sqlx's `Any` driver. Integers are BIGINT, times Unix milliseconds, and
//! flags 0/1 integers, because those are the types both engines hand back alike.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseConfig {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A `postgres://` URL. Several server instances may share one database.
    Postgres(String),
}

impl DatabaseConfig {
    /// `DATABASE_URL` when it names PostgreSQL, otherwise `souq.db` in the data dir.
    pub fn from_url_or_data_dir(url: Option<&str>, data_dir: &Path) -> Result<Self, DbError> {
        match url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(DatabaseConfig::Postgres(url.to_string()))
            }
            Some(url) if url.starts_with("sqlite:") => Ok(DatabaseConfig::Sqlite(PathBuf::from(
                url.trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:"),
            ))),
            Some(other) => Err(DbError::UnsupportedUrl(redact_url(other))),
            None => Ok(DatabaseConfig::Sqlite(data_dir.join("souq.db"))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// What ends a SELECT whose rows the transaction decides on and then writes: on
    /// PostgreSQL it locks them (`FOR UPDATE`); SQLite has no row locks and needs none,
    /// since a durable transaction there holds the one writer's lock from BEGIN.
    pub fn for_update(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with postgres:// or sqlite: (got {0})")]
    UnsupportedUrl(String),
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Hides the password in a database URL before it reaches a log or an error.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let scheme = url.get(..scheme_end + 3).unwrap_or_default();
            let host = url.get(at..).unwrap_or_default();
            format!("{scheme}<redacted>{host}")
        }
        _ => url.to_string(),
    }
}

/// The database: the pool, and which engine it is.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    /// For writes that must survive a power cut once acknowledged (money, stock,
    /// orders). On SQLite its connections sync the WAL on every commit
    /// (`synchronous = FULL`), where `pool`'s sync only at checkpoints (`NORMAL`: a
    /// crash may lose the last likes, never corrupt); PostgreSQL flushes every commit
    /// anyway (`synchronous_commit` on), so there it is the same pool.
    pub durable: AnyPool,
    /// The checkout placer's own connections (durable, as above): one for its batches,
    /// one for reading their answers, so that a batch never waits for a connection
    /// behind the requests it is placing. On SQLite, `durable` itself.
    pub placing: AnyPool,
    pub backend: Backend,
}

impl Db {
    /// Connects and brings the schema up to date, with at most `connections` to
    /// PostgreSQL (SQLite's pools are sized for its one writer). A request that waits
    /// longer than `acquire_timeout` for a connection fails as busy (503).
    pub async fn connect(
        config: &DatabaseConfig,
        acquire_timeout: Duration,
        connections: u32,
    ) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = match config {
            DatabaseConfig::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| DbError::DataDir(dir.to_path_buf(), e))?;
                }
                (
                    format!("sqlite://{}?mode=rwc", path.display()),
                    Backend::Sqlite,
                )
            }
            DatabaseConfig::Postgres(url) => (url.clone(), Backend::Postgres),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = match backend {
            // SQLite has one writer; a few readers are enough for WAL mode.
            Backend::Sqlite => sqlite_pool(&options, 8, "NORMAL", acquire_timeout).await?,
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(connections.max(2))
                    .acquire_timeout(acquire_timeout)
                    .connect_with(options.clone())
                    .await?
            }
        };
        let durable = match backend {
            Backend::Sqlite => sqlite_pool(&options, 4, "FULL", acquire_timeout).await?,
            Backend::Postgres => pool.clone(),
        };
        let placing = match backend {
            Backend::Sqlite => durable.clone(),
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .min_connections(2)
                    .max_connections(2)
                    .acquire_timeout(acquire_timeout)
                    .connect_with(options.clone())
                    .await?
            }
        };
        let db = Db {
            pool,
            durable,
            placing,
            backend,
        };
        db.migrate().await?;
        Ok(db)
    }

    /// A transaction on the durable pool for work that reads, then writes what it read
    /// (money, stock, orders). On SQLite it takes the writer's lock at BEGIN, so that no
    /// other writer can commit between its read and its write: the write waits its turn
    /// (busy_timeout) instead of failing on a stale snapshot.
    pub async fn begin_durable(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        begin_on(self.backend, &self.durable).await
    }

    /// `begin_durable` on the placer's own connection.
    pub async fn begin_placing(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        begin_on(self.backend, &self.placing).await
    }

    async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }
}

async fn begin_on(
    backend: Backend,
    pool: &AnyPool,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
}

/// A pool over one SQLite file whose connections sync as `synchronous` says.
async fn sqlite_pool(
    options: &AnyConnectOptions,
    connections: u32,
    synchronous: &'static str,
    acquire_timeout: Duration,
) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(acquire_timeout)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                let pragmas = format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;"
                );
                conn.execute(pragmas.as_str()).await?;
                Ok(())
            })
        })
        .connect_with(options.clone())
        .await
}

/// `$1, $2, ...` from `start`, for binding a list: sqlx's Any driver has no array binds.
pub(crate) fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($s, $s+1, ...), (...)`: `rows` rows of `width` placeholders from `start`, for a
/// multi-row INSERT's VALUES.
pub(crate) fn value_rows(start: usize, rows: usize, width: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", placeholders(start + row * width, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A table of `rows` rows bound from `start`, one `(name, type)` per column, for an
/// `UPDATE ... FROM (this) AS v`: `SELECT CAST($1 AS BIGINT) AS v_id, ... UNION ALL ...`.
/// (SQLite cannot name a VALUES list's columns; PostgreSQL needs the casts to type the
/// binds.) Its columns should not share a name with the updated table's.
pub(crate) fn bound_rows(start: usize, rows: usize, columns: &[(&str, &str)]) -> String {
    let width = columns.len();
    (0..rows)
        .map(|row| {
            let cells: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, (name, kind))| {
                    format!("CAST(${} AS {kind}) AS {name}", start + row * width + i)
                })
                .collect();
            format!("SELECT {}", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// ` AND id NOT IN ($from, ...)` for `count` ids bound from `$from`, or nothing when
/// there are none: the rows of a list the request no longer names.
pub(crate) fn ids_not_in(from: usize, count: usize) -> String {
    if count == 0 {
        String::new()
    } else {
        format!(" AND id NOT IN ({})", placeholders(from, count))
    }
}

/// How many of `ids` a count query finds: `sql_head` ends where ` IN (...)` of the ids
/// goes, with `$1` bound to `owner`, as in `SELECT COUNT(*) FROM media WHERE owner_id =
/// $1 AND id`. Checks that a request names only things its sender may use.
pub(crate) async fn count_among<'e, E>(
    executor: E,
    sql_head: &str,
    owner: i64,
    ids: &[i64],
) -> Result<usize, sqlx::Error>
where
    E: Executor<'e, Database = sqlx::Any>,
{
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = format!("{sql_head} IN ({})", placeholders(2, ids.len()));
    let mut query = sqlx::query_as::<_, (i64,)>(&sql).bind(owner);
    for id in ids {
        query = query.bind(*id);
    }
    let (n,) = query.fetch_one(executor).await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The one clock the server reads, in the unit the database stores.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Converts a stored time back to UTC; out-of-range values (never written by us) clamp.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_from_the_start_given() {
        assert_eq!(placeholders(1, 3), "$1, $2, $3");
        assert_eq!(placeholders(2, 2), "$2, $3");
    }

    #[test]
    fn database_url_picks_the_engine() {
        let dir = Path::new("/data");
        assert_eq!(
            DatabaseConfig::from_url_or_data_dir(None, dir).ok(),
            Some(DatabaseConfig::Sqlite(PathBuf::from("/data/souq.db")))
        );
        assert_eq!(
            DatabaseConfig::from_url_or_data_dir(Some("postgres://u:p@h/db"), dir).ok(),
            Some(DatabaseConfig::Postgres("postgres://u:p@h/db".into()))
        );
        assert!(DatabaseConfig::from_url_or_data_dir(Some("mysql://x"), dir).is_err());
    }

    #[test]
    fn redacted_urls_hide_the_password() {
        assert_eq!(
            redact_url("mysql://u:secret@host/db"),
            "mysql://<redacted>@host/db"
        );
    }
}
