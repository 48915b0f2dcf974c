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
  * daily: dates strictly increasing, blocks summing to the summary's; daily_regions has 0
    or 10 rows per day;
  * firms and events (always written): the expected columns and types; non-empty in fleet
    runs with firms (resolved scenario: hashrate.kind = "fleet", firms.enabled); otherwise
    (exogenous hashrate or firms disabled) firms is empty and events holds network-level
    events only (halvings, shocks, clamped retargets, fee spikes, price feedback), checked
    as below;
  * firms, per row: numbers finite, MW and flows >= 0, capacity_mw = mining_mw +
    converting_mw + ai_colo_mw + ai_cloud_mw + idle_mw (1e-6 relative), running <= installed
    TH/s, efficiency null exactly when nothing is installed; a bankrupt row is the firm's last
    and has no sites, cash or debt (the estate goes to the creditors);
    per firm, between consecutive rows ending active: cash_usd_t - cash_usd_{t-1} =
    mining_revenue + colo_revenue + cloud_revenue + sales + borrowed - energy - opex -
    interest - capex - repaid of row t (within 1e-6 relative + 1 USD);
    (the scale is the largest of the two cash balances, the inflows and the outflows);
  * events: known kinds, firm/site null exactly for network-level kinds, known details,
    finite non-negative mw/ths/usd, times non-decreasing; halving and retarget_clamped
    counts equal the summary's; bankruptcy events match the bankrupt firm rows;
  * daily firm and AI-market columns: present; non-null in runs with firms (AI columns: with
    an AI market), null otherwise; capacity_mw = mining + converting + ai + idle;
  * security columns (daily and epochs): present; the cheapest attack is the minimum of the
    others; overhang_ehs >= unsold_ehs; shares and probabilities in [0, 1]; fleet columns
    non-null exactly in fleet runs; mean <= p95 <= max interval; the summary's security
    fields agree with the daily columns (max top-1 share, min attack cost, days above 900 s);
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


# ------------------------------------------------------------------- firms and events

# Column names and Arrow types of the agent tables (sim/src/output/agents.rs).
FIRMS_COLUMNS = (
    ("time", "timestamp"), ("firm", "uint32"), ("ticker", "string"), ("public", "bool"),
    ("state", "string"), ("sites", "uint32"), ("capacity_mw", "double"),
    ("mining_mw", "double"), ("converting_mw", "double"), ("ai_colo_mw", "double"),
    ("ai_cloud_mw", "double"), ("idle_mw", "double"), ("installed_ths", "double"),
    ("running_ths", "double"), ("efficiency_j_per_th", "double"), ("cash_usd", "double"),
    ("debt_usd", "double"), ("mining_revenue_usd", "double"), ("colo_revenue_usd", "double"),
    ("cloud_revenue_usd", "double"), ("sales_usd", "double"), ("energy_usd", "double"),
    ("opex_usd", "double"), ("interest_usd", "double"), ("capex_usd", "double"),
    ("borrowed_usd", "double"), ("repaid_usd", "double"), ("expected_drift", "double"),
)
EVENTS_COLUMNS = (
    ("time", "timestamp"), ("kind", "string"), ("firm", "uint32"), ("site", "uint32"),
    ("mw", "double"), ("ths", "double"), ("usd", "double"), ("detail", "string"),
    ("value", "double"),
)
# Daily columns of firms and the AI market (null without them), sim/src/output/daily.rs.
DAILY_AI_COLUMNS = (
    "ai_colo_rate_usd_per_mw_year", "gpu_hour_usd", "ai_demand_mw", "ai_supply_mw",
    "colo_usd_per_kwh", "cloud_usd_per_kwh",
)
DAILY_FIRM_COLUMNS = (
    "capacity_mw", "mining_mw", "converting_mw", "ai_mw", "idle_mw",
    "ai_share_of_initial_mining_mw", "mining_usd_per_kwh", "active_firms", "secondary_ths",
)
FIRM_MW = ("mining_mw", "converting_mw", "ai_colo_mw", "ai_cloud_mw", "idle_mw")
FIRM_INFLOWS = ("mining_revenue_usd", "colo_revenue_usd", "cloud_revenue_usd", "sales_usd",
                "borrowed_usd")
