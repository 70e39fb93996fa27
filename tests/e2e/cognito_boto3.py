"""The Cognito-compatible API against boto3, the AWS SDK for Python: real SigV4 signing by the
SDK, checked by the server; access-key scoping; Cognito's error names as the SDK parses them.
Run by tests/e2e/run.sh with PORTCULLIS_BIN set."""

import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from cognito_harness import BIN, Harness, free_port, smtp_sink, text_part, wait_ready


class CognitoApi(Harness, unittest.TestCase):
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
        before = u.access_token
        u.renew_access_token()
        self.assertNotEqual(u.access_token, before)
        self.assertEqual(u.get_user().email, "dave@e2e.test")

        # The proof answers its challenge once, and only while fresh.
        srp = AWSSRP(username="dave", password="Dave-Passw0rd!", pool_id=pool, client_id=app["ClientId"], client=anon)
        challenge = anon.initiate_auth(ClientId=app["ClientId"], AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
        answer = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
        anon.respond_to_auth_challenge(ClientId=app["ClientId"], ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
        self.assertEqual(self.error_code(anon.respond_to_auth_challenge, ClientId=app["ClientId"],
                                         ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer),
                         "NotAuthorizedException")
        srp = AWSSRP(username="dave", password="Dave-Passw0rd!", pool_id=pool, client_id=app["ClientId"], client=anon)
        challenge = anon.initiate_auth(ClientId=app["ClientId"], AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
        stale = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
        import datetime
        old = srp.get_cognito_formatted_timestamp(datetime.datetime.utcnow() - datetime.timedelta(hours=1))
        stale = dict(stale, TIMESTAMP=old)
        self.assertEqual(self.error_code(anon.respond_to_auth_challenge, ClientId=app["ClientId"],
                                         ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=stale),
                         "NotAuthorizedException")
        tampered = dict(answer, PASSWORD_CLAIM_SECRET_BLOCK=answer["PASSWORD_CLAIM_SECRET_BLOCK"][:-8] + "AAAAAAA=")
        self.assertEqual(self.error_code(anon.respond_to_auth_challenge, ClientId=app["ClientId"],
                                         ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=tampered),
                         "NotAuthorizedException")

        # Admin flavour of the challenge response; and LEGACY existence errors.
        c.admin_create_user(UserPoolId=pool, Username="finn", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS")
        admin_app = c.create_user_pool_client(UserPoolId=pool, ClientName="admin", PreventUserExistenceErrors="LEGACY",
                                              ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH"])
        admin_id = admin_app["UserPoolClient"]["ClientId"]
        first = c.admin_initiate_auth(UserPoolId=pool, ClientId=admin_id, AuthFlow="ADMIN_NO_SRP_AUTH",
                                      AuthParameters={"USERNAME": "finn", "PASSWORD": "Temp-Passw0rd!"})
        self.assertEqual(first["ChallengeName"], "NEW_PASSWORD_REQUIRED")
        done = c.admin_respond_to_auth_challenge(UserPoolId=pool, ClientId=admin_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                                 Session=first["Session"],
                                                 ChallengeResponses={"USERNAME": "finn", "NEW_PASSWORD": "Finn-Passw0rd!"})
        self.assertIn("IdToken", done["AuthenticationResult"])
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=admin_id, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "ghost", "PASSWORD": "x"}), "UserNotFoundException")


    def test_groups_user_admin_and_self_service(self):
        c = self.client()
        anon = boto3.client("cognito-idp", endpoint_url=self.url, region_name="us-east-1",
                            config=Config(signature_version=__import__("botocore").UNSIGNED))
        pool = c.create_user_pool(PoolName="admin", Schema=[
            {"Name": "tenant", "AttributeDataType": "String", "Mutable": True,
             "StringAttributeConstraints": {"MaxLength": "32"}}])["UserPool"]["Id"]
        schema = c.describe_user_pool(UserPoolId=pool)["UserPool"]["SchemaAttributes"]
        tenant = next(a for a in schema if a["Name"] == "custom:tenant")
        self.assertEqual(tenant["StringAttributeConstraints"]["MaxLength"], "32")
        app = c.create_user_pool_client(UserPoolId=pool, ClientName="a", ExplicitAuthFlows=[
            "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        # A custom attribute nobody declared is nobody's to give.
        self.assertEqual(self.error_code(c.admin_create_user, UserPoolId=pool, Username="eve", MessageAction="SUPPRESS",
                                         UserAttributes=[{"Name": "custom:role", "Value": "admin"}]),
                         "InvalidParameterException")
        # A client that may read only email, and write nothing but given_name.
        narrow = c.create_user_pool_client(UserPoolId=pool, ClientName="n", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
                                           ReadAttributes=["email"], WriteAttributes=["given_name"])["UserPoolClient"]
        self.assertEqual(narrow["ReadAttributes"], ["email"])
        self.assertEqual(c.describe_user_pool_client(UserPoolId=pool, ClientId=narrow["ClientId"])
                         ["UserPoolClient"]["WriteAttributes"], ["given_name"])
        for name, tenant in [("ann", "acme"), ("andy", "acme"), ("bea", "other")]:
            c.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS", UserAttributes=[
                {"Name": "email", "Value": f"{name}@{tenant}.test"}, {"Name": "custom:tenant", "Value": tenant}])
            c.admin_set_user_password(UserPoolId=pool, Username=name, Password="Passw0rd!-" + name, Permanent=True)

        def login(name, pw=None):
            return anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
                "USERNAME": name, "PASSWORD": pw or "Passw0rd!-" + name})["AuthenticationResult"]

        # ListUsers with Cognito's filter, on custom attributes too, and pagination.
        names = lambda r: sorted(u["Username"] for u in r["Users"])
        self.assertEqual(names(c.list_users(UserPoolId=pool, Filter='email ^= "an"')), ["andy", "ann"])
        self.assertEqual(names(c.list_users(UserPoolId=pool, Filter='custom:tenant = "other"')), ["bea"])
        self.assertEqual(self.error_code(c.list_users, UserPoolId=pool, Filter="email"), "InvalidParameterException")
        first = c.list_users(UserPoolId=pool, Limit=2)
        rest = c.list_users(UserPoolId=pool, Limit=2, PaginationToken=first["PaginationToken"])
        self.assertEqual(sorted(names(first) + names(rest)), ["andy", "ann", "bea"])

        # Groups.
        c.create_group(UserPoolId=pool, GroupName="admins", Description="Admins", Precedence=1)
        self.assertEqual(self.error_code(c.create_group, UserPoolId=pool, GroupName="admins"), "GroupExistsException")
        c.update_group(UserPoolId=pool, GroupName="admins", Description="Administrators")
        self.assertEqual(c.get_group(UserPoolId=pool, GroupName="admins")["Group"]["Description"], "Administrators")
        c.admin_add_user_to_group(UserPoolId=pool, Username="ann", GroupName="admins")
        self.assertEqual([g["GroupName"] for g in c.admin_list_groups_for_user(UserPoolId=pool, Username="ann")["Groups"]],
                         ["admins"])
        self.assertEqual(names(c.list_users_in_group(UserPoolId=pool, GroupName="admins")), ["ann"])
        tokens = login("ann")
        claims = json.loads(__import__("base64").urlsafe_b64decode(tokens["IdToken"].split(".")[1] + "=="))
        self.assertEqual(claims["cognito:groups"], ["admins"])
        c.admin_remove_user_from_group(UserPoolId=pool, Username="ann", GroupName="admins")
        self.assertEqual(c.list_users_in_group(UserPoolId=pool, GroupName="admins")["Users"], [])
        self.assertEqual(len(c.list_groups(UserPoolId=pool)["Groups"]), 1)
        c.delete_group(UserPoolId=pool, GroupName="admins")
        self.assertEqual(self.error_code(c.get_group, UserPoolId=pool, GroupName="admins"), "ResourceNotFoundException")

        # Attributes.
        c.admin_update_user_attributes(UserPoolId=pool, Username="ann", UserAttributes=[{"Name": "given_name", "Value": "Ann"}])
        c.admin_delete_user_attributes(UserPoolId=pool, Username="ann", UserAttributeNames=["custom:tenant"])
        attrs = {a["Name"]: a["Value"] for a in c.admin_get_user(UserPoolId=pool, Username="ann")["UserAttributes"]}
        self.assertEqual(attrs.get("given_name"), "Ann")
        self.assertNotIn("custom:tenant", attrs)
        self.assertEqual(self.error_code(c.admin_update_user_attributes, UserPoolId=pool, Username="ann",
                                         UserAttributes=[{"Name": "shoe_size", "Value": "9"}]), "InvalidParameterException")

        # Disabling revokes and refuses sign-in; enabling restores it.
        live = login("andy")
        c.admin_disable_user(UserPoolId=pool, Username="andy")
        self.assertEqual(self.error_code(anon.get_user, AccessToken=live["AccessToken"]), "NotAuthorizedException")
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "andy", "PASSWORD": "Passw0rd!-andy"}),
                         "NotAuthorizedException")
        c.admin_enable_user(UserPoolId=pool, Username="andy")
        self.assertIn("AccessToken", login("andy"))
        self.assertEqual(self.error_code(c.admin_confirm_sign_up, UserPoolId=pool, Username="andy"), "NotAuthorizedException")

        # Admin reset: the old password stops working.
        c.admin_reset_user_password(UserPoolId=pool, Username="bea")
        self.assertEqual(c.admin_get_user(UserPoolId=pool, Username="bea")["UserStatus"], "RESET_REQUIRED")
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "bea", "PASSWORD": "Passw0rd!-bea"}),
                         "PasswordResetRequiredException")
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "bea", "PASSWORD": "wrong"}),
                         "NotAuthorizedException")
        code, _ = self.wait_for_code("bea@other.test", "forgot_password")
        anon.confirm_forgot_password(ClientId=app, Username="bea", ConfirmationCode=code, Password="Bea-New-Passw0rd!")
        self.assertIn("AccessToken", login("bea", "Bea-New-Passw0rd!"))

        # Self-service with the access token.
        t = login("ann")
        anon.update_user_attributes(AccessToken=t["AccessToken"], UserAttributes=[{"Name": "family_name", "Value": "Lee"}])
        self.assertIn({"Name": "family_name", "Value": "Lee"}, anon.get_user(AccessToken=t["AccessToken"])["UserAttributes"])
        self.assertEqual(self.error_code(anon.change_password, AccessToken=t["AccessToken"], PreviousPassword="wrong",
                                         ProposedPassword="New-Passw0rd!"), "NotAuthorizedException")
        anon.change_password(AccessToken=t["AccessToken"], PreviousPassword="Passw0rd!-ann", ProposedPassword="New-Passw0rd!")
        t = login("ann", "New-Passw0rd!")
        anon.revoke_token(Token=t["RefreshToken"], ClientId=app)
        self.assertEqual(self.error_code(anon.get_user, AccessToken=t["AccessToken"]), "NotAuthorizedException")
        t = login("ann", "New-Passw0rd!")
        anon.global_sign_out(AccessToken=t["AccessToken"])
        self.assertEqual(self.error_code(anon.initiate_auth, ClientId=app, AuthFlow="REFRESH_TOKEN_AUTH",
                                         AuthParameters={"REFRESH_TOKEN": t["RefreshToken"]}), "NotAuthorizedException")
        t = login("ann", "New-Passw0rd!")
        anon.delete_user(AccessToken=t["AccessToken"])
        self.assertEqual(self.error_code(c.admin_get_user, UserPoolId=pool, Username="ann"), "UserNotFoundException")


    def test_pool_updates_resource_servers_and_domains(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="conf")["UserPool"]["Id"]
        c.update_user_pool(UserPoolId=pool, Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}})
        pp = c.describe_user_pool(UserPoolId=pool)["UserPool"]["Policies"]["PasswordPolicy"]
        self.assertEqual((pp["MinimumLength"], pp["RequireSymbols"]), (12, False))

        rs = c.create_resource_server(UserPoolId=pool, Identifier="https://api.conf.test", Name="API",
                                      Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])["ResourceServer"]
        self.assertEqual(rs["Scopes"][0]["ScopeName"], "read")
        c.update_resource_server(UserPoolId=pool, Identifier="https://api.conf.test", Name="API v2",
                                 Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"},
                                         {"ScopeName": "write", "ScopeDescription": "Write"}])
        got = c.describe_resource_server(UserPoolId=pool, Identifier="https://api.conf.test")["ResourceServer"]
        self.assertEqual((got["Name"], len(got["Scopes"])), ("API v2", 2))
        self.assertEqual(len(c.list_resource_servers(UserPoolId=pool, MaxResults=10)["ResourceServers"]), 1)

        m2m = c.create_user_pool_client(UserPoolId=pool, ClientName="m2m", GenerateSecret=True,
                                        AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
                                        AllowedOAuthScopes=["https://api.conf.test/write"])["UserPoolClient"]
        self.assertEqual(self.error_code(c.create_user_pool_client, UserPoolId=pool, ClientName="bad",
                                         AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
                                         AllowedOAuthScopes=["https://api.conf.test/nope"], GenerateSecret=True),
                         "InvalidParameterException")
        # The client gets tokens for the scope at the token endpoint.
        import base64
        req = urllib.request.Request(f"{self.url}/{pool}/oauth2/token", data=b"grant_type=client_credentials",
                                     headers={"Authorization": "Basic " + base64.b64encode(
                                         f"{m2m['ClientId']}:{m2m['ClientSecret']}".encode()).decode()})
        token = json.loads(urllib.request.urlopen(req).read())
        self.assertEqual(token["token_type"], "Bearer")

        web = c.create_user_pool_client(UserPoolId=pool, ClientName="web", CallbackURLs=["https://app.conf.test/cb"],
                                        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"],
                                        AllowedOAuthFlowsUserPoolClient=True)["UserPoolClient"]
        updated = c.update_user_pool_client(UserPoolId=pool, ClientId=web["ClientId"],
                                            CallbackURLs=["https://app.conf.test/cb2"], AllowedOAuthFlows=["code"],
                                            AllowedOAuthScopes=["openid", "email"], AllowedOAuthFlowsUserPoolClient=True)
        self.assertEqual(updated["UserPoolClient"]["CallbackURLs"], ["https://app.conf.test/cb2"])
        self.assertEqual(updated["UserPoolClient"]["ClientName"], "web")
        self.assertEqual(self.error_code(c.update_user_pool_client, UserPoolId=pool, ClientId=web["ClientId"],
                                         CallbackURLs=["http://evil.test/cb"], AllowedOAuthFlows=["code"],
                                         AllowedOAuthScopes=["openid"]), "InvalidParameterException")

        c.create_user_pool_domain(UserPoolId=pool, Domain="auth.conf.test")
        self.assertEqual(c.describe_user_pool_domain(Domain="auth.conf.test")["DomainDescription"]["UserPoolId"], pool)
        other = c.create_user_pool(PoolName="conf2")["UserPool"]["Id"]
        self.assertEqual(self.error_code(c.create_user_pool_domain, UserPoolId=other, Domain="auth.conf.test"),
                         "InvalidParameterException")
        c.delete_user_pool_domain(UserPoolId=pool, Domain="auth.conf.test")
        self.assertEqual(c.describe_user_pool_domain(Domain="auth.conf.test")["DomainDescription"], {})
        self.assertIn("cognito:username", c.get_csv_header(UserPoolId=pool)["CSVHeader"])
        # Message templates with Cognito's placeholders.
        t = c.create_user_pool(PoolName="tpl", AutoVerifiedAttributes=["email"], VerificationMessageTemplate={
            "EmailMessage": "Hello {username}, your Acme code is {####}.", "EmailSubject": "Acme code"})["UserPool"]
        self.assertEqual(t["VerificationMessageTemplate"]["EmailSubject"], "Acme code")
        self.assertEqual(self.error_code(c.create_user_pool, PoolName="bad-tpl",
                                         VerificationMessageTemplate={"EmailMessage": "no code"}), "InvalidParameterException")
        tpl_app = c.create_user_pool_client(UserPoolId=t["Id"], ClientName="app")["UserPoolClient"]["ClientId"]
        anon = boto3.client("cognito-idp", endpoint_url=self.url, region_name="us-east-1",
                            config=Config(signature_version=__import__("botocore").UNSIGNED))
        anon.sign_up(ClientId=tpl_app, Username="lee", Password="Lee-Passw0rd!",
                     UserAttributes=[{"Name": "email", "Value": "lee@e2e.test"}])
        code, path = self.wait_for_code("lee@e2e.test", "sign_up")
        text = open(path, newline="").read()
        self.assertIn("Subject: Acme code", text)
        self.assertIn(f"Hello lee, your Acme code is {code}.", text_part(text))
        # Confirmation by link.
        lp = c.create_user_pool(PoolName="link", AutoVerifiedAttributes=["email"], VerificationMessageTemplate={
            "DefaultEmailOption": "CONFIRM_WITH_LINK", "EmailMessageByLink": "Welcome! {##Confirm your account##}",
            "EmailSubjectByLink": "Confirm Acme"})["UserPool"]["Id"]
        link_app = c.create_user_pool_client(UserPoolId=lp, ClientName="app")["UserPoolClient"]["ClientId"]
        anon.sign_up(ClientId=link_app, Username="max", Password="Max-Passw0rd!",
                     UserAttributes=[{"Name": "email", "Value": "max@e2e.test"}])
        import glob, re
        link = None
        for _ in range(100):
            for path in glob.glob(os.path.join(self.env["PORTCULLIS_DATA_DIR"], "outbox", "*.eml")):
                t = open(path, newline="").read()
                if "To: max@e2e.test" in t:
                    self.assertIn("Subject: Confirm Acme", t)
                    link = re.search(r"Confirm your account: (\S+)", text_part(t)).group(1)
            if link:
                break
            time.sleep(0.1)
        self.assertTrue(link.startswith(f"{self.url}/{lp}/confirmUser?"), link)
        self.assertIn("Your account is confirmed", urllib.request.urlopen(link).read().decode())
        self.assertEqual(c.admin_get_user(UserPoolId=lp, Username="max")["UserStatus"], "CONFIRMED")
        with self.assertRaises(urllib.error.HTTPError) as spent:
            urllib.request.urlopen(link)
        self.assertEqual(spent.exception.code, 400)
        c.delete_resource_server(UserPoolId=pool, Identifier="https://api.conf.test")
        self.assertEqual(self.error_code(c.describe_resource_server, UserPoolId=pool, Identifier="https://api.conf.test"),
                         "ResourceNotFoundException")


    def test_identity_providers_are_stored_and_validated(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="idps")["UserPool"]["Id"]
        oidc = c.create_identity_provider(
            UserPoolId=pool, ProviderName="Okta", ProviderType="OIDC",
            ProviderDetails={"client_id": "abc", "client_secret": "s3cret", "authorize_scopes": "openid email",
                             "oidc_issuer": "https://acme.okta.com", "attributes_request_method": "GET"},
            AttributeMapping={"email": "email", "username": "sub"}, IdpIdentifiers=["acme.com", "acme.org"])
        self.assertEqual(oidc["IdentityProvider"]["ProviderDetails"]["client_secret"], "s3cret")
        self.assertEqual(self.error_code(c.create_identity_provider, UserPoolId=pool, ProviderName="Okta",
                                         ProviderType="SAML", ProviderDetails={"MetadataURL": "https://okta.example/md"}),
                         "DuplicateProviderException")
        for bad in [
            {"ProviderType": "OIDC", "ProviderDetails": {"client_id": "x"}},
            {"ProviderType": "OIDC", "ProviderDetails": {"client_id": "c", "authorize_scopes": "openid",
                                                          "oidc_issuer": "http://plain.example", "attributes_request_method": "GET"}},
            {"ProviderType": "SAML", "ProviderDetails": {}},
            {"ProviderType": "Google", "ProviderDetails": {"client_id": "c", "authorize_scopes": "email"}},
            {"ProviderType": "SAML", "ProviderDetails": {"MetadataURL": "https://idp.example/md"}, "IdpIdentifiers": ["acme.com"]},
            {"ProviderType": "Bogus", "ProviderDetails": {}},
            # A misspelt detail is refused, not silently ignored.
            {"ProviderType": "SAML", "ProviderDetails": {"MetadataURL": "https://idp.example/md", "IDPSingout": "true"}},
        ]:
            self.assertEqual(self.error_code(c.create_identity_provider, UserPoolId=pool, ProviderName="Bad", **bad),
                             "InvalidParameterException", bad)
        c.create_identity_provider(UserPoolId=pool, ProviderName="ADFS", ProviderType="SAML",
                                   ProviderDetails={"MetadataURL": "https://adfs.example/md", "IDPSignout": "true"},
                                   IdpIdentifiers=["example.net"])
        self.assertEqual(c.get_identity_provider_by_identifier(UserPoolId=pool, IdpIdentifier="ACME.com")
                         ["IdentityProvider"]["ProviderName"], "Okta")
        c.update_identity_provider(UserPoolId=pool, ProviderName="Okta", IdpIdentifiers=["acme.com"],
                                   ProviderDetails={"authorize_scopes": "openid email profile"})
        got = c.describe_identity_provider(UserPoolId=pool, ProviderName="Okta")["IdentityProvider"]
        self.assertEqual(got["IdpIdentifiers"], ["acme.com"])
        self.assertEqual(got["ProviderDetails"]["authorize_scopes"], "openid email profile")
        self.assertEqual(got["ProviderDetails"]["client_secret"], "s3cret")
        self.assertEqual(sorted(p["ProviderName"] for p in c.list_identity_providers(UserPoolId=pool, MaxResults=10)["Providers"]),
                         ["ADFS", "Okta"])
        app = c.create_user_pool_client(UserPoolId=pool, ClientName="fed", SupportedIdentityProviders=["COGNITO", "Okta"])
        self.assertEqual(app["UserPoolClient"]["SupportedIdentityProviders"], ["COGNITO", "Okta"])
        self.assertEqual(self.error_code(c.create_user_pool_client, UserPoolId=pool, ClientName="x",
                                         SupportedIdentityProviders=["Nope"]), "InvalidParameterException")
        c.delete_identity_provider(UserPoolId=pool, ProviderName="ADFS")
        self.assertEqual(self.error_code(c.describe_identity_provider, UserPoolId=pool, ProviderName="ADFS"),
                         "ResourceNotFoundException")
        self.assertEqual(self.error_code(c.get_identity_provider_by_identifier, UserPoolId=pool, IdpIdentifier="example.net"),
                         "ResourceNotFoundException")
        # The pool's SAML certificate: the one its SP metadata lists, the same at every call.
        cert = c.get_signing_certificate(UserPoolId=pool)["Certificate"]
        self.assertEqual(base64.b64decode(cert)[:1], b"\x30", "DER")
        self.assertEqual(c.get_signing_certificate(UserPoolId=pool)["Certificate"], cert)
        metadata = urllib.request.urlopen(f"{self.url}/{pool}/saml2/metadata").read().decode()
        self.assertIn(f"<ds:X509Certificate>{cert}</ds:X509Certificate>", metadata)
        self.assertEqual(self.error_code(c.get_signing_certificate, UserPoolId="local_nopenopen1"),
                         "ResourceNotFoundException")
        # Linking an Okta identity to a local user, and undoing it.
        c.admin_create_user(UserPoolId=pool, Username="lin", MessageAction="SUPPRESS")
        c.admin_link_provider_for_user(
            UserPoolId=pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "lin"},
            SourceUser={"ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "00u9"})
        attrs = {a["Name"]: a["Value"] for a in c.admin_get_user(UserPoolId=pool, Username="lin")["UserAttributes"]}
        identities = json.loads(attrs["identities"])
        self.assertEqual((identities[0]["providerName"], identities[0]["userId"]), ("Okta", "00u9"))
        self.assertEqual(self.error_code(c.admin_link_provider_for_user, UserPoolId=pool,
                                         DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "lin"},
                                         SourceUser={"ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject",
                                                     "ProviderAttributeValue": "00u9"}), "InvalidParameterException")
        c.admin_disable_provider_for_user(UserPoolId=pool, User={
            "ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "00u9"})
        attrs = {a["Name"]: a["Value"] for a in c.admin_get_user(UserPoolId=pool, Username="lin")["UserAttributes"]}
        self.assertNotIn("identities", attrs)
        self.assertEqual(self.error_code(c.admin_disable_provider_for_user, UserPoolId=pool, User={
            "ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "00u9"}),
            "UserNotFoundException")


    def test_sign_up_confirmation_and_forgotten_passwords(self):
        c = self.client()
        anon = boto3.client("cognito-idp", endpoint_url=self.url, region_name="us-east-1",
                            config=Config(signature_version=__import__("botocore").UNSIGNED))
        pool = c.create_user_pool(PoolName="signup", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        app = c.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
        r = anon.sign_up(ClientId=app, Username="gina", Password="Gina-Passw0rd!",
                         UserAttributes=[{"Name": "email", "Value": "gina@e2e.test"}])
        self.assertFalse(r["UserConfirmed"])
        self.assertEqual(r["CodeDeliveryDetails"]["Destination"], "g***@e***")
        self.assertEqual(self.error_code(anon.sign_up, ClientId=app, Username="GINA", Password="Gina-Passw0rd!"),
                         "UsernameExistsException")
        self.assertEqual(self.error_code(anon.sign_up, ClientId=app, Username="hal", Password="weak"),
                         "InvalidPasswordException")
        login = lambda pw: anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                              AuthParameters={"USERNAME": "gina", "PASSWORD": pw})
        self.assertEqual(self.error_code(login, pw="Gina-Passw0rd!"), "UserNotConfirmedException")
        code, first = self.wait_for_code("gina@e2e.test", "sign_up")
        wrong = "000000" if code != "000000" else "111111"
        self.assertEqual(self.error_code(anon.confirm_sign_up, ClientId=app, Username="gina", ConfirmationCode=wrong),
                         "CodeMismatchException")
        anon.resend_confirmation_code(ClientId=app, Username="gina")
        code2, _ = self.wait_for_code("gina@e2e.test", "sign_up", seen=(first,))
        if code2 != code:
            self.assertEqual(self.error_code(anon.confirm_sign_up, ClientId=app, Username="gina", ConfirmationCode=code),
                             "CodeMismatchException")
        anon.confirm_sign_up(ClientId=app, Username="gina", ConfirmationCode=code2)
        user = c.admin_get_user(UserPoolId=pool, Username="gina")
        self.assertEqual(user["UserStatus"], "CONFIRMED")
        self.assertIn({"Name": "email_verified", "Value": "true"}, user["UserAttributes"])
        tokens = login("Gina-Passw0rd!")["AuthenticationResult"]

        # A new email waits for verification; the old one stays until then.
        attrs = lambda: {a["Name"]: a["Value"] for a in anon.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
        r = anon.update_user_attributes(AccessToken=tokens["AccessToken"],
                                        UserAttributes=[{"Name": "email", "Value": "gina.new@e2e.test"}])
        self.assertEqual(r["CodeDeliveryDetailsList"][0]["Destination"], "g***@e***")
        self.assertEqual(attrs()["email"], "gina@e2e.test")
        new_code, _ = self.wait_for_code("gina.new@e2e.test", "verify_email")
        self.assertEqual(self.error_code(anon.verify_user_attribute, AccessToken=tokens["AccessToken"],
                                         AttributeName="email", Code="000000" if new_code != "000000" else "111111"),
                         "CodeMismatchException")
        anon.verify_user_attribute(AccessToken=tokens["AccessToken"], AttributeName="email", Code=new_code)
        self.assertEqual((attrs()["email"], attrs()["email_verified"]), ("gina.new@e2e.test", "true"))
        anon.update_user_attributes(AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": "email", "Value": "gina@e2e.test"}])
        back, _ = self.wait_for_code("gina@e2e.test", "verify_email")
        anon.verify_user_attribute(AccessToken=tokens["AccessToken"], AttributeName="email", Code=back)
        self.assertEqual(attrs()["email"], "gina@e2e.test")

        # Forgot password: a code by mail, the new password works, old sessions are revoked.
        r = anon.forgot_password(ClientId=app, Username="gina")
        self.assertEqual(r["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL")
        reset, _ = self.wait_for_code("gina@e2e.test", "forgot_password")
        self.assertEqual(self.error_code(anon.confirm_forgot_password, ClientId=app, Username="gina",
                                         ConfirmationCode=reset, Password="weak"), "InvalidPasswordException")
        anon.confirm_forgot_password(ClientId=app, Username="gina", ConfirmationCode=reset, Password="Gina-New-Passw0rd!")
        self.assertEqual(self.error_code(anon.get_user, AccessToken=tokens["AccessToken"]), "NotAuthorizedException")
        self.assertEqual(self.error_code(login, pw="Gina-Passw0rd!"), "NotAuthorizedException")
        self.assertIn("AuthenticationResult", login("Gina-New-Passw0rd!"))
        # The code was spent.
        self.assertEqual(self.error_code(anon.confirm_forgot_password, ClientId=app, Username="gina",
                                         ConfirmationCode=reset, Password="Gina-Other-Passw0rd!"), "ExpiredCodeException")
        # Unknown users get the same shape of answer, and nothing is sent.
        ghost = anon.forgot_password(ClientId=app, Username="ghost")
        self.assertEqual(set(ghost["CodeDeliveryDetails"]), {"Destination", "DeliveryMedium", "AttributeName"})
        self.assertEqual(anon.forgot_password(ClientId=app, Username="ghost")["CodeDeliveryDetails"],
                         ghost["CodeDeliveryDetails"], "a name always gets the same simulated destination")
        resent = anon.resend_confirmation_code(ClientId=app, Username="ghost")
        self.assertEqual(resent["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL")
        self.assertEqual(self.error_code(anon.resend_confirmation_code, ClientId=app, Username="gina"),
                         "InvalidParameterException")
        self.assertEqual(self.error_code(anon.confirm_forgot_password, ClientId=app, Username="ghost",
                                         ConfirmationCode="123456", Password="Ghost-Passw0rd!"), "CodeMismatchException")
        # Too many wrong codes.
        anon.forgot_password(ClientId=app, Username="gina")
        for _ in range(5):
            self.error_code(anon.confirm_forgot_password, ClientId=app, Username="gina",
                            ConfirmationCode="999999", Password="Gina-3rd-Passw0rd!")
        self.assertEqual(self.error_code(anon.confirm_forgot_password, ClientId=app, Username="gina",
                                         ConfirmationCode="999999", Password="Gina-3rd-Passw0rd!"), "LimitExceededException")
        for _ in range(50):
            listed = self.cli("outbox", "list", "--pool", pool)
            if all(m["status"] == "sent" for m in listed):
                break
            time.sleep(0.1)
        self.assertTrue(all(m["status"] == "sent" for m in listed), listed)
        self.assertTrue(all("body_text" not in m for m in listed), "the listing never shows codes")


def _invitation_test(self):
    import glob, re
    c = self.client()
    anon = boto3.client("cognito-idp", endpoint_url=self.url, region_name="us-east-1",
                        config=Config(signature_version=__import__("botocore").UNSIGNED))
    pool = c.create_user_pool(PoolName="invite")["UserPool"]["Id"]
    app = c.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    c.admin_create_user(UserPoolId=pool, Username="jo", UserAttributes=[{"Name": "email", "Value": "jo@e2e.test"}])
    outbox = os.path.join(self.env["PORTCULLIS_DATA_DIR"], "outbox")
    text = None
    for _ in range(100):
        for path in glob.glob(os.path.join(outbox, "*.eml")):
            t = open(path, newline="").read()
            if "To: jo@e2e.test" in t and "X-Portcullis-Purpose: invitation" in t:
                text = t
        if text:
            break
        time.sleep(0.1)
    self.assertIsNotNone(text, "no invitation delivered")
    password = re.search(r"temporary password is (\S+)", text_part(text)).group(1)
    first = anon.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "jo", "PASSWORD": password})
    self.assertEqual(first["ChallengeName"], "NEW_PASSWORD_REQUIRED")
    done = anon.respond_to_auth_challenge(ClientId=app, ChallengeName="NEW_PASSWORD_REQUIRED", Session=first["Session"],
                                          ChallengeResponses={"USERNAME": "jo", "NEW_PASSWORD": "Jo-Own-Passw0rd!"})
    self.assertIn("AccessToken", done["AuthenticationResult"])


CognitoApi.test_admin_create_user_sends_an_invitation = _invitation_test


class SmtpDelivery(unittest.TestCase):
    """Codes reach a real SMTP server (aiosmtpd) when --smtp-url is set."""

    def test_sign_up_code_arrives_by_smtp(self):
        import re
        sink, smtp_port, received = smtp_sink()
        tmp = tempfile.TemporaryDirectory()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTCULLIS_")}
        env.update(PORTCULLIS_DATA_DIR=os.path.join(tmp.name, "data"), PORTCULLIS_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
                   PORTCULLIS_MAIL_FROM="Acme <auth@acme.test>")
        port = free_port()
        proc = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_ready(url)
            key = json.loads(subprocess.run([BIN, "access-key", "create", "--json"], env=env, check=True,
                                            capture_output=True, text=True).stdout)
            c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                             aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"])
            anon = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                                config=Config(signature_version=__import__("botocore").UNSIGNED))
            pool = c.create_user_pool(PoolName="smtp", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
            app = c.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
            anon.sign_up(ClientId=app, Username="ivy", Password="Ivy-Passw0rd!",
                         UserAttributes=[{"Name": "email", "Value": "ivy@e2e.test"}])
            for _ in range(100):
                if received:
                    break
                time.sleep(0.1)
            self.assertEqual(len(received), 1)
            rcpt, content = received[0]
            self.assertEqual(rcpt, ["ivy@e2e.test"])
            self.assertIn("From: Acme <auth@acme.test>", content)
            code = re.search(r"\b(\d{6})\b", text_part(content)).group(1)
            anon.confirm_sign_up(ClientId=app, Username="ivy", ConfirmationCode=code)
            self.assertEqual(c.admin_get_user(UserPoolId=pool, Username="ivy")["UserStatus"], "CONFIRMED")

            # A pool with its own SMTP server and sender; an invitation from the CLI goes there.
            own_sink, own_port, own = smtp_sink()
            try:
                cli = lambda *a: json.loads(subprocess.run([BIN, *a, "--json"], env=env, check=True,
                                                           capture_output=True, text=True).stdout)
                other = c.create_user_pool(PoolName="own-smtp", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
                bad = subprocess.run([BIN, "pool", "set-email", "--pool", other, "--smtp-url", "ftp://x"],
                                     env=env, capture_output=True, text=True)
                self.assertNotEqual(bad.returncode, 0)
                self.assertIn("SMTP URL", bad.stderr)
                self.assertIsNone(cli("pool", "get", "--pool", other)["smtp"], "a refused URL changes nothing")
                shown = cli("pool", "set-email", "--pool", other, "--from", "Globex <id@globex.test>",
                            "--smtp-url", f"smtp://relay:s3cret@127.0.0.1:{own_port}")
                self.assertEqual(shown["smtp"], f"smtp://relay:***@127.0.0.1:{own_port}")
                # aiosmtpd offers no AUTH on plain text, so the pool uses the sink without credentials.
                cli("pool", "set-email", "--pool", other, "--smtp-url", f"smtp://127.0.0.1:{own_port}")
                made = cli("user", "create", "--pool", other, "--username", "otto", "--email", "otto@e2e.test", "--invite")
                self.assertEqual(made["status"], "FORCE_CHANGE_PASSWORD")
                self.assertNotIn("temporary_password", made)
                for _ in range(100):
                    if own:
                        break
                    time.sleep(0.1)
                self.assertEqual(len(own), 1, "the pool's own server got the invitation")
                self.assertEqual(own[0][0], ["otto@e2e.test"])
                self.assertIn("From: Globex <id@globex.test>", own[0][1])
                self.assertIn("Your username is otto and your temporary password is", text_part(own[0][1]))
                self.assertEqual(len(received), 1, "and the deployment's server got nothing more")
            finally:
                own_sink.stop()
        finally:
            proc.terminate()
            proc.wait()
            sink.stop()
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
