//! PINs too easy to guess to be chosen. A thief with the phone tries the likely PINs
//! first, and the vault allows five tries a round: a PIN must not be among the first
//! few hundred anyone would try. Refused are:
//!
//! - fewer than three different digits (000000, 121212, 112112, 111222);
//! - the same three digits twice (123123, 520520), or mirrored (123321);
//! - a run with one step between digits, up or down, wrapping past 9 (123456,
//!   654321, 135791, 890123);
//! - two lines of a phone's keypad (147258, 159753, 789456, 369258);
//! - a date, day-month-year, month-day-year or year-month-day, with two-digit years,
//!   and a month with a four-digit year from 1930 to 2039 (251290, 122590, 901225,
//!   121990, 199012);
//! - the six-digit PINs people choose most, in published studies of leaked PINs and
//!   passwords (Wang et al., "Understanding Human-chosen PINs", 2017; Markert et
//!   al., "This PIN Can Be Easily Guessed", IEEE S&P 2020), where no rule above
//!   already catches them.

/// The keypad's lines of three, each way: rows, columns, diagonals.
const KEYPAD_LINES: [&str; 16] = [
    "123", "456", "789", "147", "258", "369", "159", "357", "321", "654", "987", "741", "852",
    "963", "951", "753",
];

/// Six-digit PINs high on the published lists that the rules do not catch.
const MOST_USED: [&str; 24] = [
    "112358", "246810", "135790", "102030", "100200", "110110", "168168", "520131", "201314",
    "114477", "007007", "123000", "123654", "292513", "142536", "010203", "123465", "147896",
    "258852", "121314", "159951", "123987", "098765", "314159",
];

fn digits(pin: &str) -> Vec<u8> {
    pin.bytes().map(|b| b.wrapping_sub(b'0')).collect()
}

fn few_digits(d: &[u8]) -> bool {
    let mut seen = [false; 10];
    for digit in d {
        if let Some(slot) = seen.get_mut(usize::from(*digit)) {
            *slot = true;
        }
    }
    seen.iter().filter(|s| **s).count() < 3
}

fn repeated_or_mirrored(pin: &str) -> bool {
    let (first, second) = pin.split_at(3);
    first == second || first.chars().rev().eq(second.chars())
}

fn one_step_run(d: &[u8]) -> bool {
    let steps: Vec<u8> = d
        .windows(2)
        .filter_map(|pair| match pair {
            [a, b] => Some((b + 10 - a) % 10),
            _ => None,
        })
        .collect();
    steps
        .first()
        .is_some_and(|first| steps.iter().all(|step| step == first))
}

fn keypad_lines(pin: &str) -> bool {
    let (first, second) = pin.split_at(3);
    KEYPAD_LINES.contains(&first) && KEYPAD_LINES.contains(&second)
}

fn number(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, digit| n * 10 + u32::from(*digit))
}

fn real_date(day: u32, month: u32) -> bool {
    let days = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    (1..=days).contains(&day)
}

fn a_date(d: &[u8]) -> bool {
    let (a, b, c) = match d {
        [a1, a2, b1, b2, c1, c2] => (
            number(&[*a1, *a2]),
            number(&[*b1, *b2]),
            number(&[*c1, *c2]),
        ),
        _ => return false,
    };
    let (head, tail) = (
        number(d.get(..2).unwrap_or_default()),
        number(d.get(2..).unwrap_or_default()),
    );
    let (year_first, month_last) = (
        number(d.get(..4).unwrap_or_default()),
        number(d.get(4..).unwrap_or_default()),
    );
    real_date(a, b)
        || real_date(b, a)
        || real_date(c, b)
        || ((1..=12).contains(&head) && (1930..=2039).contains(&tail))
        || ((1930..=2039).contains(&year_first) && (1..=12).contains(&month_last))
}

/// Whether a PIN of six ASCII digits is one to refuse.
pub fn is_weak(pin: &str) -> bool {
    let d = digits(pin);
    few_digits(&d)
        || repeated_or_mirrored(pin)
        || one_step_run(&d)
        || keypad_lines(pin)
        || a_date(&d)
        || MOST_USED.contains(&pin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pins_guessed_first_are_refused() {
        for weak in [
            "000000", "111111", "121212", "112233", "111222", "123123", "520520", "123321",
            "123456", "654321", "135791", "890123", "147258", "159753", "789456", "369258",
            "251290", "122590", "901225", "121990", "199012", "112358", "696969", "246810",
        ] {
            assert!(is_weak(weak), "{weak} is among the first guessed");
        }
    }

    #[test]
    fn pins_with_no_pattern_are_taken() {
        for strong in ["482913", "271828", "583947", "730562", "947361"] {
            assert!(!is_weak(strong), "{strong} has no pattern");
        }
    }

    #[test]
    fn most_random_pins_are_taken() {
        // Every PIN: the refused must stay a small share of them, or choosing one
        // becomes a chore that pushes people to write it down.
        let refused = (0..1_000_000)
            .filter(|n| is_weak(&format!("{n:06}")))
            .count();
        assert!(refused < 150_000, "{refused} of a million refused");
    }
}
