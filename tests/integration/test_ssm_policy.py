"""`policy: ssm:/NAME`: the policy read from SSM Parameter Store (moto), cached per user."""

import json
import os
import stat
import textwrap
import unittest

from harness import DEFAULT_POLICY, MotoTestCase, free_port

PARAMETER = "/sentinel/policies/default"
SOURCE = "ssm:" + PARAMETER

DENY_ALL = textwrap.dedent("""\
    version: "1"
    rules:
      - name: frozen
        effect: deny
        conditions: {}
        reason: change freeze
    """)


class SsmPolicyTest(MotoTestCase):

    def setUp(self):
        super().setUp()
        self.ssm = self.moto.boto("ssm")
        try:
            self.ssm.delete_parameter(Name=PARAMETER)
        except self.ssm.exceptions.ParameterNotFound:
            pass
        self.configure()

    def configure(self, extra=""):
        self.box.write_config(f"policy: {SOURCE}\n{extra}")

    def put(self, text, kind="String"):
        """Puts the policy parameter; returns its new version."""
        return self.ssm.put_parameter(Name=PARAMETER, Value=text, Type=kind,
                                      Overwrite=True)["Version"]

    def cache_dir(self):
        return os.path.join(self.box.home, ".cache", "sentinel", "policies")

    def test_the_decision_log_names_the_parameter_version(self):
        version = self.put(DEFAULT_POLICY)
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("SecretAccessKey", json.loads(result.stdout))
        [entry] = self.box.log_entries()
        self.assertEqual(entry["policy"], f"{SOURCE} (version {version})")
        self.assertEqual((entry["effect"], entry["outcome"], entry["rule"]),
                         ("allow", "issued", "developers"))

        # The policy is cached privately, one file per source.
        [name] = os.listdir(self.cache_dir())
        path = os.path.join(self.cache_dir(), name)
        self.assertEqual(stat.S_IMODE(os.stat(self.cache_dir()).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            cached = json.load(f)
        self.assertEqual((cached["uri"], cached["version"], cached["text"]),
                         (SOURCE, version, DEFAULT_POLICY))

    def test_cached_version_decides_within_the_ttl_and_ttl_0s_refetches(self):
        first = self.put(DEFAULT_POLICY)
        self.assertEqual(self.box.run("credentials", "--profile", "dev").returncode, 0)
        second = self.put(DENY_ALL)
        self.assertEqual(second, first + 1)

        # Within policy_cache_ttl (5m by default) the cached version still decides.
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.box.log_entries()[-1]["policy"], f"{SOURCE} (version {first})")

        # Without the cache the new version decides at once.
        self.configure("policy_cache_ttl: 0s\n")
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("change freeze", result.stderr)
        entry = self.box.log_entries()[-1]
        self.assertEqual(entry["policy"], f"{SOURCE} (version {second})")
        self.assertEqual((entry["effect"], entry["outcome"], entry["rule"]),
                         ("deny", "denied", "frozen"))

    def test_a_secure_string_policy_is_decrypted(self):
        version = self.put(DEFAULT_POLICY, kind="SecureString")
        result = self.box.run("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual(entry["policy"], f"{SOURCE} (version {version})")
        self.assertEqual(entry["rule"], "developers")

    def test_a_missing_parameter_denies_with_parameter_not_found(self):
        result = self.box.run("credentials", "--profile", "dev")
        # The exit code of a missing policy file.
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(f"loading policy {SOURCE}: ssm GetParameter: ParameterNotFound", result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual((entry["effect"], entry["outcome"], entry["policy"]),
                         ("deny", "denied", SOURCE))
        self.assertIn("ParameterNotFound", entry["reason"])

    def test_an_unreachable_ssm_endpoint_denies(self):
        self.put(DEFAULT_POLICY)
        dead = f"http://127.0.0.1:{free_port()}"
        result = self.box.run("credentials", "--profile", "dev",
                              env=self.box.env(AWS_ENDPOINT_URL_SSM=dead))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(f"loading policy {SOURCE}: ssm GetParameter {dead}", result.stderr)
        [entry] = self.box.log_entries()
        self.assertEqual((entry["effect"], entry["outcome"]), ("deny", "denied"))

    def test_policy_validate_and_explain_read_the_parameter(self):
        version = self.put(DEFAULT_POLICY)
        result = self.box.run("policy", "validate")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(result.stdout.startswith(f"ok: {SOURCE} (version {version}): "),
                        result.stdout)

        result = self.box.run("policy", "explain", "--profile", "dev", "--user", "alice")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["rule"], "developers")

        bad = self.put('version: "1"\nrules:\n  - name: x\n    effect: allow\n    conditon: {}\n')
        self.configure("policy_cache_ttl: 0s\n")
        result = self.box.run("policy", "validate")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(f"{SOURCE} (version {bad})", result.stderr)
        self.assertIn("conditon", result.stderr)

    def test_policy_validate_without_the_parameter_fails(self):
        result = self.box.run("policy", "validate")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("ParameterNotFound", result.stderr)

    def test_debug_output_names_the_source_but_no_secret(self):
        self.put(DEFAULT_POLICY, kind="SecureString")
        result = self.box.run("--debug", "credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"policy {SOURCE} from ssm endpoint {self.moto.url}", result.stderr)
        self.assertIn("policy cache: stored", result.stderr)
        self.assertNoSecrets(result.stderr)

        result = self.box.run("--debug", "credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("policy cache: using", result.stderr)
        self.assertNoSecrets(result.stderr)


if __name__ == "__main__":
    unittest.main()
