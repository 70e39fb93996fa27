//! Golden files: responses recorded from SimpleSAMLphp (tests/golden, made by
//! tests/e2e/tools/capture-saml-golden.mjs) and attack variants derived from them, each with
//! its expected outcome in `cases.tsv`, judged at the time of the recording. Unlike the
//! mutator in `attacks.rs`, these are another toolkit's bytes (its namespace prefixes,
//! whitespace, `dsig:` KeyInfo, xmlseclibs encryption) and do not change between runs.

use super::*;
use base64::Engine;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn recorded_responses_and_their_variants_meet_their_expectations() {
    let manifest = String::from_utf8(read("cases.tsv")).unwrap();
    let header = |key: &str| -> Vec<String> {
        manifest
            .lines()
            .find_map(|l| l.strip_prefix(&format!("# {key}\t")))
            .unwrap_or_else(|| panic!("no {key} line"))
            .split('\t')
            .map(str::to_owned)
            .collect()
    };
    let (sp_line, now) = (header("sp"), header("now")[0].parse::<i64>().unwrap());
    let sp = SpConfig {
        entity_id: sp_line[0].clone(),
        acs_url: sp_line[1].clone(),
        slo_url: None,
        key: Some(SpKey {
            key_der: read("sp-key.der"),
            cert_der: read("sp-cert.der"),
        }),
    };
    let md = IdpMetadata::parse(&String::from_utf8(read("idp-metadata.xml")).unwrap()).unwrap();
    let mut checked = (0, 0);
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let [file, request, later, expect] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("bad line {line:?}");
        };
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(read(&format!("responses/{file}")));
        let at = now + later.parse::<i64>().unwrap();
        let got = validate_response_at(&encoded, &md, &sp, &[request], false, at);
        let what = format!("{file} (request {request}, +{later} s)");
        match (expect.split_once(':'), &got) {
            (Some(("accept", name)), Ok(login)) => {
                assert_eq!(login.name_id, name, "{what}");
                checked.0 += 1;
            }
            (None, Err(_)) if expect == "refuse" => checked.1 += 1,
            (Some(("not", evil)), Ok(login)) => assert_ne!(login.name_id, evil, "{what}"),
            (Some(("not", _)), Err(_)) => checked.1 += 1,
            _ => panic!("{what}: expected {expect}, got {got:?}"),
        }
    }
    assert!(
        checked.0 >= 3 && checked.1 >= 20,
        "{checked:?}: the manifest was read"
    );
}
