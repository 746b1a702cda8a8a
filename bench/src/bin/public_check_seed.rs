//! Seeds a register of recruiters for the public licence check benchmark
//! (`bench/public_check.sh`) and writes the queries its wrk script rotates through.
//!
//! Every recruiter is registered and every licence decided through the product's own
//! service functions (`recruiters::service::create`, `licence_action`, `expire_due`), so the
//! search words, licences, decisions and audit entries are exactly what the product writes.
//! Names are made up from common Uzbek words (fictional; a likeness to a real agency is
//! accidental), mostly in Latin, some registered in Cyrillic; the licence states follow a
//! realistic mix (mostly licensed, some suspended, revoked, expired, applied …). Names,
//! STIRs, states and dates come from a fixed seed; licence numbers are drawn by the product
//! at grant time, so the query file reads them back from the database.
//!
//! ```sh
//! cargo build --release -p safar-bench
//! target/release/public_check_seed --database-url sqlite:///tmp/check/safar.db \
//!     --recruiters 10000 --queries-out /tmp/check/queries.tsv
//! ```

use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use safar::platform::access::Actor;
use safar::platform::clock::Clock;
use safar::platform::db::{Backend, Db};
use safar::recruiters::service::{self, LicenceInput, RecruiterInput};
use sqlx::Row;

#[derive(Parser)]
struct Args {
    /// Database to fill (`sqlite://…` or `postgres://…`); migrated and given reference data.
    #[arg(long, env = "SAFAR_BENCH_DATABASE_URL")]
    database_url: String,
    /// Recruiters in the register (nothing is added when it already holds at least this many).
    #[arg(long, default_value_t = 10_000)]
    recruiters: usize,
    /// Seed of the names, STIRs, licence states and dates, and of the query mix.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Where to write the queries (`kind<TAB>path`, the path percent-encoded).
    #[arg(long)]
    queries_out: std::path::PathBuf,
    /// How many queries to write.
    #[arg(long, default_value_t = 4000)]
    queries: usize,
    /// Skip `ANALYZE` (PostgreSQL: `VACUUM ANALYZE`) after seeding.
    #[arg(long)]
    no_analyze: bool,
}

/// SplitMix64: small, fast and the same on every platform, so a seed means one data set.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "Ishonch",
    "Baraka",
    "Omad",
    "Kelajak",
    "Nurli",
    "Zafar",
    "Barkamol",
    "Mehnat",
    "Umid",
    "Sarbon",
    "Yulduz",
    "Saodat",
    "Ezgu",
    "Ziyo",
    "Tayanch",
    "Hamkor",
    "Ravnaq",
    "Istiqbol",
    "Bunyodkor",
    "Yangi",
    "Oqibat",
    "Sadoqat",
    "Shijoat",
    "Iqbol",
    "Nafosat",
    "Ma’rifat",
    "Fayz",
    "Bahor",
    "Quyosh",
    "Tong",
    "Shafaq",
    "Bo‘ston",
    "Go‘zal",
    "Sog‘lom",
    "Xayrli",
    "Chaqmoq",
    "Jasorat",
    "Mustahkam",
    "Ko‘prik",
    "Durdona",
    "Gulshan",
    "Sharq",
    "G‘alaba",
    "Tinchlik",
    "Vatan",
    "Orzu",
    "Olmos",
    "Marvarid",
    "Zumrad",
    "Lochin",
    "Burgut",
    "Humo",
    "Navbahor",
    "Elbek",
    "Yoshlik",
    "Kamolot",
    "Unumli",
    "Samimiy",
    "Ixlos",
    "Qadriyat",
];

const SECOND: &[&str] = &[
    "Yo‘li",
    "Ish",
    "Xizmat",
    "Servis",
    "Karvon",
    "Safar",
    "Imkon",
    "Qanot",
    "Manzil",
    "Hamroh",
    "Ko‘mak",
    "Mehnat",
    "Kadr",
    "Trudservis",
    "Yo‘nalish",
    "Vakil",
    "Maslahat",
    "Tayanch",
    "Ufq",
    "Darvoza",
    "Ko‘prik",
    "Dunyo",
    "Olam",
    "Zamin",
    "Karyera",
    "Ishchi",
    "Bandlik",
    "Global",
    "Invest",
    "Plyus",
    "Markaz",
    "Hamkorlik",
    "Qo‘llov",
    "Yordam",
    "Istiqbol",
    "Madad",
    "Kelajak",
    "Tadbirkor",
    "Ustoz",
    "Shogird",
];

