//! Property tests: no panics, fold is a fixed point, round trips.

use proptest::prelude::*;
use uz_text::{
    EXCEPTIONS, cyrillic_to_latin, detect_script, fold, fold_words, is_cyrillic, latin_to_cyrillic,
};

/// Units of the Uzbek Latin alphabet, canonical apostrophes.
const UNITS: &[&str] = &[
    "a", "b", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
    "u", "v", "x", "y", "z", "o‘", "g‘", "sh", "ch", "ng", "ye", "yo", "yu", "ya", "’", "s’h",
    "tsiya", "ksiya", "tsion",
];

const APOSTROPHES: &[&str] = &["‘", "’", "ʻ", "ʼ", "'", "`"];

fn word() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(UNITS), 1..10).prop_map(|u| u.concat())
}

/// Where a Latin word does not survive Latin → Cyrillic → Latin (the
/// ambiguities listed in the crate documentation).
fn ambiguous(w: &str) -> bool {
    let c: Vec<char> = w.chars().collect();
    let tutuq = |i: usize| c.get(i) == Some(&'’');
    (0..c.len()).any(|i| {
        tutuq(i)
            && (i == 0
                || i + 1 == c.len()
                // ’ after o or g would read as o‘/g‘; after o‘/g‘ it is dropped.
                || matches!(c[i - 1], 'o' | 'g' | '‘' | '’')
                // ’ before ye/yo/yu/ya is the Russian separating sign, dropped.
                || c.get(i + 1) == Some(&'y'))
    }) || in_exception_table(w)
}

fn in_exception_table(w: &str) -> bool {
    EXCEPTIONS.iter().any(|(lat, _)| w.starts_with(lat))
}

fn title(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics(s in any::<String>()) {
        let _ = latin_to_cyrillic(&s);
        let _ = cyrillic_to_latin(&s);
        let _ = fold(&s);
        let _ = fold_words(&s);
        let _ = detect_script(&s);
        let _ = is_cyrillic(&s);
    }

    #[test]
    fn never_panics_on_uzbek_like_text(
        s in "[a-zA-Zа-яА-ЯўқғҳЎҚҒҲёЁ‘’ʻʼ'`´ {}$@:/<>&;#\\[\\]*\n-]{0,40}"
    ) {
        let _ = latin_to_cyrillic(&s);
        let _ = cyrillic_to_latin(&s);
        prop_assert_eq!(fold(&fold(&s)), fold(&s));
    }

    #[test]
    fn fold_is_idempotent(s in any::<String>()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_words_are_folded(s in any::<String>()) {
        for w in fold_words(&s) {
            prop_assert!(!w.is_empty());
            prop_assert_eq!(fold(&w), w.clone());
            prop_assert!(!w.contains([' ', '-']));
        }
    }

    #[test]
    fn conversions_are_stable_on_their_own_output(s in any::<String>()) {
        // Cyrillic → Latin leaves nothing for a second pass, and vice versa
        // for text with no Cyrillic in it.
        let lat = cyrillic_to_latin(&s);
        prop_assert_eq!(cyrillic_to_latin(&lat), lat.clone());
    }

    #[test]
    fn fold_meets_across_scripts(
        w in word(),
        apostrophe in prop::sample::select(APOSTROPHES),
        case in 0..3u8,
    ) {
        // Any apostrophe variant and any case; alternative spellings in the
        // table ("tsement") are the only words whose key may differ.
        prop_assume!(!in_exception_table(&w));
        let w = w.replace(['‘', '’'], apostrophe);
        let w = match case {
            0 => w,
            1 => title(&w),
            _ => w.to_uppercase(),
        };
        prop_assert_eq!(fold(&w), fold(&latin_to_cyrillic(&w)), "{}", w);
    }

    #[test]
    fn latin_round_trips(w in word()) {
        prop_assume!(!ambiguous(&w));
        let cyr = latin_to_cyrillic(&w);
        prop_assert_eq!(cyrillic_to_latin(&cyr), w.clone(), "via {}", cyr);
        let t = title(&w);
        prop_assert_eq!(cyrillic_to_latin(&latin_to_cyrillic(&t)), t);
        let up = w.to_uppercase();
        let up_cyr = latin_to_cyrillic(&up);
        // A one-letter Cyrillic word such as Ш reads back as Sh, not SH.
        if up_cyr.chars().filter(|c| c.is_alphabetic()).count() > 1 {
            prop_assert_eq!(cyrillic_to_latin(&up_cyr), up);
        }
    }

    #[test]
    fn sentences_round_trip(ws in prop::collection::vec(word(), 1..6)) {
        prop_assume!(ws.iter().all(|w| !ambiguous(w)));
        let s = ws.join(" ");
        prop_assert_eq!(cyrillic_to_latin(&latin_to_cyrillic(&s)), s);
    }
}
