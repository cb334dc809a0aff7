//! The workspace as crates of files: each crate found from its root files by following
//! `mod` declarations, and each path a file names resolved to the file that defines it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::source::{self, Named, Source};

pub struct Crate {
    /// The root file, relative to the workspace (`server/src/lib.rs`).
    pub root: String,
    pub files: Vec<File>,
}

pub struct File {
    /// Relative to the workspace.
    pub path: String,
    pub module: Vec<String>,
    pub source: Source,
}

/// One file naming another: `from` names `to` at `line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub from: usize,
    pub to: usize,
    pub line: usize,
}

/// Every crate of every workspace member.
pub fn crates(root: &Path) -> Result<Vec<Crate>, String> {
    let mut crates = Vec::new();
    for member in members(root)? {
        for file in crate_roots(&root.join(&member)) {
            crates.push(load_crate(root, &file)?);
        }
    }
    Ok(crates)
}

/// The `members` of the workspace's Cargo.toml.
fn members(root: &Path) -> Result<Vec<String>, String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let list = manifest
        .split("members = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .ok_or("Cargo.toml names no workspace members")?;
    Ok(list
        .split(',')
        .map(|m| m.trim().trim_matches('"').to_owned())
        .filter(|m| !m.is_empty())
        .collect())
}

/// A member's crate roots: its library and binary, and each test, example and bench.
fn crate_roots(member: &Path) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = ["src/lib.rs", "src/main.rs"]
        .iter()
        .map(|f| member.join(f))
        .filter(|f| f.is_file())
        .collect();
    for dir in ["src/bin", "tests", "e2e", "examples", "benches"] {
        let Ok(entries) = std::fs::read_dir(member.join(dir)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter_map(|p| {
                if p.extension().is_some_and(|e| e == "rs") {
                    Some(p)
                } else {
                    Some(p.join("main.rs")).filter(|m| m.is_file())
                }
            })
            .collect();
        found.sort();
        roots.extend(found);
    }
    roots
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .into_owned()
}

fn load_crate(root: &Path, root_file: &Path) -> Result<Crate, String> {
    let mut files = Vec::new();
    let mut pending = vec![(root_file.to_path_buf(), Vec::<String>::new(), true)];
    while let Some((path, module, owns_dir)) = pending.pop() {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let source = source::read(&text);
        let dir = path.parent().unwrap_or(root).to_path_buf();
        let children_dir = if owns_dir {
            dir.clone()
        } else {
            dir.join(path.file_stem().unwrap_or_default())
        };
        for child in &source.children {
            let mut child_module = module.clone();
            child_module.push(child.name.clone());
            if child.paths.is_empty() {
                let (file, owns) = child_file(&children_dir, &child.name)?;
                pending.push((file, child_module.clone(), owns));
            }
            for attr in &child.paths {
                pending.push((dir.join(attr), child_module.clone(), false));
            }
        }
        files.push(File {
            path: relative(root, &path),
            module,
            source,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Crate {
        root: relative(root, root_file),
        files,
    })
}

/// `dir/name.rs`, or `dir/name/mod.rs` (which owns its directory).
fn child_file(dir: &Path, name: &str) -> Result<(PathBuf, bool), String> {
    let flat = dir.join(format!("{name}.rs"));
    if flat.is_file() {
        return Ok((flat, false));
    }
    let nested = dir.join(name).join("mod.rs");
    if nested.is_file() {
        return Ok((nested, true));
    }
    Err(format!(
        "module {name} declared but not found in {}",
        dir.display()
    ))
}

impl Crate {
    /// A file's path, by its index.
    pub fn path(&self, file: usize) -> &str {
        self.files.get(file).map_or("?", |f| f.path.as_str())
    }

    /// Every import between two different files of this crate: its `use` items and the
    /// `crate::`, `super::` and `self::` paths its code names.
    pub fn imports(&self) -> Vec<Import> {
        let modules: HashMap<&[String], usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.module.as_slice(), i))
            .collect();
        let mut imports = Vec::new();
        for (from, file) in self.files.iter().enumerate() {
            for named in &file.source.paths {
                if let Some(to) = resolve(&modules, &file.module, named)
                    && to != from
                {
                    imports.push(Import {
                        from,
                        to,
                        line: named.line,
                    });
                }
            }
        }
        imports.dedup();
        imports
    }
}

/// The file that defines what `named` names, when it is in this crate.
fn resolve(
    modules: &HashMap<&[String], usize>,
    file_module: &[String],
    named: &Named,
) -> Option<usize> {
    let mut here: Vec<String> = file_module.to_vec();
    here.extend(named.inline.iter().cloned());
    let segments = &named.segments;
    let (first, after) = segments.split_first()?;
    let mut absolute: Vec<String> = match first.as_str() {
        "crate" => after.to_vec(),
        "self" => here.iter().chain(after).cloned().collect(),
        "super" => {
            let ups = segments.iter().take_while(|s| *s == "super").count();
            let base = here.get(..here.len().checked_sub(ups)?)?;
            base.iter()
                .chain(segments.iter().skip(ups))
                .cloned()
                .collect()
        }
        _ => {
            let mut child = here.clone();
            child.push(first.clone());
            if !modules.contains_key(child.as_slice()) {
                return None;
            }
            here.iter().chain(segments).cloned().collect()
        }
    };
    loop {
        if let Some(file) = modules.get(absolute.as_slice()) {
            return Some(*file);
        }
        absolute.pop()?;
    }
}
