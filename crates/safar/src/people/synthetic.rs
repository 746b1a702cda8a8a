//! Synthetic persons for the demo and for benchmarks: real Uzbek names in both scripts and
//! in the spellings staff really type, regions weighted by population, destinations by the
//! 2024 migrant numbers, about two journeys each. Person `n` of a seed is always the same
//! person (dates aside: journeys end "today"), so benchmark data can be rebuilt exactly;
//! `bulk` writes what this produces.

use std::collections::HashMap;

use anyhow::Context;
use time::{Date, Month};

use super::bulk::{NewRecord, Writer};
use super::model::{Gender, Name, Pinfl};
use super::service::Deps;
use super::store::{Journey, PersonRow};
use crate::platform::ids::new_id;
use crate::reference::seed::{DESTINATIONS_CSV, DISTRICTS_CSV, REGIONS_CSV, rows};

// --- randomness ------------------------------------------------------------------------

/// SplitMix64: tiny, fast, and good enough for test data (not for secrets).
pub struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The stream of item `n` of a run: items are independent of each other, so the first
    /// 40 persons of a seed are the same whatever the scale.
    pub fn for_item(seed: u64, n: u64) -> Self {
        Rng(mix(seed ^ mix(n.wrapping_add(0x5AFA_12))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (multiply-shift: no modulo bias worth the name).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

/// A weighted choice over a non-empty list.
pub struct Weighted<T> {
    items: Vec<T>,
    ends: Vec<u64>,
    total: u64,
}

impl<T> Weighted<T> {
    pub fn new(pairs: impl IntoIterator<Item = (T, u64)>) -> anyhow::Result<Self> {
        let (mut items, mut ends, mut total) = (vec![], vec![], 0u64);
        for (item, weight) in pairs.into_iter().filter(|(_, w)| *w > 0) {
            total += weight;
            items.push(item);
            ends.push(total);
        }
        anyhow::ensure!(!items.is_empty(), "nothing to choose from");
        Ok(Weighted { items, ends, total })
    }

    pub fn pick(&self, rng: &mut Rng) -> &T {
        let x = rng.below(self.total);
        let i = self.ends.partition_point(|end| *end <= x);
        &self.items[i.min(self.items.len() - 1)]
    }
}

// --- names -----------------------------------------------------------------------------

/// Given names in official Uzbek Latin (‘ U+2018 in o‘ and g‘, ’ U+2019 for the tutuq).
const MALE: &str = "Abbos Abdulaziz Abdulla Abdumalik Abduqodir Abdurahmon Abdurashid Abdusattor \
    Abror Adham Ahmad Ahror Akbar Akmal Akrom Ali Alisher Anvar Asilbek Asqar Avaz Azamat Aziz Azizbek \
    Bahodir Bahriddin Bahrom Baxtiyor Behruz Bekmurod Bekzod Bobur Botir Davron Dilmurod Dilshod Diyor \
    Doniyor Doston Elbek Eldor Elyor Ergash Erkin Eshmat Farhod Farrux Fazliddin Furqat G‘ani G‘ayrat \
    G‘iyos G‘ofur G‘olib Hamid Hamza Hasan Hayot Hikmat Husan Husniddin Ibrohim Ikrom Ilhom Ilyos Islom \
    Islombek Ismoil Ixtiyor Jahongir Jaloliddin Jamoliddin Jamshid Jasur Javlon Jo‘ra Jo‘rabek Kamol \
    Kamoliddin Karim Komil Laziz Lochin Lutfullo Mahmud Mansur Maqsud Mardon Mirjalol Mirkomil Mirzo \
    Mo‘min Muhammad Muhammadali Murod Mustafo Muzaffar Najmiddin Nasim Nodir Nodirbek Ne’mat Nizom \
    Nurali Nurbek Nuriddin Nurillo Nursulton Obid Odil Olim Olimjon Ortiq Otabek Oybek O‘ktam O‘lmas \
    O‘tkir Po‘lat Qahramon Qobil Qodir Qudrat Qurbon Rahim Rahmatulla Rahmon Rashid Ravshan Ruslan \
    Rustam Ro‘zimurod Saidakbar Samandar Sanjar Sardor Sarvar Sayfulla Shahzod Shamsiddin Shavkat \
    Sherali Sherzod Shohruh Shokir Shodmon Shuhrat Sirojiddin Sobir Sodiq Sohib Sulaymon Sunnat Temur \
    Tohir Tolib Toshmat Toshpo‘lat To‘lqin Tursun Ulug‘bek Umar Umid Usmon Vali Valijon Vohid Xayrulla \
    Xoliq Xolmurod Xudoyberdi Xurshid Yahyo Yodgor Yo‘ldosh Yusuf Zafar Zarif Zayniddin Zohid Zokir";

const FEMALE: &str = "Aziza Bahor Barno Charos Dilafruz Dilbar Dildora Dilfuza Dilnoza Dilorom \
    Dilrabo Dilshoda Diyora Durdona Farida Feruza Gavhar Gulandom Gulasal Gulbadan Gulbahor Gulchehra \
    Gulhayo Guljahon Gulmira Gulnora Gulnoza Gulruh Gulsanam Gulsara Gulshan Habiba Halima Hanifa \
    Hilola Hulkar Hurriyat Inobat Iqbol Iroda Jamila Jasmina Kamola Komila Kumush Latofat Laylo Lobar \
    Lola Madina Mahliyo Malika Manzura Marhabo Marjona Maryam Mashhura Mastura Mavluda Maftuna \
    Mehriniso Mohinur Mohira Mohlaroyim Muattar Muborak Muhabbat Mukarram Munira Munisa Mushtariy \
    Mutabar Nafisa Nargiza Nasiba Navbahor Nazira Nazokat Nigina Nigora Nilufar Nodira Nozima Odina \
    Oydin Oygul Oyjamol Oysha Ozoda O‘g‘iloy Parizod Parvina Pokiza Qunduz Ra’no Rayhon Risolat Robiya \
    Rohat Rohila Ruxsora Sabina Sabohat Sadoqat Saida Salomat Sanobar Saodat Sarvinoz Sayyora Sevara \
    Sevinch Shahlo Shahnoza Shahodat Sharofat Shirin Shodiya Shohida Shoira Sitora Sohiba Sojida \
    Sug‘diyona Surayyo Tanzila Tursunoy Umida Vasila Xadicha Xolida Xosiyat Xurshida Yorqinoy Yoqut \
    Yulduz Zamira Zarina Zarnigor Zaynab Zebo Zilola Ziyoda Zuhra Zulayho Zulfiya Zulxumor Gulyuz \
    Dinora Farangiz Mohichehra Mavjuda Oyxon Shahzoda Sarvara Sevinchoy Nurxon Mahbuba Go‘zal \
    Nodirabegim";

/// Family-name stems: the Russian-style suffix is added per gender (Karimov, Karimova).
const FAMILY_STEMS: &str = "Abdi Abdulla Abduqodir Abdurahmon Abdurashid Ahmad Akbar Akrom Alim Ali \
    Amin Anvar Azim Aziz Barat Berdi Bobojon Bolta Bozor Chori Davlat Doniyor Egamberdi Ergash Ermat \
    Eshmat Eshon Eson Fayzi Fayzulla Fozil G‘afur G‘oyib G‘ulom Hakim Hamid Hamro Hasan Haydar Hayit \
    Hoshim Husan Ibod Ibrohim Ikrom Inoyat Islom Ismoil Jabbor Jalil Jo‘ra Juma Jumaniyoz Kamol Karim \
    Kenja Latip Madamin Mahkam Mahmud Majid Mamadali Mamat Mansur Ma’ruf Matyoqub Mirza Mo‘min Murod \
    Musa Nabi Nasriddin Nazar Ne’mat Nishon Nizom Normat Normurod Nurali Nurmat Obid Ochil Odil Olim \
    Omon Orip Ortiq Otajon Parda Po‘lat Qahhor Qayum Qodir Qosim Qo‘chqor Qo‘zi Qurbon Quvondiq Rahim \
    Rahmat Rahmon Rajab Rashid Rasul Ravshan Ro‘zi Rustam Safar Said Salim Samad Sattor Shamsi Sharip \
    Sharof Shermat Shodi Shukur Sobir Sodiq Sulton Suyun Tilla Tog‘ay Toji Tolib Tosh Toshmat Tursun \
    To‘xta Turg‘un Ubaydulla Umar Usmon Uzoq Vali Xalil Xidir Xo‘ja Xolmat Xoliq Xudoyberdi Xushvaqt \
    Yarash Yodgor Yoqub Yo‘lchi Yo‘ldosh Yunus Yusup Zafar Zohid Zokir Zoir Abdug‘ani Abdujabbor \
    Abdusalom Adham Ahad Alimardon Bahrom Baxtiyor Bekmurod Beknazar Botir Dadaxon Dehqon Erkin Fattoh \
    Hamdam Hojimat Holiq Ismat Jo‘rabek Kabir Komil Mamajon Mirzaali Muhiddin Mo‘minjon Nabijon Nazir \
    Norbo‘ta Normo‘min Nosir Otaboy Pirmat Rayim Sa’dulla Saidmurod Saloh Saparboy Shukrullo Tojiboy \
    Turdi Umarali Valijon Sirojiddin Ro‘ziboy Saidali";

/// The Russian-style suffix base: Aliyev, Ergashev, Tog‘ayev, Karimov (and Aliyevich, ...).
fn suffix_base(stem: &str) -> &'static str {
    if stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
        "yev"
    } else if stem.ends_with('y') || stem.ends_with("sh") || stem.ends_with("ch") {
        "ev"
    } else {
        "ov"
    }
}

pub fn family_name(stem: &str, gender: Gender) -> String {
    let feminine = if gender == Gender::Female { "a" } else { "" };
    format!("{stem}{}{feminine}", suffix_base(stem))
}

/// A patronymic from the father's given name: mostly the Russian form (Karimovich,
/// Aliyevna), sometimes the Uzbek one (Karim o‘g‘li, Karim qizi).
pub fn patronymic(father: &str, gender: Gender, uzbek_form: bool) -> String {
    match (uzbek_form, gender) {
        (true, Gender::Male) => format!("{father} o‘g‘li"),
        (true, Gender::Female) => format!("{father} qizi"),
        (false, Gender::Male) => format!("{father}{}ich", suffix_base(father)),
        (false, Gender::Female) => format!("{father}{}na", suffix_base(father)),
    }
}

/// Frequencies fall off with rank as real name frequencies do (a few names are very
/// common); the rank comes from a fixed shuffle, so the alphabet decides nothing.
fn zipf(list: &'static str) -> anyhow::Result<Weighted<&'static str>> {
    let mut names: Vec<&'static str> = list.split_whitespace().collect();
    let mut rng = Rng::new(0x5AFA_2018);
    for i in (1..names.len()).rev() {
        names.swap(i, rng.below(i as u64 + 1) as usize);
    }
    Weighted::new(
        names
            .into_iter()
            .enumerate()
            .map(|(rank, name)| (name, 1_000_000 / (rank as u64 + 10))),
    )
}

// --- spellings ---------------------------------------------------------------------------

/// How a person's names were typed in. About 60 % official Latin, 25 % Uzbek Cyrillic and
/// 15 % the variants staff really type: other apostrophes or none, and Russian-style
/// transcription (Khodjaev, Ходжаев, Уктам).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    Official,
    Cyrillic,
    AsciiApostrophe,
    Backtick,
    NoApostrophe,
    RussianLatin,
    /// Capitals, as copied from an old passport: KHODJAEV.
    PassportLatin,
    RussianCyrillic,
}

const SPELLINGS: &[(Spelling, u64)] = &[
    (Spelling::Official, 60),
    (Spelling::Cyrillic, 25),
    (Spelling::AsciiApostrophe, 5),
    (Spelling::Backtick, 1),
    (Spelling::NoApostrophe, 3),
    (Spelling::RussianLatin, 2),
    (Spelling::PassportLatin, 1),
    (Spelling::RussianCyrillic, 3),
];

impl Spelling {
    /// `official` written this way.
    pub fn write(self, official: &str) -> String {
        let apostrophes = |to: &str| official.replace(['‘', '’'], to);
        match self {
            Spelling::Official => official.to_string(),
            Spelling::Cyrillic => uz_text::latin_to_cyrillic(official),
            Spelling::AsciiApostrophe => apostrophes("'"),
            Spelling::Backtick => apostrophes("`"),
            Spelling::NoApostrophe => apostrophes(""),
            Spelling::RussianLatin => russian_latin(official),
            Spelling::PassportLatin => russian_latin(official).to_uppercase(),
            Spelling::RussianCyrillic => russian_cyrillic(&uz_text::latin_to_cyrillic(official)),
        }
    }
}

/// Russian-style Latin: o‘ → u, g‘ → g, q → k, x and h → kh, j → dj, -yev → -ev.
fn russian_latin(official: &str) -> String {
    // Xo‘ja is traditionally Khodja, not Khudja.
    let text = official.replace("Xo‘j", "Xoj").replace("xo‘j", "xoj");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let upper = c.is_uppercase();
        let cased = |s: &str| if upper { capitalise(s) } else { s.to_string() };
        match c.to_lowercase().next().unwrap_or(c) {
            'o' | 'g' if matches!(next, Some('‘' | '’')) => {
                out.push_str(&cased(if c.eq_ignore_ascii_case(&'o') { "u" } else { "g" }));
                i += 1;
            }
            's' | 'c' if next == Some('h') => {
                out.push(c);
                out.push('h');
                i += 1;
            }
            'x' | 'h' => out.push_str(&cased("kh")),
            'q' => out.push_str(&cased("k")),
            'j' => out.push_str(&cased("dj")),
            '‘' | '’' => {}
            _ => out.push(c),
        }
        i += 1;
    }
    out.replace("yev", "ev")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Russian Cyrillic from Uzbek Cyrillic: no ў қ ғ ҳ, ж as дж (Ўктам → Уктам, Хўжаев → Ходжаев).
fn russian_cyrillic(uzbek: &str) -> String {
    let text = uzbek
        .replace("Хўж", "Хож")
        .replace("Йў", "Ю")
        .replace("йў", "ю")
        .replace("Ёқуб", "Якуб");
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            'ў' => out.push('у'),
            'Ў' => out.push('У'),
            'қ' => out.push('к'),
            'Қ' => out.push('К'),
            'ғ' => out.push('г'),
            'Ғ' => out.push('Г'),
            'ҳ' => out.push('х'),
            'Ҳ' => out.push('Х'),
            'ж' => out.push_str("дж"),
            'Ж' => out.push_str("Дж"),
            'ъ' => {}
            _ => out.push(c),
        }
    }
    out
}