/// Place names that agencies put in their names, with the region they are in.
const PLACES: &[(&str, &str)] = &[
    ("Toshkent", "UZ-TK"),
    ("Samarqand", "UZ-SA"),
    ("Farg‘ona", "UZ-FA"),
    ("Andijon", "UZ-AN"),
    ("Namangan", "UZ-NG"),
    ("Buxoro", "UZ-BU"),
    ("Xorazm", "UZ-XO"),
    ("Qarshi", "UZ-QA"),
    ("Termiz", "UZ-SU"),
    ("Navoiy", "UZ-NW"),
    ("Jizzax", "UZ-JI"),
    ("Guliston", "UZ-SI"),
    ("Nukus", "UZ-QR"),
    ("Chirchiq", "UZ-TO"),
    ("Qo‘qon", "UZ-FA"),
    ("Marg‘ilon", "UZ-FA"),
];

const REGIONS: &[&str] = &[
    "UZ-TK", "UZ-TK", "UZ-TK", "UZ-SA", "UZ-FA", "UZ-AN", "UZ-NG", "UZ-QA", "UZ-SU", "UZ-XO",
    "UZ-BU", "UZ-NW", "UZ-JI", "UZ-SI", "UZ-TO", "UZ-QR",
];

const LEGAL: &[&str] = &[
    "xususiy bandlik agentligi",
    "xususiy bandlik agentligi",
    "MChJ",
    "MChJ xususiy bandlik agentligi",
];

/// Words in no registered name: these queries find nothing (the warning case).
const UNKNOWN: &[&str] = &[
    "Oltin Voha",
    "Moviy Osmon",
    "Kumush Qal’a",
    "Zangori Dengiz",
    "Lola Travel",
    "Euro Job Konsalting",
    "Поляк Виза Сервис",
    "Евроиш Марказ",
    "Seoul Dream Agency",
    "Oq Kaptar",
    "Ипак Йўли Трэвел",
    "Sariq Anor",
];

const FOREIGN: &[(&str, &str, &str)] = &[
    ("GB", "Recruitment Ltd", "licensed"),
    ("KR", "Manpower Co.", "licensed"),
    ("DE", "Personal GmbH", "licensed"),
    ("JP", "Staffing K.K.", "unknown"),
    ("PL", "Praca Sp. z o.o.", "licensed"),
    ("QA", "Manpower W.L.L.", "unknown"),
];

const FOREIGN_WORDS: &[&str] = &[
    "Northfield",
    "Greenway",
    "Harbour",
    "Summit",
    "Brightwater",
    "Oakridge",
    "Riverside",
    "Hanbit",
    "Daesung",
    "Sakura",
    "Rheinland",
    "Baltic",
    "Vistula",
    "Gulf",
    "Pearl",
];

/// The licence story of a recruiter: where its current licence ends up, with shares that
/// look like a register a few years old.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    Licensed,
    Suspended,
    Revoked,
    Expired,
    Applied,
    Surrendered,
    Refused,
    /// Revoked, applied again and licensed again: two licences, sanctions in the history.
    Relicensed,
}

fn story(rng: &mut Rng) -> Story {
    match rng.below(100) {
        0..70 => Story::Licensed,
        70..76 => Story::Suspended,
        76..81 => Story::Revoked,
        81..89 => Story::Expired,
        89..95 => Story::Applied,
        95..97 => Story::Surrendered,
        97..99 => Story::Refused,
        _ => Story::Relicensed,
    }
}

struct Planned {
    input: RecruiterInput,
    story: Story,
}

