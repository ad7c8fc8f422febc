"""Approval requests end to end: request, list, check, approve, deny, cancel (SPEC 4.4, 6)."""

import datetime
import json
import os
import re
import subprocess
import time
import unittest

from harness import SENTINEL_BIN
from overrides_support import (REQUEST_KEYS, OverrideTestCase, WebhookListener, parse_time,
                               utc_now)

WHY = "deploy hotfix INC-4711"
SUMMARY_KEYS = ["request_id", "profile", "status", "expires_at", "auto_approved"]


class RequestTest(OverrideTestCase):

    def request(self, *extra, user=None, duration="2h", why=WHY, profile="prod"):
        args = ["request", "--profile", profile, "--duration", duration, "--justification", why,
                *extra]
        return self.as_user(user, *args) if user else self.box.run(*args)

    def new_request(self, **kw):
        return self.ok_json(self.request(**kw))["request_id"]

    def test_request_prints_its_summary_and_logs_its_creation(self):
        before = utc_now()
        summary = self.ok_json(self.request())
        self.assertEqual(list(summary), SUMMARY_KEYS)
        self.assertRegex(summary["request_id"], r"^[0-9a-f]{16}$")
        self.assertEqual(summary["profile"], "prod")
        self.assertEqual(summary["status"], "pending")
        self.assertIs(summary["auto_approved"], False)
        expires = parse_time(summary["expires_at"])
        self.assertGreaterEqual(expires, before + datetime.timedelta(hours=24))
        self.assertLessEqual(expires, utc_now() + datetime.timedelta(hours=24))

        [entry] = self.lifecycle()
        self.assertEqual(list(entry)[:4], ["time", "kind", "id", "actor"])
        self.assertEqual((entry["kind"], entry["id"], entry["actor"]),
                         ("request.created", summary["request_id"], "alice"))
        self.assertEqual((entry["requester"], entry["profile"], entry["justification"],
                          entry["duration_seconds"], entry["status"]),
                         ("alice", "prod", WHY, 7200, "pending"))
        self.assertEqual(entry["expires_at"], summary["expires_at"])

    def test_auto_approval_when_every_condition_holds(self):
        summary = self.ok_json(self.request(user="carol", duration="1h"))
        self.assertEqual((summary["status"], summary["auto_approved"]), ("approved", True))
        record = self.ok_json(self.as_user("carol", "check", summary["request_id"]))
        self.assertEqual(record["approver"], "auto:prod-approvers")
        self.assertEqual(parse_time(record["access_expires_at"]) - parse_time(record["decided_at"]),
                         datetime.timedelta(hours=1))
        self.assertEqual([(e["kind"], e["actor"]) for e in self.lifecycle()],
                         [("request.created", "carol"),
                          ("request.approved", "auto:prod-approvers")])
        # A minute more than auto_approve's max_duration needs a human.
        longer = self.ok_json(self.request(user="carol", duration="1h1m"))
        self.assertEqual((longer["status"], longer["auto_approved"]), ("pending", False))

    def test_refusals_exit_3_and_bad_values_exit_2(self):
        cases = [
            (self.request(profile="dev"), 3, "nobody can approve requests for profile 'dev'"),
            (self.request(duration="4h1m"), 3, "approvals rule 'prod-approvers' allows requests "
                                               "of at most 4h"),
            (self.request(why="too short"), 2, "justification must be 10 to 500 characters, got 9"),
            (self.request(why="x" * 501), 2, "got 501"),
            (self.request(duration="soon"), 2, "--duration"),
            (self.request(profile="nope"), 2, "nope"),
            (self.request("--timeout", "5m"), 2, "--timeout"),
            (self.box.run("request", "--profile", "prod", "--duration", "1h"), 2,
             "--justification"),
        ]
        for result, code, text in cases:
            with self.subTest(text=text):
                self.assertRefused(result, code, text)
        self.assertEqual(self.lifecycle(), [])

    def test_list_defaults_to_the_callers_own_and_filters_need_no_identity(self):
        first = self.new_request()
        time.sleep(1.1)  # times have whole seconds; newest first needs a later second
        second = self.new_request(duration="1h")
        bobs = self.new_request(user="bob")

        own = self.ok_json(self.as_user("alice", "list"))["requests"]
        self.assertEqual([r["id"] for r in own], [second, first])
        self.assertEqual(list(own[0]), REQUEST_KEYS)
        # With AWS_PROFILE instead of --aws-profile, the standard chain finds bob.
        by_env = self.ok_json(self.box.run("list", env=self.box.env(AWS_PROFILE="bob")))
        self.assertEqual([r["id"] for r in by_env["requests"]], [bobs])
        # The default profile holds alice's keys, as a real user's would.
        self.assertEqual([r["id"] for r in self.ok_json(self.box.run("list"))["requests"]],
                         [second, first])
        # No credentials at all: fine with a filter, since nobody needs identifying.
        no_keys = self.box.env(AWS_SHARED_CREDENTIALS_FILE=self.box.home + "/no-such-file")
        pending = self.ok_json(self.box.run("list", "--status", "pending", env=no_keys))
        self.assertEqual({r["id"] for r in pending["requests"]}, {first, second, bobs})
        limited = self.ok_json(self.box.run("list", "--profile", "prod", "--limit", "2"))
        self.assertEqual(len(limited["requests"]), 2)
        of_bob = self.ok_json(self.box.run("list", "--requester", "bob"))["requests"]
        self.assertEqual([r["requester"] for r in of_bob], ["bob"])
        self.assertEqual(self.ok_json(self.box.run("list", "--status", "approved")),
                         {"requests": []})

        self.assertRefused(self.box.run("list", "--status", "bogus"), 2, "--status",
                           "unknown request status 'bogus'")
        self.assertRefused(self.box.run("list", "--limit", "0"), 2, "list limit must be 1 to 1000")
        self.assertRefused(self.box.run("list", "--limit", "1001"), 2, "got 1001")
        self.assertRefused(self.box.run("list", env=no_keys), 2,
                           "identifying the caller to list their requests")

    def test_check_prints_the_whole_request(self):
        request_id = self.new_request()
        record = self.ok_json(self.box.run("check", request_id))
        self.assertEqual(list(record), REQUEST_KEYS)
        self.assertEqual((record["id"], record["requester"], record["status"], record["approver"],
                          record["decided_at"], record["access_expires_at"]),
                         (request_id, "alice", "pending", "", None, None))
        self.assertRefused(self.box.run("check", "0123456789abcdef"), 2,
                           "request 0123456789abcdef: not found")
        self.assertRefused(self.box.run("check", "0123-not-an-id"), 2,
                           "'0123-not-an-id' is not a request id")

    def test_a_listed_approver_approves_once(self):
        request_id = self.new_request()
        record = self.ok_json(self.as_user("carol", "approve", request_id, "--comment", "go"))
        self.assertEqual(list(record), REQUEST_KEYS)
        self.assertEqual((record["status"], record["approver"], record["approver_comment"]),
                         ("approved", "carol", "go"))
        self.assertEqual(parse_time(record["access_expires_at"]) - parse_time(record["decided_at"]),
                         datetime.timedelta(hours=2))
        [entry] = self.lifecycle("request.approved")
        self.assertEqual((entry["id"], entry["actor"], entry["approver_comment"]),
                         (request_id, "carol", "go"))
        self.assertEqual(entry["access_expires_at"], record["access_expires_at"])

        self.assertRefused(self.as_user("dave", "deny", request_id), 3,
                           f"request {request_id}: already decided: approved by carol at ")
        self.assertRefused(self.as_user("carol", "approve", request_id), 3, "already decided")
        self.assertEqual(len(self.lifecycle("request.approved")), 1)
        self.assertEqual(self.lifecycle("request.denied"), [])

    def test_only_listed_approvers_and_never_the_requester(self):
        request_id = self.new_request()
        self.assertRefused(self.as_user("eve", "approve", request_id), 3,
                           "user 'eve' may not approve request", "approvals rule 'prod-approvers'")
        self.assertRefused(self.as_user("alice", "deny", request_id), 3,
                           "nobody decides their own request")
        # An approver asking for longer than auto_approve allows may not approve it either.
        carols = self.new_request(user="carol", duration="3h")
        self.assertRefused(self.as_user("carol", "approve", carols), 3,
                           "user 'carol' may not approve request " + carols,
                           "nobody decides their own request")
        self.assertEqual(self.ok_json(self.box.run("check", request_id))["status"], "pending")
        self.assertRefused(self.as_user("carol", "approve", "ffffffffffffffff"), 2, "not found")
        self.assertRefused(self.as_user("carol", "approve", "FFFF"), 2, "is not a request id")
        self.assertRefused(self.as_user("carol", "approve", request_id, "--comment", "x" * 1001),
                           2, "comment must be 0 to 1000 characters")

    def test_deny(self):
        request_id = self.new_request()
        record = self.ok_json(self.as_user("dave", "deny", request_id, "--comment", "freeze"))
        self.assertEqual((record["status"], record["approver"], record["access_expires_at"]),
                         ("denied", "dave", None))
        [entry] = self.lifecycle("request.denied")
        self.assertEqual((entry["actor"], entry["approver_comment"]), ("dave", "freeze"))
        self.assertRefused(self.as_user("carol", "approve", request_id), 3,
                           "already decided: denied by dave")

    def test_cancel_by_the_requester_while_pending(self):
        request_id = self.new_request()
        self.assertRefused(self.as_user("bob", "cancel", request_id), 3,
                           "user 'bob' may not cancel request", "only its requester, alice")
        record = self.ok_json(self.as_user("alice", "cancel", request_id))
        self.assertEqual(record["status"], "cancelled")
        [entry] = self.lifecycle("request.cancelled")
        self.assertEqual((entry["id"], entry["actor"], entry["status"]),
                         (request_id, "alice", "cancelled"))
        self.assertRefused(self.as_user("alice", "cancel", request_id), 3, "already cancelled")
        self.assertRefused(self.as_user("carol", "approve", request_id), 3, "already cancelled")
        approved = self.new_request()
        self.ok_json(self.as_user("carol", "approve", approved))
        self.assertRefused(self.as_user("alice", "cancel", approved), 3,
                           "already decided: approved by carol")

    def test_a_store_that_cannot_be_opened_exits_1(self):
        request_id = self.new_request()
        self.write_broken_store()
        for result in (self.request(), self.box.run("list", "--status", "pending"),
                       self.box.run("check", request_id),
                       self.as_user("carol", "approve", request_id),
                       self.as_user("alice", "cancel", request_id)):
            self.assertRefused(result, 1, "sentinel.db")

    def test_an_unwritable_log_fails_after_the_request_is_stored(self):
        blocker = os.path.join(self.box.home, "blocker")
        with open(blocker, "w") as f:
            f.write("a file where a directory should be")
        self.box.write_config(f"decision_log: {blocker}/decisions.jsonl\n")
        result = self.request()
        self.assertEqual(result.returncode, 1, result.stderr)
        summary = json.loads(result.stdout)
        self.assertIn("recording request.created of " + summary["request_id"], result.stderr)
        self.assertIn("the change itself was stored", result.stderr)
        self.assertEqual(self.ok_json(self.box.run("check", summary["request_id"]))["status"],
                         "pending")


