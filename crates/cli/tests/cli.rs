//! Black-box tests of the built `portcullis` binary: every command, on SQLite and on the
//! PostgreSQL server that scripts/test.sh starts, and `serve` answering over real HTTP.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_portcullis");

/// Runs one scenario as two tests: on SQLite and on PostgreSQL.
macro_rules! on_both_backends {
    ($sqlite:ident, $postgres:ident, $scenario:ident) => {
        #[test]
        fn $sqlite() {
            $scenario(&Env::sqlite());
        }

        #[test]
        fn $postgres() {
            $scenario(&Env::postgres());
        }
    };
}

/// A data directory plus an optional database URL: one isolated installation.
struct Env {
    dir: tempfile::TempDir,
    database: Option<String>,
}

impl Env {
    fn sqlite() -> Self {
        Env {
            dir: tempfile::tempdir().unwrap(),
            database: None,
        }
    }

    fn postgres() -> Self {
        let url = std::env::var("PORTCULLIS_TEST_POSTGRES_URL").unwrap_or_else(|_| {
            panic!("PORTCULLIS_TEST_POSTGRES_URL is not set: run scripts/test.sh")
        });
        Env {
            dir: tempfile::tempdir().unwrap(),
            database: Some(url),
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .arg("--data-dir")
            .arg(self.data_dir())
            .env_remove("PORTCULLIS_DATABASE_URL")
            .env_remove("PORTCULLIS_MASTER_KEY")
            .env("PORTCULLIS_ARGON2_MEMORY_KIB", "256")
            .env("PORTCULLIS_ARGON2_ITERATIONS", "1");
        if let Some(db) = &self.database {
            c.arg("--database").arg(db);
        }
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs a command that must succeed with `--json`, and parses its output.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Runs a command that must fail with one clear line on stderr; returns that line.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} unexpectedly succeeded");
        let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        assert_eq!(
            err.lines().count(),
            1,
            "{args:?}: stderr is not one line: {err}"
        );
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(
            out.stdout.is_empty(),
            "{args:?} printed to stdout on failure"
        );
        err
    }

    /// How many items a listing command prints.
    fn count(&self, args: &[&str]) -> usize {
        self.json(args).as_array().map_or(0, Vec::len)
    }

    fn new_pool(&self) -> String {
        let v = self.json(&["pool", "create", "--name", "acme"]);
        v["id"].as_str().unwrap().to_owned()
    }
}

on_both_backends!(
    sqlite_every_command_works,
    postgres_every_command_works,
    every_command_works
);

