//! Uzbek Latin ↔ Cyrillic transliteration and search keys for names.
//!
//! Pure functions over `&str`: no I/O, no panics on any input, no `unsafe`.
//!
//! # Latin → Cyrillic ([`latin_to_cyrillic`])
//!
//! The official Latin alphabet (1995, as amended). Letters: a а, b б, d д,
//! f ф, g г, h ҳ, i и, j ж, k к, l л, m м, n н, o о, p п, q қ, r р, s с,
//! t т, u у, v в, x х, y й, z з; digraphs sh ш, ch ч, o‘ ў, g‘ ғ; ng stays
//! нг.
//!
//! - **Apostrophes.** ‘ (U+2018, official), ’ (U+2019), ʻ (U+02BB),
//!   ʼ (U+02BC), ASCII `'`, backtick and ´ are all accepted. o/g + apostrophe
//!   is ў/ғ. Between two other letters an apostrophe is the tutuq belgisi, ъ
//!   ("ma’no" → маъно); between s and h it only separates them ("Is’hoq" →
//!   Исҳоқ). An apostrophe that does not touch a letter on both sides is a
//!   quotation mark and is kept — except after g (tog‘), and after o when it
//!   is ‘ or ʻ, which cannot be closing quotes.
//! - **e.** At the start of a word, after a vowel or after the tutuq: э
//!   ("ertalab" → эрталаб, "aeroport" → аэропорт); elsewhere е.
//! - **ye, yo, yu, ya** are е, ё, ю, я anywhere ("dunyo" → дунё, "Yozyovon"
//!   → Ёзёвон), except that yo‘ is йў, and ye after a consonant is ъе
//!   ("obyekt" → объект, the Russian separating sign).
//! - **ts.** т + с by default ("otsiz" → отсиз). It is ц only after a vowel
//!   and before -iya/-io ("migratsiya" → миграция, "operatsion" →
//!   операцион); -ksiya is -кция ("aksiya" → акция). Other ц words are in
//!   the exception table.
//! - **Case.** A digraph takes the case of its first letter: "Shahar" →
//!   Шаҳар, "SHAHAR" → ШАҲАР.
//! - **Left alone:** anything that is not a Latin letter; a word containing
//!   a letter outside the Uzbek alphabet (c not in ch, w, é, ı …), taken to be
//!   foreign ("WhatsApp", "Facebook"); and the machine text described below.
//!
//! # Cyrillic → Latin ([`cyrillic_to_latin`])
//!
//! The reverse, writing o‘/g‘ with ‘ (U+2018) and the tutuq with ’ (U+2019):
//!
//! - е is ye at the start of a word, after a vowel, after й and after ъ/ь
//!   ("Янгиер" → Yangiyer), e elsewhere; э is e; ё, ю, я are yo, yu, ya.
//! - ц: the official rule — **ts after a vowel, s at the start of a word and
//!   after a consonant** ("милиция" → militsiya, "цирк" → sirk, "концерт" →
//!   konsert).
//! - ъ is ’, but is dropped before е/ё/ю/я (the Russian separating sign:
//!   "объект" → obyekt) and after ў ("мўъжиза" → mo‘jiza).
//! - сҳ is s’h ("Исҳоқ" → Is’hoq), so that it does not read as sh.
//! - Russian letters: щ sh, ы i, ь dropped (ьо is yo: "бульон" → bulyon).
//!   Karakalpak/Kazakh ә a, ө o, ү ұ u, ң ng, і i, һ h; Ukrainian є ye, ї yi,
//!   ґ g.
//! - Case: an upper-case letter written with two Latin letters is all
//!   capitals inside an upper-case word ("ШАҲАР" → SHAHAR) and capitalised
//!   otherwise ("Шаҳар" → Shahar, a lone "Ш." → Sh.).
//!
//! # The exception table ([`EXCEPTIONS`])
//!
//! Loanwords the rules get wrong — months ("sentabr" ↔ сентябрь), ц words
//! ("sirk" ↔ цирк, "konsert" ↔ концерт, "litsey" ↔ лицей), ь words ("mebel"
//! ↔ мебель, "kompyuter" ↔ компьютер) — are looked up word by word in both
//! directions before the rules, keeping the word's case pattern, and also as
//! stems before common suffixes ("sentabrdan" ↔ сентябрдан). Words the rules
//! already get right ("pasport", "Rossiya", "aktyor", "obyekt") are not
//! listed; a unit test keeps it that way.
//!
//! # Machine text
//!
//! Both directions copy unchanged: whitespace-delimited tokens containing
//! `@` or `://` or starting with `www.`; `{ … }` placeables on one line;
//! `$variables`; Fluent variant keys (`[one]`, `*[other]`) at the start of a
//! line; HTML tags and entities. So a Fluent message value or a sentence
//! with an e-mail address can be converted whole.
//!
//! # Ambiguities (where a round trip does not return)
//!
//! Cyrillic → Latin → Cyrillic loses: йо, йу, йа (read back as ё, ю, я:
//! "Бойовут" and "Боёвут" are both Boyovut); ъе after a vowel (read back
//! as е); ъ before ё/ю/я ("объём" → obyom → обём); ь outside the table;
//! щ (sh), ы (i); э after a consonant (e → е; "мэр" is listed); ц after a consonant outside the table (s → с); тс
//! after a vowel before -ия/-ио, and кс before -ия (read back as ц); оъ, гъ
//! (o’ reads as ў, g’ as ғ); ўъ outside the table (ъ not written); a
//! word-final ъ (’ then reads as a closing quote).
//!
//! Latin → Cyrillic → Latin loses: non-canonical apostrophes (normalised to
//! ‘ and ’); an apostrophe after o/g meant as a tutuq; ’ before
//! ye/yo/yu/ya; the second apostrophe of o‘’/g‘’; the alternative spellings
//! in the table ("tsement", "sentyabr"); letter case other than lower,
//! Title and UPPER; a one-letter upper-case word written with a digraph
//! ("SH" → Ш → Sh). The property tests generate words that avoid exactly
//! these and check that everything else returns.
//!
//! # Search keys ([`fold`], [`fold_words`])
//!
//! See [`fold`] for exactly which spellings meet.

#![forbid(unsafe_code)]

mod chars;
mod cyrillic;
mod exceptions;
mod fold;
mod latin;
mod protect;
mod script;

pub use cyrillic::cyrillic_to_latin;
pub use exceptions::EXCEPTIONS;
pub use fold::{fold, fold_words};
pub use latin::latin_to_cyrillic;
pub use script::{Script, detect_script, is_cyrillic};