class RequestNotificationTest(OverrideTestCase):

    def test_every_transition_reaches_the_webhook(self):
        hook = WebhookListener()
        self.addCleanup(hook.stop)
        self.box.write_config(f"notify:\n  webhook: {hook.url}\n")
        args = ["request", "--profile", "prod", "--duration", "2h", "--justification", WHY]
        approved = self.ok_json(self.box.run(*args))["request_id"]
        self.ok_json(self.as_user("carol", "approve", approved, "--comment", "ok"))
        denied = self.ok_json(self.box.run(*args))["request_id"]
        self.ok_json(self.as_user("dave", "deny", denied))
        cancelled = self.ok_json(self.box.run(*args))["request_id"]
        self.ok_json(self.box.run("cancel", cancelled))
        self.ok_json(self.as_user("carol", *args[:4], "1h", *args[5:]))  # auto-approved
        self.assertEqual(hook.types(), [
            "request.created", "request.approved", "request.created", "request.denied",
            "request.created", "request.cancelled", "request.created", "request.approved"])
        body = hook.posts[1]["body"]
        self.assertEqual(list(body), ["type", "time", "actor", "request"])
        self.assertEqual((body["actor"], body["request"]["id"], body["request"]["status"],
                          body["request"]["approver_comment"]), ("carol", approved, "approved", "ok"))
        self.assertEqual(hook.posts[-1]["body"]["actor"], "auto:prod-approvers")


