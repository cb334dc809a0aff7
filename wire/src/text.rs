//! Post text split into plain runs, #hashtags and @mentions. The server indexes hashtags
//! with it and the UI renders links with it, so both always agree on what a tag is.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    Text(String),
    /// The tag as written, without the '#'.
    Hashtag(String),
    /// The handle as written, without the '@'.
    Mention(String),
}

fn is_tag_char(c: char) -> bool {
    // Arabic harakat (U+064B..U+065F) and the superscript alef are marks, not letters,
    // but they belong inside an Arabic word.
    c.is_alphanumeric() || c == '_' || ('\u{064B}'..='\u{065F}').contains(&c) || c == '\u{0670}'
}

fn is_handle_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits `text` into segments. A '#' or '@' starts a tag only at the start of the text or
/// after a character that cannot be part of a word, so "a#b" and "mail@example" stay text.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let at_boundary = prev.is_none_or(|p| !is_tag_char(p));
        let accepts: Option<fn(char) -> bool> = match c {
            '#' if at_boundary => Some(is_tag_char),
            '@' if at_boundary => Some(is_handle_char),
            _ => None,
        };
        if let Some(accepts) = accepts {
            let mut word = String::new();
            while let Some(&next) = chars.peek() {
                if !accepts(next) {
                    break;
                }
                word.push(next);
                chars.next();
            }
            if word.is_empty() {
                plain.push(c);
                prev = Some(c);
                continue;
            }
            if !plain.is_empty() {
                out.push(Segment::Text(std::mem::take(&mut plain)));
            }
            prev = word.chars().last();
            out.push(if c == '#' {
                Segment::Hashtag(word)
            } else {
                Segment::Mention(word)
            });
            continue;
        }
        plain.push(c);
        prev = Some(c);
    }
    if !plain.is_empty() {
        out.push(Segment::Text(plain));
    }
    out
}

/// The key a hashtag is stored and looked up by: lower case, so #Drop and #drop are one.
pub fn hashtag_key(tag: &str) -> String {
    tag.to_lowercase()
}

/// The distinct hashtag keys of a text, in order of first appearance.
pub fn hashtags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for segment in segments(text) {
        if let Segment::Hashtag(tag) = segment {
            let key = hashtag_key(&tag);
            if !tags.contains(&key) {
                tags.push(key);
            }
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Segment {
        Segment::Text(s.into())
    }

    #[test]
    fn hashtags_and_mentions_become_their_own_segments() {
        assert_eq!(
            segments("New #Drop by @dar_al_oud today"),
            vec![
                text("New "),
                Segment::Hashtag("Drop".into()),
                text(" by "),
                Segment::Mention("dar_al_oud".into()),
                text(" today"),
            ]
        );
    }

    #[test]
    fn arabic_hashtags_keep_their_letters_and_harakat() {
        assert_eq!(
            segments("إطلاق #عطر_العود! قريبًا"),
            vec![
                text("إطلاق "),
                Segment::Hashtag("عطر_العود".into()),
                text("! قريبًا"),
            ]
        );
        assert_eq!(hashtags("#مَسك و #مَسك"), vec!["مَسك".to_string()]);
    }

    #[test]
    fn a_hash_inside_a_word_or_alone_is_plain_text() {
        assert_eq!(
            segments("a#b # mail@example.com"),
            vec![text("a#b # mail@example.com")]
        );
    }

    #[test]
    fn hashtag_keys_fold_case_and_repeat_once() {
        assert_eq!(
            hashtags("#Oud #oud #Musk"),
            vec!["oud".to_string(), "musk".to_string()]
        );
    }
}
