//! Souq's task runner. `cargo xtask run` installs what is missing and launches the app;
//! `cargo xtask test` runs every check CI runs. See `cargo xtask help`.

mod bench;
mod build;
mod bundle;
mod fuzz;
mod layers;
mod postgres;
mod setup;
mod sh;
mod tasks;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <task>

  run     install what is missing, build the UI and launch the desktop app
          (embedded server over SQLite unless SOUQ_API_URL is set)
  test    fmt check, the layers (no circle of files), clippy, server tests on
          SQLite and PostgreSQL, UI tests in headless Chromium, the Android compile
          check, and end-to-end tests of the real app under Xvfb
  bench   measured speed: feed endpoints over 1,000,000 posts in PostgreSQL at 64
          connections beside the health endpoint, the shop's search over 1,000,000
          products, sign-in floods, the launch rush and the drop rush beside
          pgbench's hot-row ceiling, P2P sends beside pgbench's two-row transfer,
          10,000 drop reminders on the device, and the app's first and next
          launches beside a bare Tauri window (figures for docs/BENCHMARKS.md);
          `bench rush` runs the rushes alone, `bench search` the search, `bench
          sends` the sends, `bench reminders` the reminders, `bench launch` the
          launches
  bundle  this platform's installers (Linux: .deb) with the pinned tauri-cli, from
          the release UI and app; prints where they are and their sizes, fails when
          the .deb is over 10 MB, and checks the .deb installed into a throwaway root
          (`bundle --install`, as root: into this machine): its souq:// desktop entry,
          and the installed app on the sign-in screen under Xvfb
  soak    the money simulation, long: many seeds of many steps each on SQLite and
          on a durable PostgreSQL (SOUQ_SIM_SEEDS, default 20; SOUQ_SIM_STEPS,
          default 2,000; SOUQ_SIM_SEED replays one seed)
  layers  the workspace's floors, read from its source: no files that import each
          other in a circle, no import up a floor without a comment saying why
          (`layers --why` lists the imports that close each circle, `layers
          --modules` which top-level module imports which)
  setup   only install what is missing
  ui      only build the UI into ui/dist
";

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "run" => tasks::run(),
        "bench" => match std::env::args().nth(2).as_deref() {
            None => bench::run(),
            Some("rush") => bench::rush_only(),
            Some("search") => bench::search_only(),
            Some("reminders") => bench::reminders_only(),
            Some("sends") => bench::sends_only(),
            Some("launch") => bench::launch_only(),
            Some(other) => Err(format!(
                "unknown bench part {other:?}: none, rush, search, sends, reminders or launch"
            )),
        },
        "test" => tasks::test(),
        "soak" => tasks::soak(),
        "bundle" => match std::env::args().nth(2).as_deref() {
            None => bundle::run(bundle::InstallInto::ThrowawayRoot),
            Some("--install") => bundle::run(bundle::InstallInto::Machine),
            Some(other) => Err(format!(
                "unknown bundle option {other:?}: none or --install"
            )),
        },
        "layers" => match std::env::args().nth(2).as_deref() {
            Some("--modules") => layers::modules(),
            other => layers::check(other == Some("--why")),
        },
        "setup" => setup::ensure_all(),
        "ui" => setup::ensure_all().and_then(|()| build::build_ui()),
        "help" | "--help" | "-h" | "" => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        other => Err(format!("unknown task {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
