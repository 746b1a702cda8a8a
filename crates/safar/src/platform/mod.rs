//! The foundation: storage, access control, audit, languages, the web shell and operations.

pub mod access;
pub mod api;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod data;
pub mod db;
pub mod error;
pub mod i18n;
pub mod ids;
pub mod jobs;
pub mod migrations;
pub mod ops;
pub mod retention;
pub mod settings;
pub mod signing;
pub mod text;
pub mod usage;
pub mod web;
