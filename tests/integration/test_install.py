"""The installed layout: `cmake --install` puts the executable in bin/ and, in builds with
the network module, the module in lib/sentinel/, where the executable finds it. A module
that is missing or that others could have written is refused with a message that says so,
and nothing is issued."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import SENTINEL_BIN, MotoTestCase

BUILD_DIR = os.path.dirname(os.path.abspath(SENTINEL_BIN or "."))
MODULE = "libsentinel-net.so"
HAS_MODULE = os.path.exists(os.path.join(BUILD_DIR, MODULE))


@unittest.skipUnless(HAS_MODULE, "this build loads the system libcurl and has no module")
class InstalledLayoutTest(MotoTestCase):

    def setUp(self):
        super().setUp()
        self.prefix = tempfile.mkdtemp(prefix="sentinel-install-")
        self.addCleanup(shutil.rmtree, self.prefix, True)
        subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", self.prefix],
                       check=True, capture_output=True)
        self.binary = os.path.join(self.prefix, "bin", "sentinel")
        self.module = os.path.join(self.prefix, "lib", "sentinel", MODULE)

    def run_installed(self, *args):
        return subprocess.run([self.binary, *args], env=self.box.env(), capture_output=True,
                              text=True, timeout=60)

    def test_the_installed_tree_issues_credentials(self):
        self.assertTrue(os.path.isfile(self.module))
        self.assertEqual(os.stat(self.module).st_mode & 0o022, 0)
        result = self.run_installed("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(json.loads(result.stdout)["AccessKeyId"].startswith("ASIA"))

    def test_a_missing_module_is_named_and_nothing_is_issued(self):
        os.remove(self.module)
        self.assertEqual(self.run_installed("--version").returncode, 0)
        result = self.run_installed("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(f"no {MODULE} beside {self.binary}", result.stderr)
        self.assertIn(f"or in {os.path.join(self.prefix, 'lib', 'sentinel')}", result.stderr)
        self.assertEqual(self.box.log_entries(), [])

    def test_a_module_others_can_write_is_refused(self):
        os.chmod(self.module, 0o775)
        result = self.run_installed("credentials", "--profile", "dev")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(f"loading {self.module}: writable by other users (mode 775)",
                      result.stderr)

    def test_commands_that_send_nothing_work_without_the_module(self):
        os.remove(self.module)
        result = self.run_installed("policy", "validate")
        self.assertEqual(result.returncode, 0, result.stderr)


if __name__ == "__main__":
    unittest.main()
