//! The arithmetic of money, free of storage: amounts as typed, the total cost of a transfer
//! the way the World Bank's Remittance Prices Worldwide counts it, and the budget planner.
//! Amounts are whole hundredths of a currency unit (`i64`), percentages basis points, so no
//! sum ever rounds differently on two machines.

/// A sending corridor: where the money leaves from, and the currencies quotes use there.
pub struct Corridor {
    pub code: &'static str,
    /// ISO 3166-1 alpha-2 of the sending country.
    pub origin: &'static str,
    /// The first is the default when a request names none.
    pub currencies: &'static [&'static str],
}

/// The corridors the agency compares: where most money sent home comes from (CBU figures in
/// `data/reference/remittances.csv`).
pub const CORRIDORS: &[Corridor] = &[
    Corridor {
        code: "RU-UZ",
        origin: "RU",
        currencies: &["RUB", "USD"],
    },
    Corridor {
        code: "KZ-UZ",
        origin: "KZ",
        currencies: &["KZT", "USD"],
    },
    Corridor {
        code: "KR-UZ",
        origin: "KR",
        currencies: &["KRW", "USD"],
    },
    Corridor {
        code: "TR-UZ",
        origin: "TR",
        currencies: &["TRY", "USD"],
    },
    Corridor {
        code: "GB-UZ",
        origin: "GB",
        currencies: &["GBP", "USD"],
    },
    Corridor {
        code: "US-UZ",
        origin: "US",
        currencies: &["USD"],
    },
];

pub fn corridor(code: &str) -> Option<&'static Corridor> {
    CORRIDORS
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
}

/// Every currency some corridor uses, for the planner's choice.
pub const PLAN_CURRENCIES: &[&str] = &["USD", "RUB", "KZT", "KRW", "TRY", "GBP", "UZS"];

pub const SPEEDS: [&str; 4] = ["minutes", "same_day", "next_day", "days"];
pub const PICKUPS: [&str; 4] = ["cash", "bank_account", "card", "mobile_wallet"];

/// A quote older than this many days is shown with a warning.
pub const STALE_AFTER_DAYS: i64 = 90;

/// The largest amount anyone may type: ten billion units (KRW and UZS amounts are large).
const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// An amount as people type it — `200`, `1 500`, `1,500.50`, `1500,5` — in hundredths.
/// Empty is `None`; anything else that is not a non-negative amount with at most two
/// decimals is an error (its message key).
pub fn parse_money(text: &str) -> Result<Option<i64>, &'static str> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    if compact.is_empty() {
        return Ok(None);
    }
    let (whole, fraction) = split_decimal(&compact);
    let whole: String = whole.chars().filter(|c| *c != ',').collect();
    let digits_only = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits_only(&whole) || whole.len() > 13 || !(fraction.is_empty() || digits_only(fraction)) {
        return Err("err-finance-amount");
    }
    let units: i64 = whole.parse().map_err(|_| "err-finance-amount")?;
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| "err-finance-amount")? * 10,
        2 => fraction.parse().map_err(|_| "err-finance-amount")?,
        _ => return Err("err-finance-amount"),
    };
    let total = units * 100 + cents;
    if total > MAX_AMOUNT {
        return Err("err-finance-amount");
    }
    Ok(Some(total))
}

/// The whole part and the decimals: a `.` always marks decimals; a lone `,` does when one
/// or two digits follow it (`1500,5`), otherwise commas group thousands (`1,500`).
fn split_decimal(text: &str) -> (&str, &str) {
    if let Some(i) = text.rfind('.') {
        return (&text[..i], &text[i + 1..]);
    }
    match text.rfind(',') {
        Some(i) if text.matches(',').count() == 1 && (1..=2).contains(&(text.len() - i - 1)) => {
            (&text[..i], &text[i + 1..])
        }
        _ => (text, ""),
    }
}

/// A percentage as typed (`1.5`, `1,5`, `0`) in basis points, at most `max_percent`.
pub fn parse_percent(text: &str, max_percent: i64) -> Result<Option<i64>, &'static str> {
    let text = text.trim().trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok(None);
    }
    match parse_money(text) {
        Ok(Some(bp)) if bp <= max_percent * 100 => Ok(Some(bp)),
        _ => Err("err-finance-percent"),
    }
}

/// Hundredths as a number with two decimals, for JSON.
pub fn decimal(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}

