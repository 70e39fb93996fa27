"""Does answer time tell whether a user exists? (PreventUserExistenceErrors, not a test.)

For each API call that must not reveal users, times N calls naming users that exist and N
naming users that do not, interleaved, and prints medians, p90s and the gap.
  existence.py URL ACCESS_KEY_ID SECRET N
"""
import statistics
import sys
import time
import uuid

import boto3
import botocore
from botocore.config import Config

url, key_id, secret, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
admin = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                     aws_access_key_id=key_id, aws_secret_access_key=secret)
anon = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                    config=Config(signature_version=botocore.UNSIGNED, retries={"max_attempts": 0}))
pool = admin.create_user_pool(PoolName=f"timing-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
app = admin.create_user_pool_client(UserPoolId=pool, ClientName="app", PreventUserExistenceErrors="ENABLED",
                                    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])["UserPoolClient"]["ClientId"]
users = [f"u{i}" for i in range(n)]
for u in users:
    admin.admin_create_user(UserPoolId=pool, Username=u, MessageAction="SUPPRESS", TemporaryPassword="Tmp-Passw0rd!",
                            UserAttributes=[{"Name": "email", "Value": f"{u}@timing.test"}])
    admin.admin_set_user_password(UserPoolId=pool, Username=u, Password="Real-Passw0rd!", Permanent=True)


def timed(call):
    t = time.perf_counter()
    try:
        call()
        outcome = "ok"
    except botocore.exceptions.ClientError as e:
        outcome = e.response["Error"]["Code"]
    return (time.perf_counter() - t) * 1000, outcome


# Any A works for step one; the server answers before it could be checked against a proof.
SRP_A = "ab" * 384


def srp_start(u):
    return anon.initiate_auth(ClientId=app, AuthFlow="USER_SRP_AUTH",
                              AuthParameters={"USERNAME": u, "SRP_A": SRP_A})["ChallengeParameters"]


cases = {
    "InitiateAuth USER_SRP_AUTH, step one": srp_start,
    "InitiateAuth, wrong password": lambda u: anon.initiate_auth(
        ClientId=app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": u, "PASSWORD": "Wrong-Passw0rd!"}),
    "ForgotPassword": lambda u: anon.forgot_password(ClientId=app, Username=u),
    "ConfirmForgotPassword, wrong code": lambda u: anon.confirm_forgot_password(
        ClientId=app, Username=u, ConfirmationCode="000000", Password="New-Passw0rd!"),
    "ResendConfirmationCode": lambda u: anon.resend_confirmation_code(ClientId=app, Username=u),
}
print(f"{'call':36} {'who':8} {'median ms':>9} {'p90 ms':>7}  answers")
for name, call in cases.items():
    times = {"exists": [], "absent": []}
    answers = {"exists": set(), "absent": set()}
    for u in users:
        for who, name_ in (("exists", u), ("absent", f"ghost-{u}")):
            ms, outcome = timed(lambda: call(name_))
            times[who].append(ms)
            answers[who].add(outcome)
    for who in ("exists", "absent"):
        t = sorted(times[who])
        print(f"{name:36} {who:8} {statistics.median(t):9.2f} {t[int(len(t) * 0.9)]:7.2f}  {','.join(sorted(answers[who]))}")
    gap = statistics.median(times["exists"]) - statistics.median(times["absent"])
    print(f"{'':36} {'gap':8} {gap:9.2f}")

# What step one shows must not differ either: a stable salt for every name, of one length.
for who, name_ in (("exists", users[0]), ("absent", f"ghost-{users[0]}")):
    a, b = srp_start(name_), srp_start(name_)
    print(f"SRP step one, {who:6}: salt stable {a['SALT'] == b['SALT']}, salt length {len(a['SALT'])}, "
          f"USER_ID_FOR_SRP is the name {a['USER_ID_FOR_SRP'] == name_}")
