//! Who may do what. An `Actor` (built from a session, an API token or the CLI) carries
//! role grants, each optionally limited to a scope; services ask it for a `Permission`
//! before they read personal data or write anything.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    Operator,
    Supervisor,
    PdoManager,
    Trainer,
    LicensingOfficer,
    RecruiterStaff,
    ReintegrationOfficer,
    GrantReviewer,
    RegionalOfficer,
    Analyst,
    Admin,
    Partner,
    /// Writes and reviews the public guidance articles.
    Editor,
}

impl Role {
    pub const ALL: [Role; 14] = [
        Role::Citizen,
        Role::Operator,
        Role::Supervisor,
        Role::PdoManager,
        Role::Trainer,
        Role::LicensingOfficer,
        Role::RecruiterStaff,
        Role::ReintegrationOfficer,
        Role::GrantReviewer,
        Role::RegionalOfficer,
        Role::Analyst,
        Role::Admin,
        Role::Partner,
        Role::Editor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::PdoManager => "pdo_manager",
            Role::Trainer => "trainer",
            Role::LicensingOfficer => "licensing_officer",
            Role::RecruiterStaff => "recruiter_staff",
            Role::ReintegrationOfficer => "reintegration_officer",
            Role::GrantReviewer => "grant_reviewer",
            Role::RegionalOfficer => "regional_officer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
            Role::Partner => "partner",
            Role::Editor => "editor",
        }
    }

    pub fn is_staff(self) -> bool {
        self != Role::Citizen
    }

    /// What a role may do. Scope limits are applied on top of this by `Actor::allows_in`.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Citizen => &[
                OwnAccount,
                ApplyToVacancies,
                PrepareDeparture,
                FollowCases,
                ApplyForGrants,
                EnrolInCourses,
            ],
            Role::Admin => &[
                OwnAccount,
                StaffWorkspace,
                ManageUsers,
                ViewAudit,
                ViewReference,
                EditReference,
                ManageTokens,
                ManageSettings,
                ImportJourneys,
            ],
            Role::Operator => &[
                OwnAccount,
                StaffWorkspace,
                ViewReference,
                ViewPersons,
                EditPersons,
                RecordJourneys,
                ViewRecruiters,
                ManageCases,
                DraftGuidance,
            ],
            // The partner registry is national: supervisors keep it, regional officers
            // (whose grants are scoped to a region) only use it.
            Role::Supervisor => &[
                OwnAccount,
                StaffWorkspace,
                ViewReference,
                ViewPersons,
                EditPersons,
                ViewPassport,
                RecordJourneys,
                ManageLegalHolds,
                ViewRecruiters,
                ManageCases,
                SuperviseCases,
                ManagePartners,
                DraftGuidance,
                ViewAnalytics,
            ],
            Role::RegionalOfficer => &[
                OwnAccount,
                StaffWorkspace,
                ViewReference,
                ViewPersons,
                EditPersons,
                ViewPassport,
                RecordJourneys,
                ManageLegalHolds,
                ViewRecruiters,
                ManageCases,
                SuperviseCases,
                DraftGuidance,
                ManageOutreach,
                ViewAnalytics,
            ],
            Role::LicensingOfficer => &[
                OwnAccount,
                StaffWorkspace,
                ViewReference,
                ManageLegalHolds,
                ViewRecruiters,
                ManageRecruiters,
                VerifyVacancies,
                ListVacancies,
            ],
            // Scoped to their agency (`recruiter:<id>`): its vacancies and their applicants.
            Role::RecruiterStaff => &[
                OwnAccount,
                StaffWorkspace,
                ViewReference,
                PostVacancies,
                ListVacancies,
            ],
            Role::PdoManager => &[
                OwnAccount,
                StaffWorkspace,
                ViewReference,
                ViewPersons,
                EditPersons,
                RecordJourneys,
                ManagePdo,
            ],
            Role::ReintegrationOfficer => &[
                OwnAccount,
                StaffWorkspace,
                ViewReference,
                ViewPersons,
                EditPersons,
                RecordJourneys,
                ManageGrants,
                ManageReintegration,
            ],
            // Trainers see the trainees of the sessions they give (the service checks which).
            Role::Trainer => &[
                OwnAccount,
                StaffWorkspace,
                ViewReference,
                ViewPersons,
                TeachPdo,
            ],
            // Scoped to their organisation (`partner:<id>`): the referrals sent to it.
            Role::Partner => &[OwnAccount, StaffWorkspace, HandleReferrals],
            Role::Editor => &[
                OwnAccount,
                StaffWorkspace,
                ViewReference,
                DraftGuidance,
                PublishGuidance,
                ManageQuotes,
            ],
            // Committee members see the business plans assigned to them, never who applied.
            Role::GrantReviewer => &[OwnAccount, StaffWorkspace, ViewReference, ReviewGrants],
            // Analysts see aggregates only, never a person.
            Role::Analyst => &[OwnAccount, StaffWorkspace, ViewReference, ViewAnalytics],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AccessError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(AccessError::UnknownRole)
    }
}

