"""Row-level checks of hashshift run tables for .ci/check_outputs.py: the firms panel (cash
identity, debt roll-forward, MW identity), the events (kinds, ids, details, counts against the
summary and the firms), the daily columns' null conditions and the security columns.

The tables, columns, null conditions and event kinds come from the table registry
(`hashshift schema --outputs --format json`, .ci/outputs_registry.py), passed in as
`registry`.
"""

from __future__ import annotations

import math
import sys

import pyarrow as pa
import pyarrow.compute as pc

import outputs_registry


class CheckError(Exception):
    """A failed check (message names the file)."""


def close(a: float, b: float) -> bool:
    if a is None or b is None:
        return a is b
    if math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


FIRM_MW = ("mining_mw", "converting_mw", "ai_colo_mw", "ai_cloud_mw", "idle_mw")
FIRM_INFLOWS = ("mining_revenue_usd", "colo_revenue_usd", "cloud_revenue_usd", "sales_usd",
                "borrowed_usd")
FIRM_OUTFLOWS = ("energy_usd", "opex_usd", "idle_cost_usd", "interest_usd", "capex_usd",
                 "repaid_usd")
FIRM_STATES = {"active", "bankrupt"}
# The labels of the kinds whose events carry one (`detail`); every other kind has none. The
# kinds themselves and whether their events carry a firm and a site come from the registry.
REGIONS = {"us", "china", "kazakhstan", "russia", "canada", "middle_east", "nordics",
           "paraguay", "ethiopia", "rest_of_world"}
EVENT_DETAILS = {
    "conversion_started": {"colocation", "cloud"},
    "conversion_completed": {"colocation", "cloud"},
    "contract_signed": {"colocation", "cloud"},
    "contract_ended": {"colocation", "cloud"},
    "contract_defaulted": {"colocation", "cloud"},
    "asic_purchase": {"fill", "refresh", "expand", "relocate"},
    "site_relocated": REGIONS,
    "shock": {"btc_price", "energy_price", "carbon_tax", "ban", "ai_demand", "ai_rate", "bitcoin",
              "asert", "lwma"},
    "price_feedback": {"slow_blocks", "hashrate_drawdown"},
}


def event_kinds(registry: dict) -> dict:
    """kind -> (firm present, site present, allowed details), from the registry."""
    kinds = {k["name"]: (k["firm"], k["site"], EVENT_DETAILS.get(k["name"], {""}))
             for k in registry["event_kinds"]}
    stale = sorted(set(EVENT_DETAILS) - set(kinds))
    if stale:
        sys.exit(f"check_outputs.py: EVENT_DETAILS names kinds the registry lacks: {stale}")
    return kinds


REL_TOL = 1e-6


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


def check_events_rows(registry: dict, path: str, t: pa.Table, summary: pa.Table,
                      firm_rows: pa.Table) -> dict:
    kinds, firm, site = _col(t, "kind"), _col(t, "firm"), _col(t, "site")
    detail = _col(t, "detail")
    time = t.column("time").cast(pa.int64()).to_pylist()
    nums = {name: _col(t, name) for name in ("mw", "ths", "usd", "value")}
    counts: dict[str, int] = {}
    rules = event_kinds(registry)
    for i, kind in enumerate(kinds):
        counts[kind] = counts.get(kind, 0) + 1
        rule = rules.get(kind)
        problem = None
        if rule is None:
            problem = f"unknown kind (expected one of {sorted(rules)})"
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


def check_daily_nulls(registry: dict, path: str, d: pa.Table, fleet: bool, with_firms: bool,
                      with_ai: bool) -> None:
    """Every daily column is null exactly when its registry condition (`null_when`) holds."""
    stopped = [h == 0.0 for h in _col(d, "hashrate_ehs")]
    no_blocks = [b == 0 for b in _col(d, "blocks")]
    exact = {"no_firms": (with_firms, " firms"), "no_ai_market": (with_ai, " an AI market"),
             "no_fleet": (fleet, " a fleet")}
    for c in outputs_registry.table(registry, "daily")["columns"]:
        name, when = c["name"], c["null_when"]
        nulls = [v is None for v in _col(d, name)]
        if when in exact:
            present, what = exact[when]
            if present and any(nulls):
                raise CheckError(f"{path}: {name} has {sum(nulls)} nulls in a run with{what}")
            if not present and not all(nulls):
                raise CheckError(f"{path}: {name} has {d.num_rows - sum(nulls)} values in a run"
                                 f" without{what}")
        elif when == "nothing_runs":
            if not fleet and not all(nulls):
                raise CheckError(f"{path}: {name} has values in a run without a fleet")
            bad = [i for i, n in enumerate(nulls) if n and not stopped[i]]
            if fleet and bad:
                raise CheckError(f"{path}: {name} is null on row {bad[0]}, when machines run")
        elif when == "no_blocks":
            bad = [i for i, n in enumerate(nulls) if n != no_blocks[i]]
            if bad:
                raise CheckError(f"{path}: {name} is {'null' if nulls[bad[0]] else 'set'} on row"
                                 f" {bad[0]}, a day with {_col(d, 'blocks')[bad[0]]} blocks")
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


def security_columns(registry: dict) -> tuple:
    """The security columns: the nullable columns of epochs (daily has them too)."""
    return tuple(c["name"] for c in outputs_registry.table(registry, "epochs")["columns"]
                 if c["nullable"])


# The attack costs whose cheapest is attack_cost_min_usd.
ATTACK_COSTS = ("attack_cost_new_usd", "attack_cost_overhang_usd", "attack_cost_rental_usd")


def check_security(registry: dict, path: str, t: pa.Table, fleet: bool) -> None:
    """The security columns of a daily or epochs table."""
    security = security_columns(registry)
    missing = [c for c in security if c not in t.schema.names]
    if missing:
        raise CheckError(f"{path}: missing security columns {missing}")
    epochs = outputs_registry.table(registry, "epochs")["columns"]
    fleet_columns = [c["name"] for c in epochs if c["null_when"] in ("no_fleet", "nothing_runs")]
    # Shares of the running hashrate are null in a fleet run when nothing runs (a daily row
    # with hashrate_ehs = 0; in epochs, all of them together).
    running = [c["name"] for c in epochs if c["null_when"] == "nothing_runs"]
    stopped = None
    if "hashrate_ehs" in t.schema.names:
        stopped = [h == 0.0 for h in t.column("hashrate_ehs").to_pylist()]
    first_nulls = None
    for c in fleet_columns:
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
    cols = {c: _col(t, c) for c in security}
    shares = ("hhi", "top1_share", "top5_share") + tuple(
        c for c in security if c.startswith("double_spend_"))
    for i in range(t.num_rows):
        costs = [cols[c][i] for c in ATTACK_COSTS if cols[c][i] is not None]
        low = cols["attack_cost_min_usd"][i]
        if costs and (low is None or abs(low - min(costs)) > _tol(low, min(costs))):
            raise CheckError(f"{path}: row {i}: attack_cost_min_usd {low!r} is not min {costs}")
        if fleet and cols["overhang_ehs"][i] < cols["unsold_ehs"][i] - 1e-9:
            raise CheckError(f"{path}: row {i}: overhang_ehs < unsold_ehs")
        for c in shares:
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
