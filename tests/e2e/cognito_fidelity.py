"""Cognito's documented behaviour where the first suite did not look: client token lifetimes,
legacy flow names, paging, schemas, shapes. Run by tests/e2e/run.sh with PORTCULLIS_BIN set."""

import base64
import hashlib
import hmac
import json
import unittest

from cognito_harness import Harness


def claims(jwt):
    body = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


class Fidelity(Harness, unittest.TestCase):
    def test_client_token_lifetimes_are_honoured_checked_and_echoed(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="lifetimes")["UserPool"]["Id"]
        made = c.create_user_pool_client(
            UserPoolId=pool, ClientName="short", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"],
            AccessTokenValidity=5, IdTokenValidity=10, RefreshTokenValidity=2,
            TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "hours"},
        )["UserPoolClient"]
        self.assertEqual((made["AccessTokenValidity"], made["IdTokenValidity"], made["RefreshTokenValidity"]),
                         (5, 10, 2))
        self.assertEqual(made["TokenValidityUnits"],
                         {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "hours"})
        self.assertEqual(made["ExplicitAuthFlows"], ["ADMIN_NO_SRP_AUTH"])
        self.assertEqual((made["AuthSessionValidity"], made["EnablePropagateAdditionalUserContextData"]), (3, False))
        c.admin_create_user(UserPoolId=pool, Username="ann", TemporaryPassword="Temp-Passw0rd!",
                            MessageAction="SUPPRESS")
        c.admin_set_user_password(UserPoolId=pool, Username="ann", Password="Corr3ct-Horse!", Permanent=True)
        # ADMIN_NO_SRP_AUTH, the legacy name, allows the admin password flow under either name.
        for flow in ["ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH"]:
            got = c.admin_initiate_auth(UserPoolId=pool, ClientId=made["ClientId"], AuthFlow=flow,
                                        AuthParameters={"USERNAME": "ann", "PASSWORD": "Corr3ct-Horse!"})
            result = got["AuthenticationResult"]
            self.assertEqual(result["ExpiresIn"], 300)
            access, id_token = claims(result["AccessToken"]), claims(result["IdToken"])
            self.assertEqual(access["exp"] - access["iat"], 300)
            self.assertEqual(id_token["exp"] - id_token["iat"], 600)
        # ...and only that: the legacy list does not allow USER_PASSWORD_AUTH.
        self.assertEqual(self.error_code(
            self.anon().initiate_auth, ClientId=made["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": "Corr3ct-Horse!"}), "InvalidParameterException")
        # Units default to hours (ID, access) and days (refresh).
        hours = c.create_user_pool_client(UserPoolId=pool, ClientName="hours", AccessTokenValidity=2,
                                          RefreshTokenValidity=7)["UserPoolClient"]
        self.assertEqual(hours["TokenValidityUnits"]["AccessToken"], "hours")
        self.assertEqual(hours["IdTokenValidity"], 1, "the pool's hour, in hours")
        self.assertEqual(hours["RefreshTokenValidity"], 7)
        self.assertEqual(hours["TokenValidityUnits"]["RefreshToken"], "days")
        for bad in [
            {"AccessTokenValidity": 4, "TokenValidityUnits": {"AccessToken": "minutes"}},
            {"IdTokenValidity": 2, "TokenValidityUnits": {"IdToken": "days"}},
            {"RefreshTokenValidity": 59, "TokenValidityUnits": {"RefreshToken": "minutes"}},
            {"RefreshTokenValidity": 3651},
            {"AccessTokenValidity": 1, "TokenValidityUnits": {"AccessToken": "weeks"}},
            {"ExplicitAuthFlows": ["ADMIN_NO_SRP_AUTH", "ALLOW_USER_SRP_AUTH"]},
        ]:
            with self.subTest(bad=bad):
                code = None
                try:
                    c.create_user_pool_client(UserPoolId=pool, ClientName="bad", **bad)
                except c.exceptions.InvalidParameterException:
                    code = "InvalidParameterException"
                except Exception as e:  # botocore validates enums client-side for some values
                    code = type(e).__name__
                self.assertIn(code, ("InvalidParameterException", "ParamValidationError"), bad)
        names = [x["ClientName"] for x in c.list_user_pool_clients(UserPoolId=pool, MaxResults=60)["UserPoolClients"]]
        self.assertNotIn("bad", names, "a refused client is not created")
        # UpdateUserPoolClient resets what it omits: the lifetimes go back to the pool's.
        updated = c.update_user_pool_client(UserPoolId=pool, ClientId=made["ClientId"],
                                            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]
        self.assertNotIn("AccessTokenValidity", updated)
        got = c.admin_initiate_auth(UserPoolId=pool, ClientId=made["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                    AuthParameters={"USERNAME": "ann", "PASSWORD": "Corr3ct-Horse!"})
        self.assertEqual(got["AuthenticationResult"]["ExpiresIn"], 3600)

    def test_every_list_action_pages_with_opaque_stable_tokens(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="paging")["UserPool"]["Id"]
        for i in range(5):
            c.create_group(UserPoolId=pool, GroupName=f"g{i}")
            c.create_user_pool_client(UserPoolId=pool, ClientName=f"c{i}")
            c.create_resource_server(UserPoolId=pool, Identifier=f"https://api{i}.example", Name=f"api{i}")
            c.create_identity_provider(UserPoolId=pool, ProviderName=f"P{i}", ProviderType="SAML",
                                       ProviderDetails={"MetadataURL": f"https://idp{i}.example/md"})
            c.admin_create_user(UserPoolId=pool, Username=f"u{i}", MessageAction="SUPPRESS")
            c.admin_add_user_to_group(UserPoolId=pool, Username=f"u{i}", GroupName="g0")
            c.admin_add_user_to_group(UserPoolId=pool, Username="u0", GroupName=f"g{i}")
        cases = [
            (c.list_groups, {}, "Limit", "NextToken", "Groups", "GroupName"),
            (c.admin_list_groups_for_user, {"Username": "u0"}, "Limit", "NextToken", "Groups", "GroupName"),
            (c.list_users_in_group, {"GroupName": "g0"}, "Limit", "NextToken", "Users", "Username"),
            (c.list_user_pool_clients, {}, "MaxResults", "NextToken", "UserPoolClients", "ClientName"),
            (c.list_resource_servers, {}, "MaxResults", "NextToken", "ResourceServers", "Identifier"),
            (c.list_identity_providers, {}, "MaxResults", "NextToken", "Providers", "ProviderName"),
            (c.list_users, {}, "Limit", "PaginationToken", "Users", "Username"),
        ]
        for fn, extra, size, token, items, name in cases:
            with self.subTest(action=fn.__name__):
                seen, pages, kw = [], 0, {}
                while True:
                    got = fn(UserPoolId=pool, **extra, **{size: 2}, **kw)
                    pages += 1
                    self.assertLessEqual(len(got[items]), 2)
                    seen += [x[name] for x in got[items]]
                    if token not in got:
                        break
                    kw = {token: got[token]}
                    if pages == 1 and fn.__name__ == "list_groups":
                        # Added while paging: no item repeats, none is lost.
                        c.create_group(UserPoolId=pool, GroupName="a-late")
                        c.create_group(UserPoolId=pool, GroupName="z-late")
                self.assertEqual(len(seen), len(set(seen)), seen)
                expected = 7 if fn.__name__ == "list_groups" else 5
                self.assertGreaterEqual(len(seen), expected - (1 if fn.__name__ == "list_groups" else 0), seen)
                self.assertEqual(pages, (len(seen) + 1) // 2, "the last page has no token")
                self.assertEqual(self.error_code(fn, UserPoolId=pool, **extra, **{size: 61}),
                                 "InvalidParameterException")
                self.assertEqual(self.error_code(fn, UserPoolId=pool, **extra, **{size: 2, token: "bm90LWEtdG9rZW4"}),
                                 "InvalidParameterException")
        # A filter it cannot read gets Cognito's words.
        with self.assertRaises(c.exceptions.InvalidParameterException) as cm:
            c.list_users(UserPoolId=pool, Filter="email is ann")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Error while parsing filter.")
        # ListResourceServers and ListUserPools want a size; ListResourceServers at most 50.
        self.assertEqual(self.error_code(c.list_resource_servers, UserPoolId=pool, MaxResults=51),
                         "InvalidParameterException")
        self.assertEqual(self.error_code(c.list_user_pools, MaxResults=61), "InvalidParameterException")
        # AttributesToGet narrows what ListUsers shows of each user.
        c.admin_update_user_attributes(UserPoolId=pool, Username="u1", UserAttributes=[
            {"Name": "email", "Value": "u1@example.com"}, {"Name": "name", "Value": "You One"}])
        got = c.list_users(UserPoolId=pool, Filter='username = "u1"', AttributesToGet=["name"])["Users"]
        self.assertEqual(got[0]["Attributes"], [{"Name": "name", "Value": "You One"}])

    def test_the_schema_is_validated_echoed_and_enforced_as_cognito_does(self):
        c = self.client()
        schema = [
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": False},
            {"Name": "tenant", "AttributeDataType": "String", "Mutable": False,
             "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "8"}},
            {"Name": "age", "AttributeDataType": "Number",
             "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "150"}},
            {"Name": "risk", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
        ]
        pool = c.create_user_pool(PoolName="schema", Schema=schema)["UserPool"]
        listed = {a["Name"]: a for a in pool["SchemaAttributes"]}
        for std in ["sub", "identities", "email", "email_verified", "updated_at", "address", "birthdate"]:
            self.assertIn(std, listed)
        self.assertEqual(listed["sub"]["Mutable"], False)
        self.assertEqual(listed["sub"]["Required"], True)
        self.assertEqual(listed["email"]["Required"], True)
        self.assertEqual(listed["email"]["Mutable"], False)
        self.assertEqual(listed["email_verified"]["AttributeDataType"], "Boolean")
        self.assertEqual(listed["updated_at"]["NumberAttributeConstraints"], {"MinValue": "0"})
        self.assertEqual(listed["birthdate"]["StringAttributeConstraints"], {"MinLength": "10", "MaxLength": "10"})
        self.assertEqual(listed["custom:tenant"]["StringAttributeConstraints"], {"MinLength": "2", "MaxLength": "8"})
        self.assertEqual(listed["custom:tenant"]["Mutable"], False)
        self.assertEqual(listed["custom:age"]["NumberAttributeConstraints"], {"MinValue": "0", "MaxValue": "150"})
        self.assertEqual(listed["custom:risk"]["DeveloperOnlyAttribute"], True)
        for bad in [
            [{"Name": "email", "AttributeDataType": "Number"}],
            [{"Name": "email", "DeveloperOnlyAttribute": True}],
            [{"Name": "sub", "Mutable": True}],
            [{"Name": "nodatatype"}],
            [{"Name": "weird", "AttributeDataType": "Float"}],
            [{"Name": "s", "AttributeDataType": "String", "StringAttributeConstraints": {"MinLength": "5", "MaxLength": "2"}}],
            [{"Name": "s", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "2049"}}],
            [{"Name": "n", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "9", "MaxValue": "1"}}],
            [{"Name": "dup", "AttributeDataType": "String"}, {"Name": "dup", "AttributeDataType": "String"}],
            [{"Name": "req", "AttributeDataType": "String", "Required": True}],
        ]:
            with self.subTest(bad=bad):
                try:
                    c.create_user_pool(PoolName="bad-schema", Schema=bad)
                    code = None
                except Exception as e:
                    code = getattr(e, "response", {}).get("Error", {}).get("Code") or type(e).__name__
                self.assertIn(code, ("InvalidParameterException", "ParamValidationError"), bad)
        pid = pool["Id"]
        # Values are checked on every write, and immutable attributes stay as created.
        c.admin_create_user(UserPoolId=pid, Username="ann", MessageAction="SUPPRESS", UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"}, {"Name": "email_verified", "Value": "True"},
            {"Name": "custom:tenant", "Value": "acme"}, {"Name": "custom:risk", "Value": "low"}])
        attrs = {a["Name"]: a["Value"] for a in c.admin_get_user(UserPoolId=pid, Username="ann")["UserAttributes"]}
        self.assertEqual(attrs["email_verified"], "true", "True is read without regard to case")
        self.assertEqual(attrs["custom:risk"], "low", "administrators see developer-only attributes")
        for bad in [[{"Name": "custom:age", "Value": "151"}], [{"Name": "custom:age", "Value": "old"}],
                    [{"Name": "custom:tenant", "Value": "x"}], [{"Name": "email", "Value": "new@example.com"}],
                    [{"Name": "custom:tenant", "Value": "other"}], [{"Name": "custom:nope", "Value": "1"}]]:
            with self.subTest(write=bad):
                self.assertEqual(self.error_code(c.admin_update_user_attributes, UserPoolId=pid, Username="ann",
                                                 UserAttributes=bad), "InvalidParameterException")
        c.admin_update_user_attributes(UserPoolId=pid, Username="ann", UserAttributes=[{"Name": "custom:age", "Value": "42"}])
        # Users' own calls never see or write developer-only attributes.
        app = c.create_user_pool_client(UserPoolId=pid, ClientName="app",
                                        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
        c.admin_set_user_password(UserPoolId=pid, Username="ann", Password="Ann-Passw0rd!", Permanent=True)
        tokens = c.admin_initiate_auth(UserPoolId=pid, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": "ann", "PASSWORD": "Ann-Passw0rd!"})["AuthenticationResult"]
        self.assertNotIn("custom:risk", claims(tokens["IdToken"]))
        self.assertEqual(claims(tokens["IdToken"])["custom:age"], "42")
        own = {a["Name"] for a in self.anon().get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
        self.assertNotIn("custom:risk", own)
        self.assertEqual(self.error_code(self.anon().update_user_attributes, AccessToken=tokens["AccessToken"],
                                         UserAttributes=[{"Name": "custom:risk", "Value": "none"}]),
                         "NotAuthorizedException")
        # AddCustomAttributes: new names only, within the limit.
        c.add_custom_attributes(UserPoolId=pid, CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}])
        names = {a["Name"] for a in c.describe_user_pool(UserPoolId=pid)["UserPool"]["SchemaAttributes"]}
        self.assertIn("custom:plan", names)
        self.assertEqual(self.error_code(c.add_custom_attributes, UserPoolId=pid,
                                         CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}]),
                         "InvalidParameterException")
        many = [{"Name": f"a{i}", "AttributeDataType": "String"} for i in range(47)]
        self.assertEqual(self.error_code(c.add_custom_attributes, UserPoolId=pid, CustomAttributes=many),
                         "InvalidParameterException")
        c.admin_update_user_attributes(UserPoolId=pid, Username="ann", UserAttributes=[{"Name": "custom:plan", "Value": "pro"}])

    def test_auto_verification_and_account_recovery_decide_what_is_sent(self):
        c, anon = self.client(), self.anon()
        quiet = c.create_user_pool(PoolName="quiet", SmsVerificationMessage="Code {####}")["UserPool"]
        self.assertEqual(quiet["AutoVerifiedAttributes"], [])
        self.assertEqual(quiet["SmsVerificationMessage"], "Code {####}")
        for shape in ["LambdaConfig", "EstimatedNumberOfUsers", "LastModifiedDate", "Arn", "MfaConfiguration",
                      "UserPoolAddOns", "UsernameConfiguration", "VerificationMessageTemplate"]:
            self.assertIn(shape, quiet)
        app = c.create_user_pool_client(UserPoolId=quiet["Id"], ClientName="app")["UserPoolClient"]["ClientId"]
        got = anon.sign_up(ClientId=app, Username="nia", Password="Nia-Passw0rd!",
                           UserAttributes=[{"Name": "email", "Value": "nia@example.com"}])
        self.assertNotIn("CodeDeliveryDetails", got, "no auto-verification: no code")
        self.assertFalse(got["UserConfirmed"])
        self.assertEqual(self.error_code(anon.resend_confirmation_code, ClientId=app, Username="nia"),
                         "InvalidParameterException")
        c.admin_confirm_sign_up(UserPoolId=quiet["Id"], Username="nia")
        self.assertEqual(c.describe_user_pool(UserPoolId=quiet["Id"])["UserPool"]["EstimatedNumberOfUsers"], 1)
        # AccountRecoverySetting: verified_email needs a verified address; admin_only refuses.
        def pool_with(mechanisms):
            p = c.create_user_pool(PoolName="recovery", AutoVerifiedAttributes=["email"],
                                   AccountRecoverySetting={"RecoveryMechanisms": mechanisms})["UserPool"]
            a = c.create_user_pool_client(UserPoolId=p["Id"], ClientName="app")["UserPoolClient"]["ClientId"]
            for name, verified in [("ver", "true"), ("unver", "false")]:
                c.admin_create_user(UserPoolId=p["Id"], Username=name, MessageAction="SUPPRESS", UserAttributes=[
                    {"Name": "email", "Value": f"{name}@example.com"}, {"Name": "email_verified", "Value": verified}])
                c.admin_set_user_password(UserPoolId=p["Id"], Username=name, Password="Pass-w0rd!!", Permanent=True)
            return p, a
        p, a = pool_with([{"Priority": 1, "Name": "verified_email"}])
        self.assertEqual(p["AccountRecoverySetting"]["RecoveryMechanisms"], [{"Priority": 1, "Name": "verified_email"}])
        sent = anon.forgot_password(ClientId=a, Username="ver")
        self.assertEqual(sent["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL")
        self.assertEqual(self.error_code(anon.forgot_password, ClientId=a, Username="unver"),
                         "InvalidParameterException")
        p, a = pool_with([{"Priority": 1, "Name": "admin_only"}])
        self.assertEqual(self.error_code(anon.forgot_password, ClientId=a, Username="ver"), "NotAuthorizedException")
        for bad in [
            [{"Priority": 1, "Name": "admin_only"}, {"Priority": 2, "Name": "verified_email"}],
            [{"Priority": 1, "Name": "verified_email"}, {"Priority": 1, "Name": "verified_phone_number"}],
            [{"Priority": 1, "Name": "carrier_pigeon"}],
        ]:
            with self.subTest(recovery=bad):
                try:
                    c.create_user_pool(PoolName="bad", AccountRecoverySetting={"RecoveryMechanisms": bad})
                    code = None
                except Exception as e:
                    code = getattr(e, "response", {}).get("Error", {}).get("Code") or type(e).__name__
                self.assertIn(code, ("InvalidParameterException", "ParamValidationError"))
        self.assertEqual(self.error_code(c.create_user_pool, PoolName="bad", AutoVerifiedAttributes=["name"]),
                         "InvalidParameterException")
        # What cannot be honoured is refused, not stored and ignored (a Lambda ARN where a hook
        # URL belongs, MFA, threat protection); "off" is accepted.
        for unsupported in [{"LambdaConfig": {"PreSignUp": "arn:aws:lambda:us-east-1:000000000000:function:f"}},
                            {"MfaConfiguration": "ON"},
                            {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}]:
            with self.subTest(unsupported=unsupported):
                self.assertEqual(self.error_code(c.create_user_pool, PoolName="bad", **unsupported),
                                 "InvalidParameterException")
        c.create_user_pool(PoolName="offs", LambdaConfig={}, MfaConfiguration="OFF",
                           UserPoolAddOns={"AdvancedSecurityMode": "OFF"})
        # UpdateUserPoolDomain keeps the pool's own domain and refuses another.
        c.create_user_pool_domain(UserPoolId=quiet["Id"], Domain="auth.quiet.example")
        got = c.update_user_pool_domain(UserPoolId=quiet["Id"], Domain="auth.quiet.example",
                                        CustomDomainConfig={"CertificateArn": "arn:aws:acm:us-east-1:000000000000:certificate/x"})
        self.assertEqual(got["CloudFrontDomain"], "auth.quiet.example")
        self.assertEqual(self.error_code(c.update_user_pool_domain, UserPoolId=quiet["Id"], Domain="auth.other.example",
                                         CustomDomainConfig={"CertificateArn": "arn:aws:acm:us-east-1:000000000000:certificate/x"}),
                         "InvalidParameterException")

    def test_phone_numbers_and_emails_as_usernames(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="phones", UsernameAttributes=["phone_number"])["UserPool"]
        self.assertEqual(pool["UsernameAttributes"], ["phone_number"])
        pid = pool["Id"]
        made = c.admin_create_user(UserPoolId=pid, Username="+14325551212", MessageAction="SUPPRESS")["User"]
        attrs = {a["Name"]: a["Value"] for a in made["Attributes"]}
        self.assertEqual(attrs["phone_number"], "+14325551212")
        self.assertEqual(made["Username"], attrs["sub"], "the username is the sub")
        c.admin_set_user_password(UserPoolId=pid, Username="+14325551212", Password="Phone-Passw0rd!", Permanent=True)
        app = c.create_user_pool_client(UserPoolId=pid, ClientName="app",
                                        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
        tokens = c.admin_initiate_auth(UserPoolId=pid, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": "+14325551212", "PASSWORD": "Phone-Passw0rd!"})
        self.assertEqual(claims(tokens["AuthenticationResult"]["IdToken"])["cognito:username"], made["Username"])
        self.assertEqual(c.admin_get_user(UserPoolId=pid, Username=made["Username"])["Username"], made["Username"])
        for bad in ["4325551212", "+1 432 555 1212", "phone"]:
            with self.subTest(username=bad):
                self.assertEqual(self.error_code(c.admin_create_user, UserPoolId=pid, Username=bad,
                                                 MessageAction="SUPPRESS"), "InvalidParameterException")
        # A new number moves the user to it.
        c.admin_update_user_attributes(UserPoolId=pid, Username=made["Username"],
                                       UserAttributes=[{"Name": "phone_number", "Value": "+14325550000"}])
        again = c.admin_initiate_auth(UserPoolId=pid, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "+14325550000", "PASSWORD": "Phone-Passw0rd!"})
        self.assertIn("AccessToken", again["AuthenticationResult"])
        self.assertEqual(self.error_code(c.create_user_pool, PoolName="both",
                                         UsernameAttributes=["email", "phone_number"]), "InvalidParameterException")
        # In an email pool, a new address moves the user to it; another user's is refused.
        epid = c.create_user_pool(PoolName="emails", UsernameAttributes=["email"])["UserPool"]["Id"]
        eapp = c.create_user_pool_client(UserPoolId=epid, ClientName="app",
                                         ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
        for who in ["ann@example.com", "bob@example.com"]:
            c.admin_create_user(UserPoolId=epid, Username=who, MessageAction="SUPPRESS")
            c.admin_set_user_password(UserPoolId=epid, Username=who, Password="Email-Passw0rd!", Permanent=True)
        def sign_in(name):
            return c.admin_initiate_auth(UserPoolId=epid, ClientId=eapp, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": name, "PASSWORD": "Email-Passw0rd!"})
        self.assertEqual(self.error_code(c.admin_update_user_attributes, UserPoolId=epid, Username="ann@example.com",
                                         UserAttributes=[{"Name": "email", "Value": "BOB@example.com"}]),
                         "AliasExistsException")
        c.admin_update_user_attributes(UserPoolId=epid, Username="ann@example.com",
                                       UserAttributes=[{"Name": "email", "Value": "ann@new.example"}])
        moved = {a["Name"]: a["Value"] for a in c.admin_get_user(UserPoolId=epid, Username="ann@new.example")["UserAttributes"]}
        self.assertEqual(moved["email_verified"], "false", "a new address is not verified")
        self.assertIn("AccessToken", sign_in("ann@new.example")["AuthenticationResult"])
        self.assertEqual(self.error_code(sign_in, name="ann@example.com"), "NotAuthorizedException")

    def test_refresh_tokens_by_their_own_action_and_deleting_own_attributes(self):
        c, anon = self.client(), self.anon()
        pid = c.create_user_pool(PoolName="refresh")["UserPool"]["Id"]
        app = c.create_user_pool_client(UserPoolId=pid, ClientName="app", GenerateSecret=True,
                                        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
        client_id, secret = app["UserPoolClient"]["ClientId"], app["UserPoolClient"]["ClientSecret"]
        c.admin_create_user(UserPoolId=pid, Username="ray", MessageAction="SUPPRESS",
                            UserAttributes=[{"Name": "name", "Value": "Ray"}, {"Name": "nickname", "Value": "R"}])
        c.admin_set_user_password(UserPoolId=pid, Username="ray", Password="Ray-Passw0rd!", Permanent=True)
        digest = hmac.new(secret.encode(), ("ray" + client_id).encode(), hashlib.sha256).digest()
        first = c.admin_initiate_auth(UserPoolId=pid, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "ray", "PASSWORD": "Ray-Passw0rd!",
                                                      "SECRET_HASH": base64.b64encode(digest).decode()})
        rt = first["AuthenticationResult"]["RefreshToken"]
        got = anon.get_tokens_from_refresh_token(RefreshToken=rt, ClientId=client_id, ClientSecret=secret)
        self.assertIn("AccessToken", got["AuthenticationResult"])
        self.assertEqual(self.error_code(anon.get_tokens_from_refresh_token, RefreshToken=rt, ClientId=client_id,
                                         ClientSecret="w" * 40), "NotAuthorizedException")
        self.assertEqual(self.error_code(anon.get_tokens_from_refresh_token, RefreshToken="not-a-refresh-token-" * 4, ClientId=client_id,
                                         ClientSecret=secret), "NotAuthorizedException")
        access = got["AuthenticationResult"]["AccessToken"]
        anon.delete_user_attributes(AccessToken=access, UserAttributeNames=["nickname"])
        names = {a["Name"] for a in anon.get_user(AccessToken=access)["UserAttributes"]}
        self.assertNotIn("nickname", names)
        self.assertIn("name", names)
        self.assertEqual(self.error_code(anon.delete_user_attributes, AccessToken=access, UserAttributeNames=["sub"]),
                         "InvalidParameterException")

    def test_a_verified_email_is_an_alias_of_one_user(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="aliases", AliasAttributes=["email"])["UserPool"]
        self.assertEqual(pool["AliasAttributes"], ["email"])
        pid = pool["Id"]
        app = c.create_user_pool_client(UserPoolId=pid, ClientName="app",
                                        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
        def user(name, email, verified):
            c.admin_create_user(UserPoolId=pid, Username=name, MessageAction="SUPPRESS", UserAttributes=[
                {"Name": "email", "Value": email}, {"Name": "email_verified", "Value": verified}])
            c.admin_set_user_password(UserPoolId=pid, Username=name, Password="Alias-Passw0rd!", Permanent=True)
        def sign_in(name):
            return c.admin_initiate_auth(UserPoolId=pid, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": name, "PASSWORD": "Alias-Passw0rd!"})
        user("ann", "ann@example.com", "true")
        by_alias = sign_in("ann@example.com")["AuthenticationResult"]["IdToken"]
        self.assertEqual(claims(by_alias)["cognito:username"], "ann")
        # A second user may hold the address unverified, but not verified.
        self.assertEqual(self.error_code(c.admin_create_user, UserPoolId=pid, Username="bob", MessageAction="SUPPRESS",
                                         UserAttributes=[{"Name": "email", "Value": "ann@example.com"},
                                                         {"Name": "email_verified", "Value": "true"}]),
                         "AliasExistsException")
        user("bob", "ann@example.com", "false")
        self.assertEqual(self.error_code(c.admin_update_user_attributes, UserPoolId=pid, Username="bob",
                                         UserAttributes=[{"Name": "email_verified", "Value": "true"}]),
                         "AliasExistsException")
        self.assertEqual(claims(sign_in("ann@example.com")["AuthenticationResult"]["IdToken"])["cognito:username"], "ann")
        # An unverified address is no alias.
        user("cat", "cat@example.com", "false")
        self.assertEqual(self.error_code(sign_in, name="cat@example.com"), "NotAuthorizedException")
        self.assertEqual(self.error_code(c.create_user_pool, PoolName="both", AliasAttributes=["email"],
                                         UsernameAttributes=["email"]), "InvalidParameterException")
        self.assertEqual(self.error_code(c.create_user_pool, PoolName="pref", AliasAttributes=["preferred_username"]),
                         "InvalidParameterException")

    def test_claim_rules_set_with_the_cli_reach_the_tokens(self):
        import tempfile
        c = self.client()
        pid = c.create_user_pool(PoolName="rules")["UserPool"]["Id"]
        app = c.create_user_pool_client(UserPoolId=pid, ClientName="app",
                                        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
        c.admin_create_user(UserPoolId=pid, Username="una", MessageAction="SUPPRESS")
        c.admin_set_user_password(UserPoolId=pid, Username="una", Password="Una-Passw0rd!", Permanent=True)
        for group, precedence in [("Administrators", 1), ("product:analytics", 2)]:
            c.create_group(UserPoolId=pid, GroupName=group, Precedence=precedence)
            c.admin_add_user_to_group(UserPoolId=pid, Username="una", GroupName=group)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as bad:
            bad.write('{"claims": [{"name": "iss", "tokens": ["id"], "value": "evil"}]}')
            bad.flush()
            self.assertIn("set by the server", self.cli_fails("pool", "set-claim-rules", "--pool", pid, "--file", bad.name))
        with tempfile.NamedTemporaryFile("w", suffix=".json") as good:
            json.dump({"claims": [
                {"name": "roles", "tokens": ["id", "access"],
                 "from_groups": {"map": {"Administrators": "admin"}, "default": ["viewer"]}},
                {"name": "entitlements", "tokens": ["id"], "from_groups": {"prefix": "product:"}}]}, good)
            good.flush()
            set_ = self.cli("pool", "set-claim-rules", "--pool", pid, "--file", good.name)
            self.assertEqual(len(set_["rules"]["claims"]), 2)
            # A client's own rules, shown by client get.
            own = self.cli("pool", "set-claim-rules", "--pool", pid, "--client", app, "--file", good.name)
            self.assertEqual(own["client"], app)
            self.assertEqual(len(self.cli("client", "get", "--pool", pid, "--client-id", app)["claim_rules"]["claims"]), 2)
        # UpdateUserPool (Cognito's settings) leaves the rules alone.
        c.update_user_pool(UserPoolId=pid, Policies={"PasswordPolicy": {"MinimumLength": 10}})
        tokens = c.admin_initiate_auth(UserPoolId=pid, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": "una", "PASSWORD": "Una-Passw0rd!"})["AuthenticationResult"]
        self.assertEqual(claims(tokens["IdToken"])["roles"], ["admin"])
        self.assertEqual(claims(tokens["IdToken"])["entitlements"], ["analytics"])
        self.assertEqual(claims(tokens["AccessToken"])["roles"], ["admin"])
        self.assertIsNone(self.cli("pool", "set-claim-rules", "--pool", pid, "--clear")["rules"])

    def test_the_cli_changes_only_what_it_is_given(self):
        pool = self.cli("pool", "create", "--name", "cli-parity")["id"]
        made = self.cli("client", "create", "--pool", pool, "--name", "web", "--callback-url",
                        "https://app.example/cb", "--access-token-validity", "15m")
        self.assertEqual(made["token_validity"]["access_token_secs"], 900)
        changed = self.cli("client", "update", "--pool", pool, "--client-id", made["client_id"],
                           "--refresh-token-validity", "12h", "--name", "web2")
        self.assertEqual(changed["name"], "web2")
        self.assertEqual(changed["callback_urls"], ["https://app.example/cb"], "not given, kept")
        self.assertEqual(changed["token_validity"]["access_token_secs"], 900, "not given, kept")
        self.assertEqual(changed["token_validity"]["refresh_token_secs"], 12 * 3600)
        described = self.client().describe_user_pool_client(UserPoolId=pool, ClientId=made["client_id"])
        self.assertEqual(described["UserPoolClient"]["AccessTokenValidity"], 15)
        self.assertEqual(described["UserPoolClient"]["TokenValidityUnits"]["AccessToken"], "minutes")
        self.assertEqual(described["UserPoolClient"]["RefreshTokenValidity"], 12)
        refused = self.cli_fails("client", "update", "--pool", pool, "--client-id", made["client_id"],
                                 "--access-token-validity", "2d")
        self.assertIn("validity", refused)
        p = self.cli("pool", "update", "--pool", pool, "--password-min-length", "12",
                     "--require-symbols", "false")
        policy = p["settings"]["password_policy"]
        self.assertEqual((policy["minimum_length"], policy["require_symbols"], policy["require_numbers"]),
                         (12, False, True))


class RegionalDeployment(Harness, unittest.TestCase):
    """A deployment that says where it runs: pool ids, ARNs and signatures follow its region."""
    serve_args = ["--region", "eu-west-1", "--account-id", "123456789012"]
    region = "eu-west-1"

    def test_pool_ids_arns_and_signatures_follow_the_region(self):
        c = self.client()
        pool = c.create_user_pool(PoolName="regional")["UserPool"]
        self.assertTrue(pool["Id"].startswith("eu-west-1_"), pool["Id"])
        self.assertEqual(pool["Arn"], f"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{pool['Id']}")
        # A signature for another region is refused.
        self.region = "us-east-1"
        self.assertEqual(self.error_code(self.client().list_user_pools, MaxResults=10),
                         "InvalidSignatureException")
        self.region = "eu-west-1"
        # Sign-in works with the region-derived pool id (what amazon-cognito-identity-js splits).
        app = c.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]
        c.admin_create_user(UserPoolId=pool["Id"], Username="eve", MessageAction="SUPPRESS")
        c.admin_set_user_password(UserPoolId=pool["Id"], Username="eve", Password="Eve-Passw0rd!", Permanent=True)
        tokens = self.anon().initiate_auth(ClientId=app["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                           AuthParameters={"USERNAME": "eve", "PASSWORD": "Eve-Passw0rd!"})
        self.assertTrue(claims(tokens["AuthenticationResult"]["IdToken"])["iss"].endswith("/" + pool["Id"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
