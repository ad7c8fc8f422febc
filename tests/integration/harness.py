"""Shared fixtures for sentinel's end-to-end tests.

Each test runs the built binary ($SENTINEL_BIN) in a sandbox: a private HOME holding the
AWS config and credentials files, sentinel's config, the policy and the decision log, with
every AWS endpoint pointed at a moto server on a free loopback port. Identities are real
IAM users created in moto, so GetCallerIdentity answers with their names.
"""

import contextlib
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
import urllib.request

SENTINEL_BIN = os.environ.get("SENTINEL_BIN", "")
AWS_CLI = "/usr/bin/aws"
ACCOUNT = "123456789012"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    """A moto server on a free loopback port, stopped by stop()."""

    def __init__(self, extra_env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(extra_env or {})
        self._log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log, stderr=subprocess.STDOUT, env=env,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).read()
                return
            except Exception:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self._log.seek(0)
                    raise RuntimeError("moto did not start: " + self._log.read().decode())
                time.sleep(0.1)

    def stop(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._log.close()

    def boto(self, service, **kw):
        import boto3
        kw.setdefault("aws_access_key_id", "AKIAADMINADMINADMIN0")
        kw.setdefault("aws_secret_access_key", "admin-secret")
        return boto3.client(service, endpoint_url=self.url, region_name="eu-west-1", **kw)

    def create_user(self, name):
        """Creates IAM user `name` in moto and returns (access_key_id, secret)."""
        iam = self.boto("iam")
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]


DEFAULT_POLICY = """\
version: "1"
rules:
  - name: no-prod-for-eve
    effect: deny
    conditions: {profiles: [prod], users: [eve]}
    reason: eve is not on the prod rota
  - name: prod-needs-approval
    effect: require_approval
    conditions: {profiles: [prod]}
  - name: developers
    effect: allow
    conditions:
      profiles: [dev, staging]
      users: [alice, bob]
    max_duration: 2h
"""


class Sandbox:
    """A private HOME with AWS and sentinel configuration for one test."""

    def __init__(self, moto, users=("alice", "eve", "bob")):
        self.moto = moto
        self.home = tempfile.mkdtemp(prefix="sentinel-it-")
        self.aws_dir = os.path.join(self.home, ".aws")
        self.conf_dir = os.path.join(self.home, ".config", "sentinel")
        self.state_dir = os.path.join(self.home, ".local", "state", "sentinel")
        os.makedirs(self.aws_dir)
        os.makedirs(self.conf_dir)
        self.keys = {}
        for user in users:
            self.keys[user] = _cached_user(moto, user)
        self.policy_path = os.path.join(self.conf_dir, "policy.yaml")
        self.log_path = os.path.join(self.state_dir, "decisions.jsonl")
        self.write_policy(DEFAULT_POLICY)
        self.write_aws_config()

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def write_policy(self, text):
        with open(self.policy_path, "w") as f:
            f.write(text)

    def write_config(self, text):
        with open(os.path.join(self.conf_dir, "config.yaml"), "w") as f:
            f.write(text)

    def write_aws_config(self, user="alice", extra=""):
        """Writes profiles dev, staging and prod (roles sourced from `base`, whose keys are
        `user`'s, as are `default`'s), plus one profile per known user holding that user's
        keys."""
        config = [textwrap.dedent(f"""\
            [default]
            region = eu-west-1

            [profile base]
            region = eu-west-1
            """)]
        for profile in ("dev", "staging", "prod"):
            config.append(textwrap.dedent(f"""\
                [profile {profile}]
                role_arn = arn:aws:iam::{ACCOUNT}:role/{profile.capitalize()}
                source_profile = base
                region = eu-west-1
                """))
        creds = []
        akid, secret = self.keys[user]
        # `default` is the user's own keys too, so commands without --profile (approve,
        # list, ...) identify the same user through the standard chain.
        for name in ("base", "default"):
            creds.append(f"[{name}]\naws_access_key_id = {akid}\n"
                         f"aws_secret_access_key = {secret}\n")
        for name, (akid, secret) in self.keys.items():
            creds.append(f"[{name}]\naws_access_key_id = {akid}\n"
                         f"aws_secret_access_key = {secret}\n")
        with open(os.path.join(self.aws_dir, "config"), "w") as f:
            f.write("\n".join(config) + extra)
        with open(os.path.join(self.aws_dir, "credentials"), "w") as f:
            f.write("\n".join(creds))

    def env(self, **overrides):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "AWS_CONFIG_FILE": os.path.join(self.aws_dir, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.aws_dir, "credentials"),
            "AWS_ENDPOINT_URL": self.moto.url,
            "LANG": "C.UTF-8",
        }
        for k, v in overrides.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def run(self, *args, env=None, timeout=60, **kw):
        """Runs sentinel with `args`; returns the CompletedProcess (text mode)."""
        return subprocess.run([SENTINEL_BIN, *args], env=env or self.env(), text=True,
                              capture_output=True, timeout=timeout, **kw)

    def log_entries(self):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path) as f:
            return [json.loads(line) for line in f]


_USERS = {}


def _cached_user(moto, user):
    """IAM users live as long as their moto; create each once per moto."""
    key = (id(moto), user)
    if key not in _USERS:
        _USERS[key] = moto.create_user(user)
    return _USERS[key]


class MotoTestCase(unittest.TestCase):
    """One moto per test class, one sandbox per test."""

    moto = None

    @classmethod
    def setUpClass(cls):
        if not SENTINEL_BIN or not os.access(SENTINEL_BIN, os.X_OK):
            raise RuntimeError("SENTINEL_BIN must name the built sentinel binary")
        cls.moto = Moto()

    @classmethod
    def tearDownClass(cls):
        if cls.moto:
            cls.moto.stop()

    def setUp(self):
        self.box = Sandbox(self.moto)
        self.addCleanup(self.box.close)

    def assertNoSecrets(self, *texts):
        """Fails if any secret key of the sandbox's users appears in `texts`."""
        for user, (_, secret) in self.box.keys.items():
            for text in texts:
                self.assertNotIn(secret, text, f"{user}'s secret key leaked")


class ScriptedStsServer:
    """A loopback HTTP server that answers STS calls from a table, recording requests.

    `answers` maps an STS Action to (status, xml body). Used where moto cannot produce
    the AWS reply a test needs (a role's MaxSessionDuration, AccessDenied).
    """

    def __init__(self, answers):
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                from urllib.parse import parse_qs
                form = {k: v[0] for k, v in parse_qs(body).items()}
                outer.requests.append({"headers": dict(self.headers), "form": form})
                status, xml = answers.get(form.get("Action"), (400, "<ErrorResponse/>"))
                data = xml.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def caller_identity_xml(arn, account=ACCOUNT):
    return (200, f"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>{arn}</Arn><UserId>AIDAEXAMPLE</UserId>
  <Account>{account}</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>""")


def sts_error_xml(status, code, message):
    return (status, f"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
  <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
</ErrorResponse>""")
