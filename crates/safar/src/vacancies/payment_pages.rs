//! The citizen's payments ledger on a page (with a receipt upload) and in the API.

use askama::Template;
use axum::Json;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::payments::{self, NewPayment, PURPOSES, Payment, Receipt};
use crate::platform::error::{FieldError, ServiceError};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page, parse_amount};
use crate::platform::web::layout::Page;

/// The form's whole body: one receipt and the fields around it.
pub const FORM_LIMIT: usize = crate::recruiters::reports::MAX_FILE_BYTES + 64 * 1024;

/// The form as typed, kept on an error.
#[derive(Clone, Debug, Default)]
pub struct PaymentForm {
    paid_to: String,
    vacancy: String,
    purpose: String,
    amount: String,
    currency: String,
    paid_on: String,
}

impl PaymentForm {
    fn set(&mut self, name: &str, value: String) {
        match name {
            "paid_to" => self.paid_to = value,
            "vacancy" => self.vacancy = value,
            "purpose" => self.purpose = value,
            "amount" => self.amount = value,
            "currency" => self.currency = value,
            "paid_on" => self.paid_on = value,
            _ => {}
        }
    }

    fn to_input(&self) -> Result<NewPayment, FieldError> {
        let amount = parse_amount(&self.amount).map_err(|message| FieldError {
            field: "amount",
            message,
        })?;
        Ok(NewPayment {
            paid_to: self.paid_to.clone(),
            vacancy: Some(self.vacancy.clone()),
            purpose: self.purpose.clone(),
            amount,
            currency: self.currency.clone(),
            paid_on: self.paid_on.clone(),
        })
    }
}

#[derive(Template)]
#[template(path = "vacancies/payments.html")]
struct LedgerPage {
    page: Page,
    payments: Vec<Payment>,
    form: PaymentForm,
    purposes: &'static [&'static str],
    currencies: Vec<String>,
    errors: FormErrors,
}

async fn ledger_page(st: &AppState, ctx: &Ctx, form: PaymentForm, errors: FormErrors) -> Response {
    let payments = match payments::mine(st.people(), &ctx.actor).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let currencies = match crate::reference::store::coded_list(
        &st.db,
        crate::reference::store::CodedTable::Currencies,
    )
    .await
    {
        Ok(list) => list.into_iter().map(|c| c.code).collect(),
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = ctx.tr.t("payments-title");
    let html = LedgerPage {
        page: Page::new(ctx, &title),
        payments,
        form,
        purposes: PURPOSES,
        currencies,
        errors,
    };
    page(status, html.render())
}

#[derive(serde::Deserialize, Default)]
pub struct LedgerQuery {
    /// A vacancy reference to fill in (from "my applications").
    vacancy: Option<String>,
}

pub async fn ledger(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LedgerQuery>,
) -> Response {
    let form = PaymentForm {
        vacancy: q.vacancy.unwrap_or_default().chars().take(20).collect(),
        ..PaymentForm::default()
    };
    ledger_page(&st, &ctx, form, FormErrors::none(ctx.tr)).await
}

/// Reads the multipart form: its fields and the receipt, if one was sent.
async fn read_form(multipart: Multipart) -> Result<(PaymentForm, Option<Receipt>), &'static str> {
    let (fields, files) =
        crate::platform::web::forms::read_multipart(multipart, "receipt", 1).await?;
    let mut form = PaymentForm::default();
    for (name, value) in fields {
        form.set(&name, value);
    }
    Ok((
        form,
        files.into_iter().next().map(|bytes| Receipt { bytes }),
    ))
}

pub async fn record(State(st): State<AppState>, ctx: Ctx, multipart: Multipart) -> Response {
    let (form, receipt) = match read_form(multipart).await {
        Ok(parts) => parts,
        Err(message) => {
            let errors = vec![FieldError {
                field: "receipt",
                message,
            }];
            return ledger_page(
                &st,
                &ctx,
                PaymentForm::default(),
                FormErrors::new(ctx.tr, errors),
            )
            .await;
        }
    };
    let input = match form.to_input() {
        Ok(i) => i,
        Err(e) => return ledger_page(&st, &ctx, form, FormErrors::new(ctx.tr, vec![e])).await,
    };
    match payments::record(st.people(), &ctx.actor, &input, receipt).await {
        Ok(_) => Redirect::to("/payments").into_response(),
        Err(ServiceError::Invalid(errors)) => {
            ledger_page(&st, &ctx, form, FormErrors::new(ctx.tr, errors)).await
        }
        Err(ServiceError::Conflict(message)) => {
            let errors = vec![FieldError { field: "", message }];
            ledger_page(&st, &ctx, form, FormErrors::new(ctx.tr, errors)).await
        }
        Err(e) => e.into_response(),
    }
}

/// Records a payment in the signed-in citizen's ledger (receipts go through the page).
/// A recruitment fee or related cost paid to a recruiter raises a red flag.
#[utoipa::path(post, path = "/api/v1/payments", tag = "vacancies", request_body = NewPayment,
    responses((status = 201, body = Payment), (status = 401, body = crate::platform::api::Problem),
              (status = 409, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn api_record(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewPayment>,
) -> Response {
    match payments::record(st.people(), &ctx.actor, &body, None).await {
        Ok(p) => (StatusCode::CREATED, Json(p)).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Ledger {
    pub items: Vec<Payment>,
}

/// The signed-in citizen's ledger.
#[utoipa::path(get, path = "/api/v1/payments", tag = "vacancies",
    responses((status = 200, body = Ledger), (status = 401, body = crate::platform::api::Problem)))]
pub async fn api_mine(State(st): State<AppState>, ctx: Ctx) -> Response {
    match payments::mine(st.people(), &ctx.actor).await {
        Ok(items) => Json(Ledger { items }).into_response(),
        Err(e) => e.into_response(),
    }
}