// --- places and destinations ---------------------------------------------------------------

/// Uzbek labour migrants abroad at the end of 2024, in hundreds. RU, KZ and TR are the
/// Migration Agency's figures (Russia 698,000, Kazakhstan 322,700, Türkiye 88,700 of 1.35
/// million; gazeta.uz/en/2025/01/22/migrant), so the shares are ≈ 52 %, 24 % and 7 %. KR
/// is the count of Uzbek residents in Korea in 2024 (one.uz, 89,700), which includes some
/// students. The remaining ≈ 151,000 are not broken down by any source we hold: they are
/// spread over the other destinations as estimates, in the order the 2024 remittance
/// figures suggest (reference-data/remittances.csv). Note that remittance shares (Russia
/// 75 %) are not migrant shares: wages differ too much between destinations.
const DESTINATION_STOCKS: &[(&str, u64)] = &[
    ("RU", 6_980),
    ("KZ", 3_227),
    ("TR", 887),
    ("KR", 897),
    ("AE", 350), // estimate
    ("GB", 250), // estimate: seasonal visas plus skilled workers
    ("PL", 250), // estimate
    ("DE", 200), // estimate
    ("JP", 150), // estimate
    ("QA", 120), // estimate
    ("SA", 120), // estimate
    ("IL", 70),  // estimate
];

