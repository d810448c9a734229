"""The layout workers start in a thread while normalize forks its workers.

A lock that thread holds at the moment of a fork stays held in the child
for ever: a build once hung for 24 minutes at zero CPU, a normalize worker
waiting on tempfile's lock. warm() takes the one-time locks (tempfile's,
the fork server's, the resource tracker's) in the calling thread, before
the thread starts; the thread is left only waiting on the server's socket.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import tempfile
from multiprocessing import forkserver, resource_tracker
from ip5pub.render.chunked import worker

assert tempfile.tempdir is None
worker.warm(2)
# The thread may still be waiting for the server's first worker; all that
# takes a lock has been done here.
print(tempfile.tempdir is not None, forkserver._forkserver._forkserver_pid is not None,
      resource_tracker._resource_tracker._pid is not None)
worker.take(2).close()
"""


@pytest.mark.slow  # starts the fork server, which imports WeasyPrint
def test_warm_takes_the_fork_locks_in_the_calling_thread():
    proc = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True", "True"]
