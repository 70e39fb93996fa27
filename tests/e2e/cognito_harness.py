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

    def wait_for_code(self, to, purpose, seen=()):
        """The newest code mailed to `to` for `purpose`, from the outbox directory."""
        import glob, re
        outbox = os.path.join(self.env["PORTCULLIS_DATA_DIR"], "outbox")
        for _ in range(100):
            # Newest first; two messages written in the same second are told apart by mtime.
            for path in sorted(glob.glob(os.path.join(outbox, "*.eml")), key=lambda p: (os.stat(p).st_mtime_ns, p),
                               reverse=True):
                with open(path, newline="") as f:
                    text = f.read()
                if path not in seen and f"To: {to}" in text and f"X-Portcullis-Purpose: {purpose}" in text:
                    return re.search(r"\b(\d{6})\b", text_part(text)).group(1), path
            time.sleep(0.1)
        self.fail(f"no {purpose} message for {to}")


def text_part(raw):
    """The text/plain part of a MIME message, decoded; the message must also have an HTML part
    saying the same thing."""
    import email
    from email import policy
    msg = email.message_from_string(raw, policy=policy.default)
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None, "a text and an HTML part"
    text = plain.get_content()
    assert text.strip().splitlines()[0].split()[0] in html.get_content(), "the HTML says the same"
    return text


def smtp_sink():
    """A running aiosmtpd server on a free port: (controller, port, [(recipients, content)])."""
    from aiosmtpd.controller import Controller
    received = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port, received
