//! How text becomes search terms, the same for what is indexed and what is typed:
//! compatibility forms decomposed (Arabic presentation forms, full-width Latin),
//! accents, diacritics and tatweel dropped, Arabic, Persian and Urdu letter forms
//! folded to one each, Arabic-Indic digits read as digits, everything lower case, and a
//! number split from a unit written against it ("65w" is "65 w"); then each word's stem
//! (English Snowball, Arabic light stemming) so plurals and attached articles match,
//! and the Arabic clitics a word may carry.

use std::ops::Range;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Folds one character of a compatibility decomposition; `None` drops it.
fn fold(c: char) -> Option<char> {
    if is_combining_mark(c) {
        // Accents, harakat, hamza and madda marks, superscript alef, Quranic marks.
        return None;
    }
    Some(match c {
        // Alef wasla (hamza and madda forms decompose to alef and a mark).
        'ٱ' => 'ا',
        // Alef maqsura and the Persian, Urdu and Pashto forms of yaa.
        'ى' | 'ی' | 'ې' | 'ۍ' | 'ێ' | 'ے' | 'ٸ' => 'ي',
        // Persian and Urdu kaf.
        'ک' | 'ڪ' => 'ك',
        // Taa marbuta, and the Persian, Urdu and Kurdish forms of haa.
        'ة' | 'ە' | 'ہ' | 'ھ' | 'ۃ' => 'ه',
        // Tatweel, small waw and yaa, and the joiners Persian writes inside words.
        '\u{0640}' | '\u{06E5}' | '\u{06E6}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}' => {
            return None;
        }
        // Arabic-Indic and Eastern Arabic-Indic digits.
        '\u{0660}'..='\u{0669}' => digit(u32::from(c) - 0x0660),
        '\u{06F0}'..='\u{06F9}' => digit(u32::from(c) - 0x06F0),
        other => other,
    })
}

fn digit(n: u32) -> char {
    char::from_digit(n, 10).unwrap_or('0')
}

/// A normalized word and where it was in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub word: String,
    /// The bytes of the text it came from.
    pub range: Range<usize>,
    /// For each character of `word`, the end of the text's bytes that made it: a
    /// prefix of the word is `range.start..ends[n - 1]` of the text.
    pub ends: Vec<usize>,
}

/// The normalized words of a text, in order, with where each was.
pub fn spans(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut open: Option<Span> = None;
    let mut close = |open: &mut Option<Span>| {
        if let Some(span) = open.take() {
            spans.push(span);
        }
    };
    for (at, original) in text.char_indices() {
        let end = at + original.len_utf8();
        let mut folded = Vec::new();
        for lower in original.to_lowercase() {
            decompose_compatible(lower, |c| folded.extend(fold(c)));
        }
        if folded.is_empty()
            && let Some(span) = open.as_mut()
        {
            // A dropped mark belongs to the letter before it.
            span.range.end = end;
            if let Some(last) = span.ends.last_mut() {
                *last = end;
            }
        }
        for c in folded {
            if !c.is_alphanumeric() {
                close(&mut open);
                continue;
            }
            // A number and the unit against it are two words: "65w" is "65 w".
            if open
                .as_ref()
                .and_then(|s| s.word.chars().last())
                .is_some_and(|last| last.is_numeric() != c.is_numeric())
            {
                close(&mut open);
            }
            let span = open.get_or_insert_with(|| Span {
                word: String::new(),
                range: at..end,
                ends: Vec::new(),
            });
            span.word.push(c);
            span.range.end = end;
            span.ends.push(end);
        }
    }
    close(&mut open);
    spans
}

/// The normalized words of a text, in order.
pub fn words(text: &str) -> Vec<String> {
    spans(text).into_iter().map(|s| s.word).collect()
}

pub fn is_arabic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

fn letters(word: &str) -> usize {
    word.chars().count()
}

