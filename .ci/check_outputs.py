#!/usr/bin/env python3
"""Check hashshift run folders with independent Parquet readers.

usage: check_outputs.py [--require-all] RUN_DIR [RUN_DIR ...]

For every run folder:
  * the completion marker `_SUCCESS` exists;
  * `summary.parquet` exists and has exactly one row; `blocks.parquet` and
    `epochs.parquet` are checked when present (they are optional tables);
  * every field carries a `unit` in its field metadata, and the file key-value metadata
    has `hashshift.version`, `hashshift.seed` and `hashshift.table` (= the table name);
  * blocks: heights strictly increasing by 1, row count equal to the summary's `blocks`,
    `time` is a UTC timestamp;
  * epochs: `end_height - start_height == 2015` on every row;
  * the files read with pyarrow (required) and, when importable, pandas, polars and
    DuckDB (`--require-all` makes these mandatory) give the same row counts, heights and
    column sums.

Prints the readers used, one line per run folder, and exits non-zero with the reasons on
any failure.
"""

from __future__ import annotations

import argparse
import math
import os
import sys

try:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover
    sys.exit("check_outputs.py: pyarrow is required (pip install pyarrow)")

MARKER = "_SUCCESS"
TABLES = ("blocks", "epochs", "summary")
OPTIONAL_READERS = ("pandas", "polars", "duckdb")
UTC_NAMES = {"UTC", "Etc/UTC", "+00:00", "Z"}
REQUIRED_KV = ("hashshift.version", "hashshift.seed", "hashshift.table")


class CheckError(Exception):
    """A failed check (message names the file)."""


def load_optional_readers(require_all: bool) -> dict:
    readers = {}
    missing = []
    for name in OPTIONAL_READERS:
        try:
            readers[name] = __import__(name)
        except ImportError:
            missing.append(name)
    if missing and require_all:
        sys.exit(f"check_outputs.py: --require-all but not importable: {', '.join(missing)}")
    return readers


def close(a: float, b: float) -> bool:
    if a is None or b is None:
        return a is b
    if math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


# --------------------------------------------------------------------------- pyarrow checks


def check_layout(path: str, table_name: str, table: pa.Table) -> None:
    for field in table.schema:
        md = field.metadata or {}
        if b"unit" not in md:
            raise CheckError(f"{path}: field {field.name!r} has no 'unit' metadata")
    kv = pq.read_metadata(path).metadata or {}
    for key in REQUIRED_KV:
        if key.encode() not in kv:
            raise CheckError(f"{path}: key-value metadata lacks {key!r}")
    got = kv[b"hashshift.table"].decode()
    if got != table_name:
        raise CheckError(f"{path}: hashshift.table is {got!r}, expected {table_name!r}")


def is_utc_timestamp(t: pa.DataType) -> bool:
    return pa.types.is_timestamp(t) and t.tz in UTC_NAMES


def check_blocks(path: str, t: pa.Table, summary: pa.Table) -> None:
    ttype = t.schema.field("time").type
    if not is_utc_timestamp(ttype):
        raise CheckError(f"{path}: column 'time' is {ttype}, expected a UTC timestamp")
    n = t.num_rows
    expected = summary.column("blocks")[0].as_py()
    if n != expected:
        raise CheckError(f"{path}: {n} rows but summary says blocks = {expected}")
    if n == 0:
        return
    h = pc.cast(t.column("height").combine_chunks(), pa.int64())
    if n > 1:
        steps = pc.subtract(h.slice(1), h.slice(0, n - 1))
        bad = pc.sum(pc.cast(pc.not_equal(steps, 1), pa.int64())).as_py()
        if bad:
            raise CheckError(f"{path}: heights not strictly increasing by 1 ({bad} bad steps)")
    first = h[0].as_py()
    start = summary.column("start_height")[0].as_py()
    if first != start:
        raise CheckError(f"{path}: first height {first} != summary start_height {start}")


def check_epochs(path: str, t: pa.Table) -> None:
    for name in ("first_block_time", "last_block_time"):
        ttype = t.schema.field(name).type
        if not is_utc_timestamp(ttype):
            raise CheckError(f"{path}: column {name!r} is {ttype}, expected a UTC timestamp")
    if t.num_rows == 0:
        return
    span = pc.subtract(
        pc.cast(t.column("end_height"), pa.int64()), pc.cast(t.column("start_height"), pa.int64())
    )
    bad = pc.sum(pc.cast(pc.not_equal(span, 2015), pa.int64())).as_py()
    if bad:
        raise CheckError(f"{path}: {bad} rows with end_height - start_height != 2015")


# ------------------------------------------------------------------- cross-reader checks