/// Regions weighted by population, each with its districts.
pub struct Geography {
    regions: Weighted<(String, Vec<String>)>,
}

impl Geography {
    /// From the compiled-in reference data. Weights use the 1 January 2022 figure, the one
    /// date every region has (the 2025 figures exist for five regions only).
    pub fn from_reference() -> anyhow::Result<Self> {
        let mut districts: HashMap<String, Vec<String>> = HashMap::new();
        for d in rows(DISTRICTS_CSV)? {
            if let (Some(region), Some(soato)) = (d.get("region_iso"), d.get("soato_code")) {
                districts
                    .entry(region.clone())
                    .or_default()
                    .push(soato.clone());
            }
        }
        let mut regions = vec![];
        for r in rows(REGIONS_CSV)? {
            let iso = r.get("iso_3166_2").cloned().unwrap_or_default();
            let population = r.get("population").and_then(|p| p.parse::<u64>().ok());
            let population = population.with_context(|| format!("no population for {iso}"))?;
            let list = districts.remove(&iso).unwrap_or_default();
            regions.push(((iso, list), population));
        }
        Ok(Geography {
            regions: Weighted::new(regions)?,
        })
    }
}

fn destinations() -> anyhow::Result<Weighted<&'static str>> {
    let known: Vec<String> = rows(DESTINATIONS_CSV)?
        .iter()
        .filter_map(|r| r.get("iso2").cloned())
        .collect();
    Weighted::new(
        DESTINATION_STOCKS
            .iter()
            .filter(|(iso, _)| known.iter().any(|k| k == iso))
            .copied(),
    )
}

