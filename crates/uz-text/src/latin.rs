//! Uzbek Latin → Uzbek Cyrillic.

use crate::chars::{
    CasePattern, is_apostrophe, is_cyrillic_letter, is_cyrillic_vowel, is_latin_vowel, is_letter,
    is_okina, push_upper,
};
use crate::{exceptions, protect};

/// Converts Uzbek Latin text to Uzbek Cyrillic. See the crate documentation
/// for the rules; text that is not Uzbek Latin is copied unchanged.
pub fn latin_to_cyrillic(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mask = protect::mask(&chars);
    let mut out = String::with_capacity(s.len() + s.len() / 2);
    let mut i = 0;
    while i < chars.len() {
        if mask[i] || !is_letter(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let end = word_end(&chars, &mask, i);
        convert_word(&chars[i..end], &mut out);
        i = end;
    }
    out
}

/// A word is a run of letters with the apostrophes that belong to it: one
/// between two letters (tutuq, or o’/g’ typed with any variant), one after g
/// (g‘ ends many words: tog‘, bog‘), or an official ‘/ʻ after o.
fn word_end(chars: &[char], mask: &[bool], start: usize) -> usize {
    let mut j = start;
    while j < chars.len() && !mask[j] {
        let c = chars[j];
        if is_letter(c) || (is_apostrophe(c) && j > start && attaches(chars, mask, j)) {
            j += 1;
        } else {
            break;
        }
    }
    j
}

fn attaches(chars: &[char], mask: &[bool], j: usize) -> bool {
    let prev = chars[j - 1];
    let next_is_letter = chars.get(j + 1).is_some_and(|&c| is_letter(c))
        && !mask.get(j + 1).copied().unwrap_or(true);
    if is_letter(prev) {
        next_is_letter
            || matches!(prev, 'g' | 'G')
            || (matches!(prev, 'o' | 'O') && is_okina(chars[j]))
    } else {
        // An apostrophe after an attached one: "mo‘’jiza".
        is_apostrophe(prev) && next_is_letter
    }
}

/// Letters outside the Uzbek Latin alphabet mark a foreign word
/// ("WhatsApp", "Facebook", "Nókis"), which is left as written.
fn is_foreign(word: &[char]) -> bool {
    word.iter().enumerate().any(|(i, &c)| match c {
        'c' | 'C' => !matches!(word.get(i + 1), Some('h' | 'H')),
        'w' | 'W' => true,
        _ => is_letter(c) && !c.is_ascii() && !is_cyrillic_letter(c),
    })
}

/// The exception-table key: lower case, ‘ after o/g, ’ elsewhere.
fn key(word: &[char]) -> String {
    let mut k = String::with_capacity(word.len() + 4);
    let mut prev = ' ';
    for &c in word {
        let l = c.to_ascii_lowercase();
        if is_apostrophe(c) {
            k.push(if matches!(prev, 'o' | 'g') {
                '‘'
            } else {
                '’'
            });
        } else {
            k.push(l);
        }
        prev = l;
    }
    k
}

fn convert_word(word: &[char], out: &mut String) {
    if is_foreign(word) {
        out.extend(word);
        return;
    }
    if let Some(cyr) = exceptions::latin_lookup(&key(word)) {
        CasePattern::of(word).push(out, &cyr);
        return;
    }
    rules(word, out);
}

/// What the previous sound was, for е/э and ye.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    Start,
    Vowel,
    Consonant,
    /// The letter y (й): "yye" → йе.
    Y,
    Tutuq,
}

fn lower_at(w: &[char], i: usize) -> Option<char> {
    w.get(i).map(char::to_ascii_lowercase)
}

fn followed_by(w: &[char], i: usize, pat: &str) -> bool {
    let mut n = 0;
    for (k, p) in pat.chars().enumerate() {
        if lower_at(w, i + k) != Some(p) {
            return false;
        }
        n += 1;
    }
    n > 0
}

fn apostrophe_at(w: &[char], i: usize) -> bool {
    w.get(i).is_some_and(|&c| is_apostrophe(c))
}

/// Converts one word by the letter rules. Also used for the suffix after an
/// exception-table stem.
pub(crate) fn rules(w: &[char], out: &mut String) {
    let mut prev = Prev::Start;
    let mut i = 0;
    while i < w.len() {
        let c = w[i];
        if is_apostrophe(c) {
            let up =
                i > 0 && w[i - 1].is_uppercase() && w.get(i + 1).is_some_and(|n| n.is_uppercase());
            out.push(if up { 'Ъ' } else { 'ъ' });
            prev = Prev::Tutuq;
            i += 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            prev = if is_cyrillic_vowel(c) {
                Prev::Vowel
            } else {
                Prev::Consonant
            };
            i += 1;
            continue;
        }
        let (text, used, kind) = letter(w, i, prev);
        if c.is_uppercase() {
            push_upper(out, text);
        } else {
            out.push_str(text);
        }
        prev = kind;
        i += used;
    }
}

