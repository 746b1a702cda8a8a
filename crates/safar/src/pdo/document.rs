//! The printable certificate: its A4 PDF with the QR code, in the page's language. The QR
//! code carries the verification address with the signed token, so a phone opens the
//! public check and an offline verifier finds the token after `t=`.

use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};

use super::model::mask_pinfl;
use super::pdf::{self, CertificatePdf};
use super::store::Certificate;
use crate::platform::i18n::{Locale, Tr};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

/// Where certificates are checked: the configured public address, or this request's host.
pub fn site(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &st.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The address a certificate's QR code opens.
pub fn verify_url(site: &str, token: &str) -> String {
    format!("{site}/verify?t={token}")
}

/// Names as the page shows them: the destination, and the centre (or online study).
pub struct Named<'a> {
    pub destination: &'a str,
    pub centre: Option<&'a str>,
}

pub fn document(tr: &Tr, c: &Certificate, named: &Named<'_>, site: &str) -> CertificatePdf {
    let row = |key: &str, value: String| (tr.t(key), value);
    // Employers and consulates abroad read English: it follows the page language's title.
    let english = Tr::new(Locale::En);
    let title = if tr.locale == Locale::En {
        tr.t("pdo-certificate-title")
    } else {
        format!(
            "{}\n{}",
            tr.t("pdo-certificate-title"),
            english.t("pdo-certificate-title")
        )
    };
    CertificatePdf {
        title,
        subtitle: tr.t("pdo-certificate-issuer"),
        holder_latn: c.holder_latn.clone(),
        holder_cyrl: c.holder_cyrl.clone(),
        rows: vec![
            row(
                "pdo-pinfl",
                mask_pinfl(&format!("0000000000{}", c.pinfl_last4)),
            ),
            row("pdo-destination", named.destination.to_string()),
            row(
                "pdo-curriculum",
                format!("{} v{}", c.destination, c.version),
            ),
            row(
                "pdo-centre",
                named
                    .centre
                    .map_or_else(|| tr.t("pdo-online-study"), str::to_string),
            ),
            row("pdo-dates", format!("{} – {}", c.starts_on, c.ends_on)),
            row("pdo-score", format!("{}%", c.score)),
            row("pdo-certificate-id", c.id.clone()),
            row("pdo-issued-on", c.issued_on.clone()),
        ],
        qr_payload: verify_url(site, &c.token),
        verify_note: tr.t1("pdo-verify-note", "site", &format!("{site}/verify")),
    }
}

pub async fn pdf_response(
    st: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    c: &Certificate,
) -> Response {
    let labels = crate::reference::labels::Labels::load(&st.db, ctx.locale())
        .await
        .unwrap_or_default();
    let centre = match &c.centre_id {
        Some(id) => super::store::centre(&st.db, id).await.ok().flatten(),
        None => None,
    };
    let named = Named {
        destination: labels.name(&c.destination),
        centre: centre.as_ref().map(|c| c.name.as_str()),
    };
    let site = site(st, headers);
    let doc = document(&ctx.tr, c, &named, &site);
    match pdf::render(&doc) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{}.pdf\"", c.id),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, certificate = %c.id, "certificate PDF failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
