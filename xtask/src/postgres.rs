//! A throwaway PostgreSQL for the tests: initdb in a temporary directory, started on a
//! free loopback port, stopped and deleted when dropped. As root it runs the server as
//! the `postgres` user, since PostgreSQL refuses to run as root.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::sh;

pub struct TempPostgres {
    bin: PathBuf,
    dir: PathBuf,
    pub url: String,
}

fn bin_dir() -> Result<PathBuf, String> {
    let base = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(base)
        .map_err(|e| format!("PostgreSQL is not installed ({}: {e})", base.display()))?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| "no PostgreSQL with initdb under /usr/lib/postgresql".into())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("free port: {e}"))
}

impl TempPostgres {
    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        if sh::is_root() {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }

    /// A PostgreSQL for tests: nothing is flushed to disk, for speed.
    pub fn start() -> Result<TempPostgres, String> {
        Self::start_with(false)
    }

    /// A PostgreSQL that keeps what it acknowledges, as a deployment would (fsync,
    /// synchronous_commit and full_page_writes on): money benchmarks run on it.
    pub fn start_durable() -> Result<TempPostgres, String> {
        Self::start_with(true)
    }

    /// The path of one of PostgreSQL's programs (pgbench).
    pub fn program(&self, tool: &str) -> PathBuf {
        self.bin.join(tool)
    }

    fn start_with(durable: bool) -> Result<TempPostgres, String> {
        let bin = bin_dir()?;
        let dir = std::env::temp_dir().join(format!("souq-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if sh::is_root() {
            sh::run(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&dir),
            )?;
        }
        let port = free_port()?;
        let pg = TempPostgres {
            bin,
            dir: dir.clone(),
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        };
        let data = dir.join("data");
        sh::run(
            pg.command("initdb")
                .args([
                    "--username=postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-sync",
                ])
                .arg("-D")
                .arg(&data)
                .current_dir(&dir),
        )?;
        // Durability is pointless for a throwaway test database; speed is not. A money
        // benchmark keeps PostgreSQL's defaults, which flush every commit.
        let durability = if durable {
            "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
        } else {
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        };
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 {durability} -c max_connections=400",
            dir.display()
        );
        sh::run(
            pg.command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .args(["-o", &options, "-l"])
                .arg(dir.join("postgres.log"))
                .args(["-w", "start"])
                .current_dir(&dir),
        )?;
        Ok(pg)
    }
}

impl TempPostgres {
    /// Creates a database on this server and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String, String> {
        psql(&self.url, &format!("CREATE DATABASE {name};"))?;
        match self.url.rsplit_once('/') {
            Some((server, _)) => Ok(format!("{server}/{name}")),
            None => Err(format!("cannot read the database URL {}", self.url)),
        }
    }
}

/// Runs SQL through psql on `db_url` and returns what it printed.
pub(crate) fn psql(db_url: &str, sql: &str) -> Result<String, String> {
    let mut child = Command::new("psql")
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-t", "-A", db_url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("psql: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("psql stdin")?
        .write_all(sql.as_bytes())
        .map_err(|e| format!("psql stdin: {e}"))?;
    let out = child.wait_with_output().map_err(|e| format!("psql: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(format!("psql failed ({})", out.status))
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let _ = sh::succeeds(
            self.command("pg_ctl")
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-m", "immediate", "stop"])
                .current_dir(&self.dir),
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
