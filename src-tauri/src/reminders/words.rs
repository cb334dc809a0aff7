//! What a drop reminder says, in the user's language: the app composes it itself,
//! since the window (and the UI's translations) may be closed when it fires.

use souq_wire::Language;

use super::book::{Due, Kind};

/// The notification's title and body.
pub fn notification(due: &Due, language: Language) -> (String, String) {
    let drop = &due.drop;
    let body = match (due.kind, language) {
        (Kind::Soon, Language::En) => format!("{} starts in 15 minutes", drop.store),
        (Kind::Soon, Language::Ar) => format!("{}: يبدأ الإطلاق خلال ١٥ دقيقة", drop.store),
        (Kind::Live, Language::En) => format!("{} is live now", drop.store),
        (Kind::Live, Language::Ar) => format!("{}: الإطلاق متاح الآن", drop.store),
    };
    (drop.title.clone(), body)
}

#[cfg(test)]
mod tests {
    use souq_wire::DropState;

    use super::super::book::DropInfo;
    use super::*;

    fn due(kind: Kind) -> Due {
        Due {
            kind,
            drop: DropInfo {
                id: 1,
                title: "Oud Royale".into(),
                store: "Dar Al Oud".into(),
                launch_at_ms: 0,
                state: DropState::Scheduled,
            },
        }
    }

    #[test]
    fn reminders_say_when_in_english_and_arabic() {
        let (title, body) = notification(&due(Kind::Soon), Language::En);
        assert_eq!(title, "Oud Royale");
        assert!(body.contains("starts in 15 minutes"));
        assert!(
            notification(&due(Kind::Live), Language::En)
                .1
                .contains("is live now")
        );
        assert!(
            notification(&due(Kind::Soon), Language::Ar)
                .1
                .contains("١٥ دقيقة")
        );
        assert!(
            notification(&due(Kind::Live), Language::Ar)
                .1
                .contains("متاح الآن")
        );
    }
}
