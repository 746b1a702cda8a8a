//! People rules without I/O: PINFL, gender, names in two scripts, search keys.

use time::{Date, Month};

use crate::platform::error::FieldError;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// The personal identification number (JShShIR): 14 digits. The first digit encodes
/// gender and century (1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd male, even female), digits
/// 2–7 the birth date as DDMMYY, and the last a check digit: weights 7, 3, 1 repeated over
/// the first 13 digits, sum mod 10.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pinfl(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinflError {
    /// Not 14 digits.
    Shape,
    CheckDigit,
    /// The first digit is not 1–6.
    Century,
    /// The first digit says another gender than the one given.
    Gender,
    /// Digits 2–7 (or the century) disagree with the birth date.
    BirthDate,
}

impl PinflError {
    pub fn message(self) -> &'static str {
        match self {
            PinflError::Shape => "err-pinfl-shape",
            PinflError::CheckDigit => "err-pinfl-check",
            PinflError::Century => "err-pinfl-century",
            PinflError::Gender => "err-pinfl-gender",
            PinflError::BirthDate => "err-pinfl-birth-date",
        }
    }
}

fn check_digit(first13: &[u8]) -> u8 {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = first13
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * WEIGHTS[i % 3])
        .sum();
    (sum % 10) as u8
}

impl Pinfl {
    /// Checks shape and check digit; spaces are ignored.
    pub fn parse(input: &str) -> Result<Self, PinflError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PinflError::Shape);
        }
        let values: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
        if !(1..=6).contains(&values[0]) {
            return Err(PinflError::Century);
        }
        if check_digit(&values[..13]) != values[13] {
            return Err(PinflError::CheckDigit);
        }
        Ok(Pinfl(digits))
    }

    /// Checks that the number agrees with the person's gender and birth date.
    pub fn check_against(&self, birth_date: Date, gender: Gender) -> Result<(), PinflError> {
        let b = self.0.as_bytes();
        let first = b[0] - b'0';
        let says_male = first % 2 == 1;
        if says_male != (gender == Gender::Male) {
            return Err(PinflError::Gender);
        }
        let century_start = 1800 + 100 * i32::from((first - 1) / 2);
        let field = |i: usize| i32::from(b[i] - b'0') * 10 + i32::from(b[i + 1] - b'0');
        let (day, month, yy) = (field(1), field(3), field(5));
        let year = century_start + yy;
        let agrees = birth_date.day() as i32 == day
            && birth_date.month() as i32 == month
            && birth_date.year() == year;
        if agrees {
            Ok(())
        } else {
            Err(PinflError::BirthDate)
        }
    }

    /// A valid number for a birth date, gender and 6-digit tail (district + serial); for
    /// synthetic data and tests.
    pub fn generate(birth_date: Date, gender: Gender, tail: u32) -> Pinfl {
        let century = (birth_date.year() - 1800).clamp(0, 299) / 100;
        let first = 1 + 2 * century as u8 + u8::from(gender == Gender::Female);
        let text = format!(
            "{first}{:02}{:02}{:02}{:06}",
            birth_date.day(),
            birth_date.month() as u8,
            birth_date.year().rem_euclid(100),
            tail % 1_000_000
        );
        let values: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        Pinfl(format!("{text}{}", check_digit(&values)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `YYYY-MM-DD`, not in the future and not before 1900.
pub fn parse_birth_date(input: &str, today: Date) -> Result<Date, &'static str> {
    let date = parse_date(input).ok_or("err-date")?;
    if date > today || date.year() < 1900 {
        return Err("err-birth-date-range");
    }
    Ok(date)
}

pub fn parse_date(input: &str) -> Option<Date> {
    let input = input.trim();
    if input.len() != 10 {
        return None;
    }
    let year: i32 = input.get(0..4)?.parse().ok()?;
    let month: u8 = input.get(5..7)?.parse().ok()?;
    let day: u8 = input.get(8..10)?.parse().ok()?;
    if &input[4..5] != "-" || &input[7..8] != "-" {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// A name as entered, and its form in the other script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub entered: String,
    pub other_script: String,
}

impl Name {
    pub fn parse(
        field: &'static str,
        input: &str,
        required: bool,
    ) -> Result<Option<Name>, FieldError> {
        let text = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let error = |message| FieldError { field, message };
        if text.is_empty() {
            return if required {
                Err(error("err-required"))
            } else {
                Ok(None)
            };
        }
        if text.chars().count() > 80 {
            return Err(error("err-too-long"));
        }
        let allowed = |c: char| c.is_alphabetic() || " -'‘’ʻʼ`.".contains(c);
        if !text.chars().all(allowed) {
            return Err(error("err-name-chars"));
        }
        let other_script = if uz_text::is_cyrillic(&text) {
            uz_text::cyrillic_to_latin(&text)
        } else {
            uz_text::latin_to_cyrillic(&text)
        };
        Ok(Some(Name {
            entered: text,
            other_script,
        }))
    }

    /// (Latin, Cyrillic) whichever was entered.
    pub fn latin_cyrillic(&self) -> (&str, &str) {
        if uz_text::is_cyrillic(&self.entered) {
            (&self.other_script, &self.entered)
        } else {
            (&self.entered, &self.other_script)
        }
    }
}

/// Search keys for a name: each word folded with `uz-text`, with Russian-style feminine
/// endings reduced (Karimova → karimov) so that both forms meet.
pub fn name_keys(name: &str) -> Vec<String> {
    uz_text::fold_words(name)
        .into_iter()
        .map(|w| stem(&w))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Strips the feminine `-a` of Russian-style surname and patronymic endings.
pub fn stem(word: &str) -> String {
    for (ending, replacement) in [
        ("ovna", "ovich"),
        ("evna", "evich"),
        ("ova", "ov"),
        ("eva", "ev"),
        ("ina", "in"),
    ] {
        if let Some(base) = word.strip_suffix(ending)
            && base.chars().count() >= 2
        {
            return format!("{base}{replacement}");
        }
    }
    word.to_string()
}

/// The consonant skeleton of a folded word: vowels dropped, `dj` read as `j`, doubled
/// letters single. It lets Russian-style spellings meet Uzbek ones (Ўткир / Уткир / O‘tkir,
/// Xo‘jayev / Ходжаев).
pub fn skeleton(key: &str) -> String {
    let replaced = key
        .replace("dj", "j")
        .replace("dzh", "j")
        .replace("zh", "j")
        .replace("ts", "s");
    let mut out = String::new();
    for c in replaced
        .chars()
        .filter(|c| !"aeiouy".contains(*c) && c.is_alphanumeric())
    {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Edit distance with transpositions (optimal string alignment), bounded: returns
/// `max + 1` as soon as the distance must exceed `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return max + 1;
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()].min(max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        parse_date(s).unwrap_or(Date::MIN)
    }

    #[test]
    fn pinfl_check_digit_and_structure() {
        let p = Pinfl::generate(date("1990-05-14"), Gender::Male, 123_456);
        assert_eq!(p.as_str().len(), 14);
        assert!(p.as_str().starts_with("3140590"));
        assert_eq!(Pinfl::parse(p.as_str()), Ok(p.clone()));
        assert_eq!(p.check_against(date("1990-05-14"), Gender::Male), Ok(()));
        assert_eq!(
            p.check_against(date("1990-05-14"), Gender::Female),
            Err(PinflError::Gender)
        );
        assert_eq!(
            p.check_against(date("1990-05-15"), Gender::Male),
            Err(PinflError::BirthDate)
        );
        assert_eq!(
            p.check_against(date("2090-05-14"), Gender::Male),
            Err(PinflError::BirthDate)
        );
        let f = Pinfl::generate(date("2003-12-01"), Gender::Female, 7);
        assert!(f.as_str().starts_with('6'));
        assert_eq!(f.check_against(date("2003-12-01"), Gender::Female), Ok(()));
    }

    #[test]
    fn pinfl_rejects_each_kind_of_error() {
        let p = Pinfl::generate(date("1985-01-31"), Gender::Female, 42)
            .as_str()
            .to_string();
        let last = p.as_bytes()[13] - b'0';
        let wrong = format!("{}{}", &p[..13], (last + 1) % 10);
        assert_eq!(Pinfl::parse(&wrong), Err(PinflError::CheckDigit));
        assert_eq!(Pinfl::parse("1234"), Err(PinflError::Shape));
        assert_eq!(Pinfl::parse("3140590123456x"), Err(PinflError::Shape));
        assert_eq!(Pinfl::parse("91405901234560"), Err(PinflError::Century));
        let spaced = format!("{} {}", &p[..7], &p[7..]);
        assert!(Pinfl::parse(&spaced).is_ok(), "spaces ignored");
    }

    #[test]
    fn every_single_digit_change_is_caught() {
        let p = Pinfl::generate(date("1977-07-07"), Gender::Male, 654_321)
            .as_str()
            .to_string();
        for i in 1..14 {
            for d in 0..10u8 {
                let mut bytes = p.clone().into_bytes();
                if bytes[i] == b'0' + d {
                    continue;
                }
                bytes[i] = b'0' + d;
                let changed = String::from_utf8(bytes).unwrap_or_default();
                assert!(Pinfl::parse(&changed).is_err(), "{changed} accepted");
            }
        }
    }

    #[test]
    fn names_get_the_other_script() {
        let n = Name::parse("family_name", "  Xo‘jayev  ", true)
            .ok()
            .flatten();
        assert_eq!(n.as_ref().map(|n| n.other_script.as_str()), Some("Хўжаев"));
        let c = Name::parse("family_name", "Ўткир", true).ok().flatten();
        assert_eq!(c.as_ref().map(|n| n.other_script.as_str()), Some("O‘tkir"));
        assert!(Name::parse("given_name", "<script>", true).is_err());
        assert_eq!(Name::parse("patronymic", "", false), Ok(None));
    }

    #[test]
    fn spellings_of_one_name_share_a_skeleton() {
        let all = [
            "Oʻtkir Xoʻjayev",
            "O'tkir Xojayev",
            "Ўткир Хўжаев",
            "Utkir Khodjaev",
            "Уткир Ходжаев",
        ];
        let skeletons: Vec<Vec<String>> = all
            .iter()
            .map(|n| name_keys(n).iter().map(|k| skeleton(k)).collect())
            .collect();
        for s in &skeletons {
            assert_eq!(s, &skeletons[0], "{all:?} → {skeletons:?}");
        }
        assert_eq!(name_keys("Karimova"), name_keys("Karimov"));
        assert_eq!(name_keys("Alisherovna"), name_keys("Alisherovich"));
    }

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("karimov", "karimov", 2), 0);
        assert_eq!(edit_distance("karimov", "kraimov", 2), 1);
        assert_eq!(edit_distance("karimov", "karimv", 2), 1);
        assert_eq!(edit_distance("karimov", "tursunov", 2), 3);
    }
}
