#!/usr/bin/env python3
"""README code blocks marked `<!-- example: PATH -->` must equal the file PATH,
which CMake builds (and where possible runs) - so README examples are compiled
in CI and cannot rot. Usage: readme_examples.py SOURCE_DIR"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
readme = (root / "README.md").read_text()
blocks = re.findall(r"<!-- example: (\S+) -->\s*```cpp\n(.*?)```", readme, re.S)
if not blocks:
    sys.exit("readme_examples: no marked examples found in README.md")
bad = 0
for path, code in blocks:
    source = root / path
    if not source.is_file():
        print(f"readme_examples: {path} does not exist")
        bad += 1
    elif source.read_text() != code:
        print(f"readme_examples: README block for {path} differs from the file")
        bad += 1
    else:
        print(f"readme_examples: {path} matches")
sys.exit(1 if bad else 0)
