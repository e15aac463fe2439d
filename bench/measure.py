"""Run one command and print its wall time (s) and the peak memory (MB) of its processes."""
import json
import resource
import subprocess
import sys
import time

start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child process
print(json.dumps({"wall": wall, "peak_mb": peak_kb / 1024, "rc": proc.returncode, "err": proc.stderr[-2000:]}))
