#!/usr/bin/env python3
"""Compile-cost benchmark: how much does including rangeup (and instantiating one
session) add to a translation unit? Compares against an empty TU and a TU with
<string> + <vector>, for g++ and clang++ at -O0, median of several runs.

  benchmarks/compile/run.py [--runs N] [--markdown]
"""
import argparse
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
UNITS = [
    ("empty TU", "empty.cpp"),
    ("<string> + <vector>", "string_vector.cpp"),
    ("#include <rangeup/rangeup.hpp>", "include_only.cpp"),
    ("include + one upload_session instantiated", "one_session.cpp"),
]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_compile(cxx: str, source: pathlib.Path, runs: int, single: bool, cpu: bool) -> float:
    """Median seconds per compile: the compiler's CPU time (user+sys; steadier on a
    shared machine) or, with cpu=False, wall time."""
    include = ROOT / ("single_include" if single else "include")
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            start_wall, start_cpu = time.perf_counter(), children_cpu()
            subprocess.run([cxx, "-std=c++17", "-O0", "-I", str(include), "-c", str(source), "-o", f"{tmp}/x.o"],
                           check=True)
            samples.append(children_cpu() - start_cpu if cpu else time.perf_counter() - start_wall)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--single", action="store_true", help="use single_include/ instead of include/")
    parser.add_argument("--wall", action="store_true", help="wall-clock time instead of compiler CPU time")
    args = parser.parse_args()
    compilers = [c for c in ("g++", "clang++") if shutil.which(c)]
    units = [(label, HERE / name) for label, name in UNITS if (HERE / name).exists()]
    what = "wall s" if args.wall else "CPU s"
    print(f"| TU ({'single header' if args.single else 'include/'}, -O0, {what}, median of {args.runs}) | "
          + " | ".join(f"{c} s | {c} +s vs empty | {c} +s vs string+vector" for c in compilers) + " |")
    print("|---|" + "---|---|---|" * len(compilers))
    results = {c: {} for c in compilers}
    for c in compilers:
        for label, path in units:
            results[c][label] = time_compile(c, path, args.runs, args.single, not args.wall)
    for label, _ in units:
        cells = []
        for c in compilers:
            t = results[c][label]
            cells += [f"{t:.3f}", f"{t - results[c]['empty TU']:+.3f}",
                      f"{t - results[c]['<string> + <vector>']:+.3f}"]
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
