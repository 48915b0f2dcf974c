#!/usr/bin/env python3
"""Executes the notebooks top to bottom with nbclient, as a reader would (CI runs this).

    python3 notebooks/run.py                  # every notebook, full settings
    python3 notebooks/run.py --small          # small settings (CI): fewer runs, shorter horizons
    python3 notebooks/run.py 00-quickstart --readme-figure   # also rewrite docs/quickstart.png

Executed copies (with their outputs) go to <out>/notebooks/ (default outputs/notebooks/,
git-ignored); the committed notebooks stay without outputs. Figures go to <out>/figures/.
Exit code 1 if any cell of any notebook fails (the failing cell and its error are printed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="notebooks to run (e.g. 00-quickstart); default: all")
    parser.add_argument("--small", action="store_true", help="small settings (HASHSHIFT_NB_SMALL=1)")
    parser.add_argument("--out", type=Path, help="parent folder of runs, sweeps and figures (HASHSHIFT_NB_OUT)")
    parser.add_argument("--readme-figure", action="store_true", help="00-quickstart rewrites docs/quickstart.png")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    args = parser.parse_args()

    if args.small:
        os.environ["HASHSHIFT_NB_SMALL"] = "1"
    if args.out:
        os.environ["HASHSHIFT_NB_OUT"] = str(args.out.resolve())
    if args.readme_figure:
        os.environ["HASHSHIFT_README_FIGURE"] = "1"
    out = Path(os.environ.get("HASHSHIFT_NB_OUT", HERE.parent / "outputs"))
    executed_dir = out / "notebooks"
    executed_dir.mkdir(parents=True, exist_ok=True)

    paths = sorted(HERE.glob("[0-9][0-9]-*.ipynb"))
    if args.names:
        wanted = {n.removesuffix(".ipynb") for n in args.names}
        unknown = wanted - {p.stem for p in paths}
        if unknown:
            print(f"unknown notebook(s): {', '.join(sorted(unknown))}; have: "
                  f"{', '.join(p.stem for p in paths)}", file=sys.stderr)
            return 2
        paths = [p for p in paths if p.stem in wanted]

    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        start = time.monotonic()
        try:
            client.execute()
            status = "ok"
        except CellExecutionError as err:
            status = "FAILED"
            failed.append(path.stem)
            print(f"--- {path.name}: a cell failed ---\n{err}", file=sys.stderr)
        nbformat.write(nb, executed_dir / path.name)
        print(f"{path.stem}: {status} in {time.monotonic() - start:.1f} s "
              f"(executed copy: {executed_dir / path.name})", flush=True)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
