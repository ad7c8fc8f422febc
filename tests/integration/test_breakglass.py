"""Break-glass end to end: breakglass, breakglass-list, -check, -close (SPEC 4.5, 7)."""

import datetime
import json
import os
import unittest

from harness import free_port
from overrides_support import (EVENT_KEYS, OVERRIDE_POLICY, OverrideTestCase, WebhookListener,
                               parse_time, utc_now)

WHY = "primary database is down, INC-4711"
SUMMARY_KEYS = ["event_id", "profile", "reason_code", "status", "expires_at"]

RATE_LIMITS = """\
rate_limits:
  - name: prod-brakes
    profiles: [prod]
    cooldown: 30m
    max_per_profile: 2
    window: 24h
    escalate_at: 2
"""

ESCALATION_ONLY = """\
rate_limits:
  - name: prod-watch
    profiles: [prod]
    window: 24h
    escalate_at: 2
"""


class BreakGlassTest(OverrideTestCase):

    def invoke(self, *extra, user=None, profile="prod", code="incident", why=WHY):
        args = ["breakglass", "--profile", profile, "--reason-code", code, "--justification", why,
                *extra]
        return self.as_user(user, *args) if user else self.box.run(*args)

    def new_event(self, **kw):
        return self.ok_json(self.invoke(**kw))["event_id"]

    def test_invoke_prints_its_summary_and_logs_it(self):
        before = utc_now()
        summary = self.ok_json(self.invoke())
        self.assertEqual(list(summary), SUMMARY_KEYS)
        self.assertRegex(summary["event_id"], r"^[0-9a-f]{16}$")
        self.assertEqual((summary["profile"], summary["reason_code"], summary["status"]),
                         ("prod", "incident", "active"))
        expires = parse_time(summary["expires_at"])
        self.assertGreaterEqual(expires, before + datetime.timedelta(hours=1))
        self.assertLessEqual(expires, utc_now() + datetime.timedelta(hours=1))
        [entry] = self.lifecycle()
        self.assertEqual(list(entry)[:4], ["time", "kind", "id", "actor"])
        self.assertEqual((entry["kind"], entry["id"], entry["actor"], entry["invoker"],
                          entry["reason_code"], entry["justification"], entry["duration_seconds"]),
                         ("breakglass.invoked", summary["event_id"], "alice", "alice", "incident",
                          WHY, 3600))
        chosen = self.ok_json(self.invoke("--duration", "2h", user="bob", code="security"))
        self.assertGreaterEqual(parse_time(chosen["expires_at"]),
                                before + datetime.timedelta(hours=2))

    def test_refusals_exit_3_and_bad_values_exit_2(self):
        cases = [
            (self.invoke(user="eve"), 3, "break-glass rule 'oncall' does not list user 'eve'"),
            (self.invoke(code="maintenance"), 3,
             "break-glass rule 'oncall' does not allow reason code 'maintenance'"),
            (self.invoke("--duration", "2h1m"), 3, "break-glass rule 'oncall' allows at most 2h"),
            (self.invoke(profile="dev"), 3, "nobody can declare break-glass on profile 'dev'"),
            (self.invoke(code="panic"), 2, "unknown reason code 'panic'"),
            (self.invoke(why="x" * 19), 2, "justification must be 20 to 1000 characters, got 19"),
            (self.invoke(why="x" * 1001), 2, "got 1001"),
            (self.invoke("--duration", "4h1m"), 2, "at most 4h"),
            (self.invoke("--duration", "later"), 2, "--duration"),
            (self.invoke(profile="nope"), 2, "nope"),
        ]
        for result, code, text in cases:
            with self.subTest(text=text):
                self.assertRefused(result, code, text)
        self.assertEqual(self.lifecycle(), [])
        self.assertEqual(self.ok_json(self.box.run("breakglass-list")), {"events": []})

    def test_one_active_event_per_user_and_profile(self):
        summary = self.ok_json(self.invoke())
        self.assertRefused(self.invoke(), 3,
                           "alice already has an active break-glass event on profile prod: "
                           f"{summary['event_id']} until {summary['expires_at']}",
                           f"hint: close it with `sentinel breakglass-close {summary['event_id']}")
        self.ok_json(self.invoke(user="bob"))  # another user is independent
        self.assertEqual(len(self.lifecycle("breakglass.invoked")), 2)

    def test_close_by_the_invoker_or_a_listed_closer(self):
        first = self.new_event()
        self.assertRefused(self.as_user("bob", "breakglass-close", first, "--reason", "mine now"),
                           3, "user 'bob' may not close break-glass event " + first,
                           "not a closer in break-glass rule 'oncall'")
        record = self.ok_json(self.as_user("carol", "breakglass-close", first, "--reason",
                                           "failover done"))
        self.assertEqual(list(record), EVENT_KEYS)
        self.assertEqual((record["status"], record["closed_by"], record["closed_reason"]),
                         ("closed", "carol", "failover done"))
        [entry] = self.lifecycle("breakglass.closed")
        self.assertEqual((entry["id"], entry["actor"], entry["closed_reason"]),
                         (first, "carol", "failover done"))
        self.assertRefused(self.as_user("alice", "breakglass-close", first, "--reason", "again"),
                           3, f"break-glass event {first}: already closed by carol at ")

        # The slot is free again; the invoker closes their own.
        second = self.new_event()
        self.ok_json(self.as_user("alice", "breakglass-close", second, "--reason", "fixed"))
        self.assertRefused(self.as_user("alice", "breakglass-close", second), 2, "--reason")
        self.assertRefused(self.as_user("alice", "breakglass-close", second, "--reason", ""), 2,
                           "reason must be 1 to 1000 characters")
        self.assertRefused(self.as_user("alice", "breakglass-close", "nope", "--reason", "x"), 2,
                           "'nope' is not a break-glass event id")
        self.assertRefused(self.as_user("alice", "breakglass-close", "00000000000000aa",
                                        "--reason", "x"), 2, "not found")

    def test_list_and_check(self):
        alices = self.new_event()
        bobs = self.new_event(user="bob")
        self.ok_json(self.as_user("bob", "breakglass-close", bobs, "--reason", "done"))

        everything = self.ok_json(self.box.run("breakglass-list"))["events"]
        self.assertEqual({e["id"] for e in everything}, {alices, bobs})
        self.assertEqual(list(everything[0]), EVENT_KEYS)
        of_alice = self.ok_json(self.box.run("breakglass-list", "--invoker", "alice"))["events"]
        self.assertEqual([e["id"] for e in of_alice], [alices])
        active = self.ok_json(self.box.run("breakglass-list", "--status", "active"))["events"]
        self.assertEqual([e["id"] for e in active], [alices])
        closed = self.ok_json(self.box.run("breakglass-list", "--status", "closed", "--profile",
                                           "prod", "--limit", "1"))["events"]
        self.assertEqual([e["id"] for e in closed], [bobs])
        self.assertRefused(self.box.run("breakglass-list", "--status", "open"), 2,
                           "unknown break-glass status 'open'")
        self.assertRefused(self.box.run("breakglass-list", "--limit", "0"), 2,
                           "list limit must be 1 to 1000")

        record = self.ok_json(self.box.run("breakglass-check", alices))
        self.assertEqual(list(record), EVENT_KEYS)
        self.assertEqual((record["id"], record["invoker"], record["status"], record["closed_by"]),
                         (alices, "alice", "active", ""))
        self.assertRefused(self.box.run("breakglass-check", "0000000000000000"), 2, "not found")
        self.assertRefused(self.box.run("breakglass-check", "0000"), 2,
                           "'0000' is not a break-glass event id")

    def test_cooldown_refuses_with_the_limit_and_when_to_retry(self):
        self.box.write_policy(OVERRIDE_POLICY + RATE_LIMITS)
        first = self.new_event()
        self.ok_json(self.as_user("alice", "breakglass-close", first, "--reason", "fixed"))
        result = self.invoke()
        self.assertRefused(result, 3, "rate limit 'prod-brakes' refuses break-glass for alice on "
                                      "profile prod: cooldown 30m", "retry at ")
        [entry] = self.lifecycle("breakglass.rate_limited")
        self.assertIsNone(entry["id"])
        self.assertEqual((entry["actor"], entry["rate_limit"], entry["limits"]),
                         ("alice", "prod-brakes", ["cooldown"]))
        [invoked] = self.lifecycle("breakglass.invoked")
        self.assertEqual(parse_time(entry["retry_at"]),
                         parse_time(invoked["created_at"]) + datetime.timedelta(minutes=30))
        self.assertIn("retry at " + entry["retry_at"], result.stderr)

    def test_per_profile_quota_counts_every_user(self):
        self.box.write_policy(OVERRIDE_POLICY + RATE_LIMITS)
        self.new_event(user="alice")
        bobs = self.new_event(user="bob")
        self.assertEqual(self.lifecycle("breakglass.escalated"), [],
                         "escalate_at counts one user's events, and each has one")
        self.ok_json(self.as_user("bob", "breakglass-close", bobs, "--reason", "done"))
        self.assertRefused(self.invoke(user="bob", code="security"), 3,
                           "rate limit 'prod-brakes' refuses break-glass for bob",
                           "max_per_profile 2: profile prod has 2 events in the last 24h")
        [limited] = self.lifecycle("breakglass.rate_limited")
        self.assertEqual(limited["limits"], ["cooldown", "max_per_profile"])

    def test_reaching_escalate_at_writes_an_escalated_entry(self):
        self.box.write_policy(OVERRIDE_POLICY + ESCALATION_ONLY)
        first = self.new_event()
        self.ok_json(self.as_user("alice", "breakglass-close", first, "--reason", "fixed"))
        result = self.invoke()
        second = self.ok_json(result)["event_id"]
        self.assertIn("escalation threshold", result.stderr)
        [entry] = self.lifecycle("breakglass.escalated")
        self.assertEqual((entry["id"], entry["actor"], entry["rate_limit"], entry["escalate_at"],
                          entry["events_in_window"], entry["window_seconds"]),
                         (second, "alice", "prod-watch", 2, 2, 86400))

    def test_breakglass_succeeds_even_when_the_log_cannot_be_written(self):
        blocker = os.path.join(self.box.home, "blocker")
        with open(blocker, "w") as f:
            f.write("a file where a directory should be")
        self.box.write_config(f"decision_log: {blocker}/decisions.jsonl\n")
        result = self.invoke()
        summary = self.ok_json(result)
        self.assertIn("sentinel: warning: recording breakglass.invoked of " + summary["event_id"],
                      result.stderr)
        record = self.ok_json(self.box.run("breakglass-check", summary["event_id"]))
        self.assertEqual(record["status"], "active")
        # Closing is not an emergency: a close that could not be logged exits 1.
        closed = self.as_user("alice", "breakglass-close", summary["event_id"], "--reason", "ok")
        self.assertEqual(closed.returncode, 1, closed.stderr)
        self.assertEqual(json.loads(closed.stdout)["status"], "closed")
        self.assertIn("recording breakglass.closed", closed.stderr)

    def test_a_store_that_cannot_be_opened_exits_1(self):
        self.write_broken_store()
        for result in (self.invoke(), self.box.run("breakglass-list"),
                       self.box.run("breakglass-check", "0123456789abcdef"),
                       self.as_user("alice", "breakglass-close", "0123456789abcdef", "--reason",
                                    "x")):
            self.assertRefused(result, 1, "sentinel.db")


