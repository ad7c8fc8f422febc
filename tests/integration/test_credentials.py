"""`sentinel credentials`: the credential_process contract, end to end against moto."""

import datetime
import json
import os
import re
import stat
import subprocess
import textwrap
import unittest

from harness import (ACCOUNT, MotoTestCase, ScriptedStsServer, caller_identity_xml,
                     sts_error_xml)

CREDENTIAL_KEYS = ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


class CredentialsTest(MotoTestCase):

    def test_allowed_user_gets_assume_role_credentials_stamped_with_source_identity(self):
        before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)

        doc = json.loads(result.stdout)
        self.assertEqual(list(doc.keys()), CREDENTIAL_KEYS)
        self.assertEqual(doc["Version"], 1)
        expiration = parse_time(doc["Expiration"])
        self.assertLessEqual(expiration, before + datetime.timedelta(hours=1, seconds=5))
        self.assertGreater(expiration, before + datetime.timedelta(minutes=55))

        # The credentials work and belong to the assumed role session sentinel named.
        sts = self.moto.boto("sts", aws_access_key_id=doc["AccessKeyId"],
                             aws_secret_access_key=doc["SecretAccessKey"],
                             aws_session_token=doc["SessionToken"])
        arn = sts.get_caller_identity()["Arn"]
        match = re.fullmatch(rf"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/sentinel-([0-9a-f]{{8}})",
                             arn)
        self.assertIsNotNone(match, arn)

        [entry] = self.box.log_entries()
        self.assertEqual(entry["kind"], "decision")
        self.assertEqual(entry["user"], "alice")
        self.assertEqual(entry["profile"], "dev")
        self.assertEqual(entry["effect"], "allow")
        self.assertEqual(entry["outcome"], "issued")
        self.assertEqual(entry["rule"], "developers")
        self.assertEqual(entry["rule_index"], 2)
        self.assertEqual(entry["request_id"], match.group(1))
        self.assertEqual(entry["source_identity"], f"sentinel.alice.{match.group(1)}")
        self.assertEqual(entry["role_arn"], f"arn:aws:iam::{ACCOUNT}:role/Dev")
        self.assertEqual(entry["session_duration_seconds"], 3600)
        self.assertEqual(entry["expiration"], doc["Expiration"])
        self.assertTrue(entry["policy"].startswith("file:" + self.box.policy_path), entry)
        self.assertEqual(stat.S_IMODE(os.stat(self.box.log_path).st_mode), 0o600)
        with open(self.box.log_path) as f:
            log = f.read()
        self.assertNoSecrets(result.stderr, log)
        self.assertNotIn(doc["SecretAccessKey"], log)
        self.assertNotIn(doc["SessionToken"], log)

    def test_denied_by_rule_prints_nothing_and_exits_3(self):
        self.box.write_aws_config(user="eve")
        result = self.box.run("credentials", "--profile", "prod")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("sentinel: error:", result.stderr)
        self.assertIn("no-prod-for-eve", result.stderr)
        self.assertIn("sentinel request", result.stderr)
        self.assertIn("sentinel breakglass", result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual((entry["user"], entry["effect"], entry["outcome"], entry["rule"],
                          entry["rule_index"]), ("eve", "deny", "denied", "no-prod-for-eve", 0))
        self.assertEqual(entry["reason"], "eve is not on the prod rota")
        self.assertNotIn("request_id", entry)

    def test_require_approval_refuses_without_an_override(self):
        result = self.box.run("credentials", "--profile", "prod")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("prod-needs-approval", result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual((entry["effect"], entry["outcome"]), ("require_approval", "denied"))

    def test_no_matching_rule_denies(self):
        self.box.write_aws_config(user="eve")
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("no rule matched", result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual((entry["rule"], entry["rule_index"], entry["effect"]), ("", -1, "deny"))

    def test_rule_max_duration_caps_the_session(self):
        result = self.box.run("credentials", "--profile", "dev", "--duration", "6h")
        self.assertEqual(result.returncode, 0, result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual(entry["session_duration_seconds"], 7200)
        self.assertLessEqual(parse_time(json.loads(result.stdout)["Expiration"]),
                             parse_time(entry["time"]) + datetime.timedelta(hours=2))

    def test_short_duration_asks_sts_for_900_seconds_but_reports_the_cap(self):
        result = self.box.run("credentials", "--profile", "dev", "--duration", "5m")
        self.assertEqual(result.returncode, 0, result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual(entry["session_duration_seconds"], 900)
        reported = parse_time(json.loads(result.stdout)["Expiration"])
        self.assertEqual(reported, parse_time(entry["time"]) + datetime.timedelta(minutes=5))

    def test_profile_duration_seconds_is_used_when_no_flag(self):
        with open(self.box.aws_dir + "/config", "a") as f:
            f.write("\n[profile staging-short]\nrole_arn = arn:aws:iam::123456789012:role/S\n"
                    "source_profile = base\nduration_seconds = 1200\n")
        self.box.write_policy(textwrap.dedent("""\
            version: "1"
            rules:
              - name: all
                effect: allow
                conditions: {}
            """))
        result = self.box.run("credentials", "--profile", "staging-short")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.box.log_entries()[0]["session_duration_seconds"], 1200)

    def test_profile_without_role_gets_session_token_credentials(self):
        self.box.write_policy('version: "1"\nrules:\n  - name: all\n    effect: allow\n'
                              '    conditions: {}\n')
        result = self.box.run("credentials", "--profile", "alice")
        self.assertEqual(result.returncode, 0, result.stderr)
        doc = json.loads(result.stdout)
        self.assertTrue(doc["SessionToken"])
        [entry] = self.box.log_entries()
        self.assertEqual(entry["credential_type"], "session-token")
        self.assertNotIn("source_identity", entry)

    def test_bad_policy_denies_with_the_load_error_and_exits_2(self):
        self.box.write_policy('version: "1"\nrules:\n  - name: x\n    effect: allow\n'
                              '    conditon: {}\n')
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("line 5", result.stderr)
        self.assertIn("conditon", result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual(entry["outcome"], "denied")
        self.assertIn("conditon", entry["reason"])

    def test_missing_policy_denies(self):
        os.remove(self.box.policy_path)
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(self.box.policy_path, result.stderr)

    def test_unknown_profile_is_a_usage_error(self):
        result = self.box.run("credentials", "--profile", "nope")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("profile 'nope'", result.stderr)
        self.assertEqual(self.box.log_entries(), [])

    def test_bad_config_names_file_and_line(self):
        self.box.write_config("policy: file:/x\nstroe: sqlite:/y\n")
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("config.yaml: line 2", result.stderr)
        self.assertIn("stroe", result.stderr)

    def test_bad_flag_is_a_usage_error(self):
        result = self.box.run("credentials", "--profile", "dev", "--duration", "forever")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("invalid duration", result.stderr)
        result = self.box.run("credentials", "--bogus")
        self.assertEqual(result.returncode, 2, result.stderr)

    def test_an_unknown_command_is_named(self):
        for argv in (["credentails", "--profile", "dev"],
                     ["--debug", "--config", "x.yaml", "credentails"]):
            result = self.box.run(*argv)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("sentinel: error: unknown command 'credentails'", result.stderr)
            self.assertEqual(result.stdout, "")
        self.assertEqual(self.box.log_entries(), [])

    def test_global_flags_may_come_before_the_command(self):
        config = os.path.join(self.box.home, "elsewhere.yaml")
        with open(config, "w") as f:
            f.write(f"policy: file:{self.box.policy_path}\n")
        result = self.box.run("--debug", "--config=" + config, "credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("AccessKeyId", json.loads(result.stdout))
        # Help before any command lists every command.
        result = self.box.run("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        for command in ("credentials", "exec", "whoami", "policy", "request", "approve",
                        "breakglass", "breakglass-close", "init"):
            self.assertIn(command, result.stdout)

    def test_unreachable_endpoint_is_an_operational_failure(self):
        env = self.box.env(AWS_ENDPOINT_URL="http://127.0.0.1:1")
        result = self.box.run("credentials", "--profile", "dev", env=env)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("127.0.0.1:1", result.stderr)

    def test_unwritable_decision_log_issues_nothing(self):
        blocker = os.path.join(self.box.home, "blocker")
        open(blocker, "w").close()
        self.box.write_config(f"decision_log: {blocker}/decisions.jsonl\n")
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("decisions.jsonl", result.stderr)

    def test_failing_credential_process_source(self):
        with open(self.box.aws_dir + "/config", "a") as f:
            f.write("\n[profile broken-source]\ncredential_process = /bin/sh -c 'exit 7'\n"
                    "[profile via-broken]\nrole_arn = arn:aws:iam::123456789012:role/Dev\n"
                    "source_profile = broken-source\n")
        result = self.box.run("credentials", "--profile", "via-broken")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("credential_process", result.stderr)
        self.assertIn("7", result.stderr)

    def test_credential_process_source_that_works(self):
        akid, secret = self.box.keys["bob"]
        script = os.path.join(self.box.home, "creds.sh")
        with open(script, "w") as f:
            f.write(f"#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{akid}\", "
                    f"\"SecretAccessKey\": \"{secret}\"}}'\n")
        os.chmod(script, 0o700)
        with open(self.box.aws_dir + "/config", "a") as f:
            f.write(f"\n[profile bob-process]\ncredential_process = {script}\n"
                    "[profile staging-bob]\nrole_arn = arn:aws:iam::123456789012:role/Staging\n"
                    "source_profile = bob-process\n")
        self.box.write_policy('version: "1"\nrules:\n  - name: bob\n    effect: allow\n'
                              '    conditions: {users: [bob]}\n')
        result = self.box.run("credentials", "--profile", "staging-bob")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.box.log_entries()[0]["user"], "bob")
        self.assertNoSecrets(result.stderr)

    def test_source_profile_cycle_is_reported(self):
        with open(self.box.aws_dir + "/config", "a") as f:
            f.write("\n[profile loop-a]\nrole_arn = arn:aws:iam::123456789012:role/A\n"
                    "source_profile = loop-b\n[profile loop-b]\n"
                    "role_arn = arn:aws:iam::123456789012:role/B\nsource_profile = loop-a\n")
        result = self.box.run("credentials", "--profile", "loop-a")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("cycle", result.stderr)

    def test_debug_output_never_shows_secrets(self):
        result = self.box.run("--debug", "credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        doc = json.loads(result.stdout)
        self.assertIn("sentinel: debug:", result.stderr)
        for secret in (doc["SecretAccessKey"], doc["SessionToken"]):
            self.assertNotIn(secret, result.stderr)
        self.assertNoSecrets(result.stderr)
        self.assertNotIn("Signature=", result.stderr)


class StsFailureTest(MotoTestCase):
    """STS replies that moto cannot produce, from a scripted STS endpoint."""

    def run_against(self, answers, *args, profile="dev"):
        server = ScriptedStsServer(answers)
        self.addCleanup(server.stop)
        env = self.box.env(AWS_ENDPOINT_URL_STS=server.url)
        return server, self.box.run("credentials", "--profile", profile, *args, env=env)

    def test_access_denied_from_sts(self):
        _, result = self.run_against({
            "GetCallerIdentity": caller_identity_xml(f"arn:aws:iam::{ACCOUNT}:user/alice"),
            "AssumeRole": sts_error_xml(403, "AccessDenied",
                                        "User is not authorized to perform: sts:AssumeRole"),
        })
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("sentinel: error: sts AssumeRole: AccessDenied: User is not authorized",
                      result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual((entry["effect"], entry["outcome"]), ("allow", "denied"))

    def test_duration_over_the_roles_maximum(self):
        _, result = self.run_against({
            "GetCallerIdentity": caller_identity_xml(f"arn:aws:iam::{ACCOUNT}:user/alice"),
            "AssumeRole": sts_error_xml(
                400, "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
        }, "--duration", "2h")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("MaxSessionDuration", result.stderr)
        self.assertIn("hint:", result.stderr)

    def test_request_carries_source_identity_rules(self):
        user = "very.long.user.name+" + "x" * 30 + "@example.com"  # 62: a valid session name
        self.box.write_policy('version: "1"\nrules:\n  - name: all\n    effect: allow\n'
                              '    conditions: {}\n')
        with open(self.box.aws_dir + "/config", "a") as f:
            f.write("\n[profile dev-ext]\nrole_arn = arn:aws:iam::123456789012:role/Dev\n"
                    "source_profile = base\nexternal_id = ext-0123\n")
        server2, result = self.run_against({
            "GetCallerIdentity": caller_identity_xml(
                f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Dev/{user}"),
            "AssumeRole": sts_error_xml(403, "AccessDenied", "stop here"),
        }, profile="dev-ext")
        assume = [r for r in server2.requests if r["form"].get("Action") == "AssumeRole"]
        self.assertEqual(len(assume), 1, result.stderr)
        form = assume[0]["form"]
        self.assertRegex(form["SourceIdentity"], r"^sentinel\.very\.long[A-Za-z0-9_+=,.@-]*\.[0-9a-f]{8}$")
        self.assertEqual(len(form["SourceIdentity"]), 64)
        self.assertRegex(form["RoleSessionName"], r"^sentinel-[0-9a-f]{8}$")
        self.assertEqual(form["RoleSessionName"][9:], form["SourceIdentity"][-8:])
        self.assertEqual(form["DurationSeconds"], "3600")
        self.assertEqual(form["RoleArn"], f"arn:aws:iam::{ACCOUNT}:role/Dev")
        self.assertEqual(form["ExternalId"], "ext-0123")
        self.assertTrue(assume[0]["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 "))


if __name__ == "__main__":
    unittest.main()