def fingerprint_arrow(table_name: str, t: pa.Table) -> dict:
    """Row count and a few aggregates the other readers must reproduce."""
    fp = {"rows": t.num_rows}
    if t.num_rows == 0:
        return fp
    if table_name == "blocks":
        fp["height_min"] = pc.min(t.column("height")).as_py()
        fp["height_max"] = pc.max(t.column("height")).as_py()
        fp["interval_sum"] = pc.sum(t.column("interval_s")).as_py()
        fp["fees_sum"] = pc.sum(t.column("fees_sat")).as_py()
        fp["time_max_s"] = pc.max(t.column("time")).value // _per_second(t.schema.field("time").type)
    elif table_name == "epochs":
        fp["height_min"] = pc.min(t.column("start_height")).as_py()
        fp["height_max"] = pc.max(t.column("end_height")).as_py()
        fp["interval_sum"] = pc.sum(t.column("mean_interval_s")).as_py()
    else:
        fp["height_min"] = t.column("start_height")[0].as_py()
        fp["height_max"] = t.column("end_height")[0].as_py()
        fp["interval_sum"] = t.column("mean_interval_s")[0].as_py()
    return fp


def _per_second(t: pa.DataType) -> int:
    return {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[t.unit]


def _cols(table_name: str) -> tuple[str, str, str]:
    return {
        "blocks": ("height", "height", "interval_s"),
        "epochs": ("start_height", "end_height", "mean_interval_s"),
        "summary": ("start_height", "end_height", "mean_interval_s"),
    }[table_name]


def fingerprint_pandas(pd, path: str, table_name: str) -> dict:
    df = pd.read_parquet(path)
    fp = {"rows": len(df)}
    if len(df) == 0:
        return fp
    lo, hi, iv = _cols(table_name)
    fp["height_min"] = int(df[lo].min())
    fp["height_max"] = int(df[hi].max())
    fp["interval_sum"] = float(df[iv].sum(skipna=False))
    if table_name == "blocks":
        fp["fees_sum"] = int(df["fees_sat"].sum())
        tz = getattr(df["time"].dt, "tz", None)
        if tz is None or str(tz) not in UTC_NAMES:
            raise CheckError(f"{path}: pandas reads 'time' as {df['time'].dtype}, not UTC")
        fp["time_max_s"] = int(df["time"].max().timestamp())
    return fp


def fingerprint_polars(pl, path: str, table_name: str) -> dict:
    df = pl.read_parquet(path)
    fp = {"rows": df.height}
    if df.height == 0:
        return fp
    lo, hi, iv = _cols(table_name)
    fp["height_min"] = int(df[lo].min())
    fp["height_max"] = int(df[hi].max())
    fp["interval_sum"] = float(df[iv].sum()) if df[iv].null_count() == 0 else None
    if table_name == "blocks":
        fp["fees_sum"] = int(df["fees_sat"].sum())
        dtype = df.schema["time"]
        if not (isinstance(dtype, pl.Datetime) and dtype.time_zone in UTC_NAMES):
            raise CheckError(f"{path}: polars reads 'time' as {dtype}, not UTC")
        fp["time_max_s"] = int(df["time"].max().timestamp())
    return fp


def fingerprint_duckdb(duckdb, path: str, table_name: str) -> dict:
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        lo, hi, iv = _cols(table_name)
        rows, hmin, hmax, isum = con.execute(
            f'SELECT count(*), min("{lo}"), max("{hi}"), sum("{iv}") FROM read_parquet(?)',
            [path],
        ).fetchone()
        fp = {"rows": rows}
        if rows == 0:
            return fp
        fp.update(height_min=int(hmin), height_max=int(hmax), interval_sum=float(isum))
        if table_name == "blocks":
            fees, tmax, ttype = con.execute(
                'SELECT sum("fees_sat"), epoch(max("time")), typeof(any_value("time")) '
                "FROM read_parquet(?)",
                [path],
            ).fetchone()
            if ttype != "TIMESTAMP WITH TIME ZONE":
                raise CheckError(f"{path}: DuckDB reads 'time' as {ttype}, not TIMESTAMPTZ")
            fp["fees_sum"] = int(fees)
            fp["time_max_s"] = int(tmax)
        return fp
    finally:
        con.close()


def compare(path: str, reader: str, want: dict, got: dict) -> None:
    for key, value in want.items():
        other = got.get(key)
        ok = close(value, other) if isinstance(value, float) else value == other
        if not ok:
            raise CheckError(f"{path}: {reader} gives {key} = {other!r}, pyarrow {value!r}")


# --------------------------------------------------------------------------------- driver


def check_daily(run_dir: str, summary: pa.Table, readers: dict) -> str:
    """daily.parquet and daily_regions.parquet: always written (regions empty without a fleet)."""
    path = os.path.join(run_dir, "daily.parquet")
    rpath = os.path.join(run_dir, "daily_regions.parquet")
    for p in (path, rpath):
        if not os.path.exists(p):
            raise CheckError(f"{p}: missing (the daily tables are always written)")
    d = pq.read_table(path)
    r = pq.read_table(rpath)
    check_layout(path, "daily", d)
    check_layout(rpath, "daily_regions", r)
    if not is_utc_timestamp(d.schema.field("date").type):
        raise CheckError(f"{path}: 'date' is {d.schema.field('date').type}, not a UTC timestamp")
    dates = d.column("date").cast(pa.int64()).to_pylist()
    if any(b <= a for a, b in zip(dates, dates[1:])):
        raise CheckError(f"{path}: dates are not strictly increasing")
    blocks = sum(d.column("blocks").to_pylist())
    want = summary.column("blocks")[0].as_py()
    if blocks != want:
        raise CheckError(f"{path}: daily blocks sum to {blocks}, summary says {want}")
    if r.num_rows not in (0, 10 * d.num_rows):
        raise CheckError(f"{rpath}: {r.num_rows} rows for {d.num_rows} days (expected 0 or 10 per day)")
    for reader, module in readers.items():
        if reader == "pandas":
            n = (len(module.read_parquet(path)), len(module.read_parquet(rpath)))
        elif reader == "polars":
            n = (module.read_parquet(path).height, module.read_parquet(rpath).height)
        else:
            con = module.connect()
            n = tuple(con.execute("SELECT count(*) FROM read_parquet(?)", [p]).fetchone()[0] for p in (path, rpath))
            con.close()
        if n != (d.num_rows, r.num_rows):
            raise CheckError(f"{run_dir}: {reader} reads {n} daily/daily_regions rows, pyarrow {(d.num_rows, r.num_rows)}")
    return f"daily={d.num_rows} daily_regions={r.num_rows}"


def check_run_dir(run_dir: str, readers: dict) -> str:
    if not os.path.isdir(run_dir):
        raise CheckError(f"{run_dir}: not a folder")
    if not os.path.isfile(os.path.join(run_dir, MARKER)):
        raise CheckError(f"{run_dir}: completion marker {MARKER} missing (incomplete run?)")

    tables: dict[str, pa.Table] = {}
    for name in TABLES:
        path = os.path.join(run_dir, f"{name}.parquet")
        if not os.path.exists(path):
            if name == "summary":
                raise CheckError(f"{path}: missing (the summary table is always written)")
            continue
        try:
            tables[name] = pq.read_table(path)
        except Exception as e:  # noqa: BLE001 - report any reader failure as a check failure
            raise CheckError(f"{path}: pyarrow cannot read it: {e}") from e
        check_layout(path, name, tables[name])

    summary = tables["summary"]
    if summary.num_rows != 1:
        raise CheckError(f"{run_dir}/summary.parquet: {summary.num_rows} rows, expected 1")
    if "blocks" in tables:
        check_blocks(os.path.join(run_dir, "blocks.parquet"), tables["blocks"], summary)
    if "epochs" in tables:
        check_epochs(os.path.join(run_dir, "epochs.parquet"), tables["epochs"])

    fingerprint_fns = {
        "pandas": fingerprint_pandas,
        "polars": fingerprint_polars,
        "duckdb": fingerprint_duckdb,
    }
    for name, t in tables.items():
        path = os.path.join(run_dir, f"{name}.parquet")
        want = fingerprint_arrow(name, t)
        for reader, module in readers.items():
            try:
                got = fingerprint_fns[reader](module, path, name)
            except CheckError:
                raise
            except Exception as e:  # noqa: BLE001
                raise CheckError(f"{path}: {reader} cannot read it: {e}") from e
            compare(path, reader, want, got)

    counts = " ".join(
        f"{name}={tables[name].num_rows if name in tables else '-'}" for name in TABLES
    )
    counts += " " + check_daily(run_dir, summary, readers)
    if "blocks" in tables and tables["blocks"].num_rows > 0:
        mean = pc.mean(tables["blocks"].column("interval_s")).as_py()
    else:
        mean = summary.column("mean_interval_s")[0].as_py()
    return f"OK {run_dir}: {counts} mean_interval={mean:.2f} s"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run_dirs", nargs="+", metavar="RUN_DIR")
    ap.add_argument(
        "--require-all",
        action="store_true",
        help="fail unless pandas, polars and duckdb are all importable",
    )
    args = ap.parse_args(argv)
    readers = load_optional_readers(args.require_all)
    print(
        "readers: pyarrow " + pa.__version__
        + "".join(f", {n} {getattr(m, '__version__', '?')}" for n, m in readers.items())
    )
    failures = 0
    for run_dir in args.run_dirs:
        try:
            print(check_run_dir(run_dir, readers), flush=True)
        except CheckError as e:
            failures += 1
            print(f"FAIL {e}", flush=True)
        except Exception as e:  # noqa: BLE001 - a malformed file must not end the whole check
            failures += 1
            print(f"FAIL {run_dir}: {type(e).__name__}: {e}", flush=True)
    if failures:
        print(f"check_outputs.py: {failures} of {len(args.run_dirs)} run folders failed",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
