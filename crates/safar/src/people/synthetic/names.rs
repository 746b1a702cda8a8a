//! Names for synthetic persons: real Uzbek given names and family-name stems in official
//! Latin, the Russian-style surname and patronymic forms, and the ways staff type them.

use super::{Rng, Weighted};
use crate::people::model::Gender;

/// Given names in official Uzbek Latin (‘ U+2018 in o‘ and g‘, ’ U+2019 for the tutuq).
pub const MALE: &str = "Abbos Abdulaziz Abdulla Abdumalik Abduqodir Abdurahmon Abdurashid Abdusattor \
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

pub const FEMALE: &str = "Aziza Bahor Barno Charos Dilafruz Dilbar Dildora Dilfuza Dilnoza Dilorom \
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
pub const FAMILY_STEMS: &str = "Abdi Abdulla Abduqodir Abdurahmon Abdurashid Ahmad Akbar Akrom Alim Ali \
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

/// Names that lead the frequency lists (from memory of Uzbek registries, not a count).
pub const COMMON_MALE: &[&str] = &[
    "Muhammad", "Abdulla", "Shohruh", "Jasur", "Sardor", "Bobur", "Jahongir", "Alisher", "Aziz",
    "Otabek", "Rustam", "Sherzod", "Bekzod", "Akmal", "Jamshid",
];
pub const COMMON_FEMALE: &[&str] = &[
    "Madina", "Malika", "Dilnoza", "Nilufar", "Gulnora", "Shahnoza", "Mohira", "Zarina", "Sevara",
    "Feruza", "Dilfuza", "Nodira",
];
pub const COMMON_STEMS: &[&str] = &[
    "Karim", "Rahim", "Ali", "Abdulla", "Yusup", "Tursun", "Ergash", "Rahmon", "Sobir", "Qodir",
    "Ismoil", "Usmon", "Nazar", "Mirza", "Umar", "Hasan", "Xo‘ja", "Murod", "Azim", "Safar",
];

/// Frequencies fall off with rank as real name frequencies do (a few names are very
/// common): `common` first, in its order, then the rest of `list` in a fixed shuffle, so
/// the alphabet decides nothing.
pub fn zipf(list: &'static str, common: &[&'static str]) -> anyhow::Result<Weighted<&'static str>> {
    let mut rest: Vec<&'static str> = list
        .split_whitespace()
        .filter(|n| !common.contains(n))
        .collect();
    let mut rng = Rng::new(0x5AFA_2018);
    for i in (1..rest.len()).rev() {
        rest.swap(i, rng.below(i as u64 + 1) as usize);
    }
    Weighted::new(
        common
            .iter()
            .copied()
            .chain(rest)
            .enumerate()
            .map(|(rank, name)| (name, 1_000_000 / (rank as u64 + 10))),
    )
}

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

pub const SPELLINGS: &[(Spelling, u64)] = &[
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
                out.push_str(&cased(if c.eq_ignore_ascii_case(&'o') {
                    "u"
                } else {
                    "g"
                }));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::model::{Name, name_keys, skeleton};

    fn skeletons(name: &str) -> Vec<String> {
        name_keys(name).iter().map(|k| skeleton(k)).collect()
    }

    #[test]
    fn every_name_is_accepted_and_survives_the_round_trip() {
        let male: Vec<&str> = MALE.split_whitespace().collect();
        let female: Vec<&str> = FEMALE.split_whitespace().collect();
        let stems: Vec<&str> = FAMILY_STEMS.split_whitespace().collect();
        assert!(male.len() >= 150 && female.len() >= 150 && stems.len() >= 200);
        assert!(COMMON_MALE.iter().all(|n| male.contains(n)));
        assert!(COMMON_FEMALE.iter().all(|n| female.contains(n)));
        assert!(COMMON_STEMS.iter().all(|n| stems.contains(n)));
        let mut all: Vec<String> = male.iter().chain(&female).map(|s| s.to_string()).collect();
        for g in [Gender::Male, Gender::Female] {
            all.extend(stems.iter().map(|s| family_name(s, g)));
            all.extend(male.iter().map(|f| patronymic(f, g, false)));
        }
        for name in &all {
            let parsed = Name::parse("name", name, true).ok().flatten();
            let back = parsed.map(|n| uz_text::cyrillic_to_latin(&n.other_script));
            assert_eq!(back.as_deref(), Some(name.as_str()));
        }
    }

    #[test]
    fn every_spelling_of_a_name_meets_the_official_one_in_search() {
        let names = [
            "Xo‘jayev",
            "O‘ktam",
            "G‘ulomov",
            "Ne’matovna",
            "Shohruh",
            "Yo‘ldoshev",
        ];
        assert_eq!(Spelling::RussianLatin.write("Xo‘jayev"), "Khodjaev");
        assert_eq!(Spelling::RussianCyrillic.write("Xo‘jayev"), "Ходжаев");
        assert_eq!(Spelling::RussianCyrillic.write("O‘ktam"), "Уктам");
        assert_eq!(Spelling::NoApostrophe.write("G‘ulomov"), "Gulomov");
        assert_eq!(Spelling::PassportLatin.write("Qo‘chqorov"), "KUCHKOROV");
        let stems = FAMILY_STEMS
            .split_whitespace()
            .map(|s| family_name(s, Gender::Male));
        let all = names.iter().map(|s| s.to_string()).chain(stems);
        for name in all {
            for (spelling, _) in SPELLINGS {
                let typed = spelling.write(&name);
                assert_eq!(skeletons(&typed), skeletons(&name), "{typed} for {name}");
            }
        }
    }
}