/// Light Arabic stemming: the article and the conjunctions or prepositions joined to
/// it, then one common plural, feminine, adjective or pronoun ending, never leaving
/// fewer than 2 letters.
fn arabic_stem(word: &str) -> String {
    const PREFIXES: [&str; 6] = ["وال", "بال", "كال", "فال", "ال", "لل"];
    // The feminine ending (ه, folded from ة) and the adjective's ي: عربي and عربية
    // are one word to a shopper.
    const SUFFIXES: [&str; 8] = ["ات", "ون", "ين", "ان", "ها", "يه", "ه", "ي"];
    let mut stem = word;
    if let Some(rest) = PREFIXES
        .iter()
        .find_map(|p| stem.strip_prefix(p))
        .filter(|rest| letters(rest) >= 2)
    {
        stem = rest;
    }
    if let Some(rest) = SUFFIXES
        .iter()
        .find_map(|s| stem.strip_suffix(s))
        .filter(|rest| letters(rest) >= 2)
    {
        stem = rest;
    }
    stem.to_string()
}

/// The stem of a normalized word.
pub fn stem(word: &str) -> String {
    if is_arabic(word) {
        arabic_stem(word)
    } else {
        // The stemmer holds no state; one serves every thread.
        static ENGLISH: OnceLock<Stemmer> = OnceLock::new();
        ENGLISH
            .get_or_init(|| Stemmer::create(Algorithm::English))
            .stem(word)
            .into_owned()
    }
}

/// The conjunctions (و, ف) and prepositions (ب, ك, ل) Arabic joins to the front of a
/// word, alone or a conjunction before a preposition. (Their joins with the article,
/// وال بال فال كال لل, are the stem's to strip.)
const CLITICS: [&str; 11] = ["وب", "وك", "ول", "فب", "فك", "فل", "و", "ف", "ب", "ك", "ل"];

/// A clitic is read off a word only when at least this much is left: a shorter rest
/// is too often a word of its own inside another ("ورد" is a rose, not "and رد").
pub const MIN_CLITIC_REST: usize = 3;

/// What a normalized Arabic word may be with a clitic read off its front, longest
/// clitic first. Whether it is one is for the caller to tell, by whether the rest
/// is a known word: "وعطر" is "and perfume", while "بخور" is incense, not "by خور".
pub fn without_clitic(word: &str) -> Vec<&str> {
    if !is_arabic(word) {
        return Vec::new();
    }
    CLITICS
        .iter()
        .filter_map(|c| word.strip_prefix(c))
        .filter(|rest| letters(rest) >= MIN_CLITIC_REST)
        .collect()
}

