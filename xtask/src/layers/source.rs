//! Reading one Rust file for its module structure: comments and literals blanked out,
//! then its `mod` declarations, its `use` trees and the `crate::`/`super::`/`self::`
//! paths its code names, each with the inline module it sits in.

/// What one file declares and names.
#[derive(Debug, Default)]
pub struct Source {
    /// `mod name;` declared at the file's top level, with a `#[path]` if it has one.
    pub children: Vec<Child>,
    /// Every path the file names, as written, with where it is.
    pub paths: Vec<Named>,
    /// The source's lines as written, for the comments above an import.
    pub lines: Vec<String>,
}

#[derive(Debug)]
pub struct Child {
    pub name: String,
    /// Its `#[path]` files: one, or one per platform under `cfg_attr`; none by default.
    pub paths: Vec<String>,
}

/// One path named in a file: its segments (`crate`, `super`, `self` kept as written),
/// the inline modules it sits in, and its line (1-based).
#[derive(Debug, Clone)]
pub struct Named {
    pub segments: Vec<String>,
    pub inline: Vec<String>,
    pub line: usize,
}

pub fn read(text: &str) -> Source {
    let code = blank(text);
    let mut source = Source {
        lines: text.lines().map(str::to_owned).collect(),
        ..Source::default()
    };
    Scanner::new(&code, text).scan(&mut source);
    source
}

/// The chars from `i` on (none past the end).
fn from(chars: &[char], i: usize) -> &[char] {
    chars.get(i..).unwrap_or_default()
}

/// The text with comments, strings and char literals replaced by spaces (newlines
/// kept, so lines still count), so braces and paths inside them are not read.
fn blank(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(c) = chars.get(i) {
        let rest = from(&chars, i);
        let skip = if rest.starts_with(&['/', '/']) {
            rest.iter().position(|c| *c == '\n').unwrap_or(rest.len())
        } else if rest.starts_with(&['/', '*']) {
            block_comment_len(rest)
        } else if *c == '"' {
            string_len(rest)
        } else if let Some(hashes) = raw_string_start(rest) {
            raw_string_len(rest, hashes)
        } else if *c == '\'' {
            char_literal_len(rest)
        } else {
            0
        };
        if skip == 0 {
            out.push(*c);
            i += 1;
        } else {
            let blanked = rest.iter().take(skip);
            out.extend(blanked.map(|c| if *c == '\n' { '\n' } else { ' ' }));
            i += skip;
        }
    }
    out
}