class RequestWaitTest(OverrideTestCase):

    def start_waiting(self, *extra):
        return subprocess.Popen(
            [SENTINEL_BIN, "request", "--profile", "prod", "--duration", "1h", "--justification",
             WHY, "--wait", *extra], env=self.box.env(), text=True, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)

    def pending_id(self, proc):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            listed = self.ok_json(self.box.run("list", "--status", "pending"))["requests"]
            if listed:
                return listed[0]["id"]
            self.assertIsNone(proc.poll(), "the waiting request ended early")
            time.sleep(0.2)
        self.fail("the request never appeared")

    def test_wait_ends_when_approved_with_exit_0(self):
        proc = self.start_waiting("--timeout", "60s")
        request_id = self.pending_id(proc)
        self.ok_json(self.as_user("carol", "approve", request_id))
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        summary = json.loads(out)
        self.assertEqual(list(summary), SUMMARY_KEYS)
        self.assertEqual((summary["request_id"], summary["status"]), (request_id, "approved"))
        self.assertIn(f"request {request_id} for profile 'prod' is waiting for an approver", err)
        self.assertIn("approved by carol", err)

    def test_wait_ends_when_denied_with_exit_3(self):
        proc = self.start_waiting()
        request_id = self.pending_id(proc)
        self.ok_json(self.as_user("dave", "deny", request_id, "--comment", "not now"))
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 3, err)
        self.assertEqual(json.loads(out)["status"], "denied")
        self.assertIn(f"request {request_id} was denied by dave (not now)", err)

    def test_wait_ends_when_cancelled_with_exit_3(self):
        proc = self.start_waiting()
        request_id = self.pending_id(proc)
        self.ok_json(self.as_user("alice", "cancel", request_id))
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 3, err)
        self.assertEqual(json.loads(out)["status"], "cancelled")

    def test_wait_times_out_with_exit_1(self):
        start = time.monotonic()
        proc = self.start_waiting("--timeout", "2s")
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 1, err)
        self.assertGreaterEqual(time.monotonic() - start, 2)
        self.assertEqual(json.loads(out)["status"], "pending")
        self.assertRegex(err, r"timed out after 2s waiting for request [0-9a-f]{16}; it is still "
                              r"pending")

    def test_an_auto_approved_request_does_not_wait(self):
        result = self.as_user("carol", "request", "--profile", "prod", "--duration", "30m",
                              "--justification", WHY, "--wait", timeout=20)
        summary = self.ok_json(result)
        self.assertEqual((summary["status"], summary["auto_approved"]), ("approved", True))


