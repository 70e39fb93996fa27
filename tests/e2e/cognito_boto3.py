"""The Cognito-compatible API against boto3, the AWS SDK for Python: real SigV4 signing by the
SDK, checked by the server; access-key scoping; Cognito's error names as the SDK parses them.
Run by tests/e2e/run.sh with PORTCULLIS_BIN set."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

BIN = os.environ["PORTCULLIS_BIN"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CognitoApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.env = {k: v for k, v in os.environ.items() if not k.startswith("PORTCULLIS_")}
        cls.env["PORTCULLIS_DATA_DIR"] = os.path.join(cls.dir.name, "data")
        port = free_port()
        cls.url = f"http://127.0.0.1:{port}"
        cls.proc = subprocess.Popen(
            [BIN, "serve", "--listen", f"127.0.0.1:{port}"], env=cls.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{cls.url}/healthz")
                break
            except OSError:
                time.sleep(0.05)
        cls.key = cls.cli("access-key", "create")

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait()
        cls.dir.cleanup()

    @classmethod
    def cli(cls, *args):
        out = subprocess.run([BIN, *args, "--json"], env=cls.env, check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    def client(self, key_id=None, secret=None):
        return boto3.client(
            "cognito-idp", endpoint_url=self.url, region_name="us-east-1",
            aws_access_key_id=key_id or self.key["access_key_id"],
            aws_secret_access_key=secret or self.key["secret_access_key"],
            config=Config(retries={"max_attempts": 1}))

    def error_code(self, fn, **kw):
        with self.assertRaises(ClientError) as cm:
            fn(**kw)
        return cm.exception.response["Error"]["Code"]

    def test_pools_through_boto3(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="boto", UsernameAttributes=["email"])["UserPool"]
        self.assertTrue(pool["Id"].startswith("local_"))
        self.assertEqual(pool["UsernameAttributes"], ["email"])
        got = c.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
        self.assertEqual(got["Name"], "boto")
        self.assertEqual(got["Policies"]["PasswordPolicy"]["MinimumLength"], 8)
        ids = [p["Id"] for p in c.list_user_pools(MaxResults=60)["UserPools"]]
        self.assertIn(pool["Id"], ids)
        # The SDK's paginator follows NextToken.
        c.create_user_pool(PoolName="boto2")
        pages = c.get_paginator("list_user_pools").paginate(MaxResults=1)
        self.assertGreaterEqual(sum(len(p["UserPools"]) for p in pages), 2)
        c.delete_user_pool(UserPoolId=pool["Id"])
        self.assertEqual(self.error_code(c.describe_user_pool, UserPoolId=pool["Id"]), "ResourceNotFoundException")

    def test_bad_credentials_are_refused_with_aws_error_names(self):
        wrong = self.client(secret="not-the-secret")
        self.assertEqual(self.error_code(wrong.list_user_pools, MaxResults=1), "InvalidSignatureException")
        unknown = self.client(key_id="PCAKUNKNOWNKEY000000")
        self.assertEqual(self.error_code(unknown.list_user_pools, MaxResults=1), "UnrecognizedClientException")
        c = self.client()
        self.assertEqual(self.error_code(c.create_user_pool, PoolName="x", UsernameAttributes=["nickname"]),
                         "InvalidParameterException")

    def test_a_scoped_key_reaches_its_pool_only(self):
        c = self.client()
        a = c.create_user_pool(PoolName="scoped-a")["UserPool"]["Id"]
        b = c.create_user_pool(PoolName="scoped-b")["UserPool"]["Id"]
        k = self.cli("access-key", "create", "--pool", a)
        scoped = self.client(k["access_key_id"], k["secret_access_key"])
        self.assertEqual(scoped.describe_user_pool(UserPoolId=a)["UserPool"]["Id"], a)
        self.assertEqual(self.error_code(scoped.describe_user_pool, UserPoolId=b), "AccessDeniedException")
        self.assertEqual(self.error_code(scoped.create_user_pool, PoolName="no"), "AccessDeniedException")
        self.assertEqual([p["Id"] for p in scoped.list_user_pools(MaxResults=60)["UserPools"]], [a])


    def test_users_and_password_flows_through_boto3(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="flows")["UserPool"]["Id"]
        flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]
        app = c.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=flows)["UserPoolClient"]
        self.assertNotIn("ClientSecret", app)
        self.assertEqual(c.describe_user_pool_client(UserPoolId=pool, ClientId=app["ClientId"])["UserPoolClient"]["ClientName"], "app")
        created = c.create_user_pool_client(UserPoolId=pool, ClientName="srv", GenerateSecret=True, ExplicitAuthFlows=flows)
        srv = created["UserPoolClient"]
        self.assertEqual(len(srv["ClientSecret"]), 52)
        self.assertEqual(len(c.list_user_pool_clients(UserPoolId=pool)["UserPoolClients"]), 2)

        user = c.admin_create_user(UserPoolId=pool, Username="carol", TemporaryPassword="Temp-Passw0rd!",
                                   MessageAction="SUPPRESS",
                                   UserAttributes=[{"Name": "email", "Value": "carol@e2e.test"}])["User"]
        self.assertEqual(user["UserStatus"], "FORCE_CHANGE_PASSWORD")
        self.assertEqual(self.error_code(c.admin_create_user, UserPoolId=pool, Username="CAROL", MessageAction="SUPPRESS"),
                         "UsernameExistsException")

        # InitiateAuth is unsigned, as in boto3's own model.
        anon = boto3.client("cognito-idp", endpoint_url=self.url, region_name="us-east-1",
                            config=Config(signature_version=__import__("botocore").UNSIGNED))
        first = anon.initiate_auth(ClientId=app["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "carol", "PASSWORD": "Temp-Passw0rd!"})
        self.assertEqual(first["ChallengeName"], "NEW_PASSWORD_REQUIRED")
        done = anon.respond_to_auth_challenge(ClientId=app["ClientId"], ChallengeName="NEW_PASSWORD_REQUIRED",
                                              Session=first["Session"],
                                              ChallengeResponses={"USERNAME": "carol", "NEW_PASSWORD": "Carol-Passw0rd!"})
        tokens = done["AuthenticationResult"]
        self.assertEqual(tokens["TokenType"], "Bearer")
        me = anon.get_user(AccessToken=tokens["AccessToken"])
        self.assertEqual(me["Username"], "carol")
        self.assertIn({"Name": "email", "Value": "carol@e2e.test"}, me["UserAttributes"])

        again = anon.initiate_auth(ClientId=app["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                   AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
        self.assertNotEqual(again["AccessToken"], tokens["AccessToken"])
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=app["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "carol", "PASSWORD": "wrong"}),
                         "NotAuthorizedException")
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=app["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "nobody", "PASSWORD": "wrong"}),
                         "NotAuthorizedException")
        self.assertEqual(self.error_code(anon.get_user, AccessToken="not-a-token"), "NotAuthorizedException")

        # A client with a secret needs SECRET_HASH.
        import base64, hashlib, hmac
        digest = hmac.new(srv["ClientSecret"].encode(), ("carol" + srv["ClientId"]).encode(), hashlib.sha256).digest()
        secret_hash = base64.b64encode(digest).decode()
        ok = anon.initiate_auth(ClientId=srv["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": "carol", "PASSWORD": "Carol-Passw0rd!", "SECRET_HASH": secret_hash})
        self.assertIn("AuthenticationResult", ok)
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=srv["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "carol", "PASSWORD": "Carol-Passw0rd!"}),
                         "NotAuthorizedException")

        # Admin side.
        c.admin_set_user_password(UserPoolId=pool, Username="carol", Password="Carol-Passw0rd!2", Permanent=True)
        admin = c.admin_initiate_auth(UserPoolId=pool, ClientId=app["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "carol", "PASSWORD": "Carol-Passw0rd!2"})
        self.assertIn("IdToken", admin["AuthenticationResult"])
        self.assertEqual(c.admin_get_user(UserPoolId=pool, Username="carol")["UserStatus"], "CONFIRMED")
        c.admin_delete_user(UserPoolId=pool, Username="carol")
        self.assertEqual(self.error_code(c.admin_get_user, UserPoolId=pool, Username="carol"), "UserNotFoundException")
        # A flow the client does not allow.
        narrow = c.create_user_pool_client(UserPoolId=pool, ClientName="narrow")["UserPoolClient"]
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=narrow["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "x", "PASSWORD": "y"}), "InvalidParameterException")
        c.delete_user_pool_client(UserPoolId=pool, ClientId=narrow["ClientId"])


    def test_srp_with_pycognito(self):
        from pycognito import Cognito
        from pycognito.aws_srp import AWSSRP
        c = self.client()
        pool = c.create_user_pool(PoolName="srp")["UserPool"]["Id"]
        app = c.create_user_pool_client(UserPoolId=pool, ClientName="srp",
                                        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
        c.admin_create_user(UserPoolId=pool, Username="dave", MessageAction="SUPPRESS",
                            UserAttributes=[{"Name": "email", "Value": "dave@e2e.test"}])
        c.admin_set_user_password(UserPoolId=pool, Username="dave", Password="Dave-Passw0rd!", Permanent=True)
        anon = boto3.client("cognito-idp", endpoint_url=self.url, region_name="us-east-1",
                            config=Config(signature_version=__import__("botocore").UNSIGNED))
        ok = AWSSRP(username="dave", password="Dave-Passw0rd!", pool_id=pool, client_id=app["ClientId"], client=anon)
        result = ok.authenticate_user()["AuthenticationResult"]
        self.assertIn("AccessToken", result)
        self.assertEqual(anon.get_user(AccessToken=result["AccessToken"])["Username"], "dave")
        for user, pw in [("dave", "not-his-password"), ("nobody", "whatever")]:
            bad = AWSSRP(username=user, password=pw, pool_id=pool, client_id=app["ClientId"], client=anon)
            with self.assertRaises(ClientError) as cm:
                bad.authenticate_user()
            self.assertEqual(cm.exception.response["Error"]["Code"], "NotAuthorizedException")
        # pycognito's high-level client also verifies the tokens: iss must be {endpoint}/{pool}
        # and the JWKS is fetched from {endpoint}/{pool}/.well-known/jwks.json.
        u = Cognito(pool, app["ClientId"], username="dave", user_pool_region="us-east-1",
                    boto3_client_kwargs={"endpoint_url": self.url,
                                         "aws_access_key_id": "unused", "aws_secret_access_key": "unused"})
        u.authenticate(password="Dave-Passw0rd!")
        self.assertEqual(u.id_claims["cognito:username"], "dave")
        self.assertEqual(u.id_claims["email"], "dave@e2e.test")


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
