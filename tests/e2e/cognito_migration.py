"""Users moving in and out with the CLI: every password-hash format signs in with its old
password, is upgraded on the way (argon2id, SRP verifier), and then works over SRP; an export
with hashes imports into a second server (SQLite, and PostgreSQL when the test script runs
one) with the same users, groups, subs and passwords; Cognito CSV imports report bad rows by
line; progress shows on a terminal."""

import base64
import hashlib
import json
import os
import pty
import re
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import bcrypt
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from cognito_harness import BIN, Harness, free_port, wait_ready


def b64(data):
    return base64.b64encode(data).decode()


def phc_b64(data):
    return b64(data).rstrip("=")


def hashed_users():
    """(record, password) for each hash format an import takes."""
    out = []

    def add(name, password, password_hash, **extra):
        rec = {"username": name, "attributes": {"email": f"{name}@old.test", "email_verified": "true"},
               "password_hash": password_hash, **extra}
        out.append((rec, password))

    for prefix in ("2a", "2b", "2y"):
        h = bcrypt.hashpw(b"Bcrypt-pass1", bcrypt.gensalt(4)).decode()
        add(f"bcrypt-{prefix}", "Bcrypt-pass1", f"${prefix}${h[4:]}", groups=["Administrators"])
    salt = b"djangosalt12"
    dk = hashlib.pbkdf2_hmac("sha256", b"Django-pass1", salt, 1000)
    add("django", "Django-pass1", f"pbkdf2_sha256$1000${salt.decode()}${b64(dk)}")
    salt = os.urandom(16)
    dk = hashlib.pbkdf2_hmac("sha256", b"Pbkdf2-pass1", salt, 1000)
    add("pbkdf2", "Pbkdf2-pass1", f"$pbkdf2-sha256$i=1000,l=32${phc_b64(salt)}${phc_b64(dk)}")
    dk = hashlib.scrypt(b"Scrypt-pass1", salt=salt, n=1024, r=8, p=1, dklen=32)
    add("scrypt", "Scrypt-pass1", f"$scrypt$ln=10,r=8,p=1${phc_b64(salt)}${phc_b64(dk)}")
    for alg, fn in [("SHA-1", hashlib.sha1), ("SHA-256", hashlib.sha256), ("SHA-512", hashlib.sha512),
                    ("MD5", hashlib.md5)]:
        for order in ("PREFIX", "POSTFIX"):
            s = os.urandom(8)
            pw = f"Okta-{alg}-{order}1".encode()
            digest = fn(s + pw if order == "PREFIX" else pw + s).digest()
            name = f"okta-{alg.lower().replace('-', '')}-{order.lower()}"
            add(name, pw.decode(), {"algorithm": alg, "salt": b64(s), "salt_order": order, "value": b64(digest)},
                groups=["product:analytics"])
    return out


