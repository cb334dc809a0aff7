//! `cargo xtask layers`: the workspace's floors read from its source. Fails when files
//! import each other in a circle (in any crate), or when an import runs up a floor of
//! the server without a comment saying why, or when more than a handful do.

mod circles;
mod floors;
mod source;
mod workspace;

use workspace::{Crate, Import};

use crate::sh;

/// Imports that may run up a floor, each with its `Up a floor:` comment: a handful.
const MOST_UPWARD: usize = 5;

/// `layers --modules`: which top-level module of each crate imports which, with how
/// many imports, to draw the floors from.
pub fn modules() -> Result<(), String> {
    for krate in workspace::crates(&sh::root())? {
        let mut counts = std::collections::BTreeMap::new();
        for import in krate.imports() {
            let top = |file: usize| {
                krate
                    .files
                    .get(file)
                    .and_then(|f| f.module.first().cloned())
                    .unwrap_or_else(|| "(root)".into())
            };
            let (from, to) = (top(import.from), top(import.to));
            if from != to {
                *counts.entry((from, to)).or_insert(0) += 1;
            }
        }
        println!("{}", krate.root);
        for ((from, to), n) in counts {
            println!("  {from} -> {to} ({n})");
        }
    }
    Ok(())
}

/// `show_imports`: also list each import that closes a circle (`layers --why`).
pub fn check(show_imports: bool) -> Result<(), String> {
    let crates = workspace::crates(&sh::root())?;
    let mut problems = Vec::new();
    let mut upward = Vec::new();
    for krate in &crates {
        let imports = krate.imports();
        problems.extend(circle_problems(krate, &imports, show_imports));
        if let Some(floors) = floors::of(&krate.root) {
            for import in imports.iter().filter(|i| floors.runs_up(krate, i)) {
                let place = describe(krate, import);
                if says_why(krate, import) {
                    upward.push(place);
                } else {
                    problems.push(format!(
                        "{place}, a floor up, without an `// Up a floor:` comment saying why"
                    ));
                }
            }
        }
    }
    if upward.len() > MOST_UPWARD {
        problems.push(format!(
            "{} imports run up a floor, more than the {MOST_UPWARD} allowed:\n  {}",
            upward.len(),
            upward.join("\n  ")
        ));
    }
    if !problems.is_empty() {
        return Err(format!("the layers do not hold:\n{}", problems.join("\n")));
    }
    let files: usize = crates.iter().map(|c| c.files.len()).sum();
    eprintln!(
        "xtask: layers hold: {} crates, {files} files, no circle; imports up a floor: {}",
        crates.len(),
        upward.len()
    );
    Ok(())
}

fn circle_problems(krate: &Crate, imports: &[Import], show_imports: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for circle in circles::find(krate.files.len(), imports) {
        let names: Vec<&str> = circle.iter().map(|f| krate.path(*f)).collect();
        let mut problem = format!("files import each other in a circle: {}", names.join(", "));
        if show_imports {
            for import in imports
                .iter()
                .filter(|i| circle.contains(&i.from) && circle.contains(&i.to))
            {
                problem.push_str("\n    ");
                problem.push_str(&describe(krate, import));
            }
        }
        problems.push(problem);
    }
    problems
}

fn describe(krate: &Crate, import: &Import) -> String {
    format!(
        "{}:{} imports {}",
        krate.path(import.from),
        import.line,
        krate.path(import.to)
    )
}

/// True when the comment lines just above the import say why it goes up a floor.
fn says_why(krate: &Crate, import: &Import) -> bool {
    let Some(file) = krate.files.get(import.from) else {
        return false;
    };
    file.source
        .lines
        .get(..import.line.saturating_sub(1))
        .unwrap_or_default()
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with("//"))
        .any(|l| l.contains("Up a floor:"))
}
