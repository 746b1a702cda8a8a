//! Demo events: in each of the 14 regions, events reported with attendance, one held and
//! awaiting its report, one planned, and in some regions one cancelled — made through the
//! service, so the audit log holds them as it would real ones.

use std::collections::BTreeMap;

use super::model::{CELLS, KINDS, TOPICS};
use super::service::{self, EventInput, StepInput};
use crate::platform::access::Actor;
use crate::platform::clock::Clock;
use crate::platform::db::Db;

const PLACES: [&str; 5] = [
    "Navbahor mahallasi",
    "14-maktab",
    "Tuman kasb-hunar kolleji",
    "Viloyat teleradiokompaniyasi",
    "Telegram: agentlik kanali",
];

fn input(region: &str, district: &str, n: usize, planned_on: time::Date) -> EventInput {
    let kind = KINDS[n % KINDS.len()];
    EventInput {
        title: format!("Xavfsiz mehnat migratsiyasi: uchrashuv {}", n + 1),
        kind: kind.into(),
        topics: vec![
            TOPICS[n % TOPICS.len()].into(),
            TOPICS[(n + 2) % TOPICS.len()].into(),
        ],
        region: region.into(),
        district: district.into(),
        place: PLACES[n % PLACES.len()].into(),
        planned_on: planned_on.to_string(),
    }
}

/// Attendance that varies by region and event, more adults of working age than others.
fn report(seed: usize) -> StepInput {
    let weights = [3, 14, 9, 4, 2, 18, 11, 5];
    let attendance: BTreeMap<String, serde_json::Value> = CELLS
        .iter()
        .zip(weights)
        .map(|((g, b, _), w)| {
            (
                format!("{g}_{b}"),
                serde_json::json!(w * (2 + (seed * 7) % 9)),
            )
        })
        .collect();
    StepInput {
        attendance,
        materials: "Qonuniy kanallar va PDO haqida varaqalar".into(),
        materials_count: serde_json::json!(80 + 10 * (seed % 7)),
        partners: "Mahalla fuqarolar yig‘ini; tuman bandlik markazi".into(),
        summary: "Savollar asosan Koreya EPS va firibgar vositachilar haqida bo‘ldi.".into(),
        ..StepInput::default()
    }
}

pub async fn populate(db: &Db, clock: &Clock) -> anyhow::Result<usize> {
    let console = Actor::console();
    let today = crate::recruiters::service::today(clock);
    let day = |n: i64| today + time::Duration::days(n);
    let mut made = 0;
    for (r, region) in crate::reference::store::regions(db)
        .await?
        .iter()
        .enumerate()
    {
        let districts = crate::reference::store::districts(db, &region.iso).await?;
        let district = districts.first().map(|d| d.soato.as_str()).unwrap_or("");
        for n in 0..5 {
            let seed = r * 5 + n;
            let planned = day(-(20 + 25 * n as i64) - r as i64);
            let upcoming = n == 4;
            let planned = if upcoming { day(7 + r as i64) } else { planned };
            let event = service::plan(
                db,
                clock,
                &console,
                &input(&region.iso, district, seed, planned),
            )
            .await?;
            made += 1;
            if upcoming {
                continue;
            }
            if n == 3 && r % 3 == 0 {
                let cancel = StepInput {
                    reason: "Mahalla yig‘ini boshqa kunga ko‘chirildi".into(),
                    ..StepInput::default()
                };
                service::act(db, clock, &console, &event.id, "cancel", &cancel).await?;
                continue;
            }
            let held = StepInput {
                held_on: planned.to_string(),
                ..StepInput::default()
            };
            service::act(db, clock, &console, &event.id, "hold", &held).await?;
            if n != 0 {
                service::act(db, clock, &console, &event.id, "report", &report(seed)).await?;
            }
        }
    }
    Ok(made)
}
