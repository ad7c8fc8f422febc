"""The two override stories of the product, end to end through the AWS CLI v2 and moto:
an approved request, and a break-glass emergency, each granting time-boxed access."""

import datetime
import json
import os
import subprocess
import textwrap
import unittest

from harness import AWS_CLI, SENTINEL_BIN, MotoTestCase, Sandbox

STORY_POLICY = textwrap.dedent("""\
    version: "1"
    rules:
      - name: prod-needs-approval
        effect: require_approval
        conditions: {profiles: [prod]}
      - name: developers
        effect: allow
        conditions: {profiles: [dev], users: [alice]}
    approvals:
      - name: prod-approvers
        profiles: [prod]
        approvers: [carol]
        max_duration: 8h
    breakglass:
      - name: oncall
        profiles: [prod]
        users: [alice]
        reason_codes: [incident, security]
        max_duration: 2h
    """)


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


@unittest.skipUnless(os.access(AWS_CLI, os.X_OK), "the AWS CLI v2 is installed by ./run")
class StoriesTest(MotoTestCase):

    def setUp(self):
        self.box = Sandbox(self.moto, users=("alice", "carol"))
        self.addCleanup(self.box.close)
        self.box.write_policy(STORY_POLICY)
        with open(self.box.aws_dir + "/config", "a") as f:
            f.write(f"\n[profile prod-gated]\nregion = eu-west-1\n"
                    f"credential_process = {SENTINEL_BIN} credentials --profile prod\n")

    def aws_whoami(self):
        return subprocess.run(
            [AWS_CLI, "sts", "get-caller-identity", "--profile", "prod-gated",
             "--endpoint-url", self.moto.url, "--output", "json"],
            env=self.box.env(), text=True, capture_output=True, timeout=120)

    def sentinel_json(self, *args):
        result = self.box.run(*args)
        self.assertEqual(result.returncode, 0, f"{args}: {result.stderr}")
        return json.loads(result.stdout)

    def last_decision(self):
        return [e for e in self.box.log_entries() if e["kind"] == "decision"][-1]

    def test_refused_then_request_approved_by_another_identity_then_allowed(self):
        refused = self.aws_whoami()
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("prod-needs-approval", refused.stderr)

        created = self.sentinel_json("request", "--profile", "prod", "--duration", "45m",
                                     "--justification", "deploy hotfix for ticket 1234")
        self.assertEqual(created["status"], "pending")
        request_id = created["request_id"]

        # The requester cannot approve their own request.
        selfish = self.box.run("approve", request_id)
        self.assertEqual(selfish.returncode, 3, selfish.stderr)

        approved = self.sentinel_json("--aws-profile", "carol", "approve", request_id,
                                      "--comment", "go ahead")
        self.assertEqual(approved["status"], "approved")

        allowed = self.aws_whoami()
        self.assertEqual(allowed.returncode, 0, allowed.stderr)
        self.assertRegex(json.loads(allowed.stdout)["Arn"], r"assumed-role/Prod/sentinel-[0-9a-f]{8}$")

        request = self.sentinel_json("check", request_id)
        entry = self.last_decision()
        self.assertEqual(entry["outcome"], "issued")
        self.assertEqual(entry["effect"], "require_approval")
        self.assertEqual(entry["approved_request_id"], request_id)
        self.assertLessEqual(parse_time(entry["expiration"]),
                             parse_time(request["access_expires_at"]))

        # credential_process output itself never reaches past the approved window.
        doc = self.sentinel_json("credentials", "--profile", "prod", "--duration", "8h")
        self.assertLessEqual(parse_time(doc["Expiration"]),
                             parse_time(request["access_expires_at"]))

        kinds = [e["kind"] for e in self.box.log_entries()]
        self.assertIn("request.created", kinds)
        self.assertIn("request.approved", kinds)

    def test_refused_then_break_glass_then_allowed_then_closed_then_refused(self):
        self.assertNotEqual(self.aws_whoami().returncode, 0)

        event = self.sentinel_json("breakglass", "--profile", "prod", "--reason-code",
                                   "incident", "--justification",
                                   "primary database down, customers cannot log in",
                                   "--duration", "30m")
        self.assertEqual(event["status"], "active")
        event_id = event["event_id"]

        allowed = self.aws_whoami()
        self.assertEqual(allowed.returncode, 0, allowed.stderr)
        entry = self.last_decision()
        self.assertEqual(entry["break_glass_event_id"], event_id)
        self.assertEqual(entry["effect"], "require_approval")
        self.assertLessEqual(parse_time(entry["expiration"]), parse_time(event["expires_at"]))
        # A 30 minute event: STS is asked for what is left of it, never the default hour.
        self.assertLessEqual(entry["session_duration_seconds"], 1800)
        self.assertGreater(entry["session_duration_seconds"], 1700)

        closed = self.sentinel_json("breakglass-close", event_id, "--reason",
                                    "database restored")
        self.assertEqual(closed["status"], "closed")

        refused = self.aws_whoami()
        self.assertNotEqual(refused.returncode, 0)
        self.assertEqual(self.last_decision()["outcome"], "denied")
        kinds = [e["kind"] for e in self.box.log_entries()]
        self.assertIn("breakglass.invoked", kinds)
        self.assertIn("breakglass.closed", kinds)


if __name__ == "__main__":
    unittest.main()
