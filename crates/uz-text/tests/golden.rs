//! Golden pairs (tests/golden.tsv) in both directions, and one-way cases.

use uz_text::{cyrillic_to_latin, fold, latin_to_cyrillic};

const GOLDEN: &str = include_str!("golden.tsv");

fn pairs() -> Vec<(usize, &'static str, &'static str)> {
    GOLDEN
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(n, l)| {
            let mut f = l.split('\t');
            match (f.next(), f.next(), f.next()) {
                (Some(lat), Some(cyr), None) => (n + 1, lat, cyr),
                _ => panic!("golden.tsv:{}: want two tab-separated fields", n + 1),
            }
        })
        .collect()
}

#[test]
fn golden_file_is_big_enough_and_clean() {
    let p = pairs();
    assert!(p.len() >= 150, "only {} pairs", p.len());
    for (n, lat, cyr) in p {
        assert_eq!(lat.trim(), lat, "line {n}: stray whitespace");
        assert_eq!(cyr.trim(), cyr, "line {n}: stray whitespace");
        // The Latin column uses only the canonical apostrophes.
        assert!(!lat.contains(['\'', '`', 'ʻ', 'ʼ']), "line {n}: {lat}");
        // No Latin letters in the Cyrillic column outside machine text.
        if !cyr.contains(['@', '{', '<', '/']) {
            assert!(
                !cyr.chars().any(|c| c.is_ascii_alphabetic()),
                "line {n}: {cyr}"
            );
        }
    }
}

#[test]
fn golden_latin_to_cyrillic() {
    let failures: Vec<String> = pairs()
        .into_iter()
        .filter_map(|(n, lat, cyr)| {
            let got = latin_to_cyrillic(lat);
            (got != cyr).then(|| format!("line {n}: {lat} → {got}, want {cyr}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn golden_cyrillic_to_latin() {
    let failures: Vec<String> = pairs()
        .into_iter()
        .filter_map(|(n, lat, cyr)| {
            let got = cyrillic_to_latin(cyr);
            (got != lat).then(|| format!("line {n}: {cyr} → {got}, want {lat}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn golden_pairs_fold_together() {
    for (n, lat, cyr) in pairs() {
        assert_eq!(fold(lat), fold(cyr), "line {n}");
    }
}

/// Inputs that are not canonical, or whose reverse is ambiguous: one way only.
#[test]
fn one_way_latin_to_cyrillic() {
    let cases = [
        // Apostrophe variants people type.
        ("O'zbekiston", "Ўзбекистон"),
        ("O`zbekiston", "Ўзбекистон"),
        ("Oʻzbekiston", "Ўзбекистон"),
        ("Oʼzbekiston", "Ўзбекистон"),
        ("Qo'rg'ontepa", "Қўрғонтепа"),
        ("G`ijduvon", "Ғиждувон"),
        ("ma'lumot", "маълумот"),
        ("maʼlumot", "маълумот"),
        ("Tuproqqal'a", "Тупроққалъа"),
        ("Is'hoq", "Исҳоқ"),
        ("yo'l", "йўл"),
        // Alternative spellings in the exception table.
        ("sentyabr", "сентябрь"),
        ("Oktyabr", "Октябрь"),
        ("tsement", "цемент"),
        // Double apostrophe written out: ў then ъ.
        ("mo‘’tabar", "мўътабар"),
        // Quotes around words are not letters.
        ("'Buxoro'", "'Бухоро'"),
        ("\"Toshkent\"", "\"Тошкент\""),
        // Machine text.
        ("www.migration.uz", "www.migration.uz"),
        ("&laquo;Salom&raquo;", "&laquo;Салом&raquo;"),
        ("Facebook va WhatsApp", "Facebook ва WhatsApp"),
        ("", ""),
    ];
    for (lat, want) in cases {
        assert_eq!(latin_to_cyrillic(lat), want, "{lat}");
    }
}

#[test]
fn one_way_cyrillic_to_latin() {
    let cases = [
        // Russian letters and spellings.
        ("Щукин", "Shukin"),
        ("Крылов", "Krilov"),
        ("Дарья", "Darya"),
        ("почтальон", "pochtalyon"),
        ("сентябрьда", "sentabrda"),
        ("СЕНТЯБР", "SENTABR"),
        // ц: s at the start and after a consonant, ts after a vowel.
        ("Цех", "Sex"),
        ("станциянинг", "stansiyaning"),
        ("лицензия", "litsenziya"),
        ("акция", "aksiya"),
        // йо is read as ё by the way back; spelled out here.
        ("йод", "yod"),
        // Karakalpak letters.
        ("Нөкис", "Nokis"),
        ("Қарақалпақстан", "Qaraqalpaqstan"),
        ("", ""),
    ];
    for (cyr, want) in cases {
        assert_eq!(cyrillic_to_latin(cyr), want, "{cyr}");
    }
}