/// Hundredths for people: `1 500.50`, thin spaces between thousands, no decimals when whole.
pub fn display_money(hundredths: i64) -> String {
    let units = (hundredths / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    match hundredths % 100 {
        0 => grouped,
        cents => format!("{grouped}.{cents:02}"),
    }
}

/// Basis points as a percentage for people: `1.5`, `0`.
pub fn display_percent(bp: i64) -> String {
    let text = format!("{}.{:02}", bp / 100, bp % 100);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `x · bp / 10 000`, rounded half up.
fn share(amount: i64, bp: i64) -> i64 {
    let product = i128::from(amount) * i128::from(bp);
    i64::try_from((product + 5_000) / 10_000).unwrap_or(i64::MAX)
}

/// What sending `amount` costs with a provider, as Remittance Prices Worldwide counts it:
/// the fee (fixed plus a share of the amount) paid on top, plus the exchange-rate margin on
/// the amount; what arrives is the amount less the margin, valued at the mid-market rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    pub fee: i64,
    pub fx_cost: i64,
    pub total: i64,
    pub received: i64,
    /// The total as basis points of the amount (RPW's headline figure).
    pub total_bp: i64,
}

pub fn cost(amount: i64, fee_fixed: i64, fee_bp: i64, fx_margin_bp: i64) -> Cost {
    let fee = fee_fixed + share(amount, fee_bp);
    let fx_cost = share(amount, fx_margin_bp);
    let total = fee + fx_cost;
    let total_bp = if amount > 0 {
        i64::try_from(i128::from(total) * 10_000 / i128::from(amount)).unwrap_or(i64::MAX)
    } else {
        0
    };
    Cost {
        fee,
        fx_cost,
        total,
        received: amount - fx_cost,
        total_bp,
    }
}

/// A month's money while working abroad, all in one currency (hundredths).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    pub income: i64,
    pub housing: i64,
    pub food: i64,
    pub transport: i64,
    /// Loan repayments, including a debt taken on to pay for the journey.
    pub debts: i64,
    pub other: i64,
    pub send_home: i64,
    pub saved_now: i64,
    pub goal: i64,
}

/// What the planner says about a budget.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    pub costs: i64,
    /// Income less costs and what is sent: what can be saved each month (negative: a gap).
    pub left: i64,
    /// Months until the goal is reached from savings, when it can be.
    pub months_to_goal: Option<i64>,
    /// Message keys of the warnings that apply.
    pub warnings: Vec<&'static str>,
}

/// Debt repayments above a third of income leave little to live on and send.
const DEBT_WARNING_SHARE_BP: i64 = 3_333;

pub fn plan(b: &Budget) -> Plan {
    let costs = b.housing + b.food + b.transport + b.debts + b.other;
    let left = b.income - costs - b.send_home;
    let mut warnings = vec![];
    if left < 0 {
        warnings.push("finance-warn-gap");
    }
    if b.income > 0 && b.debts > share(b.income, DEBT_WARNING_SHARE_BP) {
        warnings.push("finance-warn-debts");
    }
    if b.income == 0 {
        warnings.push("finance-warn-no-income");
    }
    let still_needed = b.goal - b.saved_now;
    let months_to_goal = if b.goal > 0 && still_needed <= 0 {
        Some(0)
    } else if b.goal > 0 && left > 0 {
        Some((still_needed + left - 1) / left)
    } else {
        None
    };
    if b.goal > 0 && still_needed > 0 && left <= 0 {
        warnings.push("finance-warn-goal");
    }
    Plan {
        costs,
        left,
        months_to_goal,
        warnings,
    }
}

/// The month (`YYYY-MM`) `months` after `today`'s.
pub fn month_after(today: time::Date, months: i64) -> String {
    let index = i64::from(today.year()) * 12 + i64::from(u8::from(today.month())) - 1 + months;
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(parse_money("200"), Ok(Some(20_000)));
        assert_eq!(parse_money("1 500"), Ok(Some(150_000)));
        assert_eq!(parse_money("1,500"), Ok(Some(150_000)));
        assert_eq!(parse_money("1,500.5"), Ok(Some(150_050)));
        assert_eq!(parse_money("1500,75"), Ok(Some(150_075)));
        assert_eq!(parse_money(""), Ok(None));
        for bad in ["-5", "1.234", "abc", "1e5", "12..3", ".5", "99999999999999"] {
            assert!(parse_money(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn percentages_are_basis_points_within_a_limit() {
        assert_eq!(parse_percent("1.5", 20), Ok(Some(150)));
        assert_eq!(parse_percent("2 %", 20), Ok(Some(200)));
        assert_eq!(parse_percent("0", 20), Ok(Some(0)));
        assert!(parse_percent("21", 20).is_err());
        assert_eq!(display_percent(150), "1.5");
        assert_eq!(display_percent(200), "2");
        assert_eq!(display_money(150_050), "1\u{202f}500.50");
    }

    #[test]
    fn cost_follows_the_world_bank_definition() {
        // USD 200, fee 2 + 1 %, margin 1.5 %: fee 4, margin 3, total 7 (3.5 %), 197 arrives.
        let c = cost(20_000, 200, 100, 150);
        assert_eq!(
            (c.fee, c.fx_cost, c.total, c.received),
            (400, 300, 700, 19_700)
        );
        assert_eq!(c.total_bp, 350);
    }

    #[test]
    fn the_planner_finds_the_month_a_goal_is_reached() {
        let b = Budget {
            income: 100_000,
            housing: 20_000,
            food: 15_000,
            transport: 5_000,
            send_home: 40_000,
            goal: 100_000,
            saved_now: 10_000,
            ..Budget::default()
        };
        let p = plan(&b);
        assert_eq!(
            (p.costs, p.left, p.months_to_goal),
            (40_000, 20_000, Some(5))
        );
        assert!(p.warnings.is_empty());
        let today = time::macros::date!(2026 - 11 - 28);
        assert_eq!(month_after(today, 5), "2027-04");
        let short = plan(&Budget {
            send_home: 70_000,
            debts: 40_000,
            ..b
        });
        assert_eq!(short.months_to_goal, None);
        assert_eq!(
            short.warnings,
            [
                "finance-warn-gap",
                "finance-warn-debts",
                "finance-warn-goal"
            ]
        );
    }
}