/// Jobs Uzbek migrants most often do abroad (ISCO-08 unit groups from sectors.csv).
const SECTORS: &[(&str, u64)] = &[
    ("9313", 20), // building construction labourers
    ("7112", 8),  // bricklayers
    ("7212", 5),  // welders
    ("8322", 10), // car, taxi and van drivers
    ("8332", 6),  // heavy truck drivers
    ("9211", 12), // crop farm labourers
    ("9333", 8),  // freight handlers
    ("9112", 7),  // cleaners
    ("5120", 5),  // cooks
    ("5322", 4),  // home-based personal care workers
    ("9329", 8),  // manufacturing labourers
    ("7533", 3),  // sewing workers
    ("2221", 1),  // nurses
    ("2512", 1),  // software developers
];

// --- persons ---------------------------------------------------------------------------

const MOBILE_CODES: [&str; 10] = ["90", "91", "93", "94", "95", "97", "98", "99", "33", "88"];
const PASSPORT_SERIES: [&str; 5] = ["AA", "AB", "AC", "AD", "AE"];

/// A phone number unique to `(seq, which)`: an affine bijection of 0..10⁸ spreads the
/// numbers over the operators and still never repeats one (for seq below 5·10⁷).
fn phone(seq: u64, which: u64) -> String {
    let q = (seq * 2 + which).wrapping_mul(48_271_829).wrapping_add(13_579_246) % 100_000_000;
    let code = MOBILE_CODES[(q / 10_000_000) as usize % MOBILE_CODES.len()];
    format!("+998{code}{:07}", q % 10_000_000)
}

