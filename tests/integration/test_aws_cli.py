"""The real client: AWS CLI v2 (/usr/bin/aws) through credential_process and sentinel exec."""

import json
import os
import re
import signal
import subprocess
import unittest

from harness import ACCOUNT, AWS_CLI, SENTINEL_BIN, MotoTestCase


@unittest.skipUnless(os.access(AWS_CLI, os.X_OK), "the AWS CLI v2 is installed by ./run")
class AwsCliTest(MotoTestCase):

    def setUp(self):
        super().setUp()
        with open(self.box.aws_dir + "/config", "a") as f:
            for profile in ("dev", "prod"):
                f.write(f"\n[profile {profile}-gated]\nregion = eu-west-1\n"
                        f"credential_process = {SENTINEL_BIN} credentials --profile {profile}\n")

    def aws(self, *args, env=None):
        return subprocess.run([AWS_CLI, *args, "--endpoint-url", self.moto.url, "--output", "json"],
                              env=env or self.box.env(), text=True, capture_output=True,
                              timeout=120)

    def test_credential_process_allowed(self):
        result = self.aws("sts", "get-caller-identity", "--profile", "dev-gated")
        self.assertEqual(result.returncode, 0, result.stderr)
        arn = json.loads(result.stdout)["Arn"]
        self.assertRegex(arn, rf"^arn:aws:sts::{ACCOUNT}:assumed-role/Dev/sentinel-[0-9a-f]{{8}}$")
        [entry] = self.box.log_entries()
        self.assertEqual(entry["outcome"], "issued")
        self.assertEqual(arn.rsplit("/", 1)[1], "sentinel-" + entry["request_id"])

    def test_credential_process_refused(self):
        result = self.aws("sts", "get-caller-identity", "--profile", "prod-gated")
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stdout, "")
        self.assertIn("prod-needs-approval", result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual(entry["outcome"], "denied")

    def test_exec_runs_the_cli_with_issued_credentials(self):
        result = self.box.run("exec", "--profile", "dev", "--", AWS_CLI, "sts",
                              "get-caller-identity", "--endpoint-url", self.moto.url,
                              "--output", "json", timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        arn = json.loads(result.stdout)["Arn"]
        self.assertRegex(arn, r"assumed-role/Dev/sentinel-[0-9a-f]{8}$")

    def test_exec_refused_runs_nothing(self):
        marker = os.path.join(self.box.home, "ran")
        result = self.box.run("exec", "--profile", "prod", "--", "touch", marker)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertFalse(os.path.exists(marker))


class ExecTest(MotoTestCase):

    def test_child_environment(self):
        env = self.box.env(AWS_PROFILE="prod", AWS_DEFAULT_PROFILE="prod",
                           AWS_SECURITY_TOKEN="old", AWS_CREDENTIAL_FILE="/x")
        result = self.box.run("exec", "--profile", "dev", "--", "env", env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        child = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            self.assertTrue(child.get(name), name)
        self.assertRegex(child["AWS_CREDENTIAL_EXPIRATION"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(child["AWS_REGION"], "eu-west-1")
        self.assertEqual(child["AWS_DEFAULT_REGION"], "eu-west-1")
        self.assertEqual(child["AWS_SENTINEL"], "dev")
        for gone in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN",
                     "AWS_CREDENTIAL_FILE"):
            self.assertNotIn(gone, child)
        self.assertNotIn(child["AWS_SECRET_ACCESS_KEY"], result.stderr)

    def test_exit_status_is_the_childs(self):
        result = self.box.run("exec", "--profile", "dev", "--", "sh", "-c", "exit 42")
        self.assertEqual(result.returncode, 42, result.stderr)

    def test_child_killed_by_signal_gives_128_plus_n(self):
        result = self.box.run("exec", "--profile", "dev", "--", "sh", "-c", "kill -TERM $$")
        self.assertEqual(result.returncode, 128 + signal.SIGTERM, result.stderr)

    def test_signals_reach_the_child(self):
        proc = subprocess.Popen(
            [SENTINEL_BIN, "exec", "--profile", "dev", "--", "sh", "-c",
             "trap 'echo got-term; exit 5' TERM; echo ready; while :; do sleep 0.1; done"],
            env=self.box.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(proc.stdout.readline().strip(), "ready")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        self.assertIn("got-term", out)
        self.assertEqual(proc.returncode, 5, err)

    def test_default_command_is_shell(self):
        env = self.box.env(SHELL="/bin/sh")
        result = self.box.run("exec", "--profile", "dev", env=env, input="echo in-shell $AWS_SENTINEL\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("in-shell dev", result.stdout)

    def test_nested_exec_is_refused(self):
        env = self.box.env(AWS_SENTINEL="dev")
        result = self.box.run("exec", "--profile", "dev", "--", "true", env=env)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("AWS_SENTINEL", result.stderr)
        self.assertEqual(self.box.log_entries(), [])


class WhoamiTest(MotoTestCase):

    def test_whoami_of_profile_and_default_chain(self):
        result = self.box.run("whoami", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), {
            "arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "account": ACCOUNT,
            "type": "iam-user", "user": "alice"})

        akid, secret = self.box.keys["bob"]
        env = self.box.env(AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret)
        result = self.box.run("whoami", env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["user"], "bob")

        result = self.box.run("--aws-profile", "eve", "whoami", "--profile", "dev")
        self.assertEqual(json.loads(result.stdout)["user"], "eve", result.stderr)

    def test_identity_cache_is_private(self):
        result = self.box.run("whoami", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        cache = os.path.join(self.box.home, ".cache", "sentinel")
        self.assertTrue(os.path.isdir(cache))
        self.assertEqual(os.stat(cache).st_mode & 0o777, 0o700)
        files = [os.path.join(dp, f) for dp, _, fs in os.walk(cache) for f in fs]
        self.assertTrue(files)
        for path in files:
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600, path)
            with open(path) as f:
                self.assertNoSecrets(f.read())


class PolicyCommandTest(MotoTestCase):

    def test_validate_ok_and_errors(self):
        result = self.box.run("policy", "validate")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(result.stdout.startswith("ok"), result.stdout)
        self.assertIn("3 rules", result.stdout)

        bad = os.path.join(self.box.home, "bad.yaml")
        with open(bad, "w") as f:
            f.write('version: "1"\nrules:\n  - name: a\n    effect: alow\n    conditions: {}\n'
                    '  - name: a\n    effect: allow\n    conditions: {tme: x}\n')
        result = self.box.run("policy", "validate", bad)
        self.assertEqual(result.returncode, 2)
        self.assertIn("line 4", result.stderr)
        self.assertIn("alow", result.stderr)
        self.assertIn("line 6", result.stderr)
        self.assertIn("tme", result.stderr)

    def test_explain(self):
        result = self.box.run("policy", "explain", "--profile", "prod", "--user", "alice",
                              "--at", "2026-12-05T10:00:00Z")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("require_approval", result.stdout)
        self.assertIn("prod-needs-approval", result.stdout)
        self.assertIn("no-prod-for-eve", result.stdout)
        self.assertIn("user 'alice'", result.stdout)


if __name__ == "__main__":
    unittest.main()