FIRM_OUTFLOWS = ("energy_usd", "opex_usd", "interest_usd", "capex_usd", "repaid_usd")
FIRM_STATES = {"active", "bankrupt"}
# kind -> (firm present, site present, allowed details) (sim/src/record.rs EventKind).
EVENT_KINDS = {
    "conversion_started": (True, True, {"colocation", "cloud"}),
    "conversion_completed": (True, True, {"colocation", "cloud"}),
    "contract_signed": (True, True, {"colocation", "cloud"}),
    "contract_ended": (True, True, {"colocation", "cloud"}),
    "contract_defaulted": (True, True, {"colocation", "cloud"}),
    "asic_purchase": (True, True, {"fill", "refresh", "expand", "relocate"}),
    "asic_delivery": (True, True, {""}),
    "asic_secondary_purchase": (True, True, {""}),
    "asic_sale": (True, True, {""}),
    "asic_scrapped": (False, False, {""}),
    "site_expanded": (True, True, {""}),
    "bankruptcy": (True, False, {""}),
    "site_sold": (True, True, {""}),
    "site_shut": (True, True, {""}),
    "site_relocated": (True, True, {"us", "china", "kazakhstan", "russia", "canada",
                                    "middle_east", "nordics", "paraguay", "ethiopia",
                                    "rest_of_world"}),
    "shock": (False, False, {"btc_price", "energy_price", "carbon_tax", "ban", "ai_demand",
                             "ai_rate", "bitcoin", "asert", "lwma"}),
    "halving": (False, False, {""}),
    "retarget_clamped": (False, False, {""}),
    "fee_spike_started": (False, False, {""}),
    "fee_spike_ended": (False, False, {""}),
    "price_feedback": (False, False, {"slow_blocks", "hashrate_drawdown"}),
}
REL_TOL = 1e-6


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


def check_columns(path: str, t: pa.Table, expected: tuple) -> None:
    names = [f.name for f in t.schema]
    want = [name for name, _ in expected]
    if names != want:
        missing = [n for n in want if n not in names]
        extra = [n for n in names if n not in want]
        raise CheckError(
            f"{path}: columns differ from the schema (missing {missing}, unexpected {extra}"
            + (", order differs" if not missing and not extra else "") + ")"
        )
    for name, kind in expected:
        typ = t.schema.field(name).type
        ok = is_utc_timestamp(typ) if kind == "timestamp" else (
            (kind == "string" and (pa.types.is_string(typ) or pa.types.is_large_string(typ)))
            or str(typ) == kind
        )
        if not ok:
            raise CheckError(f"{path}: column {name!r} is {typ}, expected {kind}")


def _col(t: pa.Table, name: str) -> list:
    return t.column(name).to_pylist()


def _tol(*values: float) -> float:
    return REL_TOL * max(abs(v) for v in values)


def _first(mask) -> int | None:
    """Index of the first true value of a boolean array (nulls count as false), or None."""
    idx = pc.indices_nonzero(pc.fill_null(mask, False))
    return idx[0].as_py() if len(idx) else None


def _count(mask) -> int:
    return pc.sum(pc.cast(pc.fill_null(mask, False), pa.int64())).as_py() or 0


def _sum_cols(t: pa.Table, names: tuple):
    out = t.column(names[0])
    for name in names[1:]:
        out = pc.add(out, t.column(name))
    return out


def _row(t: pa.Table, i: int) -> dict:
    return {name: t.column(name)[i].as_py() for name in t.schema.names}


def _where(path: str, t: pa.Table, i: int) -> str:
    r = _row(t, i)
    row = r.get("row", i)
    return f"{path}: row {row} (firm {r['firm']}, {r['time'].isoformat()})"


