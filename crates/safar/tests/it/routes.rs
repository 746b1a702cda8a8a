//! Generated from the route table: every route × every role (and a visitor) is allowed or
//! refused exactly as the table says. Routes with scoped data add in/out-of-scope cases
//! in their module's tests.

use axum::body::Body;
use http::{Method, StatusCode};
use safar::platform::access::Role;
use safar::platform::web::routes::{self, Access, Route};

use crate::support::{Client, TestApp, TestResponse};

async fn call(client: &mut Client, route: &Route) -> TestResponse {
    let method = Method::from_bytes(route.method.as_bytes()).unwrap();
    let (content_type, body) = match (route.method, route.example.starts_with("/api/")) {
        ("GET", _) => (None, Body::empty()),
        (_, true) => (Some("application/json"), Body::from("{}")),
        (_, false) => (Some("application/x-www-form-urlencoded"), Body::from("")),
    };
    client
        .request(method, route.example, content_type, body)
        .await
}

fn sent_to_login(res: &TestResponse) -> bool {
    res.status == StatusCode::SEE_OTHER && res.location().starts_with("/login?next=")
}

#[tokio::test]
async fn every_route_allows_and_refuses_by_role_as_the_table_says() {
    let app = TestApp::new().await;
    let mut clients = vec![];
    for role in Role::ALL {
        let scope = if role == Role::RegionalOfficer {
            "region:UZ-SA"
        } else {
            ""
        };
        clients.push((Some(role), app.signed_in_scoped(role, scope).await));
    }
    clients.push((None, app.client()));
    let all = routes::all();
    assert!(all.len() >= 25, "the table looks incomplete");
    for route in &all {
        for (role, client) in clients.iter_mut() {
            let role: Option<Role> = *role;
            let res = if route.path == "/logout" {
                let mut fresh = match role {
                    Some(r) => app.signed_in(r).await,
                    None => app.client(),
                };
                call(&mut fresh, route).await
            } else {
                call(client, route).await
            };
            let who = role.map_or("visitor".to_string(), |r| r.to_string());
            let context = format!(
                "{} {} as {who}: {} {}",
                route.method,
                route.example,
                res.status,
                res.location()
            );
            assert_ne!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "{context}");
            let permitted = match (route.access, role) {
                (Access::Public, _) => true,
                (_, None) => false,
                (Access::SignedIn, Some(_)) => true,
                (Access::Perm(p), Some(r)) => r.permissions().contains(&p),
            };
            if route.access == Access::Public {
                // A public route may still answer 401 (wrong password), never 403.
                assert!(
                    res.status != StatusCode::FORBIDDEN && !sent_to_login(&res),
                    "should allow: {context}"
                );
            } else if permitted {
                assert!(
                    res.status != StatusCode::FORBIDDEN
                        && res.status != StatusCode::UNAUTHORIZED
                        && !sent_to_login(&res),
                    "should allow: {context}"
                );
            } else if role.is_none() {
                let api = route.example.starts_with("/api/");
                assert!(
                    if api {
                        res.status == StatusCode::UNAUTHORIZED
                    } else {
                        sent_to_login(&res)
                    },
                    "should ask to sign in: {context}"
                );
            } else {
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "should refuse: {context}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_router_and_the_table_agree() {
    // A route served but missing from the table is refused with 500 by the guard; one listed
    // but not served answers 404 or 405. Both would show up here.
    let app = TestApp::new().await;
    let mut admin = app.signed_in(Role::Admin).await;
    for route in routes::all() {
        if route.path == "/logout" {
            continue;
        }
        let res = call(&mut admin, route).await;
        let served = !matches!(
            res.status,
            StatusCode::INTERNAL_SERVER_ERROR | StatusCode::METHOD_NOT_ALLOWED
        );
        let found = res.status != StatusCode::NOT_FOUND || route.path.contains('{');
        assert!(
            served && found,
            "{} {} answered {}",
            route.method,
            route.example,
            res.status
        );
    }
}
