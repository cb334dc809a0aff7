//! The API fuzzer in `cargo xtask test`: schemathesis, with every check it has, over the
//! server's own /v1/openapi.json, against the `souq-server` binary on SQLite and on the
//! test PostgreSQL, each with the demo data and signed in as a demo shopper. Its
//! settings (bounds, and what the schema cannot state) are in
//! server/tests/fuzz/schemathesis.toml.

use std::process::Command;

use crate::bench::harness::{curl_json, start_server, token_of};
use crate::postgres::TempPostgres;
use crate::{setup, sh};

fn fuzz(base: &str) -> Result<(), String> {
    let session = curl_json(
        "POST",
        &format!("{base}/v1/sessions"),
        "{\"email\":\"layla@demo.souq.example\",\"password\":\"souq-demo\"}",
        "127.0.0.1",
    )?;
    let token = token_of(&session).ok_or("no token from the demo sign-in")?;
    sh::run(
        Command::new(setup::schemathesis())
            .arg("--config-file")
            .arg(sh::root().join("server/tests/fuzz/schemathesis.toml"))
            .args(["run", &format!("{base}/v1/openapi.json"), "--checks", "all"])
            .env("SOUQ_FUZZ_TOKEN", token)
            .env("NO_COLOR", "1"),
    )
}

pub fn run(postgres: &TempPostgres) -> Result<(), String> {
    let binary = crate::build::target_dir().join("debug/souq-server");
    let dir = std::env::temp_dir().join(format!("souq-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let data_dir = dir.display().to_string();
    {
        let (_server, base) =
            start_server(&binary, &["--demo-data", "--data-dir", &data_dir], &[])?;
        eprintln!("xtask: fuzzing the API on SQLite");
        fuzz(&base)?;
    }
    let db = postgres.create_database("souq_fuzz")?;
    {
        let (_server, base) = start_server(&binary, &["--demo-data"], &[("DATABASE_URL", &db)])?;
        eprintln!("xtask: fuzzing the API on PostgreSQL");
        fuzz(&base)?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
