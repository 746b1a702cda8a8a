//! The PDO curriculum: ten core modules the same everywhere, and per destination the slots
//! that plug in that country's facts, its length, pass mark and whether online self-study
//! alone is accepted. The reference text ships in `data/reference/pdo_curriculum.json`
//! (Uzbek written once in Latin script; Cyrillic is generated) and seeds version 1 of each
//! destination's curriculum; after that the database holds the versions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::platform::i18n::Locale;

pub const REFERENCE_JSON: &str = include_str!("../../../../data/reference/pdo_curriculum.json");

/// A text in the three written sources; uz-Cyrl comes from the Uzbek Latin.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    #[serde(default)]
    pub uz: String,
    #[serde(default)]
    pub ru: String,
    #[serde(default)]
    pub en: String,
}

impl Texts {
    /// In `locale` (a `Locale` or a reference to one, as templates hold them).
    pub fn get(&self, locale: impl std::borrow::Borrow<Locale>) -> String {
        match *locale.borrow() {
            Locale::UzLatn => self.uz.clone(),
            Locale::UzCyrl => uz_text::latin_to_cyrillic(&self.uz),
            Locale::Ru => self.ru.clone(),
            Locale::En => self.en.clone(),
        }
    }
}

/// Lists of texts (objectives, content points, options), one list per language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextLists {
    #[serde(default)]
    pub uz: Vec<String>,
    #[serde(default)]
    pub ru: Vec<String>,
    #[serde(default)]
    pub en: Vec<String>,
}

impl TextLists {
    pub fn get(&self, locale: impl std::borrow::Borrow<Locale>) -> Vec<String> {
        match *locale.borrow() {
            Locale::UzLatn => self.uz.clone(),
            Locale::UzCyrl => self
                .uz
                .iter()
                .map(|s| uz_text::latin_to_cyrillic(s))
                .collect(),
            Locale::Ru => self.ru.clone(),
            Locale::En => self.en.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizItem {
    pub id: String,
    pub question: Texts,
    pub options: TextLists,
    /// Index of the right option.
    pub answer: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    pub code: String,
    /// Suggested classroom time; the ten make a day of eight hours.
    #[serde(default)]
    pub minutes: u32,
    pub title: Texts,
    pub objectives: TextLists,
    pub content: TextLists,
    #[serde(default)]
    pub sources: Vec<String>,
    pub quiz: Vec<QuizItem>,
    /// The destination's facts for this module, if it has any (filled per curriculum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<Texts>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DestinationPack {
    pub iso2: String,
    pub days: i64,
    pub pass_mark: i64,
    pub online_only: bool,
    #[serde(default)]
    pub slots: BTreeMap<String, Texts>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Reference {
    pub modules: Vec<Module>,
    pub destinations: Vec<DestinationPack>,
}

/// What a curriculum version holds (its `content` column).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub modules: Vec<Module>,
}

impl Content {
    pub fn module(&self, code: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.code == code)
    }

    pub fn codes(&self) -> Vec<String> {
        self.modules.iter().map(|m| m.code.clone()).collect()
    }

    /// Every quiz item, in module order: the pre- and post-test.
    pub fn test_items(&self) -> Vec<&QuizItem> {
        self.modules.iter().flat_map(|m| &m.quiz).collect()
    }
}

pub fn reference() -> anyhow::Result<Reference> {
    Ok(serde_json::from_str(REFERENCE_JSON)?)
}

/// The modules with one destination's slots filled in.
pub fn content_for(reference: &Reference, pack: &DestinationPack) -> Content {
    let modules = reference
        .modules
        .iter()
        .map(|m| Module {
            slot: pack.slots.get(&m.code).cloned(),
            ..m.clone()
        })
        .collect();
    Content { modules }
}

/// Percent of right answers; `answers` maps quiz item ids to the chosen option.
pub fn score(items: &[&QuizItem], answers: &BTreeMap<String, usize>) -> i64 {
    if items.is_empty() {
        return 0;
    }
    let right = items
        .iter()
        .filter(|q| answers.get(&q.id) == Some(&q.answer))
        .count();
    i64::try_from(right * 100 / items.len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_curriculum_is_complete_in_every_language() {
        let reference = reference().expect("the shipped curriculum parses");
        assert_eq!(reference.modules.len(), 10);
        for m in &reference.modules {
            for locale in Locale::ALL {
                assert!(
                    !m.title.get(locale).is_empty(),
                    "{} title {locale:?}",
                    m.code
                );
                assert!(!m.content.get(locale).is_empty(), "{} content", m.code);
            }
            assert!(!m.quiz.is_empty(), "{} has quiz items", m.code);
            for q in &m.quiz {
                let n = q.options.en.len();
                assert!(n >= 2 && q.answer < n, "{}", q.id);
                assert_eq!(q.options.ru.len(), n, "{}", q.id);
                assert_eq!(q.options.uz.len(), n, "{}", q.id);
            }
        }
        for iso in ["GB", "KR", "KZ", "AE", "TR"] {
            assert!(
                reference.destinations.iter().any(|d| d.iso2 == iso),
                "a pack for {iso}"
            );
        }
    }

    #[test]
    fn scores_count_right_answers() {
        let reference = reference().expect("parses");
        let content = Content {
            modules: reference.modules.clone(),
        };
        let items = content.test_items();
        let all_right: BTreeMap<String, usize> =
            items.iter().map(|q| (q.id.clone(), q.answer)).collect();
        assert_eq!(score(&items, &all_right), 100);
        assert_eq!(score(&items, &BTreeMap::new()), 0);
    }
}