/// The Cyrillic for the letter (or digraph) at `i`: text, chars used, and
/// the kind of sound it leaves behind.
fn letter(w: &[char], i: usize, prev: Prev) -> (&'static str, usize, Prev) {
    use Prev::{Consonant as C, Vowel as V};
    let next = lower_at(w, i + 1);
    match w[i].to_ascii_lowercase() {
        'o' if apostrophe_at(w, i + 1) => ("ў", 2, V),
        'g' if apostrophe_at(w, i + 1) => ("ғ", 2, C),
        's' if next == Some('h') => ("ш", 2, C),
        // "Is’hoq": the apostrophe only separates s from h.
        's' if apostrophe_at(w, i + 1) && lower_at(w, i + 2) == Some('h') => ("с", 2, C),
        // "aksiya", "funksiya": Russian -кция.
        's' if i > 0 && lower_at(w, i - 1) == Some('k') && followed_by(w, i + 1, "iya") => {
            ("ц", 1, C)
        }
        'c' if next == Some('h') => ("ч", 2, C),
        // "migratsiya", "operatsion": ц after a vowel is written ts.
        't' if prev == V
            && next == Some('s')
            && (followed_by(w, i + 2, "iya") || followed_by(w, i + 2, "io")) =>
        {
            ("ц", 2, C)
        }
        'y' => y_letter(w, i, prev),
        'e' if matches!(prev, Prev::Start | V | Prev::Tutuq) => ("э", 1, V),
        'e' => ("е", 1, V),
        other => single(other),
    }
}

fn y_letter(w: &[char], i: usize, prev: Prev) -> (&'static str, usize, Prev) {
    match lower_at(w, i + 1) {
        Some('a') => ("я", 2, Prev::Vowel),
        Some('u') => ("ю", 2, Prev::Vowel),
        // "yo‘l" is й + ў, not ё + ‘.
        Some('o') if !apostrophe_at(w, i + 2) => ("ё", 2, Prev::Vowel),
        // "obyekt" → объект: after a consonant, ye is ъе.
        Some('e') if prev == Prev::Consonant => ("ъе", 2, Prev::Vowel),
        Some('e') => ("е", 2, Prev::Vowel),
        _ => ("й", 1, Prev::Y),
    }
}

fn single(c: char) -> (&'static str, usize, Prev) {
    let text = match c {
        'a' => "а",
        'b' => "б",
        'c' => "ц",
        'd' => "д",
        'f' => "ф",
        'g' => "г",
        'h' => "ҳ",
        'i' => "и",
        'j' => "ж",
        'k' => "к",
        'l' => "л",
        'm' => "м",
        'n' => "н",
        'o' => "о",
        'p' => "п",
        'q' => "қ",
        'r' => "р",
        's' => "с",
        't' => "т",
        'u' => "у",
        'v' | 'w' => "в",
        'x' => "х",
        'z' => "з",
        _ => "",
    };
    let kind = if is_latin_vowel(c) {
        Prev::Vowel
    } else {
        Prev::Consonant
    };
    (text, 1, kind)
}

#[cfg(test)]
mod tests {
    use super::latin_to_cyrillic as l2c;

    #[test]
    fn letters_and_digraphs() {
        assert_eq!(l2c("shahar"), "шаҳар");
        assert_eq!(l2c("SHAHAR"), "ШАҲАР");
        assert_eq!(l2c("Shahar"), "Шаҳар");
        assert_eq!(l2c("choy"), "чой");
        assert_eq!(l2c("Yangiyer"), "Янгиер");
        assert_eq!(l2c("yo‘l"), "йўл");
        assert_eq!(l2c("YO‘L"), "ЙЎЛ");
        assert_eq!(l2c("Yozyovon"), "Ёзёвон");
        assert_eq!(l2c("ertalab"), "эрталаб");
        assert_eq!(l2c("aeroport"), "аэропорт");
        assert_eq!(l2c("obyekt"), "объект");
        assert_eq!(l2c("migratsiya"), "миграция");
        assert_eq!(l2c("aksiya"), "акция");
        assert_eq!(l2c("otsiz"), "отсиз");
    }

    #[test]
    fn apostrophe_variants() {
        for o in ["O‘", "O’", "Oʻ", "Oʼ", "O'", "O`", "O´"] {
            assert_eq!(l2c(&format!("{o}zbekiston")), "Ўзбекистон", "{o}");
        }
        for g in ["g‘", "g’", "gʻ", "gʼ", "g'", "g`"] {
            assert_eq!(l2c(&format!("bog{}", &g[1..])), "боғ", "{g}");
        }
        assert_eq!(l2c("ma'no"), "маъно");
        assert_eq!(l2c("Is'hoq"), "Исҳоқ");
        assert_eq!(l2c("Isʼhoq"), "Исҳоқ");
    }

    #[test]
    fn quotes_are_not_letters() {
        assert_eq!(l2c("'Buxoro'"), "'Бухоро'");
        assert_eq!(l2c("‘Buxoro’"), "‘Бухоро’");
        assert_eq!(l2c("“Salom”"), "“Салом”");
    }

    #[test]
    fn untouched() {
        assert_eq!(
            l2c("Yozing: ali@mail.uz yoki https://migration.uz/ariza"),
            "Ёзинг: ali@mail.uz ёки https://migration.uz/ariza"
        );
        assert_eq!(l2c("Salom, { $name }!"), "Салом, { $name }!");
        assert_eq!(
            l2c("{ $count ->\n    [one] bitta ariza\n   *[other] { $count } ta ariza\n}"),
            "{ $count ->\n    [one] битта ариза\n   *[other] { $count } та ариза\n}"
        );
        assert_eq!(l2c("<a href=\"/x\">Kirish</a>"), "<a href=\"/x\">Кириш</a>");
        assert_eq!(l2c("WhatsApp va Telegram"), "WhatsApp ва Телеграм");
        assert_eq!(l2c("2024-yil, 15%"), "2024-йил, 15%");
    }
}