/// The `i`-th recruiter of the register (unique names and STIRs).
fn plan(rng: &mut Rng, i: usize, names: &mut HashSet<String>) -> Planned {
    let story = story(rng);
    if rng.below(100) < 3 {
        let (country, suffix, host_state) = FOREIGN[rng.below(FOREIGN.len())];
        let mut name = format!(
            "{} {} {suffix}",
            rng.pick(FOREIGN_WORDS),
            rng.pick(FOREIGN_WORDS)
        );
        if !names.insert(name.clone()) {
            name = format!("{name} {}", i + 1);
            names.insert(name.clone());
        }
        let input = RecruiterInput {
            name,
            kind: "foreign_operator".into(),
            country: Some(country.into()),
            host_licence_no: Some(format!("{country}-{:06}", 100_000 + i)),
            host_licence_state: Some(host_state.into()),
            ..RecruiterInput::default()
        };
        return Planned { input, story };
    }
    let (name, region) = loop {
        let first = rng.pick(FIRST);
        let second = rng.pick(SECOND);
        let legal = rng.pick(LEGAL);
        let (name, region) = match rng.below(10) {
            0..4 => {
                let (place, region) = PLACES[rng.below(PLACES.len())];
                (format!("{place} {first} {second} {legal}"), region)
            }
            4..6 => (format!("{first} {second} {legal}"), rng.pick(REGIONS)),
            _ => {
                let third = rng.pick(SECOND);
                if third == second {
                    continue;
                }
                (
                    format!("{first} {second} {third} {legal}"),
                    rng.pick(REGIONS),
                )
            }
        };
        if names.insert(name.clone()) {
            break (name, region);
        }
    };
    // Some agencies are registered under their Cyrillic name.
    let name = if rng.below(100) < 8 {
        service::other_script(&name)
    } else {
        name
    };
    // Unique and random-looking: 7,919 is prime to 10^8, so i ↦ i·7919 mod 10^8 is one-to-one.
    let stir = format!(
        "{}{:08}",
        2 + i % 2,
        (i as u64 * 7919 + 1_234_567) % 100_000_000
    );
    let street = rng.pick(&[
        "Mustaqillik",
        "Amir Temur",
        "Bobur",
        "Alisher Navoiy",
        "Yunusobod",
    ]);
    let input = RecruiterInput {
        name,
        kind: "local_agency".into(),
        stir: Some(stir),
        region: Some(region.into()),
        registration_no: Some(format!("{:06}", rng.below(1_000_000))),
        address: Some(format!("{}-uy, {street} ko‘chasi", 1 + rng.below(120))),
        phone: Some(format!(
            "+9987{}{:07}",
            rng.pick(&["1", "0", "4", "6"]),
            rng.below(10_000_000)
        )),
        ..RecruiterInput::default()
    };
    Planned { input, story }
}

fn dates(from: time::Date, days: i64) -> LicenceInput {
    LicenceInput {
        valid_from: Some(from.to_string()),
        valid_to: Some((from + time::Duration::days(days)).to_string()),
        ..LicenceInput::default()
    }
}

fn reason(text: &str) -> LicenceInput {
    LicenceInput {
        reason: Some(text.into()),
        ..LicenceInput::default()
    }
}

const SUSPEND_REASONS: &[&str] = &[
    "workers charged for visa support (complaint substantiated)",
    "passports kept by the agency",
    "contracts not registered before departure",
    "placement fee taken from workers",
];

const REVOKE_REASONS: &[&str] = &[
    "decision of the economic court",
    "repeated breaches after suspension",
    "workers sent on tourist visas",
];

/// A grant still valid today: started up to ~3 years ago, for 1 to 5 years.
fn current_grant(rng: &mut Rng, today: time::Date) -> LicenceInput {
    let ago = rng.range(0, 1000);
    let length = rng.range((ago + 30).max(365), 1825);
    dates(today - time::Duration::days(ago), length)
}

