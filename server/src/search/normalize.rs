//! How text becomes search terms, the same for what is indexed and what is typed:
//! Arabic letters folded to one form each, diacritics and tatweel dropped, Arabic-Indic
//! digits read as digits, everything lower case; then each word's stem (English
//! Snowball, Arabic light stemming) so plurals and attached articles still match.

use rust_stemmers::{Algorithm, Stemmer};

/// Folds one character; `None` drops it.
fn fold(c: char) -> Option<char> {
    Some(match c {
        // Hamza and madda forms of alef, and alef wasla.
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        // Hamza on waw and on yaa.
        'ؤ' => 'و',
        'ئ' => 'ي',
        // Alef maqsura reads as yaa, taa marbuta as haa.
        'ى' => 'ي',
        'ة' => 'ه',
        // Harakat, tanween, shadda, sukun, superscript alef, Quranic marks; tatweel.
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' => {
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

/// The normalized words of a text, in order.
pub fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        match fold(c) {
            None => {}
            Some(c) if c.is_alphanumeric() => word.push(c),
            Some(_) if !word.is_empty() => words.push(std::mem::take(&mut word)),
            Some(_) => {}
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn is_arabic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Light Arabic stemming: the article and the conjunctions or prepositions joined to
/// it, then one common plural or pronoun ending, never leaving fewer than 2 letters.
fn arabic_stem(word: &str) -> String {
    const PREFIXES: [&str; 6] = ["وال", "بال", "كال", "فال", "ال", "لل"];
    const SUFFIXES: [&str; 7] = ["ات", "ون", "ين", "ان", "ها", "يه", "ه"];
    let letters = |s: &str| s.chars().count();
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
        Stemmer::create(Algorithm::English).stem(word).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_spellings_fold_to_one_form() {
        // Hamza on alef, taa marbuta, diacritics and tatweel, alef maqsura.
        assert_eq!(words("أَحْمَر"), words("احمر"));
        assert_eq!(words("إبريق"), words("ابريق"));
        assert_eq!(words("هدية"), words("هديه"));
        assert_eq!(words("قهـــوة"), words("قهوه"));
        assert_eq!(words("مستشفى"), words("مستشفي"));
        assert_eq!(words("مسؤول"), words("مسوول"));
    }

    #[test]
    fn arabic_indic_digits_read_as_digits_and_case_folds() {
        assert_eq!(words("عطر ١٠٠ مل"), ["عطر", "100", "مل"]);
        assert_eq!(words("Size ۴۲"), ["size", "42"]);
        assert_eq!(words("LEATHER Bag!"), ["leather", "bag"]);
    }

    /// The stem of a one-word text.
    fn stem_of(text: &str) -> String {
        words(text).first().map(|w| stem(w)).unwrap_or_default()
    }

    #[test]
    fn stems_join_plurals_and_articles() {
        assert_eq!(stem("bags"), stem("bag"));
        assert_eq!(stem("candles"), stem("candle"));
        assert_eq!(stem("running"), "run");
        assert_eq!(stem_of("العطور"), stem("عطور"));
        assert_eq!(stem_of("والقهوة"), stem_of("قهوة"));
        assert_eq!(stem_of("منتجات"), "منتج");
        // Never stemmed away to nothing.
        assert_eq!(stem("ال"), "ال");
    }
}
