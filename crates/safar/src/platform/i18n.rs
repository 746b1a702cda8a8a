//! Four languages. Translators keep three Fluent files (uz-Latn, ru, en); the uz-Cyrl
//! text is generated from uz-Latn by `uz-text`, so Uzbek is written once. Uzbek messages
//! therefore use only simple placeables (`{ $name }`), never selectors: the generator
//! transliterates everything outside braces and copies what is inside unchanged.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    UzLatn,
    UzCyrl,
    Ru,
    En,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::UzLatn, Locale::UzCyrl, Locale::Ru, Locale::En];

    /// The BCP 47 tag, as used in `?lang=`, the cookie and `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::UzLatn => "uz-Latn",
            Locale::UzCyrl => "uz-Cyrl",
            Locale::Ru => "ru",
            Locale::En => "en",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::UzLatn => "Oʻzbekcha",
            Locale::UzCyrl => "Ўзбекча",
            Locale::Ru => "Русский",
            Locale::En => "English",
        }
    }

    /// Exact tag, case-insensitive. Unknown tags are `None`, never an error page.
    pub fn from_tag(tag: &str) -> Option<Self> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// Best match for an `Accept-Language` header; plain `uz` means Latin script.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut ranked: Vec<(f32, Locale)> = header
            .split(',')
            .filter_map(|part| {
                let mut bits = part.split(';');
                let tag = bits.next()?.trim().to_ascii_lowercase();
                let q = bits
                    .find_map(|b| b.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                let locale = if tag.starts_with("uz-cyrl") {
                    Locale::UzCyrl
                } else if tag.starts_with("uz") {
                    Locale::UzLatn
                } else if tag.starts_with("ru") {
                    Locale::Ru
                } else if tag.starts_with("en") {
                    Locale::En
                } else {
                    return None;
                };
                (q > 0.0).then_some((q, locale))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, l)| *l)
    }
}

pub const UZ_LATN_FTL: &str = include_str!("../../locales/uz-Latn/main.ftl");
pub const RU_FTL: &str = include_str!("../../locales/ru/main.ftl");
pub const EN_FTL: &str = include_str!("../../locales/en/main.ftl");

/// Generates the uz-Cyrl Fluent source from uz-Latn: message ids, comments and
/// placeables stay as they are; text is transliterated.
pub fn uz_cyrl_ftl() -> String {
    UZ_LATN_FTL
        .lines()
        .map(transliterate_ftl_line)
        .collect::<Vec<_>>()
        .join("\n")
}

fn transliterate_ftl_line(line: &str) -> String {
    if line.trim_start().starts_with('#') {
        return line.to_string();
    }
    // `key = value` or `    .attr = value`: keep the part up to and including "=".
    let (head, body) = match line.find('=') {
        Some(pos) if is_message_head(&line[..pos]) => line.split_at(pos + 1),
        _ => ("", line),
    };
    let mut out = String::from(head);
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        out.push_str(&uz_text::latin_to_cyrillic(&rest[..open]));
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str(&rest[open..close]);
        rest = &rest[close..];
    }
    out.push_str(&uz_text::latin_to_cyrillic(rest));
    out
}