def check_firms_rows(path: str, t: pa.Table) -> dict:
    """Per-row invariants of the firms panel and the cash identity between a firm's rows."""
    n = t.num_rows
    for f in t.schema:
        if f.name not in ("ticker", "efficiency_j_per_th"):
            nulls = t.column(f.name).null_count
            if nulls:
                raise CheckError(f"{path}: column {f.name!r} has {nulls} nulls")
        if pa.types.is_floating(f.type):
            bad = _count(pc.invert(pc.is_finite(t.column(f.name))))
            if bad:
                i = _first(pc.invert(pc.is_finite(t.column(f.name))))
                value = t.column(f.name)[i].as_py()
                raise CheckError(
                    f"{_where(path, t, i)}: {f.name} = {value!r} is not finite ({bad} such rows)"
                )
    i = _first(pc.invert(pc.is_in(t.column("state"), value_set=pa.array(sorted(FIRM_STATES)))))
    if i is not None:
        raise CheckError(f"{_where(path, t, i)}: state {t.column('state')[i].as_py()!r} not in"
                         f" {sorted(FIRM_STATES)}")
    # Non-negative up to the rounding of accrued sums (the fleet accrues energy and running
    # hashrate incrementally): 1 micro-USD or micro-MW, 1 GH/s.
    for name in ("capacity_mw",) + FIRM_MW + ("installed_ths", "running_ths", "debt_usd") \
            + FIRM_INFLOWS + FIRM_OUTFLOWS:
        i = _first(pc.less(t.column(name), -1e-3 if name.endswith("_ths") else -1e-6))
        if i is not None:
            raise CheckError(f"{_where(path, t, i)}: {name} = {t.column(name)[i].as_py()!r} < 0")
    # capacity = mining + converting + ai_colo + ai_cloud + idle (1e-6 relative).
    cap, parts = t.column("capacity_mw"), _sum_cols(t, FIRM_MW)
    tol = pc.add(pc.multiply(pc.max_element_wise(pc.abs(cap), pc.abs(parts)), REL_TOL), 1e-9)
    i = _first(pc.greater(pc.abs(pc.subtract(cap, parts)), tol))
    if i is not None:
        r = _row(t, i)
        raise CheckError(
            f"{_where(path, t, i)}: capacity_mw = {r['capacity_mw']!r} but mining + converting"
            f" + ai_colo + ai_cloud + idle = {parts[i].as_py()!r} ("
            + ", ".join(f"{m} = {r[m]!r}" for m in FIRM_MW) + ")"
        )
    # The fleet keeps running hashrate as a running sum: allow its rounding (1 GH/s).
    inst, run = t.column("installed_ths"), t.column("running_ths")
    i = _first(pc.greater(run, pc.add(pc.multiply(inst, 1.0 + REL_TOL), 1e-3)))
    if i is not None:
        raise CheckError(f"{_where(path, t, i)}: running_ths = {run[i].as_py()!r} >"
                         f" installed_ths = {inst[i].as_py()!r}")
    eff = t.column("efficiency_j_per_th")
    i = _first(pc.not_equal(pc.is_null(eff), pc.less_equal(inst, 0.0)))
    if i is not None:
        raise CheckError(f"{_where(path, t, i)}: efficiency_j_per_th = {eff[i].as_py()!r} with"
                         f" installed_ths = {inst[i].as_py()!r} (null exactly when nothing is"
                         " installed)")
    bankrupt = pc.equal(t.column("state"), "bankrupt")
    empty = pc.and_(
        pc.and_(pc.equal(t.column("sites"), 0), pc.less_equal(pc.abs(t.column("cash_usd")), 1e-6)),
        pc.less_equal(pc.abs(t.column("debt_usd")), 1e-6),
    )
    i = _first(pc.and_(bankrupt, pc.invert(empty)))
    if i is not None:
        r = _row(t, i)
        bad = _count(pc.and_(bankrupt, pc.invert(empty)))
        raise CheckError(
            f"{_where(path, t, i)}: bankrupt row with sites = {r['sites']}, cash_usd ="
            f" {r['cash_usd']!r}, debt_usd = {r['debt_usd']!r} (expected 0: the estate's sites,"
            f" cash and debts go to the creditors; {bad} such rows)"
        )
    # Each firm's rows in time order: times strictly increase, a bankrupt row is the last,
    # and between rows ending active cash moves by the period's flows:
    #   cash_t - cash_{t-1} = inflows_t - outflows_t  (1e-6 relative + 1 USD).
    s = t.append_column("row", pa.array(range(n), pa.int64())).sort_by(
        [("firm", "ascending"), ("time", "ascending"), ("row", "ascending")]
    )
    if n < 2:
        return {"firms": len(pc.unique(t.column("firm"))), "bankrupt": _count(bankrupt),
                "cash_pairs": 0, "cash_worst_usd": 0.0, "debt_worst_usd": 0.0}
    prev, cur = s.slice(0, n - 1), s.slice(1)
    same = pc.equal(prev.column("firm"), cur.column("firm"))

    def pair(k: int) -> str:
        a, b = _row(prev, k), _row(cur, k)
        return (f"{path}: firm {b['firm']} rows {a['row']} ({a['time'].isoformat()}) ->"
                f" {b['row']} ({b['time'].isoformat()})")

    k = _first(pc.and_(same, pc.less_equal(cur.column("time"), prev.column("time"))))
    if k is not None:
        raise CheckError(f"{pair(k)}: times not strictly increasing")
    k = _first(pc.and_(same, pc.equal(prev.column("state"), "bankrupt")))
    if k is not None:
        raise CheckError(f"{pair(k)}: a row after the firm's bankrupt row")
    check = pc.and_(same, pc.equal(cur.column("state"), "active"))
    inflow, outflow = _sum_cols(cur, FIRM_INFLOWS), _sum_cols(cur, FIRM_OUTFLOWS)
    delta = pc.subtract(cur.column("cash_usd"), prev.column("cash_usd"))
    err = pc.abs(pc.subtract(delta, pc.subtract(inflow, outflow)))
    scale = pc.max_element_wise(
        pc.max_element_wise(pc.abs(prev.column("cash_usd")), pc.abs(cur.column("cash_usd"))),
        pc.max_element_wise(inflow, outflow),
    )
    k = _first(pc.and_(check, pc.greater(err, pc.add(pc.multiply(scale, REL_TOL), 1.0))))
    if k is not None:
        b = _row(cur, k)
        cash0, cash1 = prev.column("cash_usd")[k].as_py(), b["cash_usd"]
        net = inflow[k].as_py() - outflow[k].as_py()
        flows = ", ".join(f"{c} = {b[c]:.6f}" for c in FIRM_INFLOWS + FIRM_OUTFLOWS)
        bad = _count(pc.and_(check, pc.greater(err, pc.add(pc.multiply(scale, REL_TOL), 1.0))))
        raise CheckError(
            f"{pair(k)}: cash identity fails: cash_usd {cash0:.6f} -> {cash1:.6f} (change"
            f" {cash1 - cash0:.6f}) but inflows - outflows = {net:.6f} (difference"
            f" {cash1 - cash0 - net:.6f} USD; {bad} such row pairs); {flows}"
        )
    # The debt's roll-forward: debt_t - debt_{t-1} = borrowed_t - repaid_t (capitalized
    # construction interest is in borrowed_usd).
    ddelta = pc.subtract(cur.column("debt_usd"), prev.column("debt_usd"))
    dnet = pc.subtract(cur.column("borrowed_usd"), cur.column("repaid_usd"))
    derr = pc.abs(pc.subtract(ddelta, dnet))
    dscale = pc.max_element_wise(
        pc.max_element_wise(prev.column("debt_usd"), cur.column("debt_usd")),
        pc.max_element_wise(cur.column("borrowed_usd"), cur.column("repaid_usd")),
    )
    dbad = pc.and_(check, pc.greater(derr, pc.add(pc.multiply(dscale, REL_TOL), 1.0)))
    k = _first(dbad)
    if k is not None:
        b = _row(cur, k)
        debt0 = prev.column("debt_usd")[k].as_py()
        raise CheckError(
            f"{pair(k)}: debt roll-forward fails: debt_usd {debt0:.6f} -> {b['debt_usd']:.6f}"
            f" but borrowed_usd - repaid_usd = {b['borrowed_usd'] - b['repaid_usd']:.6f}"
            f" ({_count(dbad)} such row pairs)"
        )
    checked = _count(check)
    worst = pc.max(pc.if_else(check, err, 0.0)).as_py() or 0.0
    dworst = pc.max(pc.if_else(check, derr, 0.0)).as_py() or 0.0
    return {"firms": len(pc.unique(t.column("firm"))), "bankrupt": _count(bankrupt),
            "cash_pairs": checked, "cash_worst_usd": worst, "debt_worst_usd": dworst}


