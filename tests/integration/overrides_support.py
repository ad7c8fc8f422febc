"""Shared setup for the approval-request and break-glass end-to-end tests."""

import datetime
import http.server
import json
import os
import subprocess
import threading

from harness import SENTINEL_BIN, MotoTestCase, Sandbox

USERS = ("alice", "eve", "bob", "carol", "dave")

OVERRIDE_POLICY = """\
version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: {profiles: [prod]}
  - name: developers
    effect: allow
    conditions: {profiles: [dev], users: [alice, bob]}
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [carol, dave]
    max_duration: 4h
    auto_approve: {users: [carol], max_duration: 1h}
breakglass:
  - name: oncall
    profiles: [prod]
    users: [alice, bob]
    reason_codes: [incident, security]
    max_duration: 2h
    closers: [carol]
"""

REQUEST_KEYS = ["id", "requester", "profile", "justification", "duration_seconds", "status",
                "created_at", "updated_at", "expires_at", "approver", "approver_comment",
                "decided_at", "access_expires_at"]
EVENT_KEYS = ["id", "invoker", "profile", "reason_code", "justification", "duration_seconds",
              "status", "created_at", "updated_at", "expires_at", "closed_by", "closed_reason"]


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


class OverrideTestCase(MotoTestCase):
    """A sandbox with approvers carol and dave, the policy above, and helpers."""

    def setUp(self):
        self.box = Sandbox(self.moto, users=USERS)
        self.addCleanup(self.box.close)
        self.box.write_policy(OVERRIDE_POLICY)

    def as_user(self, user, *args, **kw):
        """Runs sentinel as `user` (--aws-profile names their keys in the credentials file)."""
        return self.box.run("--aws-profile", user, *args, **kw)

    def ok_json(self, result):
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNoSecrets(result.stdout, result.stderr)
        return json.loads(result.stdout)

    def assertRefused(self, result, code, *texts):
        """Asserts exit status `code`, nothing on stdout, and each text in the error."""
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("sentinel: error:", result.stderr)
        for text in texts:
            self.assertIn(text, result.stderr)
        self.assertNoSecrets(result.stderr)

    def lifecycle(self, kind=None):
        entries = [e for e in self.box.log_entries() if e["kind"] != "decision"]
        return [e for e in entries if kind is None or e["kind"] == kind]

    def write_broken_store(self):
        """Points the store at a file that is not a SQLite database."""
        path = os.path.join(self.box.home, "broken", "sentinel.db")
        os.makedirs(os.path.dirname(path), mode=0o700)
        with open(path, "w") as f:
            f.write("this is not a database " * 100)
        os.chmod(path, 0o600)
        self.box.write_config(f"store: sqlite:{path}\n")

    def race(self, commands):
        """Starts every command (a list of sentinel argument lists) at once; returns the
        CompletedProcess-like (returncode, stdout, stderr) of each, in order."""
        procs = [subprocess.Popen([SENTINEL_BIN, *args], env=self.box.env(), text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for args in commands]
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            results.append((proc.returncode, out, err))
        return results


class WebhookListener:
    """A loopback HTTP server that records every POST and answers with `status`."""

    def __init__(self, status=204):
        self.posts = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.posts.append({"headers": dict(self.headers),
                                    "body": json.loads(body.decode())})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def types(self):
        return [post["headers"].get("X-Sentinel-Event") for post in self.posts]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
