//! Recruiters and their licences: the kinds, the STIR tax id, and the licence state machine
//! (`applied → licensed → suspended → revoked | expired | surrendered | refused`).

use std::fmt;

/// A local private employment agency, or a foreign employer / scheme operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    LocalAgency,
    ForeignOperator,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "local_agency" => Some(Kind::LocalAgency),
            "foreign_operator" => Some(Kind::ForeignOperator),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::LocalAgency => "local_agency",
            Kind::ForeignOperator => "foreign_operator",
        }
    }
}

/// A STIR (taxpayer id): 9 digits; legal entities start with 2 or 3.
pub fn parse_stir(input: &str) -> Result<String, &'static str> {
    let stir: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if stir.len() != 9 || !stir.chars().all(|c| c.is_ascii_digit()) {
        return Err("err-stir");
    }
    if !stir.starts_with('2') && !stir.starts_with('3') {
        return Err("err-stir-entity");
    }
    Ok(stir)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenceState {
    Applied,
    Licensed,
    Suspended,
    Revoked,
    Expired,
    Surrendered,
    Refused,
}

impl LicenceState {
    pub const ALL: [LicenceState; 7] = [
        LicenceState::Applied,
        LicenceState::Licensed,
        LicenceState::Suspended,
        LicenceState::Revoked,
        LicenceState::Expired,
        LicenceState::Surrendered,
        LicenceState::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LicenceState::Applied => "applied",
            LicenceState::Licensed => "licensed",
            LicenceState::Suspended => "suspended",
            LicenceState::Revoked => "revoked",
            LicenceState::Expired => "expired",
            LicenceState::Surrendered => "surrendered",
            LicenceState::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// A licence in a final state is history: the agency must apply again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            LicenceState::Revoked
                | LicenceState::Expired
                | LicenceState::Surrendered
                | LicenceState::Refused
        )
    }

    /// Whether the agency may place workers now.
    pub fn is_valid(self) -> bool {
        self == LicenceState::Licensed
    }
}

impl fmt::Display for LicenceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a licensing officer (or the expiry job) does to a licence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Apply,
    /// Grants an application, or lifts a suspension.
    Grant,
    Suspend,
    Revoke,
    Surrender,
    Refuse,
    /// Only the system: the end date passed, or the agency's STIR changed.
    Expire,
}

impl Action {
    /// The actions an officer may ask for through the API (`expire` is the system's).
    pub const OFFICER: [Action; 6] = [
        Action::Apply,
        Action::Grant,
        Action::Suspend,
        Action::Revoke,
        Action::Surrender,
        Action::Refuse,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::OFFICER.into_iter().find(|a| a.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Apply => "apply",
            Action::Grant => "grant",
            Action::Suspend => "suspend",
            Action::Revoke => "revoke",
            Action::Surrender => "surrender",
            Action::Refuse => "refuse",
            Action::Expire => "expire",
        }
    }

    /// Whether the officer must say why (everything that takes a right away).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Action::Suspend | Action::Revoke | Action::Refuse | Action::Surrender
        )
    }
}

/// The state machine. `current` is the recruiter's latest licence, `None` if it never
/// applied. Returns the state after `action`, or `None` if the transition is not allowed.
pub fn transition(current: Option<LicenceState>, action: Action) -> Option<LicenceState> {
    use LicenceState::*;
    match (current, action) {
        (None, Action::Apply) => Some(Applied),
        (Some(s), Action::Apply) if s.is_final() => Some(Applied),
        (Some(Applied), Action::Grant) | (Some(Suspended), Action::Grant) => Some(Licensed),
        (Some(Applied), Action::Refuse) => Some(Refused),
        (Some(Licensed), Action::Suspend) => Some(Suspended),
        (Some(Licensed | Suspended), Action::Revoke) => Some(Revoked),
        (Some(Licensed | Suspended), Action::Surrender) => Some(Surrendered),
        (Some(Licensed | Suspended), Action::Expire) => Some(Expired),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stir_is_nine_digits_and_a_legal_entity_starts_with_2_or_3() {
        assert_eq!(parse_stir("301 234 567"), Ok("301234567".into()));
        assert_eq!(parse_stir("201234567"), Ok("201234567".into()));
        assert_eq!(parse_stir("401234567"), Err("err-stir-entity"));
        assert_eq!(parse_stir("30123456"), Err("err-stir"));
        assert_eq!(parse_stir("30123456x"), Err("err-stir"));
        assert_eq!(
            parse_stir("３01234567"),
            Err("err-stir"),
            "ASCII digits only"
        );
    }

    #[test]
    fn every_transition_of_the_licence_state_machine() {
        use Action::*;
        use LicenceState::*;
        let allowed = [
            (None, Apply, Applied),
            (Some(Applied), Grant, Licensed),
            (Some(Applied), Refuse, Refused),
            (Some(Licensed), Suspend, Suspended),
            (Some(Suspended), Grant, Licensed),
            (Some(Licensed), Revoke, Revoked),
            (Some(Suspended), Revoke, Revoked),
            (Some(Licensed), Surrender, Surrendered),
            (Some(Suspended), Surrender, Surrendered),
            (Some(Licensed), Expire, Expired),
            (Some(Suspended), Expire, Expired),
            (Some(Revoked), Apply, Applied),
            (Some(Expired), Apply, Applied),
            (Some(Surrendered), Apply, Applied),
            (Some(Refused), Apply, Applied),
        ];
        let states: Vec<Option<LicenceState>> = std::iter::once(None)
            .chain(LicenceState::ALL.into_iter().map(Some))
            .collect();
        let actions = [Apply, Grant, Suspend, Revoke, Surrender, Refuse, Expire];
        for from in &states {
            for action in actions {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| f == from && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(transition(*from, action), expected, "{from:?} + {action:?}");
            }
        }
    }
}
