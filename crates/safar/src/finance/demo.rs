//! Demo quotes: invented providers and prices in every corridor, marked demo on every page
//! and in the API, some fresh and one per corridor older than 90 days (to show the warning).
//! No real provider's name is used: invented prices must never be pinned on a real firm.

use super::model::CORRIDORS;
use super::service;
use super::store::Quote;
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::ids::new_id;

/// (name, fixed fee in hundredths of USD, fee ‱, FX margin ‱, speed, pickup)
const PROVIDERS: [(&str, i64, i64, i64, &str, &str); 6] = [
    ("Sharq Transfer (demo)", 0, 100, 120, "minutes", "card"),
    ("Ipak Remit (demo)", 300, 0, 80, "same_day", "bank_account"),
    ("Karavan Money (demo)", 150, 50, 200, "minutes", "cash"),
    ("Tez Pul (demo)", 0, 0, 350, "minutes", "mobile_wallet"),
    (
        "Oltin Yo‘l Pay (demo)",
        500,
        150,
        60,
        "next_day",
        "bank_account",
    ),
    ("Samarqand Express (demo)", 800, 200, 250, "days", "cash"),
];

/// Roughly how many units of each sending currency a US dollar buys, so that fixed fees
/// look plausible in every currency.
fn per_usd(currency: &str) -> i64 {
    match currency {
        "RUB" => 90,
        "KZT" => 480,
        "KRW" => 1_350,
        "TRY" => 34,
        _ => 1,
    }
}

pub async fn populate(db: &Db, clock: &Clock) -> anyhow::Result<usize> {
    let today = crate::recruiters::service::today(clock);
    let mut quotes = vec![];
    for (c, corridor) in CORRIDORS.iter().enumerate() {
        for currency in corridor.currencies {
            for (p, (name, fixed, fee_bp, margin_bp, speed, pickup)) in PROVIDERS.iter().enumerate()
            {
                // Not every provider serves every corridor; the last one's quote is old.
                if (c + p) % 4 == 3 {
                    continue;
                }
                let age = if p == PROVIDERS.len() - 1 {
                    120
                } else {
                    5 + 7 * p as i64
                };
                let quoted_on = today - time::Duration::days(age);
                let nudge = (c as i64 * 13) % 40;
                quotes.push(Quote {
                    id: new_id(),
                    provider: (*name).into(),
                    corridor: corridor.code.into(),
                    currency: (*currency).into(),
                    fee_fixed: fixed * per_usd(currency),
                    fee_bp: *fee_bp,
                    fx_margin_bp: margin_bp + nudge,
                    speed: (*speed).into(),
                    pickup: (*pickup).into(),
                    quoted_on: quoted_on.to_string(),
                    source: "Demo data: invented for the demonstration, not a real price".into(),
                    demo: true,
                    ..Quote::default()
                });
            }
        }
    }
    Ok(service::seed_demo(db, clock, quotes).await?)
}
