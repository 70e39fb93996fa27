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


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