/// Takes the recruiter's licence to its story's end through the decisions an officer makes.
async fn tell(db: &Db, clock: &Clock, rng: &mut Rng, id: &str, story: Story) -> anyhow::Result<()> {
    let console = Actor::console();
    let today = service::today(clock);
    let act = |action: &'static str, input: LicenceInput| {
        let console = &console;
        async move {
            service::licence_action(db, clock, console, id, action, &input)
                .await
                .map(|_| ())
                .map_err(|e| anyhow::anyhow!("licence {action} of {id}: {e}"))
        }
    };
    let current_grant = |rng: &mut Rng| current_grant(rng, today);
    act("apply", LicenceInput::default()).await?;
    match story {
        Story::Applied => {}
        Story::Refused => {
            act(
                "refuse",
                reason("no staff member fluent in the destination language"),
            )
            .await?
        }
        Story::Expired => {
            let length = rng.range(365, 730);
            let ended = rng.range(1, 600);
            let from = today - time::Duration::days(length + ended);
            act("grant", dates(from, length)).await?;
        }
        Story::Licensed => act("grant", current_grant(rng)).await?,
        Story::Suspended => {
            act("grant", current_grant(rng)).await?;
            act("suspend", reason(rng.pick(SUSPEND_REASONS))).await?;
        }
        Story::Revoked | Story::Relicensed => {
            act("grant", current_grant(rng)).await?;
            act("suspend", reason(rng.pick(SUSPEND_REASONS))).await?;
            act("revoke", reason(rng.pick(REVOKE_REASONS))).await?;
            if story == Story::Relicensed {
                act("apply", LicenceInput::default()).await?;
                act("grant", current_grant(rng)).await?;
            }
        }
        Story::Surrendered => {
            act("grant", current_grant(rng)).await?;
            act(
                "surrender",
                reason("the agency closed its placement business"),
            )
            .await?;
        }
    }
    Ok(())
}

async fn count(db: &Db) -> anyhow::Result<usize> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM recruiters")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    Ok(usize::try_from(n).unwrap_or(0))
}

async fn seed(db: &Db, clock: &Clock, args: &Args) -> anyhow::Result<()> {
    let have = count(db).await?;
    if have >= args.recruiters {
        println!("{have} recruiters already there: nothing added");
        return Ok(());
    }
    if have > 0 {
        anyhow::bail!(
            "the database holds {have} recruiters, fewer than {}: seed an empty one",
            args.recruiters
        );
    }
    let started = Instant::now();
    let console = Actor::console();
    let mut rng = Rng(args.seed);
    let mut names = HashSet::new();
    for i in 0..args.recruiters {
        let planned = plan(&mut rng, i, &mut names);
        let id = service::create(db, clock, &console, &planned.input)
            .await
            .map_err(|e| anyhow::anyhow!("recruiter {}: {e}", planned.input.name))?;
        tell(db, clock, &mut rng, &id, planned.story).await?;
        if (i + 1) % 1000 == 0 {
            println!(
                "  {} recruiters, {:.0} s",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    // The expiry job, as the server runs it: 500 licences a call.
    let mut expired = 0;
    loop {
        let n = service::expire_due(db, clock)
            .await
            .map_err(|e| anyhow::anyhow!("expiry run: {e}"))?;
        expired += n;
        if n == 0 {
            break;
        }
    }
    println!(
        "seeded {} recruiters ({expired} licences expired by the expiry job) in {:.1} s",
        args.recruiters,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn analyze(db: &Db) -> anyhow::Result<()> {
    let sql = match db.backend {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::raw_sql(sql).execute(&db.pool).await?;
    Ok(())
}

/// Current licence state per recruiter (none: never applied), for the report.
async fn states(db: &Db) -> anyhow::Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT COALESCE((SELECT l.state FROM licences l WHERE l.recruiter_id = r.id \
         ORDER BY l.created_at DESC, l.id DESC LIMIT 1), 'none') AS state, COUNT(*) AS n \
         FROM recruiters r GROUP BY 1 ORDER BY 2 DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("state")?, r.try_get("n")?)))
        .collect()
}

struct Known {
    name: String,
    other: String,
    stir: Option<String>,
    licence_no: Option<String>,
}

async fn register(db: &Db) -> anyhow::Result<Vec<Known>> {
    let rows = sqlx::query(
        "SELECT r.name, r.name_other_script, r.stir, (SELECT l.licence_no FROM licences l \
         WHERE l.recruiter_id = r.id AND l.licence_no IS NOT NULL ORDER BY l.created_at DESC, l.id DESC LIMIT 1) \
         AS licence_no FROM recruiters r ORDER BY r.name, r.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Known {
                name: r.try_get("name")?,
                other: r.try_get("name_other_script")?,
                stir: r.try_get("stir")?,
                licence_no: r.try_get("licence_no")?,
            })
        })
        .collect()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The name as people type it from memory: no legal form, lower case, plain apostrophes.