class BreakGlassNotificationTest(OverrideTestCase):

    def invoke(self):
        return self.box.run("breakglass", "--profile", "prod", "--reason-code", "incident",
                            "--justification", WHY)

    def test_every_transition_reaches_the_webhook(self):
        hook = WebhookListener()
        self.addCleanup(hook.stop)
        self.box.write_config(f"notify:\n  webhook: {hook.url}\n")
        self.box.write_policy(OVERRIDE_POLICY + ESCALATION_ONLY)
        first = self.ok_json(self.invoke())["event_id"]
        self.ok_json(self.as_user("carol", "breakglass-close", first, "--reason", "resolved"))
        second = self.ok_json(self.invoke())["event_id"]
        self.assertEqual(hook.types(), ["breakglass.invoked", "breakglass.closed",
                                        "breakglass.invoked", "breakglass.escalated"])
        invoked = hook.posts[0]["body"]
        self.assertEqual(list(invoked), ["type", "time", "actor", "event"])
        self.assertEqual((invoked["actor"], invoked["event"]["id"], invoked["event"]["invoker"],
                          invoked["event"]["status"]), ("alice", first, "alice", "active"))
        closed = hook.posts[1]["body"]
        self.assertEqual((closed["actor"], closed["event"]["closed_by"],
                          closed["event"]["closed_reason"]), ("carol", "carol", "resolved"))
        escalated = hook.posts[3]["body"]
        self.assertEqual((escalated["event"]["id"], escalated["event"]["events_in_window"]),
                         (second, 2))

    def test_a_rate_limited_invocation_is_announced(self):
        hook = WebhookListener()
        self.addCleanup(hook.stop)
        self.box.write_config(f"notify:\n  webhook: {hook.url}\n")
        self.box.write_policy(OVERRIDE_POLICY + RATE_LIMITS)
        first = self.ok_json(self.invoke())["event_id"]
        self.ok_json(self.as_user("alice", "breakglass-close", first, "--reason", "resolved"))
        self.assertEqual(self.invoke().returncode, 3)
        self.assertEqual(hook.types()[-1], "breakglass.rate_limited")
        refused = hook.posts[-1]["body"]["event"]
        self.assertEqual((refused["invoker"], refused["rate_limit"], refused["limits"]),
                         ("alice", "prod-brakes", ["cooldown"]))

    def test_breakglass_succeeds_when_every_channel_is_down(self):
        self.box.write_config(f"notify:\n  webhook: http://127.0.0.1:{free_port()}/hook\n")
        result = self.invoke()
        summary = self.ok_json(result)
        self.assertEqual(summary["status"], "active")
        [entry] = self.lifecycle("breakglass.invoked")
        self.assertEqual(entry["id"], summary["event_id"])


class BreakGlassRaceTest(OverrideTestCase):

    def test_twenty_racing_invocations_make_exactly_one_event(self):
        self.ok_json(self.box.run("whoami", "--profile", "prod"))  # warm the identity cache
        command = ["breakglass", "--profile", "prod", "--reason-code", "incident",
                   "--justification", WHY]
        results = self.race([command] * 20)
        winners = [i for i, (code, _, _) in enumerate(results) if code == 0]
        self.assertEqual(len(winners), 1, [(c, e) for c, _, e in results])
        event_id = json.loads(results[winners[0]][1])["event_id"]
        for i, (code, out, err) in enumerate(results):
            if i == winners[0]:
                continue
            self.assertEqual(code, 3, err)
            self.assertEqual(out, "")
            self.assertIn("alice already has an active break-glass event on profile prod: "
                          + event_id, err)
        events = self.ok_json(self.box.run("breakglass-list"))["events"]
        self.assertEqual([e["id"] for e in events], [event_id])
        self.assertEqual(len(self.lifecycle("breakglass.invoked")), 1)


if __name__ == "__main__":
    unittest.main()
