"""Running one benchmark command and measuring what it cost.

CPU time is the user + system time of the whole process tree, taken as the difference of
`getrusage(RUSAGE_CHILDREN)` around the run. That sum only holds processes that were waited
for, and a tree like Ray's leaves orphans behind (workers whose raylet died first); the driver
therefore makes itself a child subreaper, so such orphans are re-parented to it, and reaps them
before reading the usage again. Peak memory is the largest `ru_maxrss` of the command's own
process (from wait4) or, when asked to sample the tree, the largest sum of the tree's
proportional set sizes (Pss: shared pages, such as Ray's object store, split between the
processes that map them) seen every 0.2 s.
"""
from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

_PR_SET_CHILD_SUBREAPER = 36


def log(*parts):
    print("[bench]", *parts, file=sys.stderr, flush=True)


def sh(cmd, cwd=None) -> str:
    """A command's stdout, stripped; empty when it cannot run."""
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd,
                              timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def become_subreaper() -> bool:
    """Makes orphaned descendants re-parent to this process (Linux >= 3.4)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


@dataclasses.dataclass
class Measurement:
    cmd: list[str]
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_mb: float  # the command's own process (and what it waited for): ru_maxrss
    tree_peak_mb: float | None  # sampled sum of the tree's Pss, when sampling
    # When sampling: the CPU time the tree's processes had used when last seen alive, summed.
    # A lower bound that checks the rusage sum did not miss processes.
    tree_cpu_sampled_s: float | None
    stdout: str
    stderr: str

    @property
    def cpu_s(self) -> float:
        """The rusage sum, or the sampled one when it is larger: processes that left the tree
        before they were reaped into it (Ray's daemons and their workers) escape rusage."""
        return max(self.user_s + self.sys_s, self.tree_cpu_sampled_s or 0.0)

    @property
    def peak_mb(self) -> float:
        return max(self.max_rss_mb, self.tree_peak_mb or 0.0)


def _children_of(pid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces or parentheses, so split after it.
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(name))
    return out


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            parents.setdefault(int(fields[1]), []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pid: int) -> int:
    """utime + stime of a live process, in clock ticks (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return 0
    fields = stat[stat.rfind(b")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _TreeSampler(threading.Thread):
    def __init__(self, root: int, roots_extra, interval: float = 0.2):
        super().__init__(daemon=True)
        self.root, self.roots_extra, self.interval = root, roots_extra, interval
        self.peak_kb = 0
        self.cpu_ticks: dict[int, int] = {}  # the last reading of each process seen
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            pids = set(_descendants(self.root))
            for orphan in self.roots_extra():  # re-parented to us: still the run's processes
                pids.update(_descendants(orphan))
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))
            for p in pids:
                self.cpu_ticks[p] = max(self.cpu_ticks.get(p, 0), _cpu_ticks(p))
            self.stop.wait(self.interval)


def _reap_orphans(exclude: set[int], grace_s: float) -> None:
    """Waits for processes re-parented to us during the run, then ends stragglers by id."""
    me = os.getpid()
    deadline = time.monotonic() + grace_s
    signalled = False
    while True:
        try:
            while True:
                pid, _ = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
        except ChildProcessError:
            pass
        left = [p for p in _children_of(me) if p not in exclude]
        if not left:
            return
        if time.monotonic() > deadline:
            sig = signal.SIGKILL if signalled else signal.SIGTERM
            for pid in left:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            signalled = True
            deadline = time.monotonic() + 5
        time.sleep(0.1)


def run(cmd: list[str], *, env: dict | None = None, cwd: str | None = None,
        sample_tree: bool = False, timeout_s: float = 7200, orphan_grace_s: float = 30
        ) -> Measurement:
    """Runs `cmd` to completion and measures it (see the module doc)."""
    me = os.getpid()
    before_children = set(_children_of(me))
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as rss_file:
        if gnu_time:
            cmd_run = [gnu_time, "-f", "%M", "-o", rss_file.name] + list(cmd)
        else:
            cmd_run = list(cmd)
        usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd_run, stdout=out, stderr=err, env=env, cwd=cwd)
        sampler = None
        if sample_tree:
            sampler = _TreeSampler(
                proc.pid, lambda: [p for p in _children_of(me)
                                   if p not in before_children and p != proc.pid])
            sampler.start()
        timer = threading.Timer(timeout_s, lambda: proc.kill())
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        _reap_orphans(before_children, orphan_grace_s)
        if sampler:
            sampler.stop.set()
            sampler.join()
        usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        max_rss_kb = usage.ru_maxrss
        if gnu_time:
            lines = [ln for ln in rss_file.read().splitlines() if ln.strip()]
            if lines and lines[-1].strip().isdigit():
                max_rss_kb = int(lines[-1])
        return Measurement(
            cmd=list(cmd), returncode=proc.returncode, wall_s=wall,
            user_s=usage_after.ru_utime - usage_before.ru_utime,
            sys_s=usage_after.ru_stime - usage_before.ru_stime,
            max_rss_mb=max_rss_kb / 1024.0,
            tree_peak_mb=(sampler.peak_kb / 1024.0) if sampler else None,
            tree_cpu_sampled_s=(sum(sampler.cpu_ticks.values()) / _TICKS) if sampler else None,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"))


def tree_cpu_s(root: int | None = None) -> float:
    """User + system CPU seconds used so far by `root` (default this process) and its live
    descendants: what a long-lived process (a Python peer and the JVM it started) spent, read
    before and after one operation."""
    root = os.getpid() if root is None else root
    return sum(_cpu_ticks(p) for p in _descendants(root)) / _TICKS


class Peer:
    """A long-lived peer process (bench/peers/op_server.py protocol), in its own process group
    so a statement over the cap is stopped with everything it started (Spark's JVM)."""

    def __init__(self, name: str, cmd: list[str], log_path: str, startup_cap_s: float = 600):
        self.name, self.cmd, self.log_path, self.startup_cap_s = name, cmd, log_path, startup_cap_s
        self.proc = None
        self.startup = None

    def start(self):
        log(f"starting {self.name}")
        self.log_file = open(self.log_path, "a")
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log_file, text=True, start_new_session=True,
                                     env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        ready = self._answer(self.startup_cap_s)
        if not ready or not ready.get("ready"):
            self.stop()
            raise RuntimeError(f"{self.name} did not start (see {self.log_path})")
        self.startup = ready

    def _answer(self, timeout_s: float):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout_s)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line.strip() else {"error": f"{self.name} exited "
                                                               f"(see {self.log_path})"}

    def request(self, req: dict, cap_s: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        answer = self._answer(cap_s)
        if answer is None:
            self.stop()
            return {"error": f"over the {cap_s:.0f} s cap (stopped)", "over_cap": True}
        if "error" in answer and self.proc.poll() is not None:
            self.stop()
        return answer

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.proc = None
        self.log_file.close()
