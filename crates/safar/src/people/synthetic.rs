//! Synthetic persons for the demo and for benchmarks: real Uzbek names in both scripts and
//! in the spellings staff really type, regions weighted by population, destinations by the
//! 2024 migrant numbers, about two journeys each. Person `n` of a seed is always the same
//! person (dates aside: journeys end "today"), so benchmark data can be rebuilt exactly;
//! `bulk` writes what this produces.

pub mod names;

use std::collections::HashMap;
use std::ops::Range;

use anyhow::Context;
use sqlx::Row;
use time::{Date, Month, OffsetDateTime};

use names::{
    COMMON_FEMALE, COMMON_MALE, COMMON_STEMS, FAMILY_STEMS, FEMALE, MALE, SPELLINGS, Spelling,
    family_name, patronymic, zipf,
};

use super::bulk::{NewRecord, Writer};
use super::model::{Gender, Name, Pinfl};
use super::service::Deps;
use super::store::{Journey, PersonRow};
use crate::platform::db::Db;
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
        Rng(mix(seed ^ mix(n.wrapping_add(0x005A_FA12))))
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

// --- places and destinations ---------------------------------------------------------------

/// Uzbek labour migrants abroad at the end of 2024, in hundreds. RU, KZ and TR are the
/// Migration Agency's figures (Russia 698,000, Kazakhstan 322,700, Türkiye 88,700 of 1.35
/// million; gazeta.uz/en/2025/01/22/migrant), so their shares are ≈ 52 %, 24 % and 7 %.
/// KR is the number of Uzbek residents in Korea in 2024 (89,700, one.uz; it includes some
/// students). No source we hold splits the remaining ≈ 151,000, so the other destinations
/// get estimated weights that add up to it. The reference data has remittances by country
/// (reference-data/remittances.csv) but those are no head count: Russia sends 75 % of the
/// money with 52 % of the people, Korea and the UK far more per person.
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
    let q = seq
        .wrapping_mul(2)
        .wrapping_add(which)
        .wrapping_mul(48_271_829)
        .wrapping_add(13_579_246)
        % 100_000_000;
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
            male: zipf(MALE, COMMON_MALE)?,
            female: zipf(FEMALE, COMMON_FEMALE)?,
            stems: zipf(FAMILY_STEMS, COMMON_STEMS)?,
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
            // Two persons share a PINFL only if they share birth date and gender and their
            // numbers are a multiple of a million apart; `bulk` skips such a repeat.
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
    /// 18th birthday) to today. One in ten adults of 2015 starts with a return: they were
    /// abroad already when the records begin.
    fn journeys(&self, rng: &mut Rng, birth: Date) -> Vec<JourneyDraft> {
        let count = match rng.below(100) {
            0..15 => 0,
            15..35 => 1,
            35..65 => 2,
            65..80 => 3,
            _ => 4,
        };
        let records_begin =
            Date::from_calendar_date(2015, Month::January, 1).map_or(0, Date::to_julian_day);
        let adult = birth.to_julian_day() + 6575;
        let from = records_begin.max(adult);
        let to = self.today.to_julian_day();
        if count == 0 || to <= from {
            return vec![];
        }
        let mut days: Vec<i32> = (0..count)
            .map(|_| from + rng.below((to - from + 1) as u64) as i32)
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut departure = adult > records_begin || !rng.percent(10);
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
            birth_date: ymd(draft.birth_date),
            birth_year: i64::from(draft.birth_date.year()),
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

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn journey(j: &JourneyDraft) -> Journey {
    Journey {
        id: new_id(),
        kind: if j.departure { "departure" } else { "return" }.into(),
        event_date: ymd(j.date),
        country_iso2: j.country.into(),
        channel: j.channel.into(),
        employer: String::new(),
        recruiter: String::new(),
        sector_isco: j.sector.into(),
        source: j.source.into(),
    }
}

// --- runs ------------------------------------------------------------------------------

/// Persons `first .. first + count` of `seed`, written `batch` at a time.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub seed: u64,
    pub first: u64,
    pub count: u64,
    pub batch: usize,
}

