//! Authentication building blocks: password hashing, database-backed sessions and
//! login throttling. The account rules that use them live in `crate::accounts`.

pub mod passwords;
pub mod sessions;
pub mod throttle;
pub mod totp;