/// The forms a normalized Arabic word takes with a clitic joined to it.
pub fn with_clitic(word: &str) -> Vec<String> {
    if !is_arabic(word) || letters(word) < MIN_CLITIC_REST {
        return Vec::new();
    }
    CLITICS.iter().map(|c| format!("{c}{word}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_spellings_fold_to_one_form() {
        // Hamza on alef, taa marbuta, diacritics and tatweel, alef maqsura.
        assert_eq!(words("أَحْمَر"), words("احمر"));
        assert_eq!(words("إبريق"), words("ابريق"));
        assert_eq!(words("آلة"), words("الة"));
        assert_eq!(words("هدية"), words("هديه"));
        assert_eq!(words("قهـــوة"), words("قهوه"));
        assert_eq!(words("مستشفى"), words("مستشفي"));
        assert_eq!(words("مسؤول"), words("مسوول"));
        assert_eq!(words("شاطئ"), words("شاطي"));
    }

    #[test]
    fn persian_and_urdu_letters_fold_to_the_arabic_ones() {
        // Persian yaa and kaf, as a Persian or Urdu keyboard types them.
        assert_eq!(words("کیک"), words("كيك"));
        assert_eq!(words("چای"), words("چاي"));
        assert_eq!(words("مستشفی"), words("مستشفى"));
        // Pashto yaa, Urdu yaa barree, Kurdish and Urdu haa, haa with hamza.
        assert_eq!(words("ې"), words("ي"));
        assert_eq!(words("ے"), words("ي"));
        assert_eq!(words("هدیە"), words("هدية"));
        assert_eq!(words("ہدیہ"), words("هدية"));
        assert_eq!(words("خانۀ"), words("خانة"));
        // A zero-width non-joiner inside a Persian word does not split it.
        assert_eq!(words("می\u{200C}خواهم"), ["ميخواهم"]);
    }

    #[test]
    fn presentation_forms_and_full_width_latin_read_as_plain_letters() {
        // The lam-alef ligature and isolated and final forms, as some PDFs and old
        // systems write them.
        assert_eq!(words("ﻻ"), words("لا"));
        assert_eq!(words("ﺑﺨﻮﺭ"), words("بخور"));
        assert_eq!(words("ＬＥＡＴＨＥＲ　ｂａｇ"), ["leather", "bag"]);
        assert_eq!(words("１００"), ["100"]);
        // Accents are dropped as the engines shoppers know drop them.
        assert_eq!(words("Café Crème"), ["cafe", "creme"]);
    }

    #[test]
    fn arabic_indic_digits_read_as_digits_and_case_folds() {
        assert_eq!(words("عطر ١٠٠ مل"), ["عطر", "100", "مل"]);
        assert_eq!(words("Size ۴۲"), ["size", "42"]);
        assert_eq!(words("LEATHER Bag!"), ["leather", "bag"]);
    }

    #[test]
    fn a_number_and_its_unit_are_two_words_written_together_or_apart() {
        assert_eq!(words("65w"), ["65", "w"]);
        assert_eq!(words("65 W"), ["65", "w"]);
        assert_eq!(
            words("Charger 65W USB-C"),
            ["charger", "65", "w", "usb", "c"]
        );
        assert_eq!(words("١٠٠مل"), ["100", "مل"]);
        assert_eq!(words("ps5"), words("PS 5"));
    }

    #[test]
    fn a_span_tells_where_its_word_was_even_through_folding() {
        let text = "Café ＢＡＧ أَحْمَر";
        let spans = spans(text);
        let found: Vec<Option<&str>> = spans.iter().map(|s| text.get(s.range.clone())).collect();
        assert_eq!(found, [Some("Café"), Some("ＢＡＧ"), Some("أَحْمَر")]);
        // A prefix of a word maps back to the characters that made it.
        let prefix = |span: &Span, n: usize| {
            let end = span.ends.get(n - 1)?;
            text.get(span.range.start..*end)
        };
        let [_, bag, red] = spans.as_slice() else {
            panic!("three words in {spans:?}");
        };
        assert_eq!(prefix(bag, 2), Some("ＢＡ"));
        assert_eq!(red.word, "احمر");
        assert_eq!(prefix(red, 2), Some("أَحْ"));
    }

    /// The stem of a one-word text.
    fn stem_of(text: &str) -> String {
        words(text).first().map(|w| stem(w)).unwrap_or_default()
    }

    #[test]
    fn stems_join_plurals_and_articles() {
        assert_eq!(stem("bags"), stem("bag"));
        assert_eq!(stem("candles"), stem("candle"));
        assert_eq!(stem("plants"), "plant");
        assert_eq!(stem("dates"), stem("date"));
        assert_eq!(stem("running"), "run");
        assert_eq!(stem_of("العطور"), stem("عطور"));
        assert_eq!(stem_of("والقهوة"), stem_of("قهوة"));
        assert_eq!(stem_of("بالعطر"), stem_of("عطر"));
        assert_eq!(stem_of("منتجات"), "منتج");
        assert_eq!(stem_of("شمعات"), stem_of("شمعة"));
        assert_eq!(stem_of("عربي"), stem_of("عربية"));
        assert_eq!(stem_of("نحاسي"), stem_of("نحاس"));
        // Never stemmed away to nothing.
        assert_eq!(stem("ال"), "ال");
    }

    #[test]
    fn clitics_are_offered_off_the_front_only_with_enough_left() {
        let and_perfume = words("وعطر").remove(0);
        assert!(without_clitic(&and_perfume).contains(&"عطر"));
        let and_by_oud = words("وبعود").remove(0);
        assert_eq!(without_clitic(&and_by_oud), ["عود", "بعود"]);
        // "ورد" (rose) would leave two letters: no clitic is offered.
        assert!(without_clitic(&words("ورد").remove(0)).is_empty());
        assert!(without_clitic("water").is_empty());
        assert!(with_clitic(&words("عطر").remove(0)).contains(&"وعطر".to_string()));
        assert!(with_clitic("ورد").contains(&"وورد".to_string()));
        assert!(with_clitic("رد").is_empty());
    }
}
