#!/usr/bin/env python3
"""Check hashshift run folders with independent Parquet readers.

usage: check_outputs.py [--require-all] [--hashshift BINARY | --registry JSON] RUN_DIR...

The tables, their files and columns, and the event kinds are those of the table registry of
hashshift (`hashshift schema --outputs --format json`, run with target/release/hashshift
by default; see .ci/outputs_registry.py). For every run folder:
  * the completion marker `_SUCCESS` exists;
  * every table the registry always writes exists; an optional table exists exactly when the
    resolved scenario selects it (`output.<table> = true`, the default);
  * every table has the registry's columns, in order, with its types, nullability, `unit`
    and `description` field metadata; the file key-value metadata has `hashshift.version`,
    `hashshift.seed` and `hashshift.table` (= the table name);
  * `summary.parquet` has exactly one row;
  * blocks: heights strictly increasing by 1, row count equal to the summary's `blocks`,
    `time` is a UTC timestamp;
  * epochs: `end_height - start_height == 2015` on every row;
  * daily: dates strictly increasing, blocks summing to the summary's; daily_regions has 0
    or 10 rows per day;
  * firms and events: non-empty in fleet
    runs with firms (resolved scenario: hashrate.kind = "fleet", firms.enabled); otherwise
    (exogenous hashrate or firms disabled) firms is empty and events holds network-level
    events only (halvings, shocks, clamped retargets, fee spikes, price feedback), checked
    as below;
  * firms, per row: numbers finite, MW and flows >= 0, capacity_mw = mining_mw +
    converting_mw + ai_colo_mw + ai_cloud_mw + idle_mw (1e-6 relative), running <= installed
    TH/s, efficiency null exactly when nothing is installed; a bankrupt row is the firm's last
    and has no sites, cash or debt (the estate goes to the creditors);
    per firm, between consecutive rows ending active: cash_usd_t - cash_usd_{t-1} =
    mining_revenue + colo_revenue + cloud_revenue + sales + borrowed - energy - opex - idle_cost -
    interest - capex - repaid of row t (within 1e-6 relative + 1 USD);
    (the scale is the largest of the two cash balances, the inflows and the outflows);
  * events: the registry's kinds, firm/site present exactly as the kind's scope says, known
    details,
    finite non-negative mw/ths/usd, times non-decreasing; halving and retarget_clamped
    counts equal the summary's; bankruptcy events match the bankrupt firm rows;
  * daily columns by the registry's `null_when`: `no_firms` non-null exactly in runs with
    firms, `no_ai_market` exactly with firms and an AI market, `no_fleet` exactly in fleet
    runs, `nothing_runs` null without a fleet and otherwise only on days when nothing runs,
    `no_blocks` null exactly on days without blocks; capacity_mw = mining + converting + ai +
    idle;
  * security columns (the nullable columns of epochs, also in daily): the cheapest attack is
    the minimum of the others; overhang_ehs >= unsold_ehs; shares and probabilities in
    [0, 1]; fleet columns (`no_fleet`, `nothing_runs`) non-null exactly in fleet runs (the
    `nothing_runs` ones may be null when nothing runs); mean <= p95 <= max interval; the
    summary's security fields agree with the daily columns (max top-1 share, min attack cost,
    days above 900 s);
  * the files read with pyarrow (required) and, when importable, pandas, polars and
    DuckDB (`--require-all` makes these mandatory) give the same row counts, heights and
    column sums (all tables, firms and events included).

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

import outputs_registry
from outputs_rows import (
    CheckError, check_daily_nulls, check_events_rows, check_firms_rows, check_security,
    check_security_summary, close,
)

MARKER = "_SUCCESS"
# The table registry (`hashshift schema --outputs --format json`), set by main().
REGISTRY: dict = {}
OPTIONAL_READERS = ("pandas", "polars", "duckdb")
UTC_NAMES = {"UTC", "Etc/UTC", "+00:00", "Z"}
REQUIRED_KV = ("hashshift.version", "hashshift.seed", "hashshift.table")


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


# ----------------------------------------------------------------- registry and agents

def reg_table(name: str) -> dict:
    return outputs_registry.table(REGISTRY, name)


def resolved_scenario(path: str) -> dict:
    """The fully resolved scenario stored in a file's key-value metadata (TOML)."""
    kv = pq.read_metadata(path).metadata or {}
    text = kv.get(b"hashshift.scenario")
    if text is None:
        raise CheckError(f"{path}: key-value metadata lacks 'hashshift.scenario'")
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            return {}
    try:
        return tomllib.loads(text.decode())
    except Exception as e:  # noqa: BLE001
        raise CheckError(f"{path}: hashshift.scenario is not valid TOML: {e}") from e


