//! Reference data: seeded once, readable by all, edited by administrators with an audit trail.

use http::StatusCode;
use safar::platform::access::Role;

use crate::support::TestApp;

#[tokio::test]
async fn all_regions_and_districts_are_loaded_once() {
    let app = TestApp::new().await;
    assert_eq!(app.count("SELECT COUNT(*) FROM regions").await, 14);
    assert_eq!(app.count("SELECT COUNT(*) FROM districts").await, 209);
    assert!(app.count("SELECT COUNT(*) FROM destinations").await >= 10);
    assert!(app.count("SELECT COUNT(*) FROM channels").await >= 10);
    assert_eq!(
        safar::reference::seed_if_empty(&app.db, &app.clock)
            .await
            .unwrap(),
        0,
        "seeding twice does nothing"
    );
    let regions = app.client().get("/api/v1/reference/regions").await.json();
    let sa = regions
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["iso"] == "UZ-SA")
        .unwrap();
    assert_eq!(sa["names"]["uz_cyrl"], "Самарқанд вилояти");
    assert!(sa["districts"].as_i64().unwrap() > 10);
    let districts = app
        .client()
        .get("/api/v1/reference/regions/UZ-SA/districts")
        .await;
    assert_eq!(districts.status, StatusCode::OK);
    assert_eq!(
        districts.json().as_array().unwrap().len() as i64,
        sa["districts"].as_i64().unwrap()
    );
    assert_eq!(
        app.client()
            .get("/api/v1/reference/regions/UZ-XX/districts")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let gb = app
        .client()
        .get("/api/v1/reference/destinations")
        .await
        .json();
    assert!(
        gb.as_array()
            .unwrap()
            .iter()
            .any(|d| d["iso2"] == "GB" && !d["channels"].as_array().unwrap().is_empty())
    );
}

#[tokio::test]
async fn admins_edit_regions_with_an_audit_trail_and_others_are_refused() {
    let app = TestApp::new().await;
    let form = [
        ("name_uz_latn", "Samarqand viloyati"),
        ("name_uz_cyrl", "Самарқанд вилояти"),
        ("name_ru", "Самаркандская область"),
        ("name_en", "Samarkand Region"),
        ("population", "4 200 000"),
        ("population_date", "2026-01-01"),
    ];
    let mut analyst = app.signed_in(Role::Analyst).await;
    assert_eq!(
        analyst.get("/admin/reference/regions/UZ-SA").await.status,
        StatusCode::OK,
        "analysts may read"
    );
    assert_eq!(
        analyst
            .post_form("/admin/reference/regions/UZ-SA", &form)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut admin = app.signed_in(Role::Admin).await;
    let bad = admin
        .post_form(
            "/admin/reference/regions/UZ-SA?lang=en",
            &[
                ("name_uz_latn", ""),
                ("population", "many"),
                ("population_date", "2026-13-40"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter a whole number.") && bad.body.contains("YYYY-MM-DD"));
    assert_eq!(app.audit_count("reference.region.edit").await, 0);
    let ok = admin
        .post_form("/admin/reference/regions/UZ-SA", &form)
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT population FROM regions WHERE iso = 'UZ-SA'")
            .await,
        4_200_000
    );
    assert_eq!(app.audit_count("reference.region.edit").await, 1);
    assert_eq!(
        admin
            .post_form("/admin/reference/regions/UZ-XX", &form)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let index = admin.get("/admin/reference?lang=ru").await;
    assert!(index.body.contains("Самаркандская область"));
}