def _iso(ms: int) -> str:
    import datetime as dt
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_events_rows(path: str, t: pa.Table, summary: pa.Table, firm_rows: pa.Table) -> dict:
    kinds, firm, site = _col(t, "kind"), _col(t, "firm"), _col(t, "site")
    detail = _col(t, "detail")
    time = t.column("time").cast(pa.int64()).to_pylist()
    nums = {name: _col(t, name) for name in ("mw", "ths", "usd", "value")}
    counts: dict[str, int] = {}
    for i, kind in enumerate(kinds):
        counts[kind] = counts.get(kind, 0) + 1
        rule = EVENT_KINDS.get(kind)
        problem = None
        if rule is None:
            problem = f"unknown kind (expected one of {sorted(EVENT_KINDS)})"
        elif (firm[i] is not None) != rule[0]:
            problem = f"firm = {firm[i]!r} (expected {'an id' if rule[0] else 'null'})"
        elif (site[i] is not None) != rule[1]:
            problem = f"site = {site[i]!r} (expected {'an id' if rule[1] else 'null'})"
        elif detail[i] not in rule[2]:
            problem = f"detail {detail[i]!r} not in {sorted(rule[2])}"
        else:
            for name, values in nums.items():
                x = values[i]
                if x is None or not math.isfinite(x):
                    problem = f"{name} = {x!r} is not finite"
                elif name != "value" and x < 0.0:
                    problem = f"{name} = {x!r} < 0"
                if problem:
                    break
        if problem:
            raise CheckError(f"{path}: row {i} ({kind}, {_iso(time[i])}): {problem}")
    if any(b < a for a, b in zip(time, time[1:])):
        raise CheckError(f"{path}: times are not in non-decreasing order")
    # Network events against the summary, bankruptcies against the firms panel.
    for kind, column in (("halving", "halvings"), ("retarget_clamped", "clamped_retargets")):
        want = summary.column(column)[0].as_py()
        if counts.get(kind, 0) != want:
            raise CheckError(
                f"{path}: {counts.get(kind, 0)} {kind} events, summary {column} = {want}"
            )
    bankrupt_rows = {
        (f, tm) for f, s, tm in zip(_col(firm_rows, "firm"), _col(firm_rows, "state"),
                                    firm_rows.column("time").cast(pa.int64()).to_pylist())
        if s == "bankrupt"
    }
    bankrupt_events = {(f, tm) for k, f, tm in zip(kinds, firm, time) if k == "bankruptcy"}
    if bankrupt_rows != bankrupt_events:
        raise CheckError(
            f"{path}: bankruptcy events {sorted(bankrupt_events)[:5]} do not match the firms"
            f" table's bankrupt rows {sorted(bankrupt_rows)[:5]}"
        )
    return counts