def check_columns(path: str, t: pa.Table, name: str) -> None:
    """The table's columns are the registry's, in order, with its types, nullability, unit and
    description."""
    problem = outputs_registry.column_problem(reg_table(name), t.schema)
    if problem is None and len(t.schema) != len(reg_table(name)["columns"]):
        problem = f"{len(t.schema)} columns, the registry has {len(reg_table(name)['columns'])}"
    if problem:
        raise CheckError(f"{path}: {problem}")


def agent_fingerprint_arrow(table_name: str, t: pa.Table) -> dict:
    fp = {"rows": t.num_rows}
    col = "cash_usd" if table_name == "firms" else "mw"
    if t.num_rows:
        fp["sum"] = pc.sum(t.column(col)).as_py()
    return fp


def agent_fingerprint(reader: str, module, path: str, table_name: str) -> dict:
    col = "cash_usd" if table_name == "firms" else "mw"
    if reader == "pandas":
        df = module.read_parquet(path)
        rows, total = len(df), (float(df[col].sum()) if len(df) else None)
    elif reader == "polars":
        df = module.read_parquet(path)
        rows, total = df.height, (float(df[col].sum()) if df.height else None)
    else:
        con = module.connect()
        try:
            rows, total = con.execute(f'SELECT count(*), sum("{col}") FROM read_parquet(?)',
                                      [path]).fetchone()
        finally:
            con.close()
    fp = {"rows": rows}
    if rows:
        fp["sum"] = float(total)
    return fp


def run_kind(scenario: dict, daily: pa.Table) -> tuple[bool, bool, bool]:
    """(fleet, with firms, with an AI market) of a run, from its resolved scenario (or, without
    a TOML parser, from the daily table)."""
    if scenario:
        fleet = scenario.get("hashrate", {}).get("kind") == "fleet"
        with_firms = bool(fleet and scenario.get("firms", {}).get("enabled", True))
        with_ai = with_firms and bool(scenario.get("ai", {}).get("enabled", True))
    else:
        fleet = daily.num_rows > 0 and daily.column("power_gw").null_count == 0
        with_firms = daily.num_rows > 0 and daily.column("active_firms").null_count == 0
        with_ai = with_firms and daily.column("gpu_hour_usd").null_count == 0
    return fleet, with_firms, with_ai


def check_agents(run_dir: str, tables: dict, scenario: dict, readers: dict) -> str:
    """The null conditions of daily, the security columns, and firms.parquet and events.parquet
    (unless output.firms / output.events = false): non-empty exactly in runs with firms."""
    summary, daily = tables["summary"], tables["daily"]
    fleet, with_firms, with_ai = run_kind(scenario, daily)
    check_daily_nulls(REGISTRY, os.path.join(run_dir, "daily.parquet"), daily, fleet,
                      with_firms, with_ai)
    check_security(REGISTRY, os.path.join(run_dir, "daily.parquet"), daily, fleet)
    if "epochs" in tables:
        check_security(REGISTRY, os.path.join(run_dir, "epochs.parquet"), tables["epochs"], fleet)
    check_security_summary(os.path.join(run_dir, "summary.parquet"), summary, daily)
    for name in ("firms", "events"):
        if name not in tables:
            continue
        t = tables[name]
        path = os.path.join(run_dir, reg_table(name)["file"])
        if with_firms and t.num_rows == 0:
            raise CheckError(f"{path}: no rows in a fleet run with firms")
        if not with_firms and name == "firms" and t.num_rows:
            raise CheckError(f"{path}: {t.num_rows} rows in a run without firms (expected none)")
        if not with_firms and name == "events":
            firm_events = t.num_rows - t.column("firm").null_count
            if firm_events:
                raise CheckError(f"{path}: {firm_events} firm events in a run without firms")
        want = agent_fingerprint_arrow(name, t)
        for reader, module in readers.items():
            try:
                got = agent_fingerprint(reader, module, path, name)
            except Exception as e:  # noqa: BLE001
                raise CheckError(f"{path}: {reader} cannot read it: {e}") from e
            for key, value in want.items():
                other = got.get(key)
                ok = math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-6) \
                    if isinstance(value, float) and other is not None else value == other
                if not ok:
                    raise CheckError(
                        f"{path}: {reader} gives {key} = {other!r}, pyarrow {value!r}"
                    )
    if not with_firms:
        if "events" not in tables:
            return "firms=0 events not written (output.events = false)"
        no_firm_rows = pa.table({"firm": pa.array([], pa.uint32()),
                                 "state": pa.array([], pa.string()),
                                 "time": pa.array([], pa.timestamp("ms", tz="UTC"))})
        counts = check_events_rows(REGISTRY, os.path.join(run_dir, "events.parquet"),
                                   tables["events"], summary, no_firm_rows)
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(counts.items())) or "none"
        return f"firms=0 events={tables['events'].num_rows} (network only: {kinds})"
    if "firms" not in tables or "events" not in tables:
        return " ".join(f"{n}={tables[n].num_rows}" if n in tables
                        else f"{n} not written (output.{n} = false)" for n in ("firms", "events"))
    fstats = check_firms_rows(os.path.join(run_dir, "firms.parquet"), tables["firms"])
    counts = check_events_rows(REGISTRY, os.path.join(run_dir, "events.parquet"),
                               tables["events"], summary, tables["firms"])
    conv = counts.get("conversion_started", 0)
    return (f"firms={tables['firms'].num_rows} ({fstats['firms']} firms, {fstats['bankrupt']}"
            f" bankrupt, cash identity and debt roll-forward on {fstats['cash_pairs']} row pairs,"
            f" worst {fstats['cash_worst_usd']:.3g} and {fstats['debt_worst_usd']:.3g} USD)"
            f" events={tables['events'].num_rows}"
            f" (conversions {conv})")


