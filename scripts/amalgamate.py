#!/usr/bin/env python3
"""Generate the single-header edition in single_include/rangeup/:

  rangeup.hpp                the core, from include/rangeup/rangeup.hpp
  rangeup_io.hpp             adapters/io           (includes rangeup.hpp)
  rangeup_curl.hpp           adapters/curl         (includes rangeup_io.hpp)
  rangeup_beast.hpp          adapters/beast        (includes rangeup_io.hpp)
  rangeup_nlohmann_json.hpp  adapters/json, nlohmann/json codec
  rangeup_boost_json.hpp     adapters/json, Boost.JSON codec

Every `#include "rangeup/..."` of a header of the file being generated is replaced
by that header's text the first time it is seen (and dropped afterwards), so each
file keeps the declarations in their original order. An adapter's includes of the
core, or of another adapter, become one `#include "rangeup.hpp"` /
`#include "rangeup_<adapter>.hpp"` (relative to the file, so the folder can be
copied anywhere); a core header the core file does not contain is an error, so
no declaration can exist twice. System includes stay where they are. Usage:

  scripts/amalgamate.py           write the files
  scripts/amalgamate.py --check   exit 1 if a committed file is out of date
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE_DIR = ROOT / "include"
OUTPUT_DIR = ROOT / "single_include" / "rangeup"
LOCAL_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](rangeup/[^">]+)[">]')
PRAGMA_ONCE = re.compile(r"^\s*#\s*pragma\s+once\s*$")
CONDITIONAL = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b")

# name -> (directory under adapters/, headers or header folders it consists of)
ADAPTERS = {
    "io": ("io", ["rangeup/io"]),
    "curl": ("curl", ["rangeup/curl"]),
    "beast": ("beast", ["rangeup/beast.hpp", "rangeup/beast"]),
    "nlohmann_json": ("json", ["rangeup/nlohmann_json"]),
    "boost_json": ("json", ["rangeup/boost_json"]),
}


def fail(message: str) -> None:
    sys.exit(f"amalgamate: {message}")


def version() -> str:
    text = (INCLUDE_DIR / "rangeup" / "config.hpp").read_text()
    parts = [re.search(rf"#define RANGEUP_VERSION_{p} (\d+)", text).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def licence_comment() -> str:
    lines = (ROOT / "LICENSE").read_text().rstrip("\n").splitlines()
    return "".join(("// " + line).rstrip() + "\n" for line in lines)


def owner(relative: str):
    """'core', or the adapter whose headers include `relative`, or None."""
    if (INCLUDE_DIR / relative).is_file():
        return "core"
    for name, (_, entries) in ADAPTERS.items():
        if any(relative == e or relative.startswith(e + "/") for e in entries):
            return name
    return None


def source_path(name: str, relative: str) -> pathlib.Path:
    if name == "core":
        return INCLUDE_DIR / relative
    return ROOT / "adapters" / ADAPTERS[name][0] / relative


class Unit:
    """One generated file: the headers it inlines and the files it includes."""

    def __init__(self, name: str, core_headers: set):
        self.name = name
        self.core_headers = core_headers  # what rangeup.hpp contains (empty for the core itself)
        self.seen: set = set()
        self.deps: list = []  # other single-include files, in first-use order
        self.out: list = []
        # The #if/#elif/#else lines enclosing the current line, across the inclusion
        # chain. A header is inlined where it is first included, so its text is
        # under that condition; including it again under another one would lose it.
        self.conditions: list = []
        self.first_context: dict = {}

    def need(self, dep: str) -> None:
        if dep not in self.deps:
            self.deps.append(dep)

    def track(self, line: str) -> None:
        match = CONDITIONAL.match(line)
        if not match:
            return
        kind = match.group(1)
        if kind in ("if", "ifdef", "ifndef"):
            self.conditions.append(line.strip())
        elif kind == "endif":
            self.conditions.pop()
        else:
            self.conditions[-1] += " / " + line.strip()

    def inline(self, relative: str, included_from: str) -> None:
        context = tuple(self.conditions)
        if relative in self.seen:
            first = self.first_context[relative]
            if first and first != context:
                fail(f"{relative} is included under {list(first) or 'no condition'} and, from {included_from}, "
                     f"under {list(context) or 'no condition'}; the single header can hold only the first")
            return
        who = owner(relative)
        if who is None:
            fail(f"{relative} (included from {included_from}) is neither in include/ nor in an adapter")
        if who != self.name:
            if self.name == "core":
                fail(f"core header {included_from} includes the adapter header {relative}")
            if who == "core" and relative not in self.core_headers:
                fail(f"{relative} (included from {included_from}) is not reached from rangeup/rangeup.hpp; "
                     "add it there so that the single header has it")
            self.need(who)
            return
        path = source_path(who, relative)
        if not path.is_file():
            fail(f"{relative} is included from {included_from} but does not exist")
        self.seen.add(relative)
        self.first_context[relative] = context
        self.out.append(f"// ---- begin {relative} ----\n")
        depth = len(self.conditions)
        for line in path.read_text().splitlines(keepends=True):
            if PRAGMA_ONCE.match(line):
                continue
            match = LOCAL_INCLUDE.match(line)
            if match:
                self.inline(match.group(1), relative)
            else:
                self.track(line)
                self.out.append(line)
        if len(self.conditions) != depth:
            fail(f"{relative} has unbalanced #if/#endif")
        if not self.out[-1].endswith("\n"):
            self.out.append("\n")
        self.out.append(f"// ---- end {relative} ----\n")


def adapter_headers(name: str) -> list:
    directory, entries = ADAPTERS[name]
    root = ROOT / "adapters" / directory
    headers = []
    for entry in entries:
        path = root / entry
        if path.is_dir():
            # Subfolders (detail/) are inlined where the headers above them include them.
            headers += sorted(p.relative_to(root).as_posix() for p in path.glob("*.hpp"))
        elif path.is_file():
            headers.append(entry)
        else:
            fail(f"adapters/{directory}/{entry} does not exist")
    return headers


def file_name(name: str) -> str:
    return "rangeup.hpp" if name == "core" else f"rangeup_{name}.hpp"


def wrap(name: str, unit: Unit, what: str) -> str:
    guard = "RANGEUP_SINGLE_INCLUDE_HPP" if name == "core" else f"RANGEUP_SINGLE_INCLUDE_{name.upper()}_HPP"
    head = (
        f"// rangeup {version()} — single-header edition ({what}).\n"
        "// Generated by scripts/amalgamate.py; do not edit by hand.\n"
        "// Microsoft Graph upload sessions, sans-I/O; documentation in rangeup's README.md.\n"
        "// SPDX-License-Identifier: MIT\n"
        "//\n"
        + licence_comment()
        + "#pragma once\n"
        f"#ifndef {guard}\n"
        f"#define {guard}\n\n"
    )
    includes = "".join(f'#include "{file_name(dep)}"\n' for dep in unit.deps)
    if includes:
        includes += "\n"
    return head + includes + "".join(unit.out) + f"\n#endif  // {guard}\n"


def generate() -> dict:
    core = Unit("core", set())
    core.inline("rangeup/rangeup.hpp", "scripts/amalgamate.py")
    files = {"rangeup.hpp": wrap("core", core, "core only")}
    deps = {}
    for name, (directory, _) in ADAPTERS.items():
        unit = Unit(name, core.seen)
        for header in adapter_headers(name):
            unit.inline(header, f"adapters/{directory}")
        # The core first, then the adapters this one builds on.
        unit.deps.sort(key=lambda dep: dep != "core")
        deps[name] = unit.deps
        files[file_name(name)] = wrap(name, unit, f"adapter {name}, from adapters/{directory}/")
    for name, uses in deps.items():
        for dep in uses:
            if name in deps.get(dep, []):
                fail(f"adapters {name} and {dep} include each other")
    return files


def main() -> int:
    files = generate()
    if "--check" in sys.argv[1:]:
        stale = [n for n, text in files.items()
                 if not (OUTPUT_DIR / n).is_file() or (OUTPUT_DIR / n).read_text() != text]
        extra = sorted(p.name for p in OUTPUT_DIR.glob("*.hpp") if p.name not in files)
        for n in stale:
            print(f"amalgamate: single_include/rangeup/{n} is out of date; run scripts/amalgamate.py", file=sys.stderr)
        for n in extra:
            print(f"amalgamate: single_include/rangeup/{n} is not generated any more; delete it", file=sys.stderr)
        if stale or extra:
            return 1
        print(f"amalgamate: single_include/rangeup/ is up to date ({len(files)} files)")
        return 0
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for n, text in files.items():
        (OUTPUT_DIR / n).write_text(text)
        print(f"amalgamate: wrote single_include/rangeup/{n} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