fn casual(name: &str) -> String {
    let skip = [
        "xususiy",
        "bandlik",
        "agentligi",
        "mchj",
        "хусусий",
        "бандлик",
        "агентлиги",
        "мчж",
    ];
    name.split_whitespace()
        .filter(|w| !skip.contains(&w.to_lowercase().as_str()))
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace(['‘', '’', 'ʻ'], "'")
}

/// The first word and the start of the second, as typed into a search box.
fn partial(name: &str) -> String {
    let casual = casual(name);
    let words: Vec<&str> = casual.split_whitespace().collect();
    match words.as_slice() {
        [a, b, ..] => format!("{a} {}", b.chars().take(3).collect::<String>()),
        [a] => (*a).to_string(),
        [] => name.to_string(),
    }
}

/// The mix of queries: names in both scripts, whole or partial, licence numbers, STIRs
/// (some typed with spaces or in lower case) and names that are not in the register.
fn make_queries(register: &[Known], n: usize, seed: u64) -> Vec<(&'static str, String)> {
    let mut rng = Rng(seed ^ 0x005E_ED0F_C4EC);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let r = &register[rng.below(register.len())];
        let roll = rng.below(100);
        let query = match roll {
            0..22 => (
                "name_latin",
                if is_cyrillic(&r.name) {
                    &r.other
                } else {
                    &r.name
                }
                .clone(),
            ),
            22..37 => (
                "name_cyrillic",
                if is_cyrillic(&r.name) {
                    &r.name
                } else {
                    &r.other
                }
                .clone(),
            ),
            37..47 => ("name_casual", casual(&r.name)),
            47..60 => ("name_partial", partial(&r.name)),
            60..75 => match &r.licence_no {
                Some(no) if roll.is_multiple_of(3) => ("licence_no", no.to_lowercase()),
                Some(no) => ("licence_no", no.clone()),
                None => continue,
            },
            75..90 => match &r.stir {
                Some(s) if roll.is_multiple_of(4) => {
                    ("stir", format!("{} {} {}", &s[..3], &s[3..6], &s[6..]))
                }
                Some(s) => ("stir", s.clone()),
                None => continue,
            },
            90..95 => ("unknown_name", rng.pick(UNKNOWN).to_string()),
            _ => (
                "unknown_stir",
                format!("{}{:08}", 2 + rng.below(2), rng.below(100_000_000)),
            ),
        };
        out.push(query);
    }
    out
}

fn is_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let clock = Clock::default();
    let db = safar::server::prepare(&args.database_url, &clock)
        .await
        .context("opening the database")?;
    seed(&db, &clock, &args).await?;
    if !args.no_analyze {
        analyze(&db).await?;
    }
    let total = count(&db).await?;
    let by_state: Vec<String> = states(&db)
        .await?
        .into_iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    println!(
        "backend {:?}: {total} recruiters, current licence: {}",
        db.backend,
        by_state.join(", ")
    );
    let register = register(&db).await?;
    anyhow::ensure!(!register.is_empty(), "the register is empty");
    let queries = make_queries(&register, args.queries, args.seed);
    let mut file = String::new();
    let mut kinds: Vec<(&str, usize)> = vec![];
    for (kind, q) in &queries {
        let _ = writeln!(
            file,
            "{kind}\t/api/v1/public/recruiters?q={}",
            percent_encode(q)
        );
        match kinds.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    std::fs::write(&args.queries_out, file)
        .with_context(|| format!("writing {}", args.queries_out.display()))?;
    let mix: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "wrote {} queries to {} ({})",
        queries.len(),
        args.queries_out.display(),
        mix.join(", ")
    );
    db.close().await;
    Ok(())
}
