#!/usr/bin/env python3
"""Turns run.sh's raw measurements (RESULTS/raw/) into the markdown tables
under RESULTS/, the data files the gnuplot script plots, and the results
block of benchmarks/README.md. Standard library only.

    report.py RESULTS_DIR
"""
import csv
import json
import os
import statistics
import sys
from collections import defaultdict

MiB = 1048576
TARGET_SLICE_NS = 1000
TARGET_RATIO = 0.9
TARGET_RSS_MIB = 16

CASES = {
    "a": "rangeup-upload, drive, 10 MiB fragments",
    "b": "rangeup-upload, Outlook, 4 MB",
    "c": "curl CLI, a's ranges, 1 connection",
    "c4": "curl CLI, b's ranges, 1 connection",
    "d": "curl CLI, 1 PUT to /_emulator/sink",
    "e_sync": "Beast sync transport (rangeup::upload)",
    "e_async": "Beast async_upload",
}
CONC = {
    "cli": ("rangeup-upload --parallel (curl multi, one thread)", "cli_seq", "cli_par"),
    "beast": ("Beast async_upload (one io_context thread)", "beast_seq", "beast_par"),
}


def read_rows(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("size", "chunk", "files", "round", "rss_kib"):
            r[k] = int(r[k])
        for k in ("wall_s", "user_s", "sys_s", "emulator_cpu_s"):
            r[k] = float(r[k])
        r["extra"] = dict(kv.split("=", 1) for kv in r["extra"].split(";") if "=" in kv)
    return rows


class Group:
    """The runs of one case: medians over the successful ones."""

    def __init__(self, rows):
        self.all = rows
        self.ok = [r for r in rows if r["status"] == "ok"]
        self.size = rows[0]["size"] if rows else 0

    def __bool__(self):
        return bool(self.ok)

    def median(self, key):
        return statistics.median(key(r) for r in self.ok)

    @property
    def wall(self):
        return self.median(lambda r: r["wall_s"])

    @property
    def mibs(self):
        return self.size / MiB / self.wall

    @property
    def cpu(self):
        return self.median(lambda r: r["user_s"] + r["sys_s"])

    @property
    def emulator_cpu(self):
        return self.median(lambda r: r["emulator_cpu_s"])

    @property
    def rss_mib(self):
        return max(r["rss_kib"] for r in self.ok) / 1024

    def extra(self, key):
        vals = [float(r["extra"][key]) for r in self.ok if key in r["extra"]]
        return statistics.median(vals) if vals else None

    def runs(self):
        return f"{len(self.ok)}/{len(self.all)}"


def group_by(rows, *keys):
    out = defaultdict(list)
    for r in rows:
        out[tuple(r[k] for k in keys)].append(r)
    return {k: Group(v) for k, v in out.items()}


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(x, digits=1):
    return "—" if x is None else f"{x:.{digits}f}"


def size_name(n):
    return f"{n // 1073741824} GiB" if n % 1073741824 == 0 else f"{n // MiB} MiB"


def chunk_name(n):
    return f"{n // MiB} MiB" if n % MiB == 0 else f"{n / MiB:.2f} MiB" if n >= MiB else f"{n // 1024} KiB"


# ---- microbenchmarks ------------------------------------------------------------------
def micro_rows(path):
    if not os.path.exists(path):
        return []
    data = json.load(open(path))["benchmarks"]
    medians = [b for b in data if b.get("aggregate_name") == "median"]
    return medians if medians else [b for b in data if b.get("run_type", "iteration") == "iteration"]


def ns(b, key):
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
    return b[key] * scale


def core_report(raw):
    core, codecs = micro_rows(f"{raw}/bench-core.json"), micro_rows(f"{raw}/bench-codecs.json")
    if not core and not codecs:
        return "(microbenchmarks not run)\n"

    def name(b):
        return b.get("run_name", b["name"]).replace("BM_", "")

    def allocs(b):
        a = b.get("allocs/iter")
        return "n/a" if a is None or a < 0 else f"{a:g}"

    out = ["CPU time is the figure to read on a shared machine (wall time includes waiting for a core).", ""]
    rows = []
    for b in core:
        per_slice = f"{b['per_slice'] * 1e9:.0f} ns/slice" if "per_slice" in b else ""
        rows.append([name(b), f"{ns(b, 'cpu_time'):.0f}", f"{ns(b, 'real_time'):.0f}", allocs(b),
                     per_slice or b.get("label", "")])
    out += ["### Core", "", table(["benchmark", "CPU ns", "wall ns", "allocs/iter", "note"], rows), ""]
    slices = [b for b in core if name(b).startswith("slice_")]
    if slices:
        worst = max(ns(b, "cpu_time") for b in slices)
        zero = all(b.get("allocs/iter", 1) == 0 for b in core)
        out.append(f"Target ≤ {TARGET_SLICE_NS} ns CPU per steady-state slice: worst {worst:.0f} ns — "
                   f"**{'met' if worst <= TARGET_SLICE_NS else 'NOT met'}**; "
                   f"core allocations: **{'0 everywhere' if zero else 'NOT zero'}**.")
        out.append("")
    rows = []
    for b in codecs:
        n = name(b)
        doc, codec = n.split("<")[0].replace("parse_", ""), n.split("::")[-1].rstrip(">")
        mbs = b.get("bytes_per_second")
        rows.append([codec, doc, f"{ns(b, 'cpu_time'):.0f}", f"{ns(b, 'real_time'):.0f}",
                     fmt(mbs / MiB if mbs else None, 0), allocs(b)])
    out += ["### JSON codecs: parse_session", "",
            table(["codec", "document", "CPU ns", "wall ns", "MiB/s", "allocs/iter"], rows), ""]
    return "\n".join(out)


# ---- end to end --------------------------------------------------------------------------
SCHEMES = {"e2e": "HTTP", "e2e_tls": "HTTPS"}
# The rangeup transports held to the bar, each against its own curl baseline.
TRANSPORTS = {"a": "c", "b": "c4", "e_sync": "c", "e_async": "c"}
TRANSPORT_NAMES = {"a": "rangeup-upload (curl transport)", "b": "rangeup-upload, Outlook 4 MB",
                   "e_sync": "Beast sync", "e_async": "Beast async"}


def e2e_report(rows):
    if not rows:
        return "(not run)\n", [], ""
    g = group_by([r for r in rows if r["section"] in SCHEMES], "section", "size", "case")
    out, checks = [], []
    summary = {}  # (case, section, size) -> (ratio, rss)
    for section, scheme in SCHEMES.items():
        for size in sorted({k[1] for k in g if k[0] == section}):
            base_d = g.get((section, size, "d"))
            body = []
            for case in CASES:
                grp = g.get((section, size, case))
                if grp is None:
                    continue
                if not grp:
                    body.append([case, CASES[case], "failed"] + [""] * 6 + [grp.runs()])
                    if case in TRANSPORTS:
                        checks.append([f"{case} ≥ {TARGET_RATIO} × {TRANSPORTS[case]}, {scheme}, {size_name(size)}",
                                       f"failed runs ({grp.runs()})", "NOT met"])
                    continue
                own_c = g.get((section, size, TRANSPORTS.get(case, "c")))
                vs_c = grp.mibs / own_c.mibs if own_c else None
                vs_d = grp.mibs / base_d.mibs if base_d else None
                body.append([case, CASES[case], fmt(grp.mibs), fmt(vs_c, 2) + (" (vs c4)" if case == "b" else ""),
                             fmt(vs_d, 2), fmt(grp.cpu, 2), fmt(grp.emulator_cpu, 2), fmt(grp.rss_mib), grp.runs()])
                if case in TRANSPORTS and vs_c is not None:
                    summary[(case, section, size)] = (vs_c, grp.rss_mib)
                    cpu = fmt(grp.cpu / own_c.cpu if own_c.cpu else None, 2)
                    checks.append([f"{case} ≥ {TARGET_RATIO} × {TRANSPORTS[case]}, {scheme}, {size_name(size)}",
                                   f"{vs_c:.2f} (client CPU ÷ curl's: {cpu})",
                                   "met" if vs_c >= TARGET_RATIO else "NOT met"])
            out += [f"### {size_name(size)}, {scheme}", "",
                    table(["case", "what", "MiB/s (median)", "× c", "× d", "client CPU s", "emulator CPU s",
                           "peak RSS MiB", "runs ok"], body), ""]
    # Peak RSS of every rangeup client in every end-to-end run, per scheme.
    for section, scheme in SCHEMES.items():
        peaks = [(grp.rss_mib, k[2]) for k, grp in g.items() if k[0] == section and k[2] in TRANSPORTS and grp]
        if peaks:
            worst, case = max(peaks)
            checks.append([f"peak RSS ≤ {TARGET_RSS_MIB} MiB, every rangeup client, {scheme} end-to-end runs",
                           f"{worst:.1f} MiB (worst: {case})", "met" if worst <= TARGET_RSS_MIB else "NOT met"])
    rss = group_by([r for r in rows if r["section"] in ("rss", "rss_tls")], "section", "size", "chunk")
    for (section, size, chunk), grp in sorted(rss.items()):
        if grp:
            scheme = "HTTPS" if section == "rss_tls" else "HTTP"
            checks.append([f"peak RSS ≤ {TARGET_RSS_MIB} MiB, rangeup-upload, {scheme}, {size_name(size)} in "
                           f"{chunk_name(chunk)} fragments",
                           f"{grp.rss_mib:.1f} MiB ({fmt(grp.mibs)} MiB/s)",
                           "met" if grp.rss_mib <= TARGET_RSS_MIB else "NOT met"])
    # Where curl's time goes: the last answer waits for the emulator to hash the file.
    tail = []
    for section, scheme in SCHEMES.items():
        for size in sorted({k[1] for k in g if k[0] == section}):
            grp = g.get((section, size, "c"))
            final = grp.extra("final_s") if grp else None
            if final is not None:
                tail.append([scheme, size_name(size), fmt(grp.wall, 3), fmt(final, 3), f"{100 * final / grp.wall:.0f} %"])
    if tail:
        out += ["### Time spent waiting for the final answer (case c)", "",
                "The emulator hashes the whole file (SHA-256 + QuickXorHash) before it answers the last "
                "fragment; every client waits for that the same way.", "",
                table(["scheme", "size", "c wall s", "last PUT s", "share"], tail), ""]
    # One line per transport: × curl at each size, HTTP and HTTPS, and the worst peak RSS.
    sizes = sorted({k[2] for k in summary})
    head, body = ["transport"], []
    for section, scheme in SCHEMES.items():
        head += [f"{scheme} {size_name(size)}" for size in sizes] + [f"{scheme} peak RSS MiB"]
    for case in TRANSPORTS:
        if not any(k[0] == case for k in summary):
            continue
        row = [f"{case}: {TRANSPORT_NAMES[case]}"]
        for section in SCHEMES:
            vals = [summary.get((case, section, size)) for size in sizes]
            row += [fmt(v[0], 2) if v else "—" for v in vals]
            rss_vals = [v[1] for v in vals if v]
            row.append(fmt(max(rss_vals)) if rss_vals else "—")
        body.append(row)
    summary_md = "\n".join([f"Throughput ÷ curl CLI's over the same ranges and connection setup (target ≥ {TARGET_RATIO}; "
                            f"b against c4, the rest against c), and peak RSS (target ≤ {TARGET_RSS_MIB} MiB).", "",
                            table(head, body), ""]) if body else ""
    return "\n".join(out), checks, summary_md


def concurrency_report(rows):
    if not rows:
        return "(not run)\n"
    g = group_by(rows, "case")
    files = rows[0]["files"]
    each = rows[0]["size"] // files
    body = []
    for what, seq, par in CONC.values():
        s, p = g.get((seq,)), g.get((par,))
        if not s or not p:
            continue
        body.append([what, fmt(s.mibs), fmt(p.mibs), f"{p.mibs / s.mibs:.2f}", fmt(s.cpu, 2), fmt(p.cpu, 2),
                     f"{fmt(s.rss_mib)} / {fmt(p.rss_mib)}", f"{s.runs()} / {p.runs()}"])
    return "\n".join([
        f"{files} files of {size_name(each)} each ({size_name(files * each)} in all), 10 MiB fragments; "
        f"aggregate throughput of all {files} at once vs one after another.", "",
        table(["client", "sequential MiB/s", f"{files} at once MiB/s", "ratio", "CPU s seq", "CPU s par",
               "peak RSS MiB seq / par", "runs ok"], body), ""])


def scaling_report(e2e, chunks, raw):
    out = []
    a = group_by([r for r in e2e if r["section"] == "e2e" and r["case"] in ("a", "c")], "size", "case")
    body, dat = [], []
    for size in sorted({k[0] for k in a}):
        grp, c = a.get((size, "a")), a.get((size, "c"))
        if not grp:
            continue
        body.append([size_name(size), fmt(grp.wall, 3), fmt(grp.mibs), fmt(c.wall, 3) if c else "—",
                     fmt(grp.cpu, 2), fmt(grp.rss_mib)])
        dat.append(f"{size / MiB:g} {grp.wall:.4f} {c.wall if c else 0:.4f} {grp.rss_mib:.2f} {grp.cpu:.3f}")
    out += ["### File size (10 MiB fragments)", "",
            table(["file", "rangeup-upload s", "MiB/s", "curl (c) s", "client CPU s", "peak RSS MiB"], body), ""]
    with open(f"{raw}/size.dat", "w") as f:
        f.write("# size_mib upload_s curl_s rss_mib cpu_s\n" + "\n".join(dat) + "\n")

    g = group_by(chunks, "chunk", "case")
    body, dat = [], []
    size = chunks[0]["size"] if chunks else 0
    for chunk in sorted({k[0] for k in g}):
        grp, c = g.get((chunk, "a")), g.get((chunk, "c"))
        if not grp:
            continue
        requests = -(-size // chunk)
        ratio = grp.mibs / c.mibs if c else None
        body.append([chunk_name(chunk), requests, fmt(grp.mibs), fmt(c.mibs) if c else "—", fmt(ratio, 2),
                     fmt(grp.cpu, 2), fmt(grp.rss_mib)])
        dat.append(f"{chunk / MiB:.4f} {grp.mibs:.2f} {c.mibs if c else 0:.2f} {grp.rss_mib:.2f}")
    if body:
        out += [f"### Fragment size ({size_name(size)} file)", "",
                table(["fragment", "PUTs", "rangeup-upload MiB/s", "curl (c) MiB/s", "× c", "client CPU s",
                       "peak RSS MiB"], body), ""]
    with open(f"{raw}/chunk.dat", "w") as f:
        f.write("# chunk_mib upload_mibs curl_mibs rss_mib\n" + "\n".join(dat) + "\n")
    out.append("![time and memory vs file and fragment size](scaling.png)\n")
    return "\n".join(out)


def write(path, title, machine, body):
    with open(path, "w") as f:
        f.write(f"# {title}\n\nGenerated by `benchmarks/e2e/run.sh`; do not edit by hand.\n\n"
                f"{machine}\n\n{body}\n")


def main():
    results = sys.argv[1]
    raw = f"{results}/raw"
    machine = open(f"{raw}/machine.md").read().strip() if os.path.exists(f"{raw}/machine.md") else ""
    e2e, conc, chunks = (read_rows(f"{raw}/{n}.csv") for n in ("e2e", "concurrency", "chunks"))

    core = core_report(raw)
    e2e_md, checks, summary_md = e2e_report(e2e)
    targets = table(["target", "measured", ""], checks) if checks else "(no end-to-end runs)"
    conc_md = concurrency_report(conc)
    scaling_md = scaling_report(e2e, chunks, raw)
    write(f"{results}/core.md", "Core and codec microbenchmarks", machine, core)
    write(f"{results}/e2e.md", "End-to-end throughput", machine,
          f"### Targets\n\n{targets}\n\n### Transports vs curl\n\n{summary_md}\n{e2e_md}")
    write(f"{results}/concurrency.md", "Concurrency", machine, conc_md)
    write(f"{results}/scaling.md", "Scaling", machine, scaling_md)

    # benchmarks/README.md: the block between the markers is regenerated.
    readme = os.path.join(os.path.dirname(os.path.abspath(results)), "README.md")
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    if os.path.exists(readme):
        text = open(readme).read()
        if begin in text and end in text:
            block = "\n\n".join([
                machine, "### Targets", targets, "### Transports vs curl", summary_md, "### Microbenchmarks", core.replace("### ", "#### "),
                "### End to end", e2e_md.replace("### ", "#### "), "### Concurrency", conc_md,
                "### Scaling", scaling_md.replace("### ", "#### ").replace("](scaling.png)", "](results/scaling.png)")])
            text = text[:text.index(begin) + len(begin)] + "\n" + block + "\n" + text[text.index(end):]
            open(readme, "w").write(text)


if __name__ == "__main__":
    main()