fn is_message_head(s: &str) -> bool {
    let s = s.trim();
    let s = s.strip_prefix('.').unwrap_or(s);
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

struct Catalog {
    bundles: Vec<(Locale, FluentBundle<FluentResource>)>,
}

fn bundle(locale: Locale, source: String) -> FluentBundle<FluentResource> {
    let lang: LanguageIdentifier = locale.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    bundle.set_use_isolating(false);
    match FluentResource::try_new(source) {
        Ok(res) => {
            if let Err(errors) = bundle.add_resource(res) {
                tracing::error!(
                    ?errors,
                    locale = locale.tag(),
                    "duplicate messages in locale"
                );
            }
        }
        Err((res, errors)) => {
            tracing::error!(?errors, locale = locale.tag(), "syntax errors in locale");
            let _ = bundle.add_resource(res);
        }
    }
    bundle
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog {
    bundles: vec![
        (
            Locale::UzLatn,
            bundle(Locale::UzLatn, UZ_LATN_FTL.to_string()),
        ),
        (Locale::UzCyrl, bundle(Locale::UzCyrl, uz_cyrl_ftl())),
        (Locale::Ru, bundle(Locale::Ru, RU_FTL.to_string())),
        (Locale::En, bundle(Locale::En, EN_FTL.to_string())),
    ],
});

/// A translator for one locale; cheap to copy into every page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Self {
        Tr { locale }
    }

    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// A message with one argument, the common case in templates.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    /// A message with a number (Russian plurals select on it).
    pub fn tn(&self, key: &str, name: &str, n: i64) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(n));
        self.format(key, Some(&args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let Some((_, bundle)) = CATALOG.bundles.iter().find(|(l, _)| *l == self.locale) else {
            return key.to_string();
        };
        let (id, attr) = key
            .split_once('.')
            .map_or((key, None), |(m, a)| (m, Some(a)));
        let pattern = bundle.get_message(id).and_then(|m| match attr {
            None => m.value(),
            Some(a) => m.get_attribute(a).map(|a| a.value()),
        });
        let Some(pattern) = pattern else {
            tracing::warn!(key, locale = self.locale.tag(), "missing translation");
            return key.to_string();
        };
        let mut errors = vec![];
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    pub fn has(&self, key: &str) -> bool {
        CATALOG
            .bundles
            .iter()
            .any(|(l, b)| *l == self.locale && b.has_message(key))
    }
}

/// The message ids defined in a Fluent source (used by the completeness test).
pub fn message_ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '.']))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .filter(|k| is_message_head(k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_highest_quality_supported() {
        assert_eq!(
            Locale::from_accept_language("ru-RU,ru;q=0.9,en;q=0.8"),
            Some(Locale::Ru)
        );
        assert_eq!(
            Locale::from_accept_language("de, en;q=0.5"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("uz-Cyrl-UZ"),
            Some(Locale::UzCyrl)
        );
        assert_eq!(Locale::from_accept_language("uz"), Some(Locale::UzLatn));
        assert_eq!(Locale::from_accept_language("fr, de"), None);
        assert_eq!(Locale::from_accept_language(";;,,q=abc"), None);
    }

    #[test]
    fn cyrillic_generation_keeps_ids_and_placeables() {
        let line = transliterate_ftl_line("login-welcome = Xush kelibsiz, { $name }!");
        assert!(line.starts_with("login-welcome ="), "{line}");
        assert!(line.contains("{ $name }"), "{line}");
        assert!(!line.contains("Xush"), "{line}");
    }

    #[test]
    fn every_locale_defines_every_message() {
        let reference = message_ids(EN_FTL);
        assert!(
            reference.len() > 50,
            "the English catalogue looks truncated"
        );
        for (name, source) in [
            ("uz-Latn", UZ_LATN_FTL.to_string()),
            ("ru", RU_FTL.into()),
            ("uz-Cyrl", uz_cyrl_ftl()),
        ] {
            let ids = message_ids(&source);
            let missing: Vec<_> = reference.iter().filter(|k| !ids.contains(k)).collect();
            let extra: Vec<_> = ids.iter().filter(|k| !reference.contains(k)).collect();
            assert!(missing.is_empty(), "{name} lacks {missing:?}");
            assert!(extra.is_empty(), "{name} has keys English lacks: {extra:?}");
        }
    }

    #[test]
    fn no_message_is_defined_twice() {
        for (name, source) in [("en", EN_FTL), ("uz-Latn", UZ_LATN_FTL), ("ru", RU_FTL)] {
            let mut ids = message_ids(source);
            ids.sort();
            let twice: Vec<_> = ids
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| &w[0])
                .collect();
            assert!(
                twice.is_empty(),
                "{name} defines {twice:?} twice (the later one wins silently)"
            );
        }
    }

    #[test]
    fn uzbek_source_uses_no_selectors() {
        let selector = UZ_LATN_FTL
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .find(|l| l.contains("->"));
        assert_eq!(
            selector, None,
            "uz-Latn must not use selectors (see module docs)"
        );
    }

    #[test]
    fn every_message_is_present_and_non_empty_in_every_locale() {
        for locale in Locale::ALL {
            let tr = Tr::new(locale);
            for id in message_ids(EN_FTL) {
                assert!(tr.has(&id), "{id} missing in {}", locale.tag());
                assert!(
                    !tr.format(&id, None).trim().is_empty(),
                    "{id} empty in {}",
                    locale.tag()
                );
            }
        }
    }
}