fn every_command_works(env: &Env) {
    let created = env.json(&[
        "pool",
        "create",
        "--name",
        "acme",
        "--custom-attribute",
        "tenant",
        "--custom-attribute",
        "level:Number",
    ]);
    assert_eq!(
        created["settings"]["custom_attributes"][1]["data_type"],
        "Number"
    );
    env.fails(&[
        "pool",
        "create",
        "--name",
        "x",
        "--custom-attribute",
        "tenant:Colour",
    ]);
    let pool = created["id"].as_str().unwrap().to_owned();
    let (region, rest) = pool.split_once('_').unwrap();
    assert_eq!(region, "local");
    assert_eq!(rest.len(), 9);
    let listed = env.json(&["pool", "list"]);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == pool.as_str())
    );
    assert_eq!(env.json(&["pool", "get", "--pool", &pool])["name"], "acme");
    let domain = format!("auth-{}.example", pool.to_lowercase().replace('_', "-"));
    let set = env.json(&["pool", "set-domain", "--pool", &pool, "--domain", &domain]);
    assert_eq!(set["domain"], domain.as_str());
    assert_eq!(
        env.json(&["pool", "get", "--pool", &pool])["domain"],
        domain.as_str()
    );
    env.fails(&[
        "pool",
        "set-domain",
        "--pool",
        &pool,
        "--domain",
        "not a host",
    ]);
    env.fails(&["pool", "set-domain", "--pool", &pool]);
    assert_eq!(
        env.json(&["pool", "set-domain", "--pool", &pool, "--clear"])["domain"],
        serde_json::Value::Null
    );

    // Clients: a confidential code client, then its secret read back.
    let c = env.json(&[
        "client",
        "create",
        "--pool",
        &pool,
        "--name",
        "web",
        "--callback-url",
        "https://app.example.com/cb",
        "--logout-url",
        "https://app.example.com/",
        "--secret",
        "--scope",
        "openid",
        "--scope",
        "email",
    ]);
    assert_eq!(
        c["allowed_oauth_scopes"],
        serde_json::json!(["openid", "email"])
    );
    // The older comma-separated spelling still works, for now.
    let old_style = env.json(&[
        "client",
        "create",
        "--pool",
        &pool,
        "--name",
        "old",
        "--callback-url",
        "https://app.example.com/cb",
        "--scopes",
        "openid,email",
    ]);
    assert_eq!(old_style["allowed_oauth_scopes"], c["allowed_oauth_scopes"]);
    env.json(&[
        "client",
        "delete",
        "--pool",
        &pool,
        "--client-id",
        old_style["client_id"].as_str().unwrap(),
    ]);
    let client_id = c["client_id"].as_str().unwrap().to_owned();
    let secret = c["client_secret"].as_str().unwrap().to_owned();
    assert_eq!(client_id.len(), 26);
    assert!(secret.len() >= 40);
    assert_eq!(c["allowed_oauth_flows"], serde_json::json!(["code"]));
    let got = env.json(&["client", "get", "--pool", &pool, "--client-id", &client_id]);
    assert!(got.get("client_secret").is_none());
    assert_eq!(got["has_secret"], true);
    let shown = env.json(&[
        "client",
        "get",
        "--pool",
        &pool,
        "--client-id",
        &client_id,
        "--show-secret",
    ]);
    assert_eq!(shown["client_secret"], secret.as_str());

    // Resource server and a client_credentials client using its scope.
    let rs = env.json(&[
        "resource-server",
        "create",
        "--pool",
        &pool,
        "--identifier",
        "https://api.example.com",
        "--name",
        "API",
        "--scope",
        "read:Read things",
        "--scope",
        "write",
    ]);
    assert_eq!(rs["scope_names"][0], "https://api.example.com/read");
    assert_eq!(env.count(&["resource-server", "list", "--pool", &pool]), 1);
    let m2m = env.json(&[
        "client",
        "create",
        "--pool",
        &pool,
        "--name",
        "m2m",
        "--secret",
        "--flows",
        "client_credentials",
        "--scopes",
        "https://api.example.com/read",
    ]);
    assert_eq!(
        m2m["allowed_oauth_flows"],
        serde_json::json!(["client_credentials"])
    );
    assert_eq!(env.count(&["client", "list", "--pool", &pool]), 2);

    // Users, groups, passwords.
    let alice = env.json(&[
        "user",
        "create",
        "--pool",
        &pool,
        "--username",
        "Alice",
        "--email",
        "alice@example.com",
        "--password",
        "Alice-Passw0rd!",
        "--attribute",
        "custom:tenant=acme",
    ]);
    assert_eq!(alice["status"], "CONFIRMED");
    assert_eq!(alice["attributes"]["custom:tenant"], "acme");
    // A custom attribute the pool does not declare is refused.
    env.fails(&[
        "user",
        "create",
        "--pool",
        &pool,
        "--username",
        "eve",
        "--attribute",
        "custom:role=admin",
    ]);
    assert!(alice.get("temporary_password").is_none());
    let bob = env.json(&["user", "create", "--pool", &pool, "--username", "bob"]);
    assert_eq!(bob["status"], "FORCE_CHANGE_PASSWORD");
    assert!(bob["temporary_password"].as_str().unwrap().len() >= 12);
    let err = env.fails(&[
        "user",
        "create",
        "--pool",
        &pool,
        "--username",
        "ALICE",
        "--password",
        "Alice-Passw0rd!",
    ]);
    assert!(err.contains("already exists"), "{err}");

    env.json(&[
        "group",
        "create",
        "--pool",
        &pool,
        "--name",
        "admins",
        "--precedence",
        "1",
    ]);
    env.json(&[
        "group",
        "create",
        "--pool",
        &pool,
        "--name",
        "staff",
        "--description",
        "Staff",
    ]);
    assert_eq!(env.count(&["group", "list", "--pool", &pool]), 2);
    env.json(&[
        "user",
        "add-to-group",
        "--pool",
        &pool,
        "--username",
        "alice",
        "--group",
        "staff",
    ]);
    env.json(&[
        "user",
        "add-to-group",
        "--pool",
        &pool,
        "--username",
        "alice",
        "--group",
        "admins",
    ]);
    let got = env.json(&["user", "get", "--pool", &pool, "--username", "ALICE"]);
    assert_eq!(got["sub"], alice["sub"]);
    assert_eq!(got["groups"], serde_json::json!(["admins", "staff"]));
    assert!(got.get("password_hash").is_none());

    let reset = env.json(&[
        "user",
        "set-password",
        "--pool",
        &pool,
        "--username",
        "bob",
        "--password",
        "Bob-Passw0rd!2",
    ]);
    assert_eq!(reset["status"], "CONFIRMED");
    let weak = env.fails(&[
        "user",
        "set-password",
        "--pool",
        &pool,
        "--username",
        "bob",
        "--password",
        "weak",
    ]);
    assert!(weak.contains("Password not long enough"), "{weak}");

    let page = env.json(&["user", "list", "--pool", &pool, "--limit", "1"]);
    assert_eq!(page["users"].as_array().unwrap().len(), 1);
    let next = page["next"].as_str().unwrap().to_owned();
    let page2 = env.json(&[
        "user", "list", "--pool", &pool, "--limit", "1", "--after", &next,
    ]);
    assert_ne!(page2["users"][0]["sub"], page["users"][0]["sub"]);

    env.json(&["user", "delete", "--pool", &pool, "--username", "bob"]);
    env.fails(&["user", "get", "--pool", &pool, "--username", "bob"]);

    // Keys.
    let keys = env.json(&["keys", "list", "--pool", &pool]);
    assert_eq!(keys.as_array().unwrap().len(), 1);
    let rotated = env.json(&["keys", "rotate", "--pool", &pool]);
    let keys = env.json(&["keys", "list", "--pool", &pool]);
    assert_eq!(keys[0]["kid"], rotated["kid"]);
    assert_eq!(keys[0]["status"], "active");
    assert_eq!(keys[1]["status"], "retiring");

    // Access keys for the Cognito API, scoped to the pool.
    let key = env.json(&["access-key", "create", "--pool", &pool]);
    let key_id = key["access_key_id"].as_str().unwrap().to_owned();
    assert!(key_id.starts_with("PCAK"));
    assert_eq!(key["secret_access_key"].as_str().unwrap().len(), 43);
    assert_eq!(key["pools"], serde_json::json!([pool]));
    let listed = env.json(&["access-key", "list"]);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["access_key_id"] == key_id.as_str() && k.get("secret_access_key").is_none())
    );
    env.json(&["access-key", "delete", "--access-key-id", &key_id]);
    env.fails(&["access-key", "create", "--pool", "local_nosuchpoo"]);

    // Identity providers: the secret is stored sealed and never printed.
    let idp = env.json(&[
        "idp",
        "create",
        "--pool",
        &pool,
        "--name",
        "Okta",
        "--detail",
        "client_id=portcullis",
        "--detail",
        "client_secret=okta-s3cret",
        "--detail",
        "authorize_scopes=openid email",
        "--detail",
        "oidc_issuer=https://acme.okta.example",
        "--detail",
        "attributes_request_method=GET",
        "--map",
        "email=email",
        "--identifier",
        "acme.example",
    ]);
    assert_eq!(idp["type"], "OIDC");
    assert_eq!(idp["has_secret"], true);
    assert!(!idp.to_string().contains("okta-s3cret"));
    assert_eq!(
        env.json(&["idp", "get", "--pool", &pool, "--name", "Okta"])["identifiers"][0],
        "acme.example"
    );
    assert_eq!(env.count(&["idp", "list", "--pool", &pool]), 1);
    let err = env.fails(&[
        "idp",
        "create",
        "--pool",
        &pool,
        "--name",
        "Bad",
        "--detail",
        "client_id=x",
    ]);
    assert!(err.contains("required"), "{err}");
    let err = env.fails(&["idp", "get", "--pool", &pool, "--name", "Nope"]);
    assert!(err.contains("identity provider"), "{err}");
    let fed = env.json(&[
        "client",
        "create",
        "--pool",
        &pool,
        "--name",
        "fed",
        "--callback-url",
        "https://app.example/cb",
        "--identity-provider",
        "COGNITO",
        "--identity-provider",
        "Okta",
    ]);
    assert_eq!(
        fed["supported_identity_providers"],
        serde_json::json!(["COGNITO", "Okta"])
    );
    let clients_before = env.count(&["client", "list", "--pool", &pool]);
    env.fails(&[
        "client",
        "create",
        "--pool",
        &pool,
        "--name",
        "x",
        "--identity-provider",
        "Nope",
    ]);
    assert_eq!(
        env.count(&["client", "list", "--pool", &pool]),
        clients_before,
        "a refused client is not created"
    );
    env.json(&["idp", "delete", "--pool", &pool, "--name", "Okta"]);
    env.fails(&["idp", "delete", "--pool", &pool, "--name", "Okta"]);

    // Deleting the pool removes it and everything in it.
    env.json(&[
        "client",
        "delete",
        "--pool",
        &pool,
        "--client-id",
        &client_id,
    ]);
    env.json(&["pool", "delete", "--pool", &pool]);
    let err = env.fails(&["pool", "get", "--pool", &pool]);
    assert!(err.contains("not found"), "{err}");
    env.fails(&["user", "get", "--pool", &pool, "--username", "alice"]);
}