class ApprovalRaceTest(OverrideTestCase):

    def test_twenty_approvers_and_deniers_racing_make_one_decision(self):
        request_id = self.ok_json(self.box.run(
            "request", "--profile", "prod", "--duration", "1h30m", "--justification", WHY))[
                "request_id"]
        for user in ("carol", "dave"):  # warm the identity cache, as a real approver's is
            self.ok_json(self.as_user(user, "whoami"))
        commands = []
        for i in range(20):
            user, verb = ("carol", "approve") if i % 2 == 0 else ("dave", "deny")
            commands.append(["--aws-profile", user, verb, request_id, "--comment", f"racer {i}"])
        results = self.race(commands)

        winners = [i for i, (code, _, _) in enumerate(results) if code == 0]
        self.assertEqual(len(winners), 1, [(c, e) for c, _, e in results])
        winner = winners[0]
        final = self.ok_json(self.box.run("check", request_id))
        self.assertEqual(final["approver_comment"], f"racer {winner}")
        self.assertEqual(final["status"], "approved" if winner % 2 == 0 else "denied")
        self.assertEqual(json.loads(results[winner][1]), final)
        for i, (code, out, err) in enumerate(results):
            if i == winner:
                continue
            self.assertEqual(code, 3, err)
            self.assertEqual(out, "")
            self.assertIn(f"request {request_id}: already decided: {final['status']} by "
                          f"{final['approver']}", err)
        decisions = self.lifecycle("request.approved") + self.lifecycle("request.denied")
        self.assertEqual(len(decisions), 1)
        self.assertEqual(decisions[0]["approver_comment"], f"racer {winner}")


if __name__ == "__main__":
    unittest.main()
