"""Cognito API sign-in throughput: USER_PASSWORD_AUTH and the USER_SRP_AUTH round trip
(InitiateAuth + RespondToAuthChallenge, SRP computed by pycognito), against portcullis and
moto_server back to back. Sequential, one client, so latency bounds the rate; the server's
CPU-seconds per 1,000 sign-ins is the steadier figure. moto's SRP does not check the
password (it is no oracle), so its SRP figure is an upper bound for a fake.

    python bench.py PORTCULLIS_URL KEY_ID SECRET PORTCULLIS_PID MOTO_URL MOTO_PID [seconds]
"""

import os
import sys
import time

import boto3
import botocore
from botocore.config import Config
from pycognito.aws_srp import AWSSRP

url, key_id, secret, pc_pid, moto_url, moto_pid = sys.argv[1:7]
seconds = float(sys.argv[7]) if len(sys.argv) > 7 else 10.0
HZ = os.sysconf("SC_CLK_TCK")


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def setup(endpoint, creds):
    admin = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1", **creds)
    pool = admin.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    client = admin.create_user_pool_client(UserPoolId=pool, ClientName="bench", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    admin.admin_create_user(UserPoolId=pool, Username="bench", MessageAction="SUPPRESS")
    admin.admin_set_user_password(UserPoolId=pool, Username="bench", Password="Bench-Passw0rd!", Permanent=True)
    anon = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                        config=Config(signature_version=botocore.UNSIGNED))
    return pool, client, anon


def run(name, pid, fn):
    fn()  # warm-up
    n, c0, t0 = 0, cpu(pid), time.monotonic()
    while time.monotonic() - t0 < seconds:
        fn()
        n += 1
    wall, used = time.monotonic() - t0, cpu(pid) - c0
    print(f"| {name:<42} | {n / wall:8.1f} | {1000 * wall / n:7.2f} ms | {1000 * used / n:8.2f} s |")


print("| scenario (sequential, 1 client) | sign-ins/s | latency | server CPU-s per 1k |")
print("|---|---|---|---|")
for label, endpoint, creds, pid in [
    ("portcullis", url, {"aws_access_key_id": key_id, "aws_secret_access_key": secret}, pc_pid),
    ("moto_server", moto_url, {"aws_access_key_id": "test", "aws_secret_access_key": "test"}, moto_pid),
]:
    pool, client, anon = setup(endpoint, creds)

    def password():
        anon.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                           AuthParameters={"USERNAME": "bench", "PASSWORD": "Bench-Passw0rd!"})

    def srp():
        AWSSRP(username="bench", password="Bench-Passw0rd!", pool_id=pool, client_id=client,
               client=anon).authenticate_user()

    run(f"{label} USER_PASSWORD_AUTH", pid, password)
    run(f"{label} USER_SRP_AUTH round trip", pid, srp)
