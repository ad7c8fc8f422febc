"""End-to-end timing of `sentinel credentials` against moto on loopback.

sentinel's own time is separated from its STS round trips in two ways: the CPU time
(user + system) of the sentinel process, which does not include waiting for moto; and the
wall time minus the time spent inside HTTP requests, as sentinel's --debug output reports
for each request (loading libcurl on the first request is not inside that time: it counts as
sentinel's own). Peak memory is the "Maximum resident set size" `/usr/bin/time -v` reports,
the largest of RSS_RUNS separate runs: the ru_maxrss that os.wait4 returns for a timed run
would include the forking Python's own pages, so it is not used.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from harness import Moto, Sandbox  # noqa: E402

RUNS = int(os.environ.get("SENTINEL_BENCH_RUNS", "25"))
RSS_RUNS = 5
SENTINEL = os.environ["SENTINEL_BIN"]


def timed(argv, env):
    """Runs argv; returns (wall seconds, cpu seconds, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} failed: {err.decode()}")
    return wall, usage.ru_utime + usage.ru_stime, err.decode()


def peak_rss_kib(argv, env, runs=RSS_RUNS):
    """The largest "Maximum resident set size" of `runs` runs under /usr/bin/time -v."""
    peak = 0
    for _ in range(runs):
        out = subprocess.run(["/usr/bin/time", "-v", *argv], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
        if out.returncode != 0 or not found:
            raise RuntimeError(f"/usr/bin/time -v {argv} failed: {out.stderr}")
        peak = max(peak, int(found.group(1)))
    return peak


def http_seconds(debug_stderr):
    """Sum of the HTTP request times sentinel --debug reports ("... in 1.234 ms")."""
    return sum(float(ms) for ms in re.findall(r"HTTP .* in ([0-9.]+) ms", debug_stderr)) / 1000


def series(label, argv, env, runs=RUNS, debug=False):
    walls, cpus, own = [], [], []
    for _ in range(runs):
        wall, cpu, err = timed(argv, env)
        walls.append(wall)
        cpus.append(cpu)
        if debug:
            own.append(wall - http_seconds(err))
    rss = peak_rss_kib(argv, env)
    line = (f"{label:<44} median wall {statistics.median(walls) * 1000:8.2f} ms"
            f"   cpu {statistics.median(cpus) * 1000:6.2f} ms   max rss {rss / 1024:5.1f} MiB")
    if debug:
        line += f"   wall minus HTTP {statistics.median(own) * 1000:6.2f} ms"
    print(line, flush=True)
    if debug:
        return statistics.median(own)
    return statistics.median(walls)


def main():
    moto = Moto()
    box = Sandbox(moto)
    try:
        env = box.env()
        box.write_policy(
            'version: "1"\nrules:\n  - name: dev\n    effect: allow\n'
            '    conditions: {profiles: [dev]}\n  - name: prod\n    effect: require_approval\n'
            '    conditions: {profiles: [prod]}\nbreakglass:\n  - name: oncall\n'
            '    profiles: [prod]\n    users: [alice]\n')
        print(f"{RUNS} runs each, moto {moto.url}")
        true_wall = series("/bin/true", ["/bin/true"], env)
        version_wall = series("sentinel --version", [SENTINEL, "--version"], env)
        series("/usr/bin/aws --version", ["/usr/bin/aws", "--version"], env, runs=min(RUNS, 20))
        cache = os.path.join(box.home, ".cache", "sentinel")
        plain = series("sentinel credentials (identity cached)",
                       [SENTINEL, "--debug", "credentials", "--profile", "dev"], env, debug=True)
        # The same call let through by a break-glass event: the policy says
        # require_approval, so sentinel opens the store and finds the event.
        subprocess.run([SENTINEL, "breakglass", "--profile", "prod", "--reason-code", "incident",
                        "--duration", "4h", "--justification",
                        "benchmark of the override path, not an emergency"],
                       env=env, check=True, capture_output=True)
        overridden = series("sentinel credentials (break-glass override)",
                            [SENTINEL, "--debug", "credentials", "--profile", "prod"], env,
                            debug=True)
        print(f"override cost (wall minus HTTP): {(overridden - plain) * 1000:+.2f} ms")
        # The machine's speed drifts between runs; this ratio shows whether a change is
        # sentinel's or the machine's.
        print(f"credentials wall minus HTTP / /bin/true wall: {plain / true_wall:.2f}x")
        # A cold identity cache adds one GetCallerIdentity round trip per call.
        cold = []
        for _ in range(RUNS):
            # In this process: a `rm` spawned just before would be timed in the next call.
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(timed([SENTINEL, "--debug", "credentials", "--profile", "dev"], env))
        print(f"{'sentinel credentials (identity not cached)':<44} median wall "
              f"{statistics.median(c[0] for c in cold) * 1000:8.2f} ms   cpu "
              f"{statistics.median(c[1] for c in cold) * 1000:6.2f} ms   wall minus HTTP "
              f"{statistics.median(c[0] - http_seconds(c[2]) for c in cold) * 1000:6.2f} ms")
        print(f"sentinel --version / /bin/true: {version_wall / true_wall:.2f}x")
        out = subprocess.run(["/usr/bin/time", "-v", SENTINEL, "credentials", "--profile", "dev"],
                             env=env, capture_output=True, text=True)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
        print(f"/usr/bin/time -v sentinel credentials: max rss "
              f"{int(rss.group(1)) / 1024:.1f} MiB" if rss else out.stderr)
    finally:
        box.close()
        moto.stop()


if __name__ == "__main__":
    main()
