"""Helpers shared by the notebooks: run hashshift, run (smaller) sweeps, load tables, plot.

Everything here shells out to the `hashshift` binary and reads its Parquet output; nothing
re-implements the model. Settings come from environment variables so that CI can execute the
notebooks quickly (``notebooks/run.py --small`` sets them):

``HASHSHIFT_NB_SMALL=1``
    small settings: fewer replicates, firms and design points, shorter horizons (CI).
``HASHSHIFT_NB_OUT``
    parent folder of the runs and sweeps (default: ``outputs/`` at the repository root).
``HASHSHIFT_BIN``
    the hashshift binary (default: ``target/release/hashshift``, built with cargo if missing).
``HASHSHIFT_REFERENCE``
    the reference data folder (default: ``../shared/reference`` beside the repository).
``HASHSHIFT_README_FIGURE=1``
    ``00-quickstart`` also writes the README's figure, ``docs/quickstart.png``.
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
SMALL = os.environ.get("HASHSHIFT_NB_SMALL", "") == "1"
OUT = Path(os.environ.get("HASHSHIFT_NB_OUT", REPO / "outputs")).resolve()
FIGURES = OUT / "figures"
REFERENCE = Path(os.environ.get("HASHSHIFT_REFERENCE", REPO.parent / "shared" / "reference"))
README_FIGURE = os.environ.get("HASHSHIFT_README_FIGURE", "") == "1"


def binary() -> Path:
    """The hashshift binary; builds it (`cargo build --release`) when it is missing."""
    explicit = os.environ.get("HASHSHIFT_BIN")
    if explicit:
        return Path(explicit)
    path = REPO / "target" / "release" / "hashshift"
    if not path.exists():
        print("building hashshift (cargo build --release), a few minutes the first time ...")
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    return path


def _hashshift(*args: str) -> str:
    cmd = [str(binary()), *args]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(cmd)}` failed with exit code {proc.returncode}:\n{proc.stderr}"
        )
    return proc.stdout + proc.stderr


def run(scenario: str, name: str | None = None, seed: int | None = None, **sets) -> Path:
    """Runs `scenarios/<scenario>.toml` (with `--set key=value` for each keyword, dots written
    as `__`: ``horizon_years=4``, ``firms__count=500``) into OUT/<name>/ and returns the folder.
    A run takes seconds, so it is always redone."""
    name = name or scenario
    args = ["run", f"scenarios/{scenario}.toml", "--out", str(OUT), "--quiet", "--set", f"name={name}"]
    if seed is not None:
        args += ["--seed", str(seed)]
    for key, value in sets.items():
        args += ["--set", f"{key.replace('__', '.')}={_toml_value(value)}"]
    _hashshift(*args)
    return OUT / name


def sweep(file: str, name: str | None = None, set_: dict | None = None, **top) -> Path:
    """Runs the sweep `scenarios/sweeps/<file>.toml` into OUT/<name>/ and returns the folder.

    ``set_`` adds keys to the sweep's ``[set]`` table (dotted paths, e.g.
    ``{"firms.count": 300}``); other keywords replace top-level tables or keys of the file
    (``replicates={"count": 8}``, ``design={...}``, ``axis=[...]``). A modified sweep is written
    to OUT/_sweeps/<name>.toml first. A finished sweep of the same file is reused: hashshift's
    ``--resume`` checks that the folder holds exactly this sweep and only runs what is missing.
    """
    src = REPO / "scenarios" / "sweeps" / f"{file}.toml"
    spec = tomllib.loads(src.read_text())
    name = name or spec.get("name", file)
    if set_ or top or name != spec.get("name"):
        spec["name"] = name
        spec["scenario"] = str((src.parent / spec["scenario"]).resolve())
        merged = _flatten(spec.get("set", {}))
        for path, value in (set_ or {}).items():
            merged[path] = value
        spec["set"] = merged
        spec.update(top)
        (OUT / "_sweeps").mkdir(parents=True, exist_ok=True)
        src = OUT / "_sweeps" / f"{name}.toml"
        src.write_text(_dump_toml(spec))
    args = ["sweep", str(src), "--out", str(OUT), "--quiet"]
    if (OUT / name / "_sweep.json").exists():
        args.append("--resume")
    _hashshift(*args)
    return OUT / name


def sweep_table(root: Path, table: str, columns: list[str] | None = None) -> pl.DataFrame:
    """One table across all runs of a sweep, with the integer `run` key (Hive partition)."""
    lazy = pl.scan_parquet(root / "run=*" / f"{table}.parquet", hive_partitioning=True)
    if columns is not None:
        lazy = lazy.select(["run", *columns])
    return lazy.collect()


def events(run_dir: Path, kind: str) -> pl.DataFrame:
    """The run's events of one kind (only those rows are decoded)."""
    return pl.scan_parquet(run_dir / "events.parquet").filter(pl.col("kind") == kind).collect()


def reference_available(*files: str) -> bool:
    return all((REFERENCE / f).exists() for f in files)


def band(df: pl.DataFrame, x: str, y: str, lo: float = 0.05, hi: float = 0.95) -> pl.DataFrame:
    """Per value of `x` across runs: the median of `y` and its `lo`/`hi` quantiles."""
    return (
        df.group_by(x)
        .agg(
            pl.col(y).median().alias("median"),
            pl.col(y).quantile(lo, "linear").alias("lo"),
            pl.col(y).quantile(hi, "linear").alias("hi"),
        )
        .sort(x)
    )


def date_axis(ax) -> None:
    """Concise date ticks on the x axis."""
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def style() -> None:
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "font.size": 10,
        }
    )


def save(fig, name: str) -> Path:
    """Saves a figure under OUT/figures/ (PNG) and returns the path."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / f"{name}.png"
    fig.savefig(path, bbox_inches="tight")
    return path


def dates(series: pl.Series) -> np.ndarray:
    """A polars datetime column as numpy datetime64 (what matplotlib plots on date axes)."""
    return series.dt.replace_time_zone(None).to_numpy()


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as a TOML value")


def _toml_key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum()
    return key if bare else json.dumps(key)


def _dump_toml(spec: dict) -> str:
    """A minimal TOML writer for sweep files: scalars, arrays, tables, arrays of tables."""
    lines: list[str] = []

    def table(prefix: str, body: dict) -> None:
        scalars = {k: v for k, v in body.items() if not isinstance(v, dict) and not _is_aot(v)}
        for k, v in scalars.items():
            # [set] holds flattened dotted paths, written as dotted keys `a.b = v`.
            key = ".".join(_toml_key(p) for p in k.split(".")) if prefix == "set" else _toml_key(k)
            lines.append(f"{key} = {_toml_value(v)}")
        for k, v in body.items():
            if isinstance(v, dict):
                header = f"{prefix}.{_toml_key(k)}" if prefix else _toml_key(k)
                lines.append(f"\n[{header}]")
                table(header, v)
        for k, v in body.items():
            if _is_aot(v):
                for item in v:
                    lines.append(f"\n[[{_toml_key(k)}]]")
                    table(k, item)

    table("", spec)
    return "\n".join(lines) + "\n"


def _flatten(table: dict, prefix: str = "") -> dict:
    """`{"firms": {"count": 3}}` -> `{"firms.count": 3}` (the dotted paths of a [set] table)."""
    flat = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def _is_aot(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