/// Everything a route or service can ask for. Modules add their own as they arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See and change one's own account (every signed-in user).
    OwnAccount,
    /// The staff home page and work queues.
    StaffWorkspace,
    ManageUsers,
    ViewAudit,
    ViewReference,
    EditReference,
    ManageTokens,
    ManageSettings,
    /// Read a person's record (scoped by the person's region or district).
    ViewPersons,
    /// Register persons and correct their records.
    EditPersons,
    /// Upload bulk journey files (border data) from the admin pages; national only.
    ImportJourneys,
    /// See the register of recruiters with its licence history (staff).
    ViewRecruiters,
    /// Register recruiters and decide on their licences (licensing officers).
    ManageRecruiters,
    /// Apply to vacancies and follow one's own applications (citizens).
    ApplyToVacancies,
    /// The staff list of vacancies: licensing officers see all, recruiter staff their agency's.
    ListVacancies,
    /// Post an agency's vacancies and move their applications (scoped to the agency).
    PostVacancies,
    /// Verify vacancies against their channel and the employer-pays rule; see them all.
    VerifyVacancies,
    /// See passport numbers.
    ViewPassport,
    /// Record departures and returns.
    RecordJourneys,
    /// Place and release legal holds (which block anonymisation, e.g. during a complaint).
    ManageLegalHolds,
    /// Run PDO centres: curricula, inspections, trainers, sessions, enrolments and
    /// certificates (scoped by region or `pdo_centre:<id>`).
    ManagePdo,
    /// Take attendance and record results in the sessions one gives (trainers).
    TeachPdo,
    /// Enrol in PDO sessions, study online and hold one's certificates (citizens).
    PrepareDeparture,
    /// Open and work call-centre cases (scoped by the person's region or district).
    ManageCases,
    /// See the supervisor's lists: alerted and overdue cases, break-the-glass accesses.
    SuperviseCases,
    /// Keep the registry of partner organisations cases are referred to.
    ManagePartners,
    /// Accept, decline, update and finish the referrals sent to one's organisation
    /// (partner users, scoped `partner:<id>`).
    HandleReferrals,
    /// Follow one's own cases, or a relative's the migrant shared (citizens).
    FollowCases,
    /// Write guidance articles and send them for review.
    DraftGuidance,
    /// Review, publish and archive guidance articles (editors).
    PublishGuidance,
    /// Enter, import and withdraw the remittance price quotes the public comparison shows
    /// (editors: public information, national).
    ManageQuotes,
    /// Plan, hold and report awareness events (regional officers, scoped by region).
    ManageOutreach,
    /// Open grant calls, check eligibility, close, decide, pay tranches and record
    /// monitoring visits (reintegration officers; calls are national).
    ManageGrants,
    /// Declare conflicts and score the applications assigned to one (committee members).
    ReviewGrants,
    /// Apply to grant calls and follow one's applications (citizens).
    ApplyForGrants,
    /// Returnee intake, needs assessment, service plans and follow-ups, and the retraining
    /// course catalogue and its trainees (reintegration officers, scoped by the person's or
    /// the course's region or district).
    ManageReintegration,
    /// Enrol in retraining courses and follow one's enrolments (citizens).
    EnrolInCourses,
    /// Read the analytics dashboards and exact (unsuppressed) indicator tables: aggregates
    /// only, never a person (analysts nationally, regional officers for their regions).
    ViewAnalytics,
}

