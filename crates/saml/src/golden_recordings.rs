//! The golden recordings of `tests/golden`, loaded through the public API only: the golden
//! test (`golden.rs`) and the benchmark (`examples/verify.rs`) both include this file.

use portcullis_saml::{IdpMetadata, SpConfig, SpKey};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

/// One line of `cases.tsv`: a file, the request it may answer, how many seconds after the
/// recording it is judged, and what must come of it (`accept:<NameID>`, `refuse`,
/// `not:<NameID>`).
pub struct Case {
    pub file: String,
    pub request: String,
    pub later: i64,
    pub expect: String,
}

pub struct Recordings {
    pub sp: SpConfig,
    pub idp: IdpMetadata,
    /// When the responses were recorded (Unix seconds, a few seconds after).
    pub now: i64,
    pub cases: Vec<Case>,
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

impl Recordings {
    pub fn load() -> Self {
        let manifest = String::from_utf8(read("cases.tsv")).expect("UTF-8");
        let header = |key: &str| -> Vec<String> {
            manifest
                .lines()
                .find_map(|l| l.strip_prefix(&format!("# {key}\t")))
                .unwrap_or_else(|| panic!("no {key} line"))
                .split('\t')
                .map(str::to_owned)
                .collect()
        };
        let sp_line = header("sp");
        let cases = manifest
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|line| match line.split('\t').collect::<Vec<_>>()[..] {
                [file, request, later, expect] => Case {
                    file: file.into(),
                    request: request.into(),
                    later: later.parse().expect("seconds"),
                    expect: expect.into(),
                },
                _ => panic!("bad line {line:?}"),
            })
            .collect();
        Recordings {
            sp: SpConfig {
                entity_id: sp_line[0].clone(),
                acs_url: sp_line[1].clone(),
                key: Some(SpKey {
                    key_der: read("sp-key.der"),
                    cert_der: read("sp-cert.der"),
                }),
                ..SpConfig::default()
            },
            idp: IdpMetadata::parse(&String::from_utf8(read("idp-metadata.xml")).expect("UTF-8"))
                .expect("the recorded metadata parses"),
            now: header("now")[0].parse().expect("now"),
            cases,
        }
    }

    /// A recorded response, base64 as the IdP posts it.
    pub fn response(&self, file: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(read(&format!("responses/{file}")))
    }
}
