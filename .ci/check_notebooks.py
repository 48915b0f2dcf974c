#!/usr/bin/env python3
"""Checks the committed notebooks: valid nbformat, no outputs or execution counts committed."""
import sys
from pathlib import Path

import nbformat

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "notebooks")
paths = sorted(folder.glob("[0-9][0-9]-*.ipynb"))
problems = []
if len(paths) < 6:
    problems.append(f"expected the six notebooks 00-05 in {folder}, found {len(paths)}")
for path in paths:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            problems.append(f"{path}: cell {i} has committed outputs (clear them before committing)")
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        problems.append(f"{path}: must open with a markdown cell saying what it shows")
for p in problems:
    print("FAIL:", p)
print(f"{len(paths)} notebooks checked" + ("" if problems else ": valid, no committed outputs"))
sys.exit(1 if problems else 0)
