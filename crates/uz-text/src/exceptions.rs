//! Words the letter rules get wrong: mostly Russian and international loans
//! whose Cyrillic spelling keeps Russian letters (ц, ь, э after a consonant,
//! тя written ta) that the Latin spelling does not show.

/// `(latin, cyrillic)` pairs, both lower case, Latin with ‘ (U+2018) for
/// o‘/g‘. Matched word by word, case-insensitively (the input word's case
/// pattern — lower, Title or UPPER — is carried over), and also as the stem
/// of a word ending in one of a few common Uzbek suffixes ("sentabrdan" ↔
/// "сентябрдан", "litseyda" ↔ "лицейда"); a final ь is dropped before a
/// suffix, as Uzbek Cyrillic writes it ("февралдаги").
///
/// When several Latin spellings share one Cyrillic form, the first listed
/// is the one `cyrillic_to_latin` writes; the others ("sentyabr",
/// "tsement") are accepted on input only.
pub const EXCEPTIONS: &[(&str, &str)] = &[
    // Months.
    ("yanvar", "январь"),
    ("fevral", "февраль"),
    ("aprel", "апрель"),
    ("iyun", "июнь"),
    ("iyul", "июль"),
    ("sentabr", "сентябрь"),
    ("sentyabr", "сентябрь"),
    ("oktabr", "октябрь"),
    ("oktyabr", "октябрь"),
    ("noyabr", "ноябрь"),
    ("dekabr", "декабрь"),
    // ц where the Latin has s, or ts that is not before -iya/-io.
    ("sirk", "цирк"),
    ("konsert", "концерт"),
    ("litsey", "лицей"),
    ("litsenziya", "лицензия"),
    ("sement", "цемент"),
    ("tsement", "цемент"),
    ("sex", "цех"),
    ("sentr", "центр"),
    ("sentner", "центнер"),
    ("stansiya", "станция"),
    ("kvitansiya", "квитанция"),
    ("konsepsiya", "концепция"),
    ("prinsip", "принцип"),
    ("ssenariy", "сценарий"),
    ("sotsial", "социал"),
    ("spetsialist", "специалист"),
    // ь, which the Latin does not write.
    ("mebel", "мебель"),
    ("kompyuter", "компьютер"),
    ("film", "фильм"),
    ("rol", "роль"),
    ("avtomobil", "автомобиль"),
    ("model", "модель"),
    ("portfel", "портфель"),
    ("medal", "медаль"),
    ("rubl", "рубль"),
    ("shampun", "шампунь"),
    ("pochtalyon", "почтальон"),
    ("pavilyon", "павильон"),
    ("polsha", "польша"),
    // йо / э that the rules would write ё / е.
    ("rayon", "район"),
    ("mayor", "майор"),
    ("mer", "мэр"),
    // ъ after ў, which the Latin does not write.
    ("mo‘jiza", "мўъжиза"),
    ("mo‘tabar", "мўътабар"),
    ("mo‘tadil", "мўътадил"),
];

/// Suffixes after which an exception stem is still recognised (Latin).
const SUFFIXES: &[&str] = &[
    "lar", "larning", "larni", "larga", "larda", "lardan", "lari", "larini", "lariga", "larida",
    "laridan", "laridagi", "ning", "ni", "ga", "ka", "qa", "da", "dan", "dagi", "gacha", "dek",
    "day", "i", "ini", "iga", "ida", "idan", "ining", "idagi", "im", "imiz", "ing", "ingiz", "si",
    "sini", "siga", "sida", "sidan", "sining", "sidagi", "chi", "chilar", "li", "lik", "siz", "mi",
    "dir",
];

fn latin_suffix_to_cyrillic(suffix: &str) -> String {
    let chars: Vec<char> = suffix.chars().collect();
    let mut out = String::new();
    crate::latin::rules(&chars, &mut out);
    out
}

fn cyrillic_suffix_to_latin(suffix: &str) -> String {
    let chars: Vec<char> = suffix.chars().collect();
    let mut out = String::new();
    crate::cyrillic::rules(&chars, &mut out);
    out
}

