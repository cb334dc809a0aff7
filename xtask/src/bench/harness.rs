//! What every bench stands on: the release server on a throwaway PostgreSQL, signing
//! in, wrk and its figures, pgbench, medians.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::postgres::TempPostgres;
use crate::sh;

/// Builds one of a package's examples in release, and answers where it is.
pub(super) fn release_example(package: &str, example: &str) -> Result<PathBuf, String> {
    sh::run(sh::cargo().args(["build", "--release", "-p", package, "--example", example]))?;
    Ok(crate::build::target_dir()
        .join("release/examples")
        .join(example))
}

pub(super) const PASSWORD: &str = "bench-password";
/// The connections wrk keeps open, as the app's users at once.
pub(super) const CONNECTIONS: u32 = 64;

pub(super) fn seconds() -> u32 {
    std::env::var("SOUQ_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
}

pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// Starts a `souq-server` binary on a free port with these flags and variables, and
/// returns it (stopped when dropped) with its base URL, read from its first line.
pub(crate) fn start_server(
    binary: &std::path::Path,
    args: &[&str],
    envs: &[(&str, &str)],
) -> Result<(Server, String), String> {
    let mut command = Command::new(binary);
    command
        .args(["--listen", "127.0.0.1:0", "--log-format", "text"])
        .args(args)
        .env("SOUQ_LOG", "warn")
        .stdout(Stdio::piped());
    for (name, value) in envs {
        command.env(name, value);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("server stdout")?;
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("server output: {e}"))?;
    let base = line
        .trim()
        .strip_prefix("souq-server listening on ")
        .ok_or_else(|| format!("unexpected server output {line:?}"))?
        .to_string();
    Ok((server, base))
}

/// Sends JSON from the loopback address `from` (sign-ins are limited per address, and
/// a deployment's viewers come from many).
pub(crate) fn curl_json(method: &str, url: &str, body: &str, from: &str) -> Result<String, String> {
    sh::output(Command::new("curl").args([
        "-sS",
        "-f",
        "--interface",
        from,
        "-X",
        method,
        "-H",
        "content-type: application/json",
        "-d",
        body,
        url,
    ]))
    .ok_or_else(|| format!("{method} {url} failed"))
}

/// The `"token"` field of a session body, without a JSON parser.
pub(crate) fn token_of(body: &str) -> Option<String> {
    let start = body.find("\"token\":\"")? + 9;
    let rest = body.get(start..)?;
    Some(rest.get(..rest.find('"')?)?.to_string())
}

pub(super) struct Figures {
    pub(super) requests_per_sec: f64,
    pub(super) p50_ms: f64,
    pub(super) p99_ms: f64,
}

pub(super) fn parse_latency(value: &str) -> Option<f64> {
    let (number, unit) = value
        .find(|c: char| c.is_ascii_alphabetic())
        .map(|i| value.split_at(i))?;
    let n: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => return None,
    })
}

pub(super) fn parse_wrk(output: &str) -> Option<Figures> {
    let mut figures = Figures {
        requests_per_sec: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
    };
    for line in output.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => figures.requests_per_sec = n.parse().ok()?,
            ["50%", v] => figures.p50_ms = parse_latency(v)?,
            ["99%", v] => figures.p99_ms = parse_latency(v)?,
            _ => {}
        }
    }
    (figures.requests_per_sec > 0.0).then_some(figures)
}

pub(super) fn wrk(url: &str, script: &PathBuf) -> Result<Figures, String> {
    wrk_with(url, script, CONNECTIONS, seconds())
}

pub(super) fn wrk_with(
    url: &str,
    script: &PathBuf,
    connections: u32,
    secs: u32,
) -> Result<Figures, String> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{secs}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(url)
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if text.contains("Non-2xx or 3xx responses") {
        return Err(format!("wrk saw errors against {url}:\n{text}"));
    }
    parse_wrk(&text).ok_or_else(|| format!("cannot read wrk's output:\n{text}"))
}

pub(super) fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs a pgbench script on `db` with `clients` clients and answers its TPS.
pub(super) fn pgbench_tps(
    pg: &TempPostgres,
    db: &str,
    name: &str,
    script: &str,
    clients: u32,
) -> Result<f64, String> {
    let dir = std::env::temp_dir().join(format!("souq-pgbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(name);
    std::fs::write(&path, script).map_err(|e| e.to_string())?;
    let pgbench = sh::output(
        Command::new(pg.program("pgbench"))
            .args(["-n", "-c", &clients.to_string(), "-j", "2", "-T"])
            .arg(seconds().min(10).to_string())
            .arg("-f")
            .arg(&path)
            .arg(db),
    )
    .ok_or("pgbench failed")?;
    let _ = std::fs::remove_dir_all(&dir);
    pgbench
        .lines()
        .find_map(|line| line.trim().strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no tps in pgbench's output: {pgbench}"))
}

pub(super) fn field(outcome: &str, name: &str) -> Option<f64> {
    outcome
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
}

pub(super) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}