def check_daily_agents(path: str, d: pa.Table, with_firms: bool, with_ai: bool) -> None:
    names = set(d.schema.names)
    missing = [c for c in DAILY_AI_COLUMNS + DAILY_FIRM_COLUMNS if c not in names]
    if missing:
        raise CheckError(f"{path}: missing columns {missing}")
    expect = ((DAILY_FIRM_COLUMNS, with_firms), (DAILY_AI_COLUMNS, with_firms and with_ai))
    for cols, present in expect:
        for c in cols:
            nulls = d.column(c).null_count
            if present and nulls:
                raise CheckError(f"{path}: {c} has {nulls} nulls in a run with firms"
                                 + (" and an AI market" if c in DAILY_AI_COLUMNS else ""))
            if not present and nulls != d.num_rows:
                raise CheckError(f"{path}: {c} has {d.num_rows - nulls} values in a run without"
                                 + (" an AI market" if with_firms else " firms"))
    if not with_firms:
        return
    cap, mining, conv, ai, idle = (
        _col(d, c) for c in ("capacity_mw", "mining_mw", "converting_mw", "ai_mw", "idle_mw")
    )
    for i in range(d.num_rows):
        parts = mining[i] + conv[i] + ai[i] + idle[i]
        if abs(cap[i] - parts) > _tol(cap[i], parts) + 1e-9:
            raise CheckError(f"{path}: row {i}: capacity_mw = {cap[i]!r} but mining + converting"
                             f" + ai + idle = {parts!r}")


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


