//! Safar: safe, legal labour migration. See `docs/architecture.md` for the map.
//!
//! `platform` is the layer every module stands on (database, access, audit, i18n, web shell);
//! each other folder is one area of the agency's work.

pub mod accounts;
pub mod analytics;
pub mod cases;
pub mod cli;
pub mod demo;
pub mod finance;
pub mod guidance;
pub mod outreach;
pub mod pdo;
pub mod people;
pub mod platform;
pub mod recruiters;
pub mod reference;
pub mod reintegration;
pub mod server;
pub mod vacancies;