fn block_comment_len(rest: &[char]) -> usize {
    let mut depth = 0;
    let mut i = 0;
    while i < rest.len() {
        let here = from(rest, i);
        if here.starts_with(&['/', '*']) {
            depth += 1;
            i += 2;
        } else if here.starts_with(&['*', '/']) {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    rest.len()
}

/// A string from its opening quote.
fn string_len(rest: &[char]) -> usize {
    let mut i = 1;
    while let Some(c) = rest.get(i) {
        match c {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    rest.len()
}

/// `r"`, `r#"`, `br##"`: the number of hashes, when a raw string starts here.
fn raw_string_start(rest: &[char]) -> Option<usize> {
    let after_b = usize::from(rest.first() == Some(&'b'));
    if rest.get(after_b) != Some(&'r') {
        return None;
    }
    let hashes = from(rest, after_b + 1)
        .iter()
        .take_while(|c| **c == '#')
        .count();
    (rest.get(after_b + 1 + hashes) == Some(&'"')).then_some(hashes)
}

fn raw_string_len(rest: &[char], hashes: usize) -> usize {
    let open = rest.iter().position(|c| *c == '"').unwrap_or(0);
    let mut i = open + 1;
    while let Some(c) = rest.get(i) {
        let closing = from(rest, i + 1).iter().take(hashes);
        if *c == '"' && closing.filter(|c| **c == '#').count() == hashes {
            return i + 1 + hashes;
        }
        i += 1;
    }
    rest.len()
}

/// `'a'`, `'\n'`, `'\u{1F600}'` are literals; `'a` (a lifetime or label) is code.
fn char_literal_len(rest: &[char]) -> usize {
    match rest.get(1) {
        Some('\\') => from(rest, 3)
            .iter()
            .position(|c| *c == '\'')
            .map_or(0, |end| end + 4),
        Some(_) if rest.get(2) == Some(&'\'') => 3,
        _ => 0,
    }
}

struct Scanner<'a> {
    code: Vec<char>,
    raw: &'a str,
    at: usize,
    line: usize,
    depth: usize,
    /// Inline `mod name {` blocks open here, with the depth inside each.
    inline: Vec<(String, usize)>,
}

impl<'a> Scanner<'a> {
    fn new(code: &str, raw: &'a str) -> Scanner<'a> {
        Scanner {
            code: code.chars().collect(),
            raw,
            at: 0,
            line: 1,
            depth: 0,
            inline: Vec::new(),
        }
    }

    fn scan(mut self, source: &mut Source) {
        while let Some(&c) = self.code.get(self.at) {
            if c.is_alphabetic() || c == '_' {
                let start = self.at;
                let word = self.word();
                let follows_path = start
                    .checked_sub(1)
                    .and_then(|before| self.code.get(before))
                    .is_some_and(|c| matches!(c, ':' | '$'));
                if !follows_path {
                    self.after_word(&word, source);
                }
                continue;
            }
            match c {
                '\n' => self.line += 1,
                '{' => self.depth += 1,
                '}' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.inline.last().is_some_and(|(_, d)| *d > self.depth) {
                        self.inline.pop();
                    }
                }
                _ => {}
            }
            self.at += 1;
        }
    }

    fn rest(&self) -> &[char] {
        from(&self.code, self.at)
    }

    fn word(&mut self) -> String {
        let start = self.at;
        while self
            .code
            .get(self.at)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            self.at += 1;
        }
        self.code
            .get(start..self.at)
            .unwrap_or_default()
            .iter()
            .collect()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.code.get(self.at).filter(|c| c.is_whitespace()) {
            if *c == '\n' {
                self.line += 1;
            }
            self.at += 1;
        }
    }

    fn after_word(&mut self, word: &str, source: &mut Source) {
        match word {
            "mod" => self.module(source),
            "use" => self.use_item(source),
            "crate" | "super" | "self" if self.rest().starts_with(&[':', ':']) => {
                let line = self.line;
                let mut segments = vec![word.to_owned()];
                while self.rest().starts_with(&[':', ':']) {
                    self.at += 2;
                    let next = self.word();
                    if next.is_empty() {
                        break;
                    }
                    segments.push(next);
                }
                self.name(source, segments, line);
            }
            _ => {}
        }
    }

    fn module(&mut self, source: &mut Source) {
        let line = self.line;
        self.skip_space();
        let name = self.word();
        self.skip_space();
        match self.code.get(self.at) {
            Some(';') if self.inline.is_empty() => source.children.push(Child {
                paths: path_attributes(self.raw, line),
                name,
            }),
            Some('{') => {
                self.depth += 1;
                self.at += 1;
                self.inline.push((name, self.depth));
            }
            _ => {}
        }
    }

    fn use_item(&mut self, source: &mut Source) {
        let line = self.line;
        let start = self.at;
        while self.code.get(self.at).is_some_and(|c| *c != ';') {
            if self.code.get(self.at) == Some(&'\n') {
                self.line += 1;
            }
            self.at += 1;
        }
        let tree: String = self
            .code
            .get(start..self.at)
            .unwrap_or_default()
            .iter()
            .collect();
        for segments in expand_tree(&tree) {
            self.name(source, segments, line);
        }
    }

    fn name(&self, source: &mut Source, segments: Vec<String>, line: usize) {
        source.paths.push(Named {
            segments,
            inline: self.inline.iter().map(|(n, _)| n.clone()).collect(),
            line,
        });
    }
}

/// The files the attributes just above line `line` (1-based) name with `path = "…"`.
fn path_attributes(raw: &str, line: usize) -> Vec<String> {
    let lines: Vec<&str> = raw.lines().collect();
    lines
        .get(..line.saturating_sub(1))
        .unwrap_or_default()
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| !l.is_empty() && !l.ends_with(';') && !l.ends_with('}'))
        .filter(|l| !l.starts_with("//"))
        .filter_map(|l| {
            let value = l
                .split("path")
                .skip(1)
                .find_map(|rest| rest.trim_start().strip_prefix('='))?;
            Some(value.split('"').nth(1)?.to_owned())
        })
        .collect()
}

/// `a::{b, c::{self, D}}` into `a::b`, `a::c`, `a::c::D` (aliases and globs dropped).
pub fn expand_tree(tree: &str) -> Vec<Vec<String>> {
    let cleaned: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    expand_into(&cleaned, &[], &mut out);
    out
}

fn expand_into(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim().trim_start_matches("::");
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree);
        let mut segments: Vec<String> = prefix.to_vec();
        for part in path.split("::").map(str::trim) {
            match part {
                "" | "*" => {}
                "self" if !segments.is_empty() => {}
                other => segments.push(other.to_owned()),
            }
        }
        if !segments.is_empty() {
            out.push(segments);
        }
        return;
    };
    let mut head: Vec<String> = prefix.to_vec();
    head.extend(
        tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    );
    let close = tree.rfind('}').unwrap_or(tree.len());
    for part in split_top_level(&tree[open + 1..close]) {
        expand_into(part, &head, out);
    }
}

/// Splits at the commas that are not inside braces.
fn split_top_level(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_use_tree_expands_into_each_path_it_names() {
        let paths = expand_tree("crate::a::{self, b::{C, d as e}, f::*}");
        let text: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
        assert_eq!(
            text,
            [
                "crate::a",
                "crate::a::b::C",
                "crate::a::b::d",
                "crate::a::f"
            ]
        );
    }

    #[test]
    fn paths_in_comments_and_strings_are_not_read() {
        let source = read(
            "// use crate::x;\nfn f() { let s = \"crate::y::z\"; let c = '{'; crate::w::go(); }\n",
        );
        let named: Vec<String> = source.paths.iter().map(|p| p.segments.join("::")).collect();
        assert_eq!(named, ["crate::w::go"]);
        assert_eq!(source.paths[0].line, 2);
    }

    #[test]
    fn a_path_in_a_test_module_knows_it_sits_there() {
        let source =
            read("mod a;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\nuse self::a::B;\n");
        assert_eq!(source.children.len(), 1);
        assert_eq!(source.paths[0].inline, ["tests"]);
        assert!(source.paths[1].inline.is_empty());
    }

    #[test]
    fn a_path_attribute_is_read_with_its_module() {
        let source = read("#[path = \"api/support.rs\"]\nmod support;\n");
        assert_eq!(source.children[0].paths, ["api/support.rs"]);
        let platforms = read(
            "#[cfg_attr(\n    unix,\n    path = \"a.rs\"\n)]\n#[cfg_attr(windows, path = \"b.rs\")]\nmod platform;\n",
        );
        assert_eq!(platforms.children[0].paths, ["b.rs", "a.rs"]);
    }
}
