//! Settings the web layer needs at run time (from CLI flags and their `SAFAR_…` twins).

#[derive(Clone, Debug)]
pub struct WebConfig {
    /// `https://…` when Safar is served over TLS: cookies become `Secure` and `__Host-` prefixed.
    pub public_url: Option<String>,
    /// Trust the first `X-Forwarded-For` address (only behind a proxy you control).
    pub trust_forwarded_for: bool,
    pub body_limit_bytes: usize,
    pub request_timeout_secs: u64,
    /// Public lookups (licence check) per client address and minute, per server.
    pub public_lookups_per_minute: u32,
    /// Continuity mode (`--read-only`): changes are refused, reads served.
    pub read_only: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: None,
            trust_forwarded_for: false,
            body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            public_lookups_per_minute: 60,
            read_only: false,
        }
    }
}

impl WebConfig {
    pub fn is_tls(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}