# --------------------------------------------------------------------------------- driver


def check_daily(run_dir: str, tables: dict, readers: dict) -> str:
    """daily.parquet and daily_regions.parquet (regions empty without a fleet)."""
    path = os.path.join(run_dir, "daily.parquet")
    rpath = os.path.join(run_dir, "daily_regions.parquet")
    d, r, summary = tables["daily"], tables["daily_regions"], tables["summary"]
    if not is_utc_timestamp(d.schema.field("date").type):
        raise CheckError(f"{path}: 'date' is {d.schema.field('date').type}, not a UTC timestamp")
    dates = d.column("date").cast(pa.int64()).to_pylist()
    if any(b <= a for a, b in zip(dates, dates[1:])):
        raise CheckError(f"{path}: dates are not strictly increasing")
    blocks = sum(d.column("blocks").to_pylist())
    want = summary.column("blocks")[0].as_py()
    if blocks != want:
        raise CheckError(f"{path}: daily blocks sum to {blocks}, summary says {want}")
    multipliers = d.column("fee_multiplier").to_pylist()
    if not all(math.isfinite(m) and m >= 1.0 for m in multipliers):
        raise CheckError(f"{path}: a fee_multiplier below 1 or not finite")
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


def read_tables(run_dir: str) -> tuple[dict, dict]:
    """Every table of the registry the run folder holds, checked against the registry (layout
    and columns), and the run's resolved scenario. A table the registry always writes must
    exist; an optional one exists exactly when the scenario selects it."""
    summary_path = os.path.join(run_dir, reg_table("summary")["file"])
    if not os.path.exists(summary_path):
        raise CheckError(f"{summary_path}: missing (the summary table is always written)")
    scenario = resolved_scenario(summary_path)
    output = scenario.get("output", {})
    tables: dict[str, pa.Table] = {}
    for spec in REGISTRY["tables"]:
        name = spec["name"]
        path = os.path.join(run_dir, spec["file"])
        selected = not spec["optional"] or not scenario or output.get(name, True)
        if not os.path.exists(path):
            if not spec["optional"]:
                raise CheckError(f"{path}: missing (the {name} table is always written)")
            if scenario and selected:
                raise CheckError(f"{path}: missing (the {name} table is written unless"
                                 f" output.{name} = false)")
            continue
        if not selected:
            raise CheckError(f"{path}: written although output.{name} = false")
        try:
            tables[name] = pq.read_table(path)
        except Exception as e:  # noqa: BLE001 - report any reader failure as a check failure
            raise CheckError(f"{path}: pyarrow cannot read it: {e}") from e
        check_layout(path, name, tables[name])
        check_columns(path, tables[name], name)
    return tables, scenario


def check_run_dir(run_dir: str, readers: dict) -> str:
    if not os.path.isdir(run_dir):
        raise CheckError(f"{run_dir}: not a folder")
    if not os.path.isfile(os.path.join(run_dir, MARKER)):
        raise CheckError(f"{run_dir}: completion marker {MARKER} missing (incomplete run?)")

    tables, scenario = read_tables(run_dir)
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
    chain = ("blocks", "epochs", "summary")
    for name in chain:
        if name not in tables:
            continue
        t = tables[name]
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
        f"{name}={tables[name].num_rows if name in tables else '-'}" for name in chain
    )
    counts += " " + check_daily(run_dir, tables, readers)
    counts += " " + check_agents(run_dir, tables, scenario, readers)
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
    outputs_registry.add_arguments(ap)
    args = ap.parse_args(argv)
    REGISTRY.update(outputs_registry.load(args))
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
