//! Forms are decoded from whatever a browser (or anyone) posts: decoding into the forms of
//! the registry, recruiters and complaints never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_urlencoded::from_bytes::<safar::people::pages::PersonForm>(data);
    let _ = serde_urlencoded::from_bytes::<safar::people::service::NewJourney>(data);
    let _ = serde_urlencoded::from_bytes::<safar::recruiters::pages::RecruiterForm>(data);
    let _ = serde_urlencoded::from_bytes::<safar::recruiters::complaint_pages::ComplaintForm>(data);
    let _ = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data);
});
