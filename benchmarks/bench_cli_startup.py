"""Start-up time of the command line: a plain command against bare Python in the same run.

    python benchmarks/bench_cli_startup.py [repeats]

Prints the median wall time of each command (best of ``repeats`` runs, default 7) and its ratio to
``python -c pass`` measured in the same run; the issue's goal is a plain command under 0.4 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

COMMANDS = {"python -c pass": [sys.executable, "-c", "pass"],
            "nanoligand --version": [sys.executable, "-m", "nanoligand.cli", "--version"],
            "nanoligand --help": [sys.executable, "-m", "nanoligand.cli", "--help"],
            "nanoligand materials": [sys.executable, "-m", "nanoligand.cli", "materials"],
            "nanoligand materials --json": [sys.executable, "-m", "nanoligand.cli", "materials", "--json"]}


def wall(cmd: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    base = wall(COMMANDS["python -c pass"], n)
    print(f"{'command':32} {'median s':>9} {'× python':>9}")
    for name, cmd in COMMANDS.items():
        t = wall(cmd, n)
        print(f"{name:32} {t:9.3f} {t / base:9.1f}")
