"""`sentinel init`: creates what is missing, keeps what exists, safe to run twice."""

import json
import os
import unittest

from harness import MotoTestCase


class InitTest(MotoTestCase):

    def test_init_creates_config_policy_and_store_once(self):
        os.remove(self.box.policy_path)
        config = os.path.join(self.box.conf_dir, "config.yaml")
        first = self.box.run("init")
        self.assertEqual(first.returncode, 0, first.stderr)
        out = json.loads(first.stdout)
        self.assertEqual(out["config"], config)
        self.assertTrue(out["config_created"])
        self.assertTrue(out["policy_created"])
        self.assertEqual(os.stat(config).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(self.box.policy_path).st_mode & 0o777, 0o600)
        db = os.path.join(self.box.state_dir, "sentinel.db")
        self.assertTrue(os.path.exists(db))
        self.assertEqual(os.stat(db).st_mode & 0o777, 0o600)

        validate = self.box.run("policy", "validate")
        self.assertEqual(validate.returncode, 0, validate.stderr)

        with open(self.box.policy_path, "a") as f:
            f.write("# edited by the team\n")
        second = self.box.run("init")
        self.assertEqual(second.returncode, 0, second.stderr)
        out = json.loads(second.stdout)
        self.assertFalse(out["config_created"])
        self.assertFalse(out["policy_created"])
        with open(self.box.policy_path) as f:
            self.assertIn("# edited by the team", f.read())


if __name__ == "__main__":
    unittest.main()
