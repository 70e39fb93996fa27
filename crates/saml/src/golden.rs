//! Golden files: responses recorded from SimpleSAMLphp (tests/golden, made by
//! tests/e2e/tools/capture-saml-golden.mjs) and attack variants derived from them, each with
//! its expected outcome in `cases.tsv`, judged at the time of the recording. Unlike the
//! mutator in `attacks.rs`, these are another toolkit's bytes (its namespace prefixes,
//! whitespace, `dsig:` KeyInfo, xmlseclibs encryption) and do not change between runs.

use super::golden_recordings::Recordings;
use super::*;

#[test]
fn recorded_responses_and_their_variants_meet_their_expectations() {
    let r = Recordings::load();
    let mut checked = (0, 0);
    for case in &r.cases {
        let (request, at) = (case.request.as_str(), r.now + case.later);
        let got = validate_response_at(
            &r.response(&case.file),
            &r.idp,
            &r.sp,
            &[request],
            false,
            at,
        );
        let what = format!("{} (request {request}, +{} s)", case.file, case.later);
        match (case.expect.split_once(':'), &got) {
            (Some(("accept", name)), Ok(login)) => {
                assert_eq!(login.name_id, name, "{what}");
                checked.0 += 1;
            }
            (None, Err(_)) if case.expect == "refuse" => checked.1 += 1,
            (Some(("not", evil)), Ok(login)) => assert_ne!(login.name_id, evil, "{what}"),
            (Some(("not", _)), Err(_)) => checked.1 += 1,
            _ => panic!("{what}: expected {}, got {got:?}", case.expect),
        }
    }
    assert!(
        checked.0 >= 3 && checked.1 >= 20,
        "{checked:?}: the manifest was read"
    );
}
