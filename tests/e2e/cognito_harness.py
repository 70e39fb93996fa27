"""What the boto3 suites share: a fresh server (its own data directory, a free port), an
access key made with the CLI, and boto3 clients signed with it."""

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

BIN = os.environ["PORTCULLIS_BIN"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url):
    """Waits (up to 10 s) until the server at `url` answers its health check."""
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/healthz")
            return
        except OSError:
            time.sleep(0.05)


class Harness:
    # Extra `serve` options of the suite's server.
    serve_args = []
    # The region boto3 signs for.
    region = "us-east-1"

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.env = {k: v for k, v in os.environ.items() if not k.startswith("PORTCULLIS_")}
        cls.env["PORTCULLIS_DATA_DIR"] = os.path.join(cls.dir.name, "data")
        port = free_port()
        cls.url = f"http://127.0.0.1:{port}"
        cls.proc = subprocess.Popen(
            [BIN, "serve", "--listen", f"127.0.0.1:{port}", *cls.serve_args], env=cls.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ready(cls.url)
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
            "cognito-idp", endpoint_url=self.url, region_name=self.region,
            aws_access_key_id=key_id or self.key["access_key_id"],
            aws_secret_access_key=secret or self.key["secret_access_key"],
            config=Config(retries={"max_attempts": 1}))

    def error_code(self, fn, **kw):
        with self.assertRaises(ClientError) as cm:
            fn(**kw)
        return cm.exception.response["Error"]["Code"]


    def anon(self):
        """A client that signs nothing, as apps call the unsigned actions."""
        return boto3.client("cognito-idp", endpoint_url=self.url, region_name="us-east-1",
                            config=Config(signature_version=__import__("botocore").UNSIGNED))

    @classmethod
    def cli_fails(cls, *args):
        """Runs a CLI command that must fail; returns what it printed on stderr."""
        out = subprocess.run([BIN, *args, "--json"], env=cls.env, capture_output=True, text=True)
        assert out.returncode != 0, f"{args} succeeded: {out.stdout}"
        return out.stderr