on_both_backends!(
    sqlite_bad_input_fails_cleanly,
    postgres_bad_input_fails_cleanly,
    bad_input_fails_cleanly_and_changes_nothing
);

fn bad_input_fails_cleanly_and_changes_nothing(env: &Env) {
    let pool = env.new_pool();
    for args in [
        vec![
            "client",
            "create",
            "--pool",
            &pool,
            "--name",
            "x",
            "--callback-url",
            "http://evil.example/cb",
        ],
        vec![
            "client",
            "create",
            "--pool",
            &pool,
            "--name",
            "x",
            "--callback-url",
            "https://a.example/cb",
            "--flows",
            "password",
        ],
        vec![
            "client",
            "create",
            "--pool",
            &pool,
            "--name",
            "x",
            "--flows",
            "client_credentials",
            "--scopes",
            "nosuch/scope",
            "--secret",
        ],
        vec![
            "client",
            "create",
            "--pool",
            &pool,
            "--name",
            "x",
            "--flows",
            "client_credentials",
            "--scopes",
            "openid",
        ],
        vec![
            "client",
            "create",
            "--pool",
            "local_nosuchpoo",
            "--name",
            "x",
            "--callback-url",
            "https://a.example/cb",
        ],
    ] {
        env.fails(&args);
    }
    assert!(
        env.json(&["client", "list", "--pool", &pool])
            .as_array()
            .unwrap()
            .is_empty()
    );
    for args in [
        vec![
            "user",
            "create",
            "--pool",
            &pool,
            "--username",
            "a b",
            "--password",
            "Str0ng-Passw0rd",
        ],
        vec![
            "user",
            "create",
            "--pool",
            &pool,
            "--username",
            "carol",
            "--password",
            "short",
        ],
        vec![
            "user",
            "create",
            "--pool",
            &pool,
            "--username",
            "carol",
            "--email",
            "nope",
            "--password",
            "Str0ng-Passw0rd",
        ],
        vec![
            "user",
            "create",
            "--pool",
            &pool,
            "--username",
            "carol",
            "--attribute",
            "shoe_size=9",
        ],
    ] {
        env.fails(&args);
    }
    assert!(
        env.json(&["user", "list", "--pool", &pool])["users"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    env.fails(&[
        "user",
        "add-to-group",
        "--pool",
        &pool,
        "--username",
        "nobody",
        "--group",
        "g",
    ]);
    env.fails(&["pool", "create", "--name", ""]);
    env.fails(&["pool", "get", "--pool", "not a pool id"]);
    env.fails(&["keys", "rotate", "--pool", "local_nosuchpoo"]);
    // clap usage errors also exit non-zero.
    assert!(!env.run(&["pool", "create"]).status.success());
}

#[test]
fn secrets_are_encrypted_at_rest_with_the_master_key() {
    let env = Env::sqlite();
    let pool = env.new_pool();
    let c = env.json(&[
        "client",
        "create",
        "--pool",
        &pool,
        "--name",
        "web",
        "--callback-url",
        "https://a.example/cb",
        "--secret",
    ]);
    let secret = c["client_secret"].as_str().unwrap();

    let key_file = env.data_dir().join("master.key");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&key_file).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let dir_mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(env.data_dir()).unwrap().permissions(),
    );
    assert_eq!(dir_mode & 0o077, 0);

    // Neither the client secret nor a PKCS#8 private key appears in the database files.
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(env.data_dir()).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("portcullis.db")
        {
            bytes.extend(std::fs::read(p).unwrap());
        }
    }
    assert!(!bytes.is_empty());
    assert!(
        !contains(&bytes, secret.as_bytes()),
        "client secret stored in clear"
    );
    // The DER prefix of an RSA PKCS#8 key: SEQUENCE, INTEGER 0, rsaEncryption OID.
    assert!(!contains(
        &bytes,
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
        ]
    ));

    // Another master key cannot open them: a clear error, not garbage.
    std::fs::write(&key_file, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
    let err = env.fails(&[
        "client",
        "get",
        "--pool",
        &pool,
        "--client-id",
        c["client_id"].as_str().unwrap(),
        "--show-secret",
    ]);
    assert!(err.contains("could not be opened"), "{err}");

    // The key may also come from the environment.
    let out = env
        .cmd(&["pool", "list", "--json"])
        .env("PORTCULLIS_MASTER_KEY", "too-short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PORTCULLIS_MASTER_KEY"));
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A running `portcullis serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_server(env: &Env, extra: &[&str]) -> Server {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--listen", &listen];
    args.extend_from_slice(extra);
    let child = env
        .cmd(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if http_get(port, "/healthz")
            .map(|(s, _)| s == 200)
            .unwrap_or(false)
        {
            return server;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server did not start on {listen}");
}

/// A minimal HTTP/1.1 GET over loopback: (status, body).
fn http_get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = String::new();
    s.read_to_string(&mut raw)?;
    let status = raw.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

fn get_json(port: u16, path: &str) -> Value {
    let (status, body) = http_get(port, path).unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn kids(port: u16, pool: &str) -> Vec<String> {
    get_json(port, &format!("/{pool}/.well-known/jwks.json"))["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

on_both_backends!(
    sqlite_serve_publishes_discovery_and_rotated_keys,
    postgres_serve_publishes_discovery_and_rotated_keys,
    serve_publishes_discovery_and_rotated_keys
);

fn serve_publishes_discovery_and_rotated_keys(env: &Env) {
    let pool = env.new_pool();
    let server = start_server(env, &[]);
    let port = server.port;
    let doc = get_json(port, &format!("/{pool}/.well-known/openid-configuration"));
    assert_eq!(doc["issuer"], format!("http://127.0.0.1:{port}/{pool}"));
    assert_eq!(
        doc["jwks_uri"],
        format!("http://127.0.0.1:{port}/{pool}/.well-known/jwks.json")
    );
    let before = kids(port, &pool);
    assert_eq!(before.len(), 1);

    // An admin command while the server runs on the same database.
    let rotated = env.json(&["keys", "rotate", "--pool", &pool]);
    let after = kids(port, &pool);
    assert_eq!(
        after,
        vec![
            rotated["kid"].as_str().unwrap().to_owned(),
            before[0].clone()
        ]
    );
    assert_eq!(get_json(port, "/readyz")["status"], "ready");
    assert_eq!(
        http_get(port, "/local_nosuchpoo/.well-known/jwks.json")
            .unwrap()
            .0,
        404
    );

    // Everything survives a restart.
    drop(server);
    let server = start_server(env, &[]);
    assert_eq!(kids(server.port, &pool), after);
    assert_eq!(
        env.json(&["pool", "get", "--pool", &pool])["id"],
        pool.as_str()
    );
}

#[test]
fn serve_demo_is_idempotent() {
    let env = Env::sqlite();
    let mut server = start_server(&env, &["--demo", "--json"]);
    let first = read_json_line(&mut server.child);
    assert_eq!(first["created"], true);
    let pool = first["pool_id"].as_str().unwrap().to_owned();
    let login_url = first["login_url"].as_str().unwrap();
    assert!(login_url.starts_with(&format!(
        "http://127.0.0.1:{}/{pool}/oauth2/authorize?",
        server.port
    )));
    assert!(login_url.contains(first["client_id"].as_str().unwrap()));
    drop(server);

    let mut server = start_server(&env, &["--demo", "--json"]);
    let second = read_json_line(&mut server.child);
    assert_eq!(second["created"], false);
    assert_eq!(second["pool_id"], first["pool_id"]);
    assert_eq!(second["client_id"], first["client_id"]);
    assert_eq!(second["client_secret"], first["client_secret"]);
    let pools = env.json(&["pool", "list"]);
    assert_eq!(pools.as_array().unwrap().len(), 1);
    let user = env.json(&["user", "get", "--pool", &pool, "--username", "demo"]);
    assert_eq!(user["status"], "CONFIRMED");
}

fn read_json_line(child: &mut Child) -> Value {
    let stdout = child.stdout.as_mut().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    serde_json::from_slice(&line).unwrap()
}

#[cfg(feature = "saml")]
on_both_backends!(
    sqlite_saml_keys_rotate_in_three_steps,
    postgres_saml_keys_rotate_in_three_steps,
    saml_keys_rotate_in_three_steps
);

/// `pool saml-key` while a server runs on the same database: what the SP metadata publishes
/// follows each step.
#[cfg(feature = "saml")]
fn saml_keys_rotate_in_three_steps(env: &Env) {
    let pool = env.new_pool();
    let server = start_server(env, &[]);
    let certs = || {
        let (status, md) = http_get(server.port, &format!("/{pool}/saml2/metadata")).unwrap();
        assert_eq!(status, 200);
        let mut found: Vec<String> = md
            .split("<ds:X509Certificate>")
            .skip(1)
            .map(|s| s.split('<').next().unwrap().to_owned())
            .collect();
        found.dedup();
        found
    };
    let key = |step: &[&str]| {
        let mut args = vec!["pool", "saml-key", "--pool", pool.as_str()];
        args.extend_from_slice(step);
        env.json(&args)
    };
    let first = key(&[]);
    assert!(first["current"].as_str().unwrap().len() == 64, "{first}");
    assert!(first["next"].is_null() && first["previous"].is_null());
    let published = certs();
    assert_eq!(published.len(), 1);
    assert!(
        env.fails(&["pool", "saml-key", "--pool", &pool, "--promote"])
            .contains("no next key is staged")
    );

    let staged = key(&["--stage"]);
    assert_eq!(
        staged["current"], first["current"],
        "still signing with the first"
    );
    assert!(staged["next"].is_string());
    let both = certs();
    assert_eq!(both.len(), 2, "the next certificate is published ahead");
    assert_eq!(both[0], published[0]);
    assert!(
        env.fails(&["pool", "saml-key", "--pool", &pool, "--stage"])
            .contains("staged already")
    );

    let promoted = key(&["--promote"]);
    assert_eq!(promoted["current"], staged["next"]);
    assert_eq!(promoted["previous"], first["current"]);
    assert!(promoted["next"].is_null());
    assert_eq!(
        certs(),
        [both[1].clone()],
        "only the new one is offered now"
    );

    let retired = key(&["--retire"]);
    assert!(retired["previous"].is_null());
    assert!(
        env.fails(&["pool", "saml-key", "--pool", &pool, "--retire"])
            .contains("no previous key")
    );
    assert_eq!(key(&[])["current"], promoted["current"]);
}

#[test]
fn each_command_lists_only_the_options_it_uses() {
    let help = |args: &[&str]| {
        let out = Command::new(BIN).args(args).arg("--help").output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let serve = help(&["serve"]);
    for option in [
        "--smtp-url",
        "--argon2-memory-kib",
        "--upstream-timeout-secs",
        "--trusted-proxy",
    ] {
        assert!(serve.contains(option), "serve --help lacks {option}");
    }
    let create = help(&["user", "create"]);
    assert!(create.contains("--argon2-memory-kib") && !create.contains("--smtp-url"));
    for args in [
        &["pool", "list"][..],
        &["client", "create"],
        &["keys", "rotate"],
    ] {
        let text = help(args);
        for server_only in ["--smtp-url", "--argon2", "--upstream-timeout-secs"] {
            assert!(
                !text.contains(server_only),
                "{args:?} --help shows {server_only}"
            );
        }
    }
}
