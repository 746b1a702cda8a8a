//! Uzbek Cyrillic → Uzbek Latin.

use crate::chars::{
    CasePattern, is_cyrillic_letter, is_cyrillic_vowel, is_letter, lower, push_title, push_upper,
};
use crate::{exceptions, protect};

/// Converts Uzbek Cyrillic text to Uzbek Latin, writing o‘ and g‘ with ‘
/// (U+2018) and the tutuq belgisi with ’ (U+2019). See the crate
/// documentation for the rules; non-Cyrillic text is copied unchanged.
pub fn cyrillic_to_latin(s: &str) -> String {
    convert(s, true)
}

/// `protect = false` converts every Cyrillic letter, even inside what looks
/// like a URL or placeholder (used by `fold`).
pub(crate) fn convert(s: &str, protect: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mask = if protect {
        protect::mask(&chars)
    } else {
        vec![false; chars.len()]
    };
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    let mut i = 0;
    while i < chars.len() {
        if mask[i] || !is_letter(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len() && !mask[end] && is_letter(chars[end]) {
            end += 1;
        }
        convert_word(&chars[i..end], &mut out);
        i = end;
    }
    out
}

fn convert_word(word: &[char], out: &mut String) {
    if word.iter().all(|&c| is_cyrillic_letter(c)) {
        let key: String = word.iter().map(|&c| lower(c)).collect();
        if let Some(lat) = exceptions::cyrillic_lookup(&key) {
            CasePattern::of(word).push(out, &lat);
            return;
        }
    }
    rules(word, out);
}

/// Converts one word by the letter rules. Also used for the suffix after an
/// exception-table stem.
pub(crate) fn rules(w: &[char], out: &mut String) {
    for (k, &c) in w.iter().enumerate() {
        let l = lower(c);
        let prev = k.checked_sub(1).map(|p| lower(w[p]));
        let next = w.get(k + 1).map(|&n| lower(n));
        let Some(text) = letter(l, prev, next) else {
            out.push(c);
            continue;
        };
        if !c.is_uppercase() {
            out.push_str(text);
        } else if text.chars().filter(|c| c.is_ascii_alphabetic()).count() < 2
            || all_caps_context(w, k)
        {
            push_upper(out, text);
        } else {
            push_title(out, text);
        }
    }
}

/// Whether an upper-case Ш at `k` is written SH (in an upper-case word) or
/// Sh (in a capitalised one): decided by the next letter, or for the last
/// letter by the previous one; a one-letter word is capitalised.
fn all_caps_context(w: &[char], k: usize) -> bool {
    match (w.get(k + 1), k.checked_sub(1).map(|p| w[p])) {
        (Some(n), _) => n.is_uppercase(),
        (None, Some(p)) => p.is_uppercase(),
        (None, None) => false,
    }
}

fn iotated(c: Option<char>) -> bool {
    matches!(c, Some('е' | 'ё' | 'ю' | 'я'))
}

/// The Latin for one lower-case Cyrillic letter in context, or `None` for a
/// character this converter does not handle.
fn letter(l: char, prev: Option<char>, next: Option<char>) -> Option<&'static str> {
    let vowel_before = prev.is_some_and(is_cyrillic_vowel);
    Some(match l {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'д' => "d",
        // ye at the start, after a vowel, after й and after the signs.
        'е' => match prev {
            None | Some('й' | 'ъ' | 'ь') => "ye",
            Some(_) if vowel_before => "ye",
            Some(_) => "e",
        },
        'ё' => "yo",
        'ж' => "j",
        'з' => "z",
        'и' | 'ы' | 'і' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        // "Исҳоқ" → Is’hoq: keep s and h apart.
        'с' if next == Some('ҳ') => "s’",
        'с' => "s",
        'т' => "t",
        'у' | 'ү' | 'ұ' => "u",
        'ф' => "f",
        'х' => "x",
        // Official rule: ts after a vowel, s at the start and after a consonant.
        'ц' if vowel_before => "ts",
        'ц' => "s",
        'ч' => "ch",
        'ш' | 'щ' => "sh",
        // Russian separating ъ before е/ё/ю/я is carried by the y ("obyekt");
        // after ў it is not written ("mo‘jiza"); otherwise it is the tutuq.
        'ъ' if iotated(next) || prev == Some('ў') => "",
        'ъ' => "’",
        'ь' if next == Some('о') => "y",
        'ь' => "",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        'ў' => "o‘",
        'қ' => "q",
        'ғ' => "g‘",
        'ҳ' | 'һ' => "h",
        'ң' => "ng",
        'є' => "ye",
        'ї' => "yi",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::cyrillic_to_latin as c2l;

    #[test]
    fn letters_and_case() {
        assert_eq!(c2l("Шаҳар"), "Shahar");
        assert_eq!(c2l("ШАҲАР"), "SHAHAR");
        assert_eq!(c2l("ЎЗБЕКИСТОН"), "O‘ZBEKISTON");
        assert_eq!(c2l("Ёзёвон"), "Yozyovon");
        assert_eq!(c2l("ЁЗЁВОН"), "YOZYOVON");
        assert_eq!(c2l("Ш.Рашидов"), "Sh.Rashidov");
        assert_eq!(c2l("Ш"), "Sh");
        assert_eq!(c2l("ТОШКЕНТ Ш"), "TOSHKENT Sh");
        assert_eq!(c2l("Янгиер"), "Yangiyer");
        assert_eq!(c2l("ер"), "yer");
        assert_eq!(c2l("Ер"), "Yer");
        assert_eq!(c2l("ЕР"), "YER");
        assert_eq!(c2l("эрталаб"), "ertalab");
    }

    #[test]
    fn signs_and_russian_letters() {
        assert_eq!(c2l("маъно"), "ma’no");
        assert_eq!(c2l("объект"), "obyekt");
        assert_eq!(c2l("мўъжиза"), "mo‘jiza");
        assert_eq!(c2l("Исҳоқ"), "Is’hoq");
        assert_eq!(c2l("ИСҲОҚ"), "IS’HOQ");
        assert_eq!(c2l("милиция"), "militsiya");
        assert_eq!(c2l("Цирк"), "Sirk");
        assert_eq!(c2l("бульон"), "bulyon");
        assert_eq!(c2l("борщ"), "borsh");
        assert_eq!(c2l("Крылов"), "Krilov");
        assert_eq!(c2l("Дарья"), "Darya");
    }

    #[test]
    fn untouched() {
        assert_eq!(c2l("Ёзинг: ali@mail.uz"), "Yozing: ali@mail.uz");
        assert_eq!(c2l("https://президент.уз"), "https://президент.уз");
        assert_eq!(c2l("Салом, { $name }! 2024"), "Salom, { $name }! 2024");
        assert_eq!(c2l("WhatsApp"), "WhatsApp");
    }
}
