//! Benchmark (not a test): how long one SAML response takes to verify, for each golden
//! recording (crates/saml/tests/golden), judged at the recording's time. Run by
//! bench/saml/run.sh: `verify [iterations] [--json]`.

// A benchmark over fixed files: a file that is missing or reads differently is a reason to
// stop at once, loudly.
#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

use portcullis_saml::validate_response_at;
use std::time::Instant;

#[path = "../src/golden_recordings.rs"]
#[allow(dead_code)] // the test reads every field, the benchmark a few
mod golden_recordings;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let runs: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(500);
    let r = golden_recordings::Recordings::load();
    let (md, sp, now) = (&r.idp, &r.sp, r.now);
    let request = r
        .cases
        .iter()
        .find(|c| c.expect.starts_with("accept:"))
        .map(|c| c.request.clone())
        .expect("an accepted case");
    let request = request.as_str();
    let cases = [
        ("signed Response and Assertion", "ssp-signed.xml", true),
        (
            "signed Response, encrypted assertion",
            "ssp-encrypted.xml",
            true,
        ),
        (
            "assertion signed then encrypted",
            "ssp-sign-then-encrypt.xml",
            true,
        ),
        (
            "refused: NameID changed (signature)",
            "signed-nameid-changed.xml",
            false,
        ),
        (
            "refused: ciphertext flipped",
            "ste-cipher-flipped.xml",
            false,
        ),
    ];
    let mut rows = Vec::new();
    for (what, file, ok) in cases {
        let encoded = r.response(file);
        let mut ms: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let got = validate_response_at(&encoded, md, sp, &[request], false, now);
                assert_eq!(got.is_ok(), ok, "{what}: {got:?}");
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        let pct = |p: usize| ms[(ms.len() * p / 100).min(ms.len() - 1)];
        let mean = ms.iter().sum::<f64>() / ms.len() as f64;
        rows.push((what, pct(50), pct(90), 1000.0 / mean));
    }
    if json {
        let items: Vec<String> = rows
            .iter()
            .map(|(w, p50, p90, rate)| {
                format!("{{\"case\":\"{w}\",\"p50_ms\":{p50:.3},\"p90_ms\":{p90:.3},\"per_sec_one_core\":{rate:.0}}}")
            })
            .collect();
        println!("{{\"runs\":{runs},\"results\":[{}]}}", items.join(","));
    } else {
        println!("{runs} runs each, one thread\n");
        println!("| case | p50 ms | p90 ms | per second, one core |\n|---|---|---|---|");
        for (w, p50, p90, rate) in rows {
            println!("| {w} | {p50:.2} | {p90:.2} | {rate:.0} |");
        }
    }
}