impl Permission {
    /// Whether a scoped grant limits this permission. Personal permissions are not scoped.
    pub fn is_scoped(self) -> bool {
        !matches!(
            self,
            Permission::OwnAccount
                | Permission::StaffWorkspace
                | Permission::ApplyToVacancies
                | Permission::PrepareDeparture
                | Permission::TeachPdo
                | Permission::FollowCases
                | Permission::DraftGuidance
                | Permission::PublishGuidance
                | Permission::ReviewGrants
                | Permission::ApplyForGrants
                | Permission::EnrolInCourses
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Region,
    District,
    PdoCentre,
    Recruiter,
    Partner,
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Region => "region",
            ScopeKind::District => "district",
            ScopeKind::PdoCentre => "pdo_centre",
            ScopeKind::Recruiter => "recruiter",
            ScopeKind::Partner => "partner",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            ScopeKind::Region,
            ScopeKind::District,
            ScopeKind::PdoCentre,
            ScopeKind::Recruiter,
            ScopeKind::Partner,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A limit on a grant, e.g. `region:UZ-SA`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scope {
    pub kind: ScopeKind,
    pub value: String,
}

impl Scope {
    /// Parses `KIND:VALUE`; the value is 1–64 characters of letters, digits, `-`, `_`, `.`.
    pub fn parse(s: &str) -> Result<Self, AccessError> {
        let (kind, value) = s.split_once(':').ok_or(AccessError::BadScope)?;
        let kind = ScopeKind::parse(kind.trim()).ok_or(AccessError::BadScope)?;
        let value = value.trim();
        let valid_char = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
        if value.is_empty() || value.len() > 64 || !value.chars().all(valid_char) {
            return Err(AccessError::BadScope);
        }
        Ok(Scope {
            kind,
            value: value.to_string(),
        })
    }

    pub fn from_columns(kind: &str, value: &str) -> Option<Self> {
        if kind.is_empty() {
            return None;
        }
        Some(Scope {
            kind: ScopeKind::parse(kind)?,
            value: value.to_string(),
        })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.as_str(), self.value)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub role: Role,
    pub scope: Option<Scope>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    Anonymous,
    User {
        id: String,
        display_name: String,
    },
    /// The operator at the server's console (`safar user create` …).
    Console,
}

/// Where a request came from, for the audit log.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: String,
    pub request_id: String,
}

#[derive(Clone, Debug)]
pub struct Actor {
    pub principal: Principal,
    pub token_id: Option<String>,
    pub grants: Vec<Grant>,
    pub meta: RequestMeta,
    /// Staff must enrol a second factor before doing anything else (an admin setting).
    pub must_enrol_mfa: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("sign in first")]
    Unauthenticated,
    #[error("not permitted")]
    Forbidden,
    #[error("unknown role")]
    UnknownRole,
    #[error("scope must look like region:UZ-SA")]
    BadScope,
}

impl Actor {
    pub fn anonymous(meta: RequestMeta) -> Self {
        Actor {
            principal: Principal::Anonymous,
            token_id: None,
            grants: vec![],
            meta,
            must_enrol_mfa: false,
        }
    }

    pub fn console() -> Self {
        Actor {
            principal: Principal::Console,
            token_id: None,
            grants: vec![],
            meta: RequestMeta {
                ip: "console".into(),
                request_id: ids_for_console(),
            },
            must_enrol_mfa: false,
        }
    }

    pub fn user_id(&self) -> Option<&str> {
        match &self.principal {
            Principal::User { id, .. } => Some(id),
            _ => None,
        }
    }

    pub fn is_signed_in(&self) -> bool {
        !matches!(self.principal, Principal::Anonymous)
    }

    /// Why a request is refused: sign in first (401), or not for you (403).
    pub fn refusal(&self) -> AccessError {
        if self.is_signed_in() {
            AccessError::Forbidden
        } else {
            AccessError::Unauthenticated
        }
    }