/// What a run added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub persons: u64,
    pub journeys: u64,
    /// Persons not written: their PINFL was taken (or, never expected, a name refused).
    pub skipped: u64,
}

/// Where the next run should start: past every sequence number an earlier run can have
/// used (if each started here and no person was deleted since), so it repeats none of
/// their phone numbers or PINFL tails.
pub async fn next_seq(db: &Db) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM persons")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Generates and writes the plan's persons; `progress` hears after every batch. The next
/// batch is generated on another thread while the database writes this one.
pub async fn populate(
    deps: Deps<'_>,
    plan: Plan,
    mut progress: impl FnMut(&Summary),
) -> anyhow::Result<Summary> {
    let today = OffsetDateTime::from_unix_timestamp(deps.clock.now_ms() / 1000)?.date();
    let generator = Generator::new(plan.seed, today)?;
    let mut writer = Writer::new(deps);
    let mut total = Summary::default();
    let end = plan.first.saturating_add(plan.count);
    let step = plan.batch.max(1) as u64;
    let batch = |start: u64, generator| {
        let range = start..end.min(start.saturating_add(step));
        let now = deps.clock.now_ms();
        tokio::task::spawn_blocking(move || generate(generator, range, now))
    };
    let mut next = (plan.first < end).then(|| batch(plan.first, generator));
    while let Some(handle) = next.take() {
        let (generator, records, range) = handle.await?;
        if range.end < end {
            next = Some(batch(range.end, generator));
        }
        total.skipped += (range.end - range.start) - records.len() as u64;
        let written = writer.write(records).await?;
        total.persons += written.persons;
        total.journeys += written.journeys;
        total.skipped += written.skipped;
        progress(&total);
    }
    Ok(total)
}

fn generate(
    mut generator: Generator,
    range: Range<u64>,
    now_ms: i64,
) -> (Generator, Vec<NewRecord>, Range<u64>) {
    let records = range
        .clone()
        .filter_map(|seq| {
            let draft = generator.draft(seq);
            generator.record(draft, now_ms)
        })
        .collect();
    (generator, records, range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator() -> Generator {
        let today = Date::from_calendar_date(2026, Month::June, 1).unwrap_or(Date::MIN);
        Generator::new(2026, today).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_seed_always_gives_the_same_person() {
        let (a, b) = (generator(), generator());
        for seq in [0, 1, 39, 1_000_003] {
            assert_eq!(a.draft(seq), b.draft(seq));
        }
        assert_ne!(a.draft(1).pinfl, a.draft(2).pinfl);
        assert_ne!(a.draft(1).phones, a.draft(2).phones);
    }

    #[test]
    fn shares_follow_the_reference_figures() {
        let g = generator();
        let drafts: Vec<Draft> = (0..20_000).map(|n| g.draft(n)).collect();
        let share = |n: usize, of: usize| n as f64 * 100.0 / of as f64;
        let men = drafts.iter().filter(|d| d.gender == Gender::Male).count();
        assert!((73.0..77.0).contains(&share(men, drafts.len())));
        let departures: Vec<&JourneyDraft> = drafts
            .iter()
            .flat_map(|d| &d.journeys)
            .filter(|j| j.departure)
            .collect();
        let to = |c: &str| {
            share(
                departures.iter().filter(|j| j.country == c).count(),
                departures.len(),
            )
        };
        assert!((49.0..55.0).contains(&to("RU")), "RU {}", to("RU"));
        assert!((21.0..27.0).contains(&to("KZ")), "KZ {}", to("KZ"));
        assert!((5.0..8.5).contains(&to("TR")), "TR {}", to("TR"));
        let events: usize = drafts.iter().map(|d| d.journeys.len()).sum();
        assert!((1.7..2.1).contains(&(events as f64 / drafts.len() as f64)));
        let cyrillic = drafts
            .iter()
            .filter(|d| uz_text::is_cyrillic(&d.family_name))
            .count();
        assert!((25.0..31.0).contains(&share(cyrillic, drafts.len())));
        let samarkand = drafts.iter().filter(|d| d.region == "UZ-SA").count();
        assert!(
            (10.0..13.0).contains(&share(samarkand, drafts.len())),
            "by population"
        );
    }
}
