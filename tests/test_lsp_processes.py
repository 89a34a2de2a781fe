"""No process outlives the language server, however it ends."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SERVER = [sys.executable, "-m", "unspin.lsp"]


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for k in map(int, kids):
            found.add(k)
            todo.append(k)
    return found


def _alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"  # a zombie has exited; it only waits to be reaped


def _wait(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_worker_and_resource_tracker_exit_with_the_server(sig):
    proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        # The worker starts at once (models load while the client connects), and the resource tracker with it.
        assert _wait(lambda: len(_descendants(proc.pid)) >= 2, 60), "the worker did not start"
        children = _descendants(proc.pid)
        os.kill(proc.pid, sig)
        proc.wait(30)
        assert _wait(lambda: not any(_alive(c) for c in children), 30), \
            [Path(f"/proc/{c}/cmdline").read_bytes() for c in children if _alive(c)]
    finally:
        if proc.poll() is None:
            proc.kill()