class Migration(Harness, unittest.TestCase):
    # The password import hook's receiver listens on loopback.
    serve_args = ["--upstream-allow-private"]

    def app(self, c, pool):
        return c.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=[
            "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            PreventUserExistenceErrors="LEGACY")["UserPoolClient"]["ClientId"]

    def import_file(self, pool, path, *extra, env=None):
        out = subprocess.run([BIN, "user", "import", "--pool", pool, path, *extra, "--json"],
                             env=env or self.env, check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    def export(self, pool, *extra, env=None):
        out = subprocess.run([BIN, "user", "export", "--pool", pool, *extra],
                             env=env or self.env, check=True, capture_output=True, text=True)
        return [json.loads(line) for line in out.stdout.splitlines()]

    def write(self, rows):
        f = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, dir=self.dir.name)
        for r in rows:
            f.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
        f.close()
        return f.name

    def test_every_hash_format_signs_in_is_upgraded_then_works_over_srp(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="hashes")["UserPool"]["Id"]
        app = self.app(c, pool)
        users = hashed_users()
        bad = ['{"username": "typo", "grups": []}',
               {"username": "costly", "password_hash": "$2b$31$" + "a" * 53},
               {"username": "weird", "password_hash": "$md5$nope"},
               "not json at all"]
        path = self.write([r for r, _ in users] + bad)
        summary = self.import_file(pool, path)
        self.assertEqual((summary["rows"], summary["created"], summary["failed"]), (len(users) + 4, len(users), 4))
        first_bad = len(users) + 1
        self.assertEqual([f["line"] for f in summary["failures"]], list(range(first_bad, first_bad + 4)))
        self.assertIn("grups", summary["failures"][0]["reason"])
        self.assertIn("cost", summary["failures"][1]["reason"])
        self.no_user(c, pool, "costly")
        # Again: nothing new, nothing duplicated.
        again = self.import_file(pool, path)
        self.assertEqual((again["created"], again["skipped"]), (0, len(users)))
        self.assertEqual(len(self.export(pool)), len(users))

        anon = self.anon()
        for rec, password in users:
            name = rec["username"]
            with self.subTest(user=name):
                srp = AWSSRP(username=name, password=password, pool_id=pool, client_id=app, client=anon)
                with self.assertRaises(ClientError) as cm:
                    srp.authenticate_user()
                self.assertEqual(cm.exception.response["Error"]["Code"], "NotAuthorizedException")
                self.assertIn("USER_PASSWORD_AUTH", cm.exception.response["Error"]["Message"])
                login = lambda pw: anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                                      AuthParameters={"USERNAME": name, "PASSWORD": pw})
                self.assertEqual(self.error_code(login, pw=password + "x"), "NotAuthorizedException")
                self.assertIn("IdToken", login(password)["AuthenticationResult"])
                ok = AWSSRP(username=name, password=password, pool_id=pool, client_id=app, client=anon)
                self.assertIn("AccessToken", ok.authenticate_user()["AuthenticationResult"])
        hashes = {r["username"]: r["password_hash"] for r in self.export(pool, "--with-hashes")}
        self.assertTrue(all(h.startswith("$argon2id$") for h in hashes.values()), hashes)
        groups = {r["username"]: r["groups"] for r in self.export(pool)}
        self.assertEqual(groups["bcrypt-2b"], ["Administrators"])
        self.assertEqual(groups["okta-md5-prefix"], ["product:analytics"])

    def no_user(self, c, pool, name):
        self.assertEqual(self.error_code(c.admin_get_user, UserPoolId=pool, Username=name), "UserNotFoundException")

    def second_server(self, database=None):
        """Another Portcullis (its own data directory; `database` a PostgreSQL URL)."""
        d = tempfile.mkdtemp(dir=self.dir.name)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTCULLIS_")}
        env["PORTCULLIS_DATA_DIR"] = d
        if database:
            env["PORTCULLIS_DATABASE_URL"] = database
        port = free_port()
        proc = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (proc.terminate(), proc.wait()))
        url = f"http://127.0.0.1:{port}"
        wait_ready(url)
        key = json.loads(subprocess.run([BIN, "access-key", "create", "--json"], env=env, check=True,
                                        capture_output=True, text=True).stdout)
        import boto3
        from botocore.config import Config
        client = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                              aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"],
                              config=Config(retries={"max_attempts": 1}))
        anon = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                            config=Config(signature_version=__import__("botocore").UNSIGNED))
        return env, client, anon

    def test_an_export_with_hashes_imports_elsewhere_with_passwords_intact(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="source")["UserPool"]["Id"]
        app = self.app(c, pool)
        users = hashed_users()[:4]
        self.import_file(pool, self.write([r for r, _ in users]))
        # One of them signs in here first: their hash is argon2id by the time of the export.
        signed_in, password = users[0][0]["username"], users[0][1]
        self.anon().initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": signed_in, "PASSWORD": password})
        exported = self.export(pool, "--with-hashes")
        dump = self.write(exported)
        backends = [("sqlite", None)]
        if os.environ.get("PORTCULLIS_TEST_POSTGRES_URL"):
            backends.append(("postgres", os.environ["PORTCULLIS_TEST_POSTGRES_URL"]))
        for backend, database in backends:
            with self.subTest(backend=backend):
                env, c2, anon2 = self.second_server(database)
                pool2 = c2.create_user_pool(PoolName=f"target-{backend}")["UserPool"]["Id"]
                app2 = self.app(c2, pool2)
                summary = self.import_file(pool2, dump, env=env)
                self.assertEqual((summary["created"], summary["failed"]), (len(users), 0))
                for rec, pw in users:
                    tokens = anon2.initiate_auth(ClientId=app2, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
                        "USERNAME": rec["username"], "PASSWORD": pw})["AuthenticationResult"]
                    self.assertIn("IdToken", tokens)
                back = {r["username"]: r for r in self.export(pool2, env=env)}
                for r in exported:
                    self.assertEqual((back[r["username"]]["sub"], back[r["username"]]["groups"]),
                                     (r["sub"], r["groups"]), "subs and groups travel too")
                self.assertEqual(self.import_file(pool2, dump, env=env)["skipped"], len(users))

    def test_cognito_csv_rows_are_checked_as_cognito_checks_them(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="csv")["UserPool"]["Id"]
        header = "cognito:username,email,email_verified,given_name,cognito:mfa_enabled"
        rows = [header, "ann,ann@csv.test,true,Ann,false", '"bob,jr",bob@csv.test,FALSE,"Bob ""B""",false',
                ",nobody@csv.test,true,,false", "cat,cat@csv.test,maybe,,false", "dan,dan@csv.test,true,,true",
                "eve,eve@csv.test"]
        path = self.write(rows)
        dry = self.import_file(pool, path, "--format", "cognito-csv", "--dry-run")
        self.assertEqual((dry["valid"], dry["created"], dry["failed"]), (2, 0, 4))
        self.assertEqual(self.export(pool), [], "a dry run writes nothing")
        summary = self.import_file(pool, path, "--format", "cognito-csv")
        self.assertEqual((summary["created"], summary["failed"]), (2, 4))
        self.assertEqual([f["line"] for f in summary["failures"]], [4, 5, 6, 7])
        user = c.admin_get_user(UserPoolId=pool, Username="bob,jr")
        self.assertEqual(user["UserStatus"], "RESET_REQUIRED")
        self.assertIn({"Name": "given_name", "Value": 'Bob "B"'}, user["UserAttributes"])

    def put(self, url, body):
        req = urllib.request.Request(url, data=body.encode(), method="PUT", headers={
            "Content-Type": "text/csv", "x-amz-server-side-encryption": "aws:kms"})
        return urllib.request.urlopen(req).status

    def wait_job(self, c, pool, job_id, until):
        for _ in range(300):
            job = c.describe_user_import_job(UserPoolId=pool, JobId=job_id)["UserImportJob"]
            if job["Status"] in until:
                return job
            time.sleep(0.1)
        self.fail(f"job {job_id} stayed {job['Status']}")

    def test_a_cognito_import_job_runs_and_reports_its_failed_rows(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="jobs", Schema=[
            {"Name": "org", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
        header = c.get_csv_header(UserPoolId=pool)["CSVHeader"]
        self.assertEqual(header[-3:], ["cognito:mfa_enabled", "cognito:username", "custom:org"])
        def row(**v):
            return ",".join(v.get(col.replace(":", "_"), "") for col in header)
        rows = [",".join(header),
                row(cognito_username="ann", email="ann@jobs.test", email_verified="true", cognito_mfa_enabled="false",
                    custom_org="acme"),
                row(cognito_username="bob", email="bob@jobs.test", email_verified="false", cognito_mfa_enabled="false"),
                row(cognito_username="", email="x@jobs.test", cognito_mfa_enabled="false"),
                row(cognito_username="cat", email="cat@jobs.test", email_verified="sometimes", cognito_mfa_enabled="false"),
                row(cognito_username="dan", email="dan@jobs.test", cognito_mfa_enabled="true")]
        c.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS")
        job = c.create_user_import_job(UserPoolId=pool, JobName="first batch",
                                       CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/import")["UserImportJob"]
        self.assertEqual((job["Status"], job["JobName"]), ("Created", "first batch"))
        self.assertTrue(job["JobId"].startswith("import-"))
        self.assertEqual(self.error_code(c.start_user_import_job, UserPoolId=pool, JobId=job["JobId"]),
                         "PreconditionNotMetException", "no file yet")
        self.assertEqual(self.put(job["PreSignedUrl"], "\n".join(rows) + "\n"), 200)
        with self.assertRaises(urllib.error.HTTPError) as cm:
            self.put(job["PreSignedUrl"], "cognito:username\nmal\n")
        self.assertEqual(cm.exception.code, 403, "one upload per URL")
        started = c.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
        self.assertIn(started["Status"], ("Pending", "InProgress", "Succeeded"))
        done = self.wait_job(c, pool, job["JobId"], ("Succeeded", "Failed"))
        self.assertEqual((done["Status"], done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]),
                         ("Succeeded", 1, 1, 3))
        self.assertIn("CompletionDate", done)
        report_url = re.search(r"(http\S+)$", done["CompletionMessage"]).group(1)
        report = urllib.request.urlopen(report_url).read().decode().splitlines()
        self.assertEqual([r.split(":")[0] for r in report], ["line 4", "line 5", "line 6"])
        self.assertIn("cognito:username", report[0])
        self.assertIn("email_verified", report[1])
        self.assertIn("mfa", report[2])
        ann = c.admin_get_user(UserPoolId=pool, Username="ann")
        self.assertEqual(ann["UserStatus"], "RESET_REQUIRED")
        self.assertIn({"Name": "custom:org", "Value": "acme"}, ann["UserAttributes"])
        # Imported without a password: the first sign-in is a reset, with a code mailed.
        app = self.app(c, pool)
        anon = self.anon()
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "ann", "PASSWORD": "Whatever-1"}),
                         "PasswordResetRequiredException")
        code, _ = self.wait_for_code("ann@jobs.test", "forgot_password")
        anon.confirm_forgot_password(ClientId=app, Username="ann", ConfirmationCode=code, Password="Ann-N3w-Pass!")
        anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                           AuthParameters={"USERNAME": "ann", "PASSWORD": "Ann-N3w-Pass!"})
        listed = c.list_user_import_jobs(UserPoolId=pool, MaxResults=10)["UserImportJobs"]
        self.assertEqual([j["JobId"] for j in listed], [job["JobId"]])
        self.assertEqual(self.error_code(c.stop_user_import_job, UserPoolId=pool, JobId=job["JobId"]),
                         "PreconditionNotMetException", "a finished job cannot stop")

    def test_an_import_job_stops_mid_way(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="stop")["UserPool"]["Id"]
        rows = ["cognito:username,email"] + [f"u{i:06d},u{i}@stop.test" for i in range(60000)]
        job = c.create_user_import_job(UserPoolId=pool, JobName="big",
                                       CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/import")["UserImportJob"]
        self.put(job["PreSignedUrl"], "\n".join(rows))
        c.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
        stopping = c.stop_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
        self.assertEqual(stopping["Status"], "Stopping")
        done = self.wait_job(c, pool, job["JobId"], ("Stopped",))
        self.assertLess(done["ImportedUsers"], 60000)
        self.assertEqual(done["CompletionMessage"], "Import Job Stopped.")
        self.assertEqual(len(self.export(pool)), done["ImportedUsers"], "the counts say what was written")

    def test_okta_password_import_hook_verifies_first_sign_ins(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        import threading
        from cognito_hooks import verify_signature
        c = self.client()
        pool = c.create_user_pool(PoolName="okta")["UserPool"]["Id"]
        app = self.app(c, pool)
        events, secret = [], {}

        class Okta(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                assert verify_signature(secret["s"], self.headers["webhook-id"], self.headers["webhook-timestamp"],
                                        body, self.headers["webhook-signature"]), "signed"
                event = json.loads(body)
                events.append(event)
                cred = event["data"]["context"]["credential"]
                ok = cred["password"] == "Okta-legacy-1"
                out = json.dumps({"commands": [{"type": "com.okta.action.update",
                                                "value": {"credential": "VERIFIED" if ok else "UNVERIFIED"}}]}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
        server = ThreadingHTTPServer(("127.0.0.1", free_port()), Okta)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        self.cli("pool", "set-password-import-hook", "--pool", pool, "--upstream-allow-private",
                 "--url", f"http://127.0.0.1:{server.server_address[1]}/okta")
        secret["s"] = self.cli("pool", "hook-secret", "--pool", pool)["secret"]
        self.import_file(pool, self.write([{"username": "vera", "password_import_hook": True,
                                            "attributes": {"email": "vera@okta.test"}}]))
        anon = self.anon()
        login = lambda pw: anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                              AuthParameters={"USERNAME": "vera", "PASSWORD": pw})
        self.assertEqual(self.error_code(login, pw="Not-her-1"), "NotAuthorizedException")
        self.assertEqual(events[-1]["eventType"], "com.okta.user.credential.password.import")
        self.assertEqual(events[-1]["data"]["context"]["credential"]["username"], "vera")
        self.assertEqual(events[-1]["data"]["action"], {"credential": "UNVERIFIED"})
        self.assertIn("IdToken", login("Okta-legacy-1")["AuthenticationResult"])
        self.assertEqual(len(events), 2)
        login("Okta-legacy-1")
        self.assertEqual(len(events), 2, "the password is kept here after the first sign-in")
        self.assertTrue(self.export(pool, "--with-hashes")[0]["password_hash"].startswith("$argon2id$"))
        srp = AWSSRP(username="vera", password="Okta-legacy-1", pool_id=pool, client_id=app, client=anon)
        self.assertIn("AccessToken", srp.authenticate_user()["AuthenticationResult"])

    def test_migrate_from_a_cognito_pool_on_first_sign_in(self):
        # The source: another Portcullis, speaking Cognito's API (admin calls signed with
        # SigV4, the app client with a secret).
        env2, src, src_anon = self.second_server()
        key2 = json.loads(subprocess.run([BIN, "access-key", "create", "--json"], env=env2, check=True,
                                         capture_output=True, text=True).stdout)
        old = src.create_user_pool(PoolName="legacy", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        old_app = src.create_user_pool_client(UserPoolId=old, ClientName="migrator", GenerateSecret=True,
                                              ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                                 "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                                                 "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
        src.create_group(UserPoolId=old, GroupName="Administrators")
        people = {f"m{i:03d}": f"Legacy-Pass-{i:03d}" for i in range(70)}  # two ListUsers pages
        for name, pw in people.items():
            src.admin_create_user(UserPoolId=old, Username=name, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": f"{name}@legacy.test"},
                                                  {"Name": "email_verified", "Value": "true"}])
            src.admin_set_user_password(UserPoolId=old, Username=name, Password=pw, Permanent=True)
        src.admin_add_user_to_group(UserPoolId=old, Username="m000", GroupName="Administrators")
        src.admin_disable_user(UserPoolId=old, Username="m069")
        old_sub = {a["Name"]: a["Value"] for a in src.admin_get_user(UserPoolId=old, Username="m001")["UserAttributes"]}["sub"]

        c = self.client()
        pool = c.create_user_pool(PoolName="new-home")["UserPool"]["Id"]
        app = self.app(c, pool)
        args = ["migrate", "cognito", "--pool", pool, "--source-endpoint", src.meta.endpoint_url,
                "--source-region", "us-east-1", "--source-pool", old, "--source-client", old_app["ClientId"],
                "--source-client-secret", old_app["ClientSecret"], "--upstream-allow-private"]
        env = {**self.env, "AWS_ACCESS_KEY_ID": key2["access_key_id"], "AWS_SECRET_ACCESS_KEY": key2["secret_access_key"]}
        run = subprocess.run([BIN, *args, "--json"], env=env, capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        copied = json.loads(run.stdout)
        self.assertEqual((copied["copied"], copied["failed"], copied["waiting_for_first_sign_in"]), (70, 0, 70))
        again = json.loads(subprocess.run([BIN, *args, "--json"], env=env, check=True, capture_output=True,
                                          text=True).stdout)
        self.assertEqual((again["copied"], again["skipped"]), (0, 70), "copying twice duplicates nothing")
        user = c.admin_get_user(UserPoolId=pool, Username="m001")
        self.assertIn({"Name": "sub", "Value": old_sub}, user["UserAttributes"], "the sub travels")
        self.assertEqual(c.admin_list_groups_for_user(UserPoolId=pool, Username="m000")["Groups"][0]["GroupName"],
                         "Administrators")
        self.assertFalse(c.admin_get_user(UserPoolId=pool, Username="m069")["Enabled"])

        anon = self.anon()
        login = lambda name, pw: anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                                    AuthParameters={"USERNAME": name, "PASSWORD": pw})
        self.assertEqual(self.error_code(login, name="m001", pw="Wrong-Pass-1"), "NotAuthorizedException")
        self.assertEqual(self.cli("migrate", "status", "--pool", pool)["waiting_for_first_sign_in"], 70)
        self.assertIn("IdToken", login("m001", people["m001"])["AuthenticationResult"])
        self.assertEqual(self.cli("migrate", "status", "--pool", pool)["waiting_for_first_sign_in"], 69)
        # The password is kept here: the source may go away.
        src.admin_delete_user(UserPoolId=old, Username="m001")
        self.assertIn("IdToken", login("m001", people["m001"])["AuthenticationResult"])
        srp = AWSSRP(username="m002", password=people["m002"], pool_id=pool, client_id=app, client=anon)
        with self.assertRaises(ClientError):
            srp.authenticate_user()  # no verifier before the first password sign-in
        login("m002", people["m002"])
        self.assertIn("AccessToken", srp.authenticate_user()["AuthenticationResult"])
        # The operator ends the window: everyone left resets, with a code mailed.
        ended = self.cli("user", "reset-password", "--pool", pool, "--not-migrated")
        self.assertEqual((ended["reset"], ended["codes_sent"]), (68, 67), "no code for the disabled user")
        self.assertEqual(self.cli("migrate", "status", "--pool", pool)["waiting_for_first_sign_in"], 0)
        _, first = self.wait_for_code("m003@legacy.test", "forgot_password")
        # Signing in now is a reset; the code mailed for it replaces the first one.
        self.assertEqual(self.error_code(login, name="m003", pw=people["m003"]), "PasswordResetRequiredException")
        code, _ = self.wait_for_code("m003@legacy.test", "forgot_password", seen={first})
        anon.confirm_forgot_password(ClientId=app, Username="m003", ConfirmationCode=code, Password="Brand-N3w-Pass!")
        login("m003", "Brand-N3w-Pass!")

    def test_migrate_from_moto_a_third_party_cognito(self):
        """moto_server implements Cognito's API on its own: the copy and the first sign-in
        work against it as against AWS."""
        import sys
        import boto3
        port = free_port()
        moto = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "moto_server"), "-p", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (moto.terminate(), moto.wait()))
        endpoint = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/")
                break
            except OSError:
                time.sleep(0.05)
        src = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="moto", aws_secret_access_key="moto")
        old = src.create_user_pool(PoolName="aws-pool")["UserPool"]["Id"]
        old_app = src.create_user_pool_client(UserPoolId=old, ClientName="migrator", ExplicitAuthFlows=[
            "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
        src.create_group(UserPoolId=old, GroupName="Support")
        for name in ("kai", "lea"):
            src.admin_create_user(UserPoolId=old, Username=name, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": f"{name}@aws.test"}])
            src.admin_set_user_password(UserPoolId=old, Username=name, Password=f"{name.title()}-Aws-Pass1!",
                                        Permanent=True)
        src.admin_add_user_to_group(UserPoolId=old, Username="lea", GroupName="Support")
        c = self.client()
        pool = c.create_user_pool(PoolName="from-moto")["UserPool"]["Id"]
        app = self.app(c, pool)
        env = {**self.env, "AWS_ACCESS_KEY_ID": "moto", "AWS_SECRET_ACCESS_KEY": "moto"}
        # Access keys from the environment, as AWS tools take them; first sign-ins then use
        # AdminInitiateAuth.
        copied = json.loads(subprocess.run(
            [BIN, "migrate", "cognito", "--pool", pool, "--source-endpoint", endpoint, "--source-region", "us-east-1",
             "--source-pool", old, "--source-client", old_app, "--upstream-allow-private", "--json"],
            env=env, check=True, capture_output=True, text=True).stdout)
        self.assertEqual((copied["copied"], copied["waiting_for_first_sign_in"]), (2, 2))
        self.assertEqual(c.admin_list_groups_for_user(UserPoolId=pool, Username="lea")["Groups"][0]["GroupName"],
                         "Support")
        anon = self.anon()
        login = lambda name, pw: anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                                    AuthParameters={"USERNAME": name, "PASSWORD": pw})
        self.assertEqual(self.error_code(login, name="kai", pw="Not-Kais-Pass1!"), "NotAuthorizedException")
        self.assertIn("IdToken", login("kai", "Kai-Aws-Pass1!")["AuthenticationResult"])
        self.assertEqual(self.cli("migrate", "status", "--pool", pool)["waiting_for_first_sign_in"], 1)

    def test_progress_shows_on_a_terminal(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="progress")["UserPool"]["Id"]
        path = self.write({"username": f"p{i:05d}"} for i in range(20000))
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(BIN, [BIN, "user", "import", "--pool", pool, path], self.env)
        seen = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        os.waitpid(pid, 0)
        text = seen.decode(errors="replace")
        self.assertIn("importing: ", text)
        self.assertRegex(text, r"rows, \d+/s, \d+%, ETA \d+s")
        self.assertIn("20000 rows in", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