SECURITY_COLUMNS = (
    "attack_cost_new_usd", "attack_cost_overhang_usd", "attack_cost_rental_usd",
    "attack_cost_min_usd", "unsold_ehs", "overhang_ehs", "overhang_share", "hhi",
    "nakamoto_coefficient", "top1_share", "top5_share", "double_spend_top1_1conf",
    "double_spend_top1_6conf", "double_spend_overhang_1conf", "double_spend_overhang_6conf",
)
SECURITY_FLEET_COLUMNS = SECURITY_COLUMNS[1:2] + SECURITY_COLUMNS[4:]
SUMMARY_SECURITY_COLUMNS = (
    "max_daily_mean_interval_s", "worst_interval_stretch", "days_mean_interval_above_15min",
    "min_attack_cost_usd", "max_overhang_share", "max_top1_share", "max_double_spend_1conf",
    "max_double_spend_6conf",
)


def check_security(path: str, t: pa.Table, fleet: bool) -> None:
    """The security columns of a daily or epochs table."""
    missing = [c for c in SECURITY_COLUMNS if c not in t.schema.names]
    if missing:
        raise CheckError(f"{path}: missing security columns {missing}")
    # Shares of the running hashrate are null in a fleet run when nothing runs (a daily row
    # with hashrate_ehs = 0; in epochs, all of them together).
    running = ("overhang_share", "hhi", "nakamoto_coefficient", "top1_share", "top5_share",
               "double_spend_top1_1conf", "double_spend_top1_6conf")
    stopped = None
    if "hashrate_ehs" in t.schema.names:
        stopped = [h == 0.0 for h in t.column("hashrate_ehs").to_pylist()]
    first_nulls = None
    for c in SECURITY_FLEET_COLUMNS:
        values = t.column(c).to_pylist()
        nulls = [v is None for v in values]
        if fleet and any(nulls):
            if c not in running:
                raise CheckError(f"{path}: {c} has {sum(nulls)} nulls in a fleet run")
            if stopped is not None:
                bad = [i for i, n in enumerate(nulls) if n and not stopped[i]]
                if bad:
                    raise CheckError(f"{path}: {c} is null on row {bad[0]}, when machines run")
            elif first_nulls is not None and nulls != first_nulls:
                raise CheckError(f"{path}: {c} is null on other rows than {running[0]}")
            first_nulls = first_nulls if first_nulls is not None else nulls
        if not fleet and sum(nulls) != t.num_rows:
            raise CheckError(f"{path}: {c} has values in a run without a fleet")
    cols = {c: _col(t, c) for c in SECURITY_COLUMNS}
    for i in range(t.num_rows):
        costs = [cols[c][i] for c in SECURITY_COLUMNS[:3] if cols[c][i] is not None]
        low = cols["attack_cost_min_usd"][i]
        if costs and (low is None or abs(low - min(costs)) > _tol(low, min(costs))):
            raise CheckError(f"{path}: row {i}: attack_cost_min_usd {low!r} is not min {costs}")
        if fleet and cols["overhang_ehs"][i] < cols["unsold_ehs"][i] - 1e-9:
            raise CheckError(f"{path}: row {i}: overhang_ehs < unsold_ehs")
        for c in ("hhi", "top1_share", "top5_share") + SECURITY_COLUMNS[11:]:
            v = cols[c][i]
            if v is not None and not (0.0 <= v <= 1.0 + 1e-12):
                raise CheckError(f"{path}: row {i}: {c} = {v!r} outside [0, 1]")
    if "p95_interval_s" in t.schema.names:
        mean = _col(t, "mean_interval_s")
        p95, mx = _col(t, "p95_interval_s"), _col(t, "max_interval_s")
        for i in range(t.num_rows):
            if None not in (mean[i], p95[i], mx[i]) and not (p95[i] <= mx[i] and mean[i] <= mx[i]):
                raise CheckError(f"{path}: row {i}: intervals mean {mean[i]}, p95 {p95[i]},"
                                 f" max {mx[i]}")


def check_security_summary(path: str, summary: pa.Table, daily: pa.Table) -> None:
    missing = [c for c in SUMMARY_SECURITY_COLUMNS if c not in summary.schema.names]
    if missing:
        raise CheckError(f"{path}: missing summary columns {missing}")
    row = _row(summary, 0)
    means = _col(daily, "mean_interval_s")
    above = sum(1 for m in means if m is None or m > 900.0)
    if row["days_mean_interval_above_15min"] != above:
        raise CheckError(f"{path}: days_mean_interval_above_15min "
                         f"{row['days_mean_interval_above_15min']} but daily has {above}")
    for col, daily_col, pick in (("max_top1_share", "top1_share", max),
                                 ("min_attack_cost_usd", "attack_cost_min_usd", min)):
        vals = [v for v in _col(daily, daily_col) if v is not None]
        if vals and not close(row[col], pick(vals)):
            raise CheckError(f"{path}: {col} {row[col]!r} but daily gives {pick(vals)!r}")