fn passport(seq: u64) -> String {
    let n = seq.wrapping_mul(7_654_321).wrapping_add(1_234_567) % 10_000_000;
    let series = PASSPORT_SERIES[(seq % PASSPORT_SERIES.len() as u64) as usize];
    format!("{series}{n:07}")
}

/// Birth years of migrants: mostly born 1985–2002, few before 1970.
const BIRTH_DECADES: &[(i32, i32, u64)] = &[
    (1960, 1969, 1),
    (1970, 1979, 3),
    (1980, 1989, 7),
    (1990, 1999, 10),
    (2000, 2006, 8),
];

/// One synthetic person as typed in (names in their `spelling`), before it is a row.
#[derive(Clone, Debug)]
pub struct Draft {
    pub seq: u64,
    pub spelling: Spelling,
    pub given_name: String,
    pub family_name: String,
    pub patronymic: String,
    pub birth_date: Date,
    pub gender: Gender,
    pub pinfl: Pinfl,
    pub region: String,
    pub district: Option<String>,
    pub phones: Vec<String>,
    pub passport: Option<String>,
    pub journeys: Vec<JourneyDraft>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyDraft {
    pub departure: bool,
    pub date: Date,
    pub country: &'static str,
    pub channel: &'static str,
    pub sector: &'static str,
    pub source: &'static str,
}

/// Makes persons for one seed. Holds the weighted lists and a cache of names in the other
/// script (a run repeats a few thousand distinct names a million times).
pub struct Generator {
    seed: u64,
    today: Date,
    geography: Geography,
    male: Weighted<&'static str>,
    female: Weighted<&'static str>,
    stems: Weighted<&'static str>,
    destinations: Weighted<&'static str>,
    spellings: Weighted<Spelling>,
    sectors: Weighted<&'static str>,
    births: Weighted<(i32, i32)>,
    names: HashMap<String, Name>,
}

impl Generator {
    pub fn new(seed: u64, today: Date) -> anyhow::Result<Self> {
        Ok(Generator {
            seed,
            today,
            geography: Geography::from_reference()?,
            male: zipf(MALE)?,
            female: zipf(FEMALE)?,
            stems: zipf(FAMILY_STEMS)?,
            destinations: destinations()?,
            spellings: Weighted::new(SPELLINGS.iter().copied())?,
            sectors: Weighted::new(SECTORS.iter().copied())?,
            births: Weighted::new(BIRTH_DECADES.iter().map(|(a, b, w)| ((*a, *b), *w)))?,
            names: HashMap::new(),
        })
    }

