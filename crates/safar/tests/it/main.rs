//! The one integration-test binary. Every test runs against SQLite, and against PostgreSQL
//! when `SAFAR_TEST_DATABASE_URL=postgres://…` is set (a fresh database per test).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod accounts;
mod analytics;
mod audit;
mod case_work;
mod cases;
mod cli;
mod complaints;
mod continuity;
mod courses;
mod crash;
mod details;
mod finance;
mod grants;
mod guidance;
mod import;
mod import_upload;
mod mfa;
mod outreach;
mod pdo;
mod people;
mod platform;
mod privacy;
mod recruiters;
mod reference;
mod retention;
mod returnees;
mod routes;
mod synthetic;
mod vacancies;
mod xss;