def check_agents(run_dir: str, summary: pa.Table, daily: pa.Table, readers: dict) -> str:
    """firms.parquet and events.parquet (unless output.firms / output.events = false): non-empty
    exactly in runs with firms."""
    scenario = resolved_scenario(os.path.join(run_dir, "summary.parquet"))
    if scenario:
        fleet = scenario.get("hashrate", {}).get("kind") == "fleet"
        with_firms = bool(fleet and scenario.get("firms", {}).get("enabled", True))
        with_ai = with_firms and bool(scenario.get("ai", {}).get("enabled", True))
    else:  # no TOML parser: infer from the daily table
        with_firms = daily.num_rows > 0 and daily.column("active_firms").null_count == 0
        with_ai = with_firms and daily.column("gpu_hour_usd").null_count == 0
    check_daily_agents(os.path.join(run_dir, "daily.parquet"), daily, with_firms, with_ai)
    fleet = (scenario.get("hashrate", {}).get("kind") == "fleet" if scenario
             else daily.num_rows > 0 and daily.column("power_gw").null_count == 0)
    check_security(os.path.join(run_dir, "daily.parquet"), daily, fleet)
    epochs_path = os.path.join(run_dir, "epochs.parquet")
    if os.path.exists(epochs_path):
        check_security(epochs_path, pq.read_table(epochs_path), fleet)
    check_security_summary(os.path.join(run_dir, "summary.parquet"), summary, daily)
    tables = {}
    output = (scenario or {}).get("output", {})
    for name, expected in (("firms", FIRMS_COLUMNS), ("events", EVENTS_COLUMNS)):
        path = os.path.join(run_dir, f"{name}.parquet")
        if not output.get(name, True):
            if os.path.exists(path):
                raise CheckError(f"{path}: written although output.{name} = false")
            continue
        if not os.path.exists(path):
            raise CheckError(f"{path}: missing (the {name} table is written unless turned off)")
        try:
            t = pq.read_table(path)
        except Exception as e:  # noqa: BLE001
            raise CheckError(f"{path}: pyarrow cannot read it: {e}") from e
        check_layout(path, name, t)
        check_columns(path, t, expected)
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
        tables[name] = t
    if not with_firms:
        if "events" not in tables:
            return "firms=0 events not written (output.events = false)"
        no_firm_rows = pa.table({"firm": pa.array([], pa.uint32()),
                                 "state": pa.array([], pa.string()),
                                 "time": pa.array([], pa.timestamp("ms", tz="UTC"))})
        counts = check_events_rows(os.path.join(run_dir, "events.parquet"), tables["events"],
                                   summary, no_firm_rows)
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(counts.items())) or "none"
        return f"firms=0 events={tables['events'].num_rows} (network only: {kinds})"
    if "firms" not in tables or "events" not in tables:
        return " ".join(f"{n}={tables[n].num_rows}" if n in tables
                        else f"{n} not written (output.{n} = false)" for n in ("firms", "events"))
    fstats = check_firms_rows(os.path.join(run_dir, "firms.parquet"), tables["firms"])
    counts = check_events_rows(os.path.join(run_dir, "events.parquet"), tables["events"],
                               summary, tables["firms"])
    conv = counts.get("conversion_started", 0)
    return (f"firms={tables['firms'].num_rows} ({fstats['firms']} firms, {fstats['bankrupt']}"
            f" bankrupt, cash identity and debt roll-forward on {fstats['cash_pairs']} row pairs,"
            f" worst {fstats['cash_worst_usd']:.3g} and {fstats['debt_worst_usd']:.3g} USD)"
            f" events={tables['events'].num_rows}"
            f" (conversions {conv})")


# --------------------------------------------------------------------------------- driver


def check_daily(run_dir: str, summary: pa.Table, readers: dict) -> tuple[str, pa.Table]:
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
    return f"daily={d.num_rows} daily_regions={r.num_rows}", d


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
    daily_counts, daily = check_daily(run_dir, summary, readers)
    counts += " " + daily_counts + " " + check_agents(run_dir, summary, daily, readers)
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
