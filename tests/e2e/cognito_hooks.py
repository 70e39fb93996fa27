"""Hooks (Cognito's Lambda triggers as signed webhooks), from outside: boto3 drives the
flows, and a receiver of our own checks every signature, records every event and answers
as each test tells it."""

import base64
import hashlib
import hmac
import json
import os
import re
import socket
import threading
import time
import unittest
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cognito_harness import Harness, free_port, smtp_sink, text_part


def claims(jwt):
    body = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def verify_signature(secret, msg_id, timestamp, body, header):
    """Standard Webhooks: any `v1,` entry of the header is the HMAC of "id.timestamp.body"."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body,
                                         hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(e.removeprefix("v1,"), expected)
               for e in header.split() if e.startswith("v1,"))


class Receiver:
    """A webhook receiver on a free port. `answer[path]` is a function of the event that
    returns (status, body); events whose signature does not verify are refused and counted."""

    def __init__(self):
        self.secrets = {}
        self.events = []
        self.bad_signatures = 0
        self.answer = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                event = json.loads(body)
                pool = event.get("userPoolId")
                ok = any(verify_signature(s, self.headers["webhook-id"], self.headers["webhook-timestamp"],
                                          body, self.headers["webhook-signature"])
                         for s in receiver.secrets.get(pool, []))
                if not ok or abs(time.time() - int(self.headers["webhook-timestamp"])) > 300:
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.events.append((self.path, event))
                status, out = receiver.answer.get(self.path, lambda e: (200, e))(event)
                data = out if isinstance(out, bytes) else json.dumps(out).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass  # the caller gave up (the deadline test)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def sources(self, path=None):
        return [e["triggerSource"] for p, e in self.events if path is None or p == path]


def respond(**fields):
    """An answer that fills `response` with `fields`, as a Lambda returns the event."""
    return lambda e: (200, {**e, "response": {**e["response"], **fields}})


def refuse(message):
    return lambda e: (400, {"errorType": "Error", "errorMessage": message})


class Hooks(Harness, unittest.TestCase):
    serve_args = ["--upstream-allow-private"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["PORTCULLIS_UPSTREAM_ALLOW_PRIVATE"] = "true"
        cls.hooks = Receiver()

    def tearDown(self):
        self.assertEqual(self.hooks.bad_signatures, 0, "every call is signed with the pool's secret")

    def pool(self, name, lambda_config, **kw):
        c = self.client()
        pool = c.create_user_pool(PoolName=name, LambdaConfig=lambda_config, **kw)["UserPool"]["Id"]
        self.hooks.secrets[pool] = [self.cli("pool", "hook-secret", "--pool", pool)["secret"]]
        app = c.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
                                                           "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"])["UserPoolClient"]["ClientId"]
        return c, pool, app

    def lambda_error(self, fn, **kw):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as cm:
            fn(**kw)
        e = cm.exception.response["Error"]
        return e["Code"], e["Message"]

    def no_user(self, c, pool, name):
        self.assertEqual(self.error_code(c.admin_get_user, UserPoolId=pool, Username=name), "UserNotFoundException")

    def test_lambda_config_round_trips_and_refuses_arns(self):
        c = self.client()
        config = {t: f"https://hooks.example/{t}" for t in [
            "PreSignUp", "CustomMessage", "PostConfirmation", "PreAuthentication", "PostAuthentication",
            "DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse", "PreTokenGeneration",
            "UserMigration"]}
        config["InboundFederation"] = {"LambdaVersion": "V1_0", "LambdaArn": "https://hooks.example/InboundFederation"}
        config["PreTokenGenerationConfig"] = {"LambdaVersion": "V2_0",
                                              "LambdaArn": "https://hooks.example/PreTokenGeneration"}
        pool = c.create_user_pool(PoolName="config", LambdaConfig=config)["UserPool"]["Id"]
        self.assertEqual(c.describe_user_pool(UserPoolId=pool)["UserPool"]["LambdaConfig"], config)
        code, message = self.lambda_error(c.update_user_pool, UserPoolId=pool, LambdaConfig={
            "PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up"})
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("https:// URL", message)
        self.assertEqual(c.describe_user_pool(UserPoolId=pool)["UserPool"]["LambdaConfig"], config,
                         "a refused update changes nothing")
        # The CLI sets and clears one trigger; the secret rotates with a day of overlap.
        got = self.cli("pool", "set-hook", "--pool", pool, "--trigger", "PreTokenGeneration",
                       "--url", "https://hooks.example/v3", "--version", "V3_0")
        self.assertEqual((got["hooks"]["PreTokenGeneration"], got["pre_token_version"]),
                         ("https://hooks.example/v3", "V3_0"))
        self.cli("pool", "set-hook", "--pool", pool, "--trigger", "UserMigration", "--clear")
        after = c.describe_user_pool(UserPoolId=pool)["UserPool"]["LambdaConfig"]
        self.assertNotIn("UserMigration", after)
        self.assertEqual(after["PreTokenGenerationConfig"]["LambdaVersion"], "V3_0")
        self.assertIn("not a trigger", self.cli_fails("pool", "set-hook", "--pool", pool, "--trigger", "PreSignup",
                                                      "--url", "https://hooks.example/x"))
        first = self.cli("pool", "hook-secret", "--pool", pool)["secret"]
        self.assertTrue(first.startswith("whsec_"))
        self.assertEqual(self.cli("pool", "hook-secret", "--pool", pool)["secret"], first)
        second = self.cli("pool", "hook-secret", "--pool", pool, "--rotate")["secret"]
        self.assertNotEqual(first, second)

    def test_rotated_secrets_sign_twice_for_a_day(self):
        c, pool, app = self.pool("rotate", {"PreSignUp": f"{self.hooks.url}/rotate"})
        old = self.hooks.secrets[pool][0]
        new = self.cli("pool", "hook-secret", "--pool", pool, "--rotate")["secret"]
        for only in ([old], [new]):
            self.hooks.secrets[pool] = only
            self.anon().sign_up(ClientId=app, Username=f"r{len(self.hooks.events)}", Password="Rot-Passw0rd!")
        self.assertEqual(self.hooks.sources("/rotate"), ["PreSignUp_SignUp"] * 2)

    def test_pre_sign_up_confirms_or_refuses(self):
        c, pool, app = self.pool("presignup", {"PreSignUp": f"{self.hooks.url}/presignup"},
                                 AutoVerifiedAttributes=["email"])

        def decide(e):
            if e["request"]["userAttributes"]["email"].endswith("@blocked.test"):
                return refuse("Sign-ups from this domain are closed")(e)
            return respond(autoConfirmUser=True, autoVerifyEmail=True)(e)
        self.hooks.answer["/presignup"] = decide
        r = self.anon().sign_up(ClientId=app, Username="pat", Password="Pat-Passw0rd!",
                                UserAttributes=[{"Name": "email", "Value": "pat@acme.test"}],
                                ValidationData=[{"Name": "invite", "Value": "x"}])
        self.assertTrue(r["UserConfirmed"])
        self.assertNotIn("CodeDeliveryDetails", r, "a confirmed user needs no code")
        user = c.admin_get_user(UserPoolId=pool, Username="pat")
        self.assertEqual(user["UserStatus"], "CONFIRMED")
        self.assertIn({"Name": "email_verified", "Value": "true"}, user["UserAttributes"])
        path, event = self.hooks.events[-1]
        self.assertEqual(event["triggerSource"], "PreSignUp_SignUp")
        self.assertEqual((event["userPoolId"], event["userName"], event["region"]), (pool, "pat", pool.split("_")[0]))
        self.assertEqual(event["callerContext"]["clientId"], app)
        self.assertEqual(event["request"]["userAttributes"]["email"], "pat@acme.test")
        self.assertEqual(event["request"]["validationData"], {"invite": "x"})
        self.assertEqual(event["response"], {"autoConfirmUser": False, "autoVerifyEmail": False,
                                             "autoVerifyPhone": False})
        # The user signs in at once.
        self.anon().initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "pat", "PASSWORD": "Pat-Passw0rd!"})

        code, message = self.lambda_error(self.anon().sign_up, ClientId=app, Username="mal", Password="Mal-Passw0rd!",
                                          UserAttributes=[{"Name": "email", "Value": "mal@blocked.test"}])
        self.assertEqual((code, message),
                         ("UserLambdaValidationException", "PreSignUp failed with error Sign-ups from this domain are closed."))
        self.no_user(c, pool, "mal")
        # AdminCreateUser fires it too, refused the same way.
        code, _ = self.lambda_error(c.admin_create_user, UserPoolId=pool, Username="mal2",
                                    UserAttributes=[{"Name": "email", "Value": "mal2@blocked.test"}])
        self.assertEqual(code, "UserLambdaValidationException")
        self.no_user(c, pool, "mal2")
        self.assertEqual(self.hooks.sources("/presignup")[-1], "PreSignUp_AdminCreateUser")

    def test_post_confirmation_fires_once_per_confirmation(self):
        c, pool, app = self.pool("postconf", {"PostConfirmation": f"{self.hooks.url}/postconf"},
                                 AutoVerifiedAttributes=["email"])
        anon = self.anon()
        anon.sign_up(ClientId=app, Username="quinn", Password="Quinn-Passw0rd!",
                     UserAttributes=[{"Name": "email", "Value": "quinn@acme.test"}])
        self.assertEqual(self.hooks.sources("/postconf"), [], "not before confirmation")
        code, _ = self.wait_for_code("quinn@acme.test", "sign_up")
        anon.confirm_sign_up(ClientId=app, Username="quinn", ConfirmationCode=code)
        self.assertEqual(self.error_code(anon.confirm_sign_up, ClientId=app, Username="quinn", ConfirmationCode=code),
                         "NotAuthorizedException")
        self.assertEqual(self.hooks.sources("/postconf"), ["PostConfirmation_ConfirmSignUp"])
        attrs = self.hooks.events[-1][1]["request"]["userAttributes"]
        self.assertEqual((attrs["cognito:user_status"], attrs["email_verified"]), ("CONFIRMED", "true"))

        anon.forgot_password(ClientId=app, Username="quinn")
        code, _ = self.wait_for_code("quinn@acme.test", "forgot_password")
        anon.confirm_forgot_password(ClientId=app, Username="quinn", ConfirmationCode=code, Password="Quinn-N3w-Pass!")
        self.assertEqual(self.hooks.sources("/postconf"),
                         ["PostConfirmation_ConfirmSignUp", "PostConfirmation_ConfirmForgotPassword"])

        # A refusing hook leaves the user unconfirmed.
        self.hooks.answer["/postconf"] = refuse("CRM is down")
        anon.sign_up(ClientId=app, Username="rae", Password="Rae-Passw0rd!",
                     UserAttributes=[{"Name": "email", "Value": "rae@acme.test"}])
        code, _ = self.wait_for_code("rae@acme.test", "sign_up")
        self.assertEqual(self.lambda_error(anon.confirm_sign_up, ClientId=app, Username="rae", ConfirmationCode=code),
                         ("UserLambdaValidationException", "PostConfirmation failed with error CRM is down."))
        self.assertEqual(c.admin_get_user(UserPoolId=pool, Username="rae")["UserStatus"], "UNCONFIRMED")

    def test_pre_authentication_denies_and_post_authentication_follows(self):
        c, pool, app = self.pool("auth", {"PreAuthentication": f"{self.hooks.url}/preauth",
                                          "PostAuthentication": f"{self.hooks.url}/postauth"})
        for name in ("sam", "mallory"):
            c.admin_create_user(UserPoolId=pool, Username=name, TemporaryPassword="Temp-Passw0rd!",
                                MessageAction="SUPPRESS")
            c.admin_set_user_password(UserPoolId=pool, Username=name, Password="Real-Passw0rd!", Permanent=True)
        self.hooks.answer["/preauth"] = lambda e: (
            refuse("This account is suspended")(e) if e["userName"] == "mallory" else (200, e))
        anon = self.anon()
        login = lambda who, pw="Real-Passw0rd!": anon.initiate_auth(
            ClientId=app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": who, "PASSWORD": pw})
        self.assertIn("IdToken", login("sam")["AuthenticationResult"])
        self.assertEqual(self.hooks.sources("/preauth")[-1], "PreAuthentication_Authentication")
        self.assertEqual(self.hooks.sources("/postauth"), ["PostAuthentication_Authentication"])
        self.assertEqual(self.lambda_error(login, who="mallory"),
                         ("UserLambdaValidationException", "PreAuthentication failed with error This account is suspended."))
        self.assertEqual(len(self.hooks.sources("/postauth")), 1, "no post-authentication after a denial")
        # A wrong password fires no post-authentication either.
        self.assertEqual(self.error_code(login, who="sam", pw="Wrong-Passw0rd!"), "NotAuthorizedException")
        self.assertEqual(len(self.hooks.sources("/postauth")), 1)

    def test_custom_message_reaches_the_smtp_sink(self):
        sink, port, received = smtp_sink()
        try:
            c, pool, app = self.pool("message", {"CustomMessage": f"{self.hooks.url}/message"},
                                     AutoVerifiedAttributes=["email"])
            self.cli("pool", "set-email", "--pool", pool, "--smtp-url", f"smtp://127.0.0.1:{port}")
            self.hooks.answer["/message"] = lambda e: respond(
                emailSubject="Welcome to Acme",
                emailMessage=f"Hello {e['userName']}, your Acme code is {e['request']['codeParameter']}.")(e)
            anon = self.anon()
            anon.sign_up(ClientId=app, Username="uma", Password="Uma-Passw0rd!",
                         UserAttributes=[{"Name": "email", "Value": "uma@acme.test"}])
            for _ in range(100):
                if received:
                    break
                time.sleep(0.1)
            rcpt, content = received[0]
            self.assertIn("Subject: Welcome to Acme", content)
            code = re.search(r"Hello uma, your Acme code is (\d{6})\.", text_part(content)).group(1)
            anon.confirm_sign_up(ClientId=app, Username="uma", ConfirmationCode=code)
            self.assertEqual(self.hooks.sources("/message"), ["CustomMessage_SignUp"])
            # A message that lost the code is refused, and the sign-up with it.
            self.hooks.answer["/message"] = respond(emailMessage="Welcome!")
            code, _ = self.lambda_error(anon.sign_up, ClientId=app, Username="vic", Password="Vic-Passw0rd!",
                                        UserAttributes=[{"Name": "email", "Value": "vic@acme.test"}])
            self.assertEqual(code, "InvalidLambdaResponseException")
            self.no_user(c, pool, "vic")
        finally:
            sink.stop()

    def test_user_migration_takes_in_an_unknown_user(self):
        c, pool, app = self.pool("migrate", {"UserMigration": f"{self.hooks.url}/migrate"})

        def legacy(e):
            if e["triggerSource"] == "UserMigration_Authentication" and e["userName"] == "lee" \
                    and e["request"]["password"] == "Legacy-pass1":
                return respond(userAttributes={"email": "lee@legacy.test", "email_verified": "true"},
                               finalUserStatus="CONFIRMED", messageAction="SUPPRESS")(e)
            return refuse("Bad password")(e)
        self.hooks.answer["/migrate"] = legacy
        anon = self.anon()
        login = lambda pw: anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                              AuthParameters={"USERNAME": "lee", "PASSWORD": pw})
        self.assertEqual(self.error_code(login, pw="wrong"), "NotAuthorizedException")
        self.no_user(c, pool, "lee")
        tokens = login("Legacy-pass1")["AuthenticationResult"]
        self.assertEqual(claims(tokens["IdToken"])["email"], "lee@legacy.test")
        user = c.admin_get_user(UserPoolId=pool, Username="lee")
        self.assertEqual(user["UserStatus"], "CONFIRMED")
        # The typed password (below the pool's policy: it is the legacy store's) is kept.
        before = len(self.hooks.events)
        login("Legacy-pass1")
        self.assertEqual(len(self.hooks.events), before, "a migrated user is not looked up again")
        # A forgotten password of a name only the old store knows: the user is taken in
        # (RESET_REQUIRED) and gets a reset code.
        self.hooks.answer["/migrate"] = lambda e: (
            respond(userAttributes={"email": "olga@legacy.test"})(e)
            if e["triggerSource"] == "UserMigration_ForgotPassword" and e["userName"] == "olga"
            else refuse("Unknown user")(e))
        anon.forgot_password(ClientId=app, Username="olga")
        self.assertEqual(c.admin_get_user(UserPoolId=pool, Username="olga")["UserStatus"], "RESET_REQUIRED")
        code, _ = self.wait_for_code("olga@legacy.test", "forgot_password")
        anon.confirm_forgot_password(ClientId=app, Username="olga", ConfirmationCode=code, Password="Olga-N3w-Pass!")
        anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                           AuthParameters={"USERNAME": "olga", "PASSWORD": "Olga-N3w-Pass!"})
        anon.forgot_password(ClientId=app, Username="nobody")  # answered as for anyone
        self.no_user(c, pool, "nobody")

    def test_custom_auth_signs_in_with_an_emailed_code(self):
        c, pool, app = self.pool("custom", {t: f"{self.hooks.url}/{t}" for t in [
            "DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"]})
        c.admin_create_user(UserPoolId=pool, Username="zoe", MessageAction="SUPPRESS",
                            UserAttributes=[{"Name": "email", "Value": "zoe@acme.test"}])
        c.admin_set_user_password(UserPoolId=pool, Username="zoe", Password="Unused-Passw0rd!", Permanent=True)
        sent = []

        def define(e):
            rounds = e["request"]["session"]
            if rounds and rounds[-1]["challengeResult"]:
                return respond(issueTokens=True, failAuthentication=False)(e)
            if len(rounds) >= 3:
                return respond(issueTokens=False, failAuthentication=True)(e)
            return respond(challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False)(e)

        def create(e):
            code = f"{len(sent) + 100000}"
            sent.append(code)
            return respond(publicChallengeParameters={"destination": "z***@acme.test"},
                           privateChallengeParameters={"code": code}, challengeMetadata=f"CODE-{len(sent)}")(e)
        self.hooks.answer["/DefineAuthChallenge"] = define
        self.hooks.answer["/CreateAuthChallenge"] = create
        self.hooks.answer["/VerifyAuthChallengeResponse"] = lambda e: respond(
            answerCorrect=e["request"]["challengeAnswer"] == e["request"]["privateChallengeParameters"]["code"])(e)
        anon = self.anon()
        first = anon.initiate_auth(ClientId=app, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "zoe"})
        self.assertEqual(first["ChallengeName"], "CUSTOM_CHALLENGE")
        self.assertEqual(first["ChallengeParameters"], {"destination": "z***@acme.test", "USERNAME": "zoe"})
        answer = lambda session, code: anon.respond_to_auth_challenge(
            ClientId=app, ChallengeName="CUSTOM_CHALLENGE", Session=session,
            ChallengeResponses={"USERNAME": "zoe", "ANSWER": code})
        wrong = answer(first["Session"], "000000")
        self.assertEqual(wrong["ChallengeName"], "CUSTOM_CHALLENGE", "a wrong code asks again")
        self.assertEqual(self.error_code(answer, session=first["Session"], code=sent[0]), "NotAuthorizedException",
                         "a session answers once")
        tokens = answer(wrong["Session"], sent[-1])["AuthenticationResult"]
        self.assertEqual(claims(tokens["IdToken"])["cognito:username"], "zoe")
        rounds = [e["request"]["session"] for p, e in self.hooks.events if p == "/DefineAuthChallenge"]
        self.assertEqual(rounds[-1], [
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False, "challengeMetadata": "CODE-1"},
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "CODE-2"}])
        # Three wrong codes fail the sign-in.
        s = anon.initiate_auth(ClientId=app, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "zoe"})["Session"]
        s = answer(s, "1")["Session"]
        s = answer(s, "2")["Session"]
        self.assertEqual(self.error_code(answer, session=s, code="3"), "NotAuthorizedException")

    def test_pre_token_generation_v2_changes_both_tokens(self):
        c, pool, app = self.pool("tokens", {"PreTokenGenerationConfig": {
            "LambdaVersion": "V2_0", "LambdaArn": f"{self.hooks.url}/tokens"}})
        c.create_group(UserPoolId=pool, GroupName="staff")
        c.admin_create_user(UserPoolId=pool, Username="wes", TemporaryPassword="Temp-Passw0rd!",
                            MessageAction="SUPPRESS", UserAttributes=[{"Name": "email", "Value": "wes@acme.test"}])
        c.admin_set_user_password(UserPoolId=pool, Username="wes", Password="Wes-Passw0rd!", Permanent=True)
        c.admin_add_user_to_group(UserPoolId=pool, Username="wes", GroupName="staff")
        self.hooks.answer["/tokens"] = respond(claimsAndScopeOverrideDetails={
            "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": {"id": 42, "name": "acme"}},
                                  "claimsToSuppress": ["email"]},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"plan": "gold"},
                                      "scopesToAdd": ["reports/read"]},
            "groupOverrideDetails": {"groupsToOverride": ["staff", "beta"]}})
        anon = self.anon()
        r = anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "wes", "PASSWORD": "Wes-Passw0rd!"})["AuthenticationResult"]
        idt, at = claims(r["IdToken"]), claims(r["AccessToken"])
        self.assertEqual(idt["tenant"], {"id": 42, "name": "acme"})
        self.assertNotIn("email", idt)
        self.assertEqual(at["plan"], "gold")
        self.assertIn("reports/read", at["scope"].split())
        self.assertEqual((idt["cognito:groups"], at["cognito:groups"]), (["staff", "beta"], ["staff", "beta"]))
        event = self.hooks.events[-1][1]
        self.assertEqual((event["version"], event["triggerSource"]), ("2", "TokenGeneration_Authentication"))
        self.assertEqual(event["request"]["groupConfiguration"]["groupsToOverride"], ["staff"])
        self.assertIn("aws.cognito.signin.user.admin", event["request"]["scopes"])
        anon.initiate_auth(ClientId=app, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": r["RefreshToken"]})
        self.assertEqual(self.hooks.sources("/tokens")[-1], "TokenGeneration_RefreshTokens")
        # Claims the server owns cannot be changed: no tokens at all.
        self.hooks.answer["/tokens"] = respond(claimsAndScopeOverrideDetails={
            "idTokenGeneration": {"claimsToAddOrOverride": {"sub": "someone-else"}}})
        code, _ = self.lambda_error(anon.initiate_auth, ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                    AuthParameters={"USERNAME": "wes", "PASSWORD": "Wes-Passw0rd!"})
        self.assertEqual(code, "InvalidLambdaResponseException")

    def test_pre_token_generation_v3_on_client_credentials(self):
        c, pool, _ = self.pool("m2m", {"PreTokenGenerationConfig": {
            "LambdaVersion": "V3_0", "LambdaArn": f"{self.hooks.url}/m2m"}})
        c.create_resource_server(UserPoolId=pool, Identifier="https://api.acme.test", Name="API",
                                 Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])
        m2m = c.create_user_pool_client(UserPoolId=pool, ClientName="m2m", GenerateSecret=True,
                                        AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
                                        AllowedOAuthScopes=["https://api.acme.test/read"])["UserPoolClient"]
        self.hooks.answer["/m2m"] = respond(claimsAndScopeOverrideDetails={
            "accessTokenGeneration": {"claimsToAddOrOverride": {"partner": "globex"}}})

        def token():
            req = urllib.request.Request(f"{self.url}/{pool}/oauth2/token", data=b"grant_type=client_credentials",
                                         headers={"Authorization": "Basic " + base64.b64encode(
                                             f"{m2m['ClientId']}:{m2m['ClientSecret']}".encode()).decode()})
            return json.loads(urllib.request.urlopen(req).read())
        self.assertEqual(claims(token()["access_token"])["partner"], "globex")
        event = self.hooks.events[-1][1]
        self.assertEqual((event["version"], event["triggerSource"]), ("3", "TokenGeneration_ClientCredentials"))
        self.assertEqual(event["callerContext"]["clientId"], m2m["ClientId"])
        # A V2_0 hook is not called for machine tokens.
        self.cli("pool", "set-hook", "--pool", pool, "--trigger", "PreTokenGeneration",
                 "--url", f"{self.hooks.url}/m2m", "--version", "V2_0")
        before = len(self.hooks.events)
        self.assertNotIn("partner", claims(token()["access_token"]))
        self.assertEqual(len(self.hooks.events), before)

    def test_a_hook_that_is_down_slow_or_garbled_fails_cleanly(self):
        closed = free_port()
        c, pool, app = self.pool("faults", {"PreSignUp": f"http://127.0.0.1:{closed}/down"})
        anon = self.anon()
        sign_up = lambda name: anon.sign_up(ClientId=app, Username=name, Password="Fault-Passw0rd!")
        started = time.monotonic()
        self.assertEqual(self.lambda_error(sign_up, name="down")[0], "UnexpectedLambdaException")
        self.assertLess(time.monotonic() - started, 3, "connection failures are retried quickly")
        self.no_user(c, pool, "down")

        def slow(e):
            time.sleep(7)
            return 200, e
        self.hooks.answer["/slow"] = slow
        self.hooks.answer["/garbage"] = lambda e: (200, b"<html>oops</html>")
        self.hooks.answer["/broken"] = lambda e: (502, {"message": "bad gateway"})
        for path, expected, most in [("/slow", "UnexpectedLambdaException", 6.5),
                                     ("/garbage", "InvalidLambdaResponseException", 2),
                                     ("/broken", "UnexpectedLambdaException", 3)]:
            with self.subTest(path=path):
                c.update_user_pool(UserPoolId=pool, LambdaConfig={"PreSignUp": f"{self.hooks.url}{path}"})
                before = len(self.hooks.sources(path))
                started = time.monotonic()
                code, message = self.lambda_error(sign_up, name=path[1:])
                self.assertEqual(code, expected, message)
                self.assertLess(time.monotonic() - started, most, "within the deadline")
                self.no_user(c, pool, path[1:])
                if path == "/broken":
                    self.assertEqual(len(self.hooks.sources(path)) - before, 3, "three attempts for a 5xx")
                if path == "/slow":
                    self.assertEqual(len(self.hooks.sources(path)) - before, 1, "a timeout is not retried")


if __name__ == "__main__":
    unittest.main(verbosity=2)