    pub fn is_staff(&self) -> bool {
        self.grants.iter().any(|g| g.role.is_staff())
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The role under which the actor may use `perm` anywhere (an unscoped grant),
    /// or under any scope when `any_scope` is set.
    fn granting_role(&self, perm: Permission, scope: Option<&Scope>) -> Option<Role> {
        self.grants
            .iter()
            .filter(|g| g.role.permissions().contains(&perm))
            .find(|g| match (&g.scope, scope) {
                (None, _) => true,
                // One's own account and workspace are not data in a region or centre.
                (Some(_), _) if !perm.is_scoped() => true,
                (Some(_), None) => false,
                (Some(held), Some(wanted)) => held == wanted,
            })
            .map(|g| g.role)
    }

    /// Checks an unscoped permission; returns the role that grants it (recorded in the audit log).
    /// The console may do everything.
    pub fn require(&self, perm: Permission) -> Result<Option<Role>, AccessError> {
        self.require_in(perm, None)
    }

    /// Checks a permission on data that lives in `scope` (e.g. a person's region).
    pub fn require_in(
        &self,
        perm: Permission,
        scope: Option<&Scope>,
    ) -> Result<Option<Role>, AccessError> {
        match self.principal {
            Principal::Console => Ok(None),
            Principal::Anonymous => Err(AccessError::Unauthenticated),
            Principal::User { .. } => self
                .granting_role(perm, scope)
                .map(Some)
                .ok_or(AccessError::Forbidden),
        }
    }

    /// Checks a permission on data that lies in several scopes at once (a person is in a
    /// region and a district): a grant for any of them, or an unscoped grant, allows it.
    pub fn require_at(
        &self,
        perm: Permission,
        scopes: &[Scope],
    ) -> Result<Option<Role>, AccessError> {
        let mut last = self.require_in(perm, None);
        for scope in scopes {
            if last.is_ok() {
                break;
            }
            last = self.require_in(perm, Some(scope));
        }
        last
    }

    /// The regions an actor may see for `perm`: `None` means everywhere (an unscoped grant).
    pub fn regions_for(&self, perm: Permission) -> Option<Vec<String>> {
        if self.require(perm).is_ok() {
            return None;
        }
        Some(
            self.grants
                .iter()
                .filter(|g| g.role.permissions().contains(&perm))
                .filter_map(|g| g.scope.as_ref())
                .filter(|s| s.kind == ScopeKind::Region)
                .map(|s| s.value.clone())
                .collect(),
        )
    }

    /// The values of the actor's `kind` scopes for `perm` (e.g. the partner organisations a
    /// partner user works for). An unscoped grant gives none: such lists are never national.
    pub fn scope_values(&self, perm: Permission, kind: ScopeKind) -> Vec<String> {
        self.grants
            .iter()
            .filter(|g| g.role.permissions().contains(&perm))
            .filter_map(|g| g.scope.as_ref())
            .filter(|s| s.kind == kind)
            .map(|s| s.value.clone())
            .collect()
    }

    /// The role of the actor's first grant that carries `perm`, whatever its scope: the role
    /// recorded for access granted otherwise (break-the-glass).
    pub fn role_holding(&self, perm: Permission) -> Option<Role> {
        self.grants
            .iter()
            .find(|g| g.role.permissions().contains(&perm))
            .map(|g| g.role)
    }

    /// True when some grant (scoped or not) carries `perm`: enough to open a page whose
    /// contents are then filtered by scope.
    pub fn holds(&self, perm: Permission) -> bool {
        matches!(self.principal, Principal::Console)
            || self
                .grants
                .iter()
                .any(|g| g.role.permissions().contains(&perm))
    }

    /// The label written to the audit log.
    pub fn label(&self) -> String {
        match &self.principal {
            Principal::Anonymous => "anonymous".into(),
            Principal::Console => "console".into(),
            Principal::User { display_name, .. } => display_name.clone(),
        }
    }
}

fn ids_for_console() -> String {
    format!("console-{}", super::ids::new_id())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(grants: Vec<Grant>) -> Actor {
        Actor {
            principal: Principal::User {
                id: "u".into(),
                display_name: "U".into(),
            },
            token_id: None,
            grants,
            meta: RequestMeta::default(),
            must_enrol_mfa: false,
        }
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!("root".parse::<Role>(), Err(AccessError::UnknownRole));
    }

    #[test]
    fn scope_parsing_rejects_junk() {
        assert_eq!(
            Scope::parse("region:UZ-SA").map(|s| s.to_string()),
            Ok("region:UZ-SA".into())
        );
        for bad in [
            "region",
            "planet:UZ-SA",
            "region:",
            "region:a b",
            "region:<x>",
        ] {
            assert_eq!(Scope::parse(bad), Err(AccessError::BadScope), "{bad}");
        }
    }

    #[test]
    fn scoped_grant_only_allows_its_own_scope() {
        let sa = Scope::parse("region:UZ-SA").ok();
        let an = Scope::parse("region:UZ-AN").ok();
        let actor = user(vec![Grant {
            role: Role::Admin,
            scope: sa.clone(),
        }]);
        assert!(
            actor
                .require_in(Permission::ManageUsers, sa.as_ref())
                .is_ok()
        );
        assert_eq!(
            actor.require_in(Permission::ManageUsers, an.as_ref()),
            Err(AccessError::Forbidden)
        );
        // A scoped grant does not allow national (unscoped) actions.
        assert_eq!(
            actor.require(Permission::ManageUsers),
            Err(AccessError::Forbidden)
        );
        assert!(actor.holds(Permission::ManageUsers));
        assert!(
            actor.require(Permission::OwnAccount).is_ok(),
            "own account is not scoped"
        );
    }

    #[test]
    fn anonymous_and_citizens_are_refused_staff_permissions() {
        let anon = Actor::anonymous(RequestMeta::default());
        assert_eq!(
            anon.require(Permission::StaffWorkspace),
            Err(AccessError::Unauthenticated)
        );
        let citizen = user(vec![Grant {
            role: Role::Citizen,
            scope: None,
        }]);
        assert_eq!(
            citizen.require(Permission::StaffWorkspace),
            Err(AccessError::Forbidden)
        );
        assert_eq!(
            citizen.require(Permission::OwnAccount),
            Ok(Some(Role::Citizen))
        );
    }
}
