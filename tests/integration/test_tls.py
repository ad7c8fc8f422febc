"""HTTPS to AWS: sentinel verifies the server's certificate and host name, and trusts the
certificate authorities of AWS_CA_BUNDLE or the profile's ca_bundle as the AWS CLI does.

A TLS relay on a free loopback port terminates TLS with a certificate made for the test
and passes the bytes on to moto, so the STS answers are moto's.
"""

import contextlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import unittest

from harness import MotoTestCase, free_port


def make_certificate(directory, name, san):
    """Writes a self-signed certificate and key for `san`; returns (cert, key) paths."""
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=sentinel test", "-addext", "subjectAltName=" + san,
                    "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


class TlsRelay:
    """Accepts TLS on a free loopback port and relays each connection to `target_port`."""

    def __init__(self, cert, key, target_port):
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self._target = ("127.0.0.1", target_port)
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert, key)
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.2)
        self._stopped = threading.Event()
        self.handshakes_failed = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        client.settimeout(10)
        try:
            tls = self._context.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshakes_failed += 1
            client.close()
            return
        with tls, socket.create_connection(self._target, timeout=10) as upstream:
            def pump(src, dst):
                with contextlib.suppress(OSError):
                    while data := src.recv(65536):
                        dst.sendall(data)
                with contextlib.suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)
            back = threading.Thread(target=pump, args=(upstream, tls), daemon=True)
            back.start()
            pump(tls, upstream)
            back.join(timeout=10)

    def stop(self):
        self._stopped.set()
        self._thread.join()
        self._listener.close()


class TlsTest(MotoTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.certs = tempfile.mkdtemp(prefix="sentinel-tls-")
        cls.good_cert, good_key = make_certificate(cls.certs, "loopback", "IP:127.0.0.1")
        cls.other_cert, other_key = make_certificate(cls.certs, "other", "DNS:sts.example.com")
        cls.relay = TlsRelay(cls.good_cert, good_key, cls.moto.port)
        cls.wrong_name_relay = TlsRelay(cls.other_cert, other_key, cls.moto.port)

    @classmethod
    def tearDownClass(cls):
        cls.relay.stop()
        cls.wrong_name_relay.stop()
        shutil.rmtree(cls.certs, ignore_errors=True)
        super().tearDownClass()

    def env(self, url, **extra):
        # A fresh identity cache each time, so GetCallerIdentity goes over TLS too.
        return self.box.env(AWS_ENDPOINT_URL=url, XDG_CACHE_HOME=tempfile.mkdtemp(
            dir=self.box.home), **extra)

    def test_an_untrusted_certificate_is_refused_and_nothing_is_issued(self):
        result = self.box.run("credentials", "--profile", "dev", env=self.env(self.relay.url))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("sentinel: error: ", result.stderr)
        self.assertIn("TLS verification failed: SSL certificate problem: self-signed certificate",
                      result.stderr)
        self.assertGreater(self.relay.handshakes_failed, 0)
        self.assertEqual(self.box.log_entries(), [])

    def test_aws_ca_bundle_is_trusted(self):
        result = self.box.run("credentials", "--profile", "dev",
                              env=self.env(self.relay.url, AWS_CA_BUNDLE=self.good_cert))
        self.assertEqual(result.returncode, 0, result.stderr)
        doc = json.loads(result.stdout)
        self.assertTrue(doc["AccessKeyId"].startswith("ASIA"), doc)
        [entry] = self.box.log_entries()
        self.assertEqual(entry["outcome"], "issued")

    def test_the_profiles_ca_bundle_is_trusted(self):
        self.box.write_aws_config(extra=f"ca_bundle = {self.good_cert}\n")
        # extra lands in the last profile written, prod; dev stays without one.
        refused = self.box.run("credentials", "--profile", "dev", env=self.env(self.relay.url))
        self.assertEqual(refused.returncode, 1, refused.stderr)
        self.box.write_policy('version: "1"\nrules:\n  - name: all\n    effect: allow\n'
                              '    conditions: {}\n')
        result = self.box.run("credentials", "--profile", "prod", env=self.env(self.relay.url))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("AccessKeyId", json.loads(result.stdout))

    def test_a_certificate_for_another_host_is_refused_even_when_its_ca_is_trusted(self):
        result = self.box.run("credentials", "--profile", "dev",
                              env=self.env(self.wrong_name_relay.url,
                                           AWS_CA_BUNDLE=self.other_cert))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("TLS verification failed: SSL: no alternative certificate subject name "
                      "matches target host name '127.0.0.1'", result.stderr)
        self.assertEqual(self.box.log_entries(), [])

    def test_a_missing_ca_bundle_is_named(self):
        missing = os.path.join(self.box.home, "no-such-bundle.pem")
        result = self.box.run("credentials", "--profile", "dev",
                              env=self.env(self.relay.url, AWS_CA_BUNDLE=missing))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(missing, result.stderr)


if __name__ == "__main__":
    unittest.main()