/// `key`: the lower-case Latin word with canonical apostrophes.
pub(crate) fn latin_lookup(key: &str) -> Option<String> {
    if let Some((_, cyr)) = EXCEPTIONS.iter().find(|(lat, _)| *lat == key) {
        return Some((*cyr).to_string());
    }
    let (lat, cyr) = EXCEPTIONS
        .iter()
        .filter(|(lat, _)| {
            key.strip_prefix(lat)
                .is_some_and(|rest| SUFFIXES.contains(&rest))
        })
        .max_by_key(|(lat, _)| lat.len())?;
    let suffix = key.get(lat.len()..)?;
    let stem = cyr.strip_suffix('ь').unwrap_or(cyr);
    Some(format!("{stem}{}", latin_suffix_to_cyrillic(suffix)))
}

/// `key`: the lower-case Cyrillic word.
pub(crate) fn cyrillic_lookup(key: &str) -> Option<String> {
    if let Some((lat, _)) = EXCEPTIONS.iter().find(|(_, cyr)| *cyr == key) {
        return Some((*lat).to_string());
    }
    let mut best: Option<(usize, String)> = None;
    for (lat, cyr) in EXCEPTIONS {
        let soft = cyr.strip_suffix('ь');
        for stem in [Some(*cyr), soft].into_iter().flatten() {
            let Some(rest) = key.strip_prefix(stem) else {
                continue;
            };
            let rest_lat = cyrillic_suffix_to_latin(rest);
            // "сентябр" (ь left off) is read as the word itself.
            let ok = SUFFIXES.contains(&rest_lat.as_str()) || (rest.is_empty() && soft.is_some());
            if ok && best.as_ref().is_none_or(|(len, _)| stem.len() > *len) {
                best = Some((stem.len(), format!("{lat}{rest_lat}")));
            }
        }
    }
    best.map(|(_, lat)| lat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{cyrillic_to_latin, latin_to_cyrillic};

    #[test]
    fn table_is_lower_case_and_canonical_pairs_round_trip() {
        for (i, (lat, cyr)) in EXCEPTIONS.iter().enumerate() {
            assert_eq!(*lat, lat.to_lowercase(), "{lat}");
            assert_eq!(*cyr, cyr.to_lowercase(), "{cyr}");
            assert!(lat.chars().all(|c| c.is_ascii_lowercase() || c == '‘'));
            assert_eq!(latin_to_cyrillic(lat), *cyr);
            let canonical = EXCEPTIONS.iter().position(|(_, c)| c == cyr) == Some(i);
            if canonical {
                assert_eq!(cyrillic_to_latin(cyr), *lat);
            }
        }
    }

    #[test]
    fn entries_are_needed() {
        // An entry the rules already get right both ways is dead weight.
        for (lat, cyr) in EXCEPTIONS {
            let lat_chars: Vec<char> = lat.chars().collect();
            let cyr_chars: Vec<char> = cyr.chars().collect();
            let mut by_rules_cyr = String::new();
            crate::latin::rules(&lat_chars, &mut by_rules_cyr);
            let mut by_rules_lat = String::new();
            crate::cyrillic::rules(&cyr_chars, &mut by_rules_lat);
            assert!(
                by_rules_cyr != *cyr || by_rules_lat != *lat,
                "{lat} ↔ {cyr} needs no entry"
            );
        }
    }

    #[test]
    fn stems_with_suffixes() {
        assert_eq!(latin_to_cyrillic("1-sentabrdan"), "1-сентябрдан");
        assert_eq!(cyrillic_to_latin("1-сентябрдан"), "1-sentabrdan");
        assert_eq!(cyrillic_to_latin("сентябрьдан"), "sentabrdan");
        assert_eq!(latin_to_cyrillic("Litseyda"), "Лицейда");
        assert_eq!(latin_to_cyrillic("KOMPYUTERLAR"), "КОМПЬЮТЕРЛАР");
        assert_eq!(cyrillic_to_latin("ЦИРККА"), "SIRKKA");
        assert_eq!(latin_to_cyrillic("sentyabr"), "сентябрь");
        assert_eq!(latin_to_cyrillic("Tsement"), "Цемент");
        // Not a suffix: "sirka" (vinegar) is an Uzbek word of its own.
        assert_eq!(latin_to_cyrillic("sirka"), "сирка");
        assert_eq!(cyrillic_to_latin("сирка"), "sirka");
    }
}