    /// Person number `seq`: the same for the same seed whatever else is generated.
    pub fn draft(&self, seq: u64) -> Draft {
        let mut rng = Rng::for_item(self.seed, seq);
        let gender = if rng.percent(75) {
            Gender::Male
        } else {
            Gender::Female
        };
        let given = match gender {
            Gender::Male => *self.male.pick(&mut rng),
            Gender::Female => *self.female.pick(&mut rng),
        };
        let family = family_name(self.stems.pick(&mut rng), gender);
        let father = *self.male.pick(&mut rng);
        let patronymic = match rng.below(100) {
            0..80 => patronymic(father, gender, false),
            80..92 => patronymic(father, gender, true),
            _ => String::new(),
        };
        let spelling = *self.spellings.pick(&mut rng);
        let birth_date = self.birth_date(&mut rng);
        let (region, districts) = self.geography.regions.pick(&mut rng);
        let district = match districts.len() as u64 {
            0 => None,
            n if rng.percent(97) => districts.get(rng.below(n) as usize).cloned(),
            _ => None,
        };
        let mut phones = vec![phone(seq, 0)];
        if rng.percent(15) {
            phones.push(phone(seq, 1));
        }
        Draft {
            seq,
            spelling,
            given_name: spelling.write(given),
            family_name: spelling.write(&family),
            patronymic: spelling.write(&patronymic),
            birth_date,
            gender,
            // Unique for a birth date and gender while seq stays below a million apart.
            pinfl: Pinfl::generate(birth_date, gender, (seq % 1_000_000) as u32),
            region: region.clone(),
            district,
            phones,
            passport: rng.percent(10).then(|| passport(seq)),
            journeys: self.journeys(&mut rng, birth_date),
        }
    }

    fn birth_date(&self, rng: &mut Rng) -> Date {
        let (first, last) = *self.births.pick(rng);
        let year = first + rng.below((last - first + 1) as u64) as i32;
        let start = Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN);
        let day = rng.below(u64::from(time::util::days_in_year(year))) as i32;
        Date::from_julian_day(start.to_julian_day() + day).unwrap_or(start)
    }

