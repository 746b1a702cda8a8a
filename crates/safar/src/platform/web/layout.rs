//! What the page shell needs: title, language, navigation for this actor, switcher links.

use super::context::Ctx;
use crate::platform::access::Permission;
use crate::platform::i18n::{Locale, Tr};

#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

#[derive(Clone, Debug)]
pub struct LangLink {
    pub href: String,
    pub tag: &'static str,
    pub name: &'static str,
    pub current: bool,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub tr: Tr,
    pub lang: &'static str,
    pub title: String,
    pub nav: Vec<NavItem>,
    pub languages: Vec<LangLink>,
    /// The signed-in person's name; `None` for visitors.
    pub user: Option<String>,
    /// Continuity mode: a banner says nothing can be changed.
    pub read_only: bool,
}

/// Navigation entries and the permission each needs (`None`: visitors only).
#[rustfmt::skip]
const NAV: &[(&str, &str, Option<Permission>)] = &[
    ("/", "nav-home", Some(Permission::OwnAccount)),
    ("/check", "nav-check", Some(Permission::OwnAccount)),
    ("/vacancies", "nav-vacancies", Some(Permission::OwnAccount)),
    ("/applications", "nav-applications", Some(Permission::ApplyToVacancies)),
    ("/payments", "nav-payments", Some(Permission::ApplyToVacancies)),
    ("/pdo/mine", "nav-pdo-mine", Some(Permission::PrepareDeparture)),
    ("/pdo/learn", "nav-pdo-learn", Some(Permission::PrepareDeparture)),
    ("/my/cases", "nav-my-cases", Some(Permission::FollowCases)),
    ("/vacancies/manage", "nav-vacancies-manage", Some(Permission::ListVacancies)),
    ("/people", "nav-people", Some(Permission::ViewPersons)),
    ("/cases", "nav-cases", Some(Permission::ManageCases)),
    ("/cases/supervision", "nav-supervision", Some(Permission::SuperviseCases)),
    ("/partners", "nav-partners", Some(Permission::ManagePartners)),
    ("/referrals", "nav-referrals", Some(Permission::HandleReferrals)),
    ("/guidance", "nav-guidance", Some(Permission::DraftGuidance)),
    ("/guide", "nav-guide", Some(Permission::OwnAccount)),
    ("/money", "nav-money", Some(Permission::OwnAccount)),
    ("/money/quotes", "nav-money-quotes", Some(Permission::ManageQuotes)),
    ("/outreach", "nav-outreach", Some(Permission::ManageOutreach)),
    ("/returnees", "nav-returnees", Some(Permission::ManageReintegration)),
    ("/courses", "nav-courses", Some(Permission::ManageReintegration)),
    ("/courses", "nav-courses", Some(Permission::EnrolInCourses)),
    ("/grants", "nav-grants", Some(Permission::ManageGrants)),
    ("/grants", "nav-grants", Some(Permission::ApplyForGrants)),
    ("/reviews", "nav-reviews", Some(Permission::ReviewGrants)),
    ("/recruiters", "nav-recruiters", Some(Permission::ViewRecruiters)),
    ("/recruiters/queue", "nav-licensing-queue", Some(Permission::ManageRecruiters)),
    ("/recruiters/watch", "nav-watch", Some(Permission::ManageRecruiters)),
    ("/complaints", "nav-complaints", Some(Permission::ManageRecruiters)),
    ("/pdo", "nav-pdo", Some(Permission::ManagePdo)),
    ("/pdo/teaching", "nav-pdo-teaching", Some(Permission::TeachPdo)),
    ("/analytics", "nav-analytics", Some(Permission::ViewAnalytics)),
    ("/admin/users", "nav-admin-users", Some(Permission::ManageUsers)),
    ("/admin/tokens", "nav-admin-tokens", Some(Permission::ManageTokens)),
    ("/admin/audit", "nav-admin-audit", Some(Permission::ViewAudit)),
    ("/admin/reference", "nav-admin-reference", Some(Permission::ViewReference)),
    ("/admin/settings", "nav-admin-settings", Some(Permission::ManageSettings)),
    ("/admin/imports", "nav-admin-imports", Some(Permission::ImportJourneys)),
    ("/account", "nav-account", Some(Permission::OwnAccount)),
    ("/", "nav-home", None),
    ("/check", "nav-check", None),
    ("/vacancies", "nav-vacancies", None),
    ("/verify", "nav-verify", None),
    ("/guide", "nav-guide", None),
    ("/money", "nav-money", None),
    ("/open-data", "nav-open-data", None),
    ("/login", "nav-login", None),
    ("/register", "nav-register", None),
];

impl Page {
    pub fn new(ctx: &Ctx, title: &str) -> Self {
        let tr = ctx.tr;
        let current_path = ctx.path.split('?').next().unwrap_or("/");
        let signed_in = ctx.actor.is_signed_in();
        let nav = NAV
            .iter()
            .filter(|(_, _, perm)| match perm {
                Some(p) => signed_in && ctx.actor.holds(*p),
                None => !signed_in,
            })
            .map(|(href, key, _)| NavItem {
                href,
                label: tr.t(key),
                current: *href == current_path,
            })
            .collect();
        Page {
            tr,
            lang: tr.locale.tag(),
            title: title.to_string(),
            nav,
            languages: language_links(&ctx.path, tr.locale),
            user: signed_in.then(|| ctx.actor.label()),
            read_only: ctx.read_only,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    /// The label of a stored value, e.g. `tk("status", "abroad")` → message `status-abroad`.
    pub fn locale(&self) -> crate::platform::i18n::Locale {
        self.tr.locale
    }

    pub fn tk(&self, prefix: &str, value: &str) -> String {
        self.tr.t(&format!("{prefix}-{value}"))
    }
}

/// The current page in each language: the path with its `lang` parameter replaced.
fn language_links(path_and_query: &str, current: Locale) -> Vec<LangLink> {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let kept: Vec<(String, String)> = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "lang")
        .collect();
    Locale::ALL
        .into_iter()
        .map(|locale| {
            let mut params = kept.clone();
            params.push(("lang".into(), locale.tag().into()));
            let query = serde_urlencoded::to_string(&params).unwrap_or_default();
            LangLink {
                href: format!("{path}?{query}"),
                tag: locale.tag(),
                name: locale.native_name(),
                current: locale == current,
            }
        })
        .collect()
}
