"""Run one command; print its wall time (s) and, with --memory first, its peak memory (MB) as JSON.

Peak memory is the largest total memory of the command's whole process tree (worker processes
and the chart helper included), sampled every 20 ms. Each process counts its proportional set
size (PSS, Linux /proc/PID/smaps_rollup): pages that forked workers share with their parent are
split between them rather than counted in full by each. Where that is not available, the
largest single process (getrusage) is shown instead."""
import json
import os
import resource
import subprocess
import sys
import time


def children(pid: int) -> list[int]:
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids.extend(int(k) for k in fh.read().split())
    except OSError:
        pass
    return kids


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_kb(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += pss_kb(pid)
        todo.extend(children(pid))
    return total


# --memory: sample the memory (which takes CPU from the build: time it in a run of its own)
sample = sys.argv[1] == "--memory"
cmd = sys.argv[2:] if sample else sys.argv[1:]
start = time.perf_counter()
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
peak_kb = 0
while sample and proc.poll() is None:
    peak_kb = max(peak_kb, tree_kb(proc.pid))
    time.sleep(0.02)
out, err = proc.communicate()
wall = time.perf_counter() - start
if sample and not peak_kb:
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child process
print(json.dumps({"wall": wall, "peak_mb": peak_kb / 1024, "rc": proc.returncode, "err": err[-2000:]}))