    /// 0–4 events (2.05 on average), alternating, on distinct days from 2015 (or the
    /// 18th birthday) to today. One in ten starts with a return: already abroad in 2015.
    fn journeys(&self, rng: &mut Rng, birth: Date) -> Vec<JourneyDraft> {
        let count = match rng.below(100) {
            0..15 => 0,
            15..35 => 1,
            35..65 => 2,
            65..80 => 3,
            _ => 4,
        };
        let from = Date::from_calendar_date(2015, Month::January, 1)
            .map_or(0, Date::to_julian_day)
            .max(birth.to_julian_day() + 6575);
        let to = self.today.to_julian_day();
        if count == 0 || to <= from {
            return vec![];
        }
        let mut days: Vec<i32> = (0..count)
            .map(|_| from + rng.below((to - from + 1) as u64) as i32)
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut departure = !rng.percent(10);
        let mut stay = self.stay(rng, None);
        let mut out = vec![];
        for day in days {
            let Ok(date) = Date::from_julian_day(day) else {
                continue;
            };
            let (country, channel, sector) = stay;
            let official = channel == "official";
            let source = if rng.percent(if official { 80 } else { 25 }) {
                "agency"
            } else {
                "border_import"
            };
            out.push(JourneyDraft {
                departure,
                date,
                country,
                channel,
                sector,
                source,
            });
            if !departure {
                stay = self.stay(rng, Some(country));
            }
            departure = !departure;
        }
        out
    }

    /// Where the next stay abroad is, and how: most people go back where they were before.
    fn stay(
        &self,
        rng: &mut Rng,
        before: Option<&'static str>,
    ) -> (&'static str, &'static str, &'static str) {
        let country = match before {
            Some(c) if rng.percent(70) => c,
            _ => *self.destinations.pick(rng),
        };
        let channel = match rng.below(100) {
            0..20 => "official",
            20..80 => "independent",
            _ => "unknown",
        };
        let sector = if channel == "official" || rng.percent(40) {
            *self.sectors.pick(rng)
        } else {
            ""
        };
        (country, channel, sector)
    }

    /// The draft as a record, its names read exactly as `service::create` reads them.
    /// `None` if a name does not pass `Name::parse` (a bug in the lists, never input).
    pub fn record(&mut self, draft: Draft, now_ms: i64) -> Option<NewRecord> {
        let given = self.name("given_name", &draft.given_name, true)?;
        let family = self.name("family_name", &draft.family_name, true)?;
        let patronymic = self.name("patronymic", &draft.patronymic, false)?;
        let (gl, gc) = given.latin_cyrillic();
        let (fl, fc) = family.latin_cyrillic();
        let (pl, pc) = patronymic.latin_cyrillic();
        let d = draft.birth_date;
        let row = PersonRow {
            id: new_id(),
            pinfl: draft.pinfl.as_str().to_string(),
            given_name: given.entered.clone(),
            family_name: family.entered.clone(),
            patronymic: patronymic.entered.clone(),
            given_name_latn: gl.into(),
            family_name_latn: fl.into(),
            patronymic_latn: pl.into(),
            given_name_cyrl: gc.into(),
            family_name_cyrl: fc.into(),
            patronymic_cyrl: pc.into(),
            birth_date: format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day()),
            birth_year: i64::from(d.year()),
            gender: draft.gender.as_str().into(),
            region_iso: draft.region,
            district_soato: draft.district,
            mahalla: String::new(),
            email: None,
            passport_sealed: None,
            status: "at_home".into(),
            user_id: None,
            created_at: now_ms,
        };
        let journeys = draft.journeys.iter().map(journey).collect();
        Some(NewRecord {
            row,
            phones: draft.phones,
            passport: draft.passport,
            journeys,
        })
    }

    /// `Name::parse`, remembered; an absent optional name is the empty name, as in service.rs.
    fn name(&mut self, field: &'static str, text: &str, required: bool) -> Option<Name> {
        if text.trim().is_empty() {
            let empty = Name {
                entered: String::new(),
                other_script: String::new(),
            };
            return (!required).then_some(empty);
        }
        if let Some(n) = self.names.get(text) {
            return Some(n.clone());
        }
        let name = Name::parse(field, text, required).ok().flatten()?;
        self.names.insert(text.to_string(), name.clone());
        Some(name)
    }
}

fn journey(j: &JourneyDraft) -> Journey {
    let d = j.date;
    Journey {
        id: new_id(),
        kind: if j.departure { "departure" } else { "return" }.into(),
        event_date: format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day()),
        country_iso2: j.country.into(),
        channel: j.channel.into(),
        employer: String::new(),
        recruiter: String::new(),
        sector_isco: j.sector.into(),
        source: j.source.into(),
    }
}
