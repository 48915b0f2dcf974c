#!/usr/bin/env python3
"""The hashrate-supply checks: how the simulated supply compares with the real one.

Runs the `hashshift` binary on the shipped scenarios and prints every figure by which the
supply side of the model is judged, next to the real figure from `shared/reference`
(`btc_daily.csv`, `retargets.csv`, `cbeci_efficiency_daily.csv`; see `SOURCES.md` there):

    python3 models/calibration/supply_check.py [--bin target/release/hashshift]
        [--seeds 3] [--baseline-seeds 25] [--only replay,ban,baseline,daa] [--keep DIR]

Needs pandas and pyarrow, and `../shared/reference` next to the repository. A few minutes
(25 twenty-year baseline runs dominate).

Sections and their definitions:

 1. replay (`history-2020`, extended to the last day of btc_daily.csv, seeds 1..N): mean
    |ln(simulated difficulty / real difficulty)| over the days of each calendar year, the fitted
    window 2020-2022 and the validation window 2023-01..2026-05 apart; the 2024 halving
    (mean hashrate 2024-05-18..06-14 against 2024-04-06..04-12); October 2025 -> March 2026
    (monthly mean hashrate); the running fleet's efficiency against CBECI's lower and upper
    bounds through 2025-03-10.
 2. ban (`china-ban-2021`, seeds 1..N): each retarget that starts an epoch from May to
    September 2021, the mean simulated change against the real one (points).
 3. baseline (20 years, seeds 1..B): days without a block while the 30-day mean price is above
    $10,000; the largest 30-day rise of the 7-day mean hashrate; the largest 30-day fall outside
    halvings and bans (a window is left out when a halving falls in it or in the 60 days
    before its end); the p90/p10 of the firms' fleet efficiency (J/TH, firms with running
    machines at their last row of the year) in the worst year; the largest month of ASIC
    orders as a share of the network hashrate then.
 4. daa (`daa-comparison` under ASERT, seed 1; `daa-comparison-fleet` under each rule with
    `difficulty.reaction` daily and intraday, seeds 1..N): days with a mean block interval
    above 15 minutes (or no block) in the 60 days after the loss, 2026-07-01..08-29.
"""

import argparse
import math
import pathlib
import subprocess
import sys
import tempfile

import pandas as pd
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parents[2]
REF = ROOT.parent / "shared" / "reference"
FIT = (2020, 2022)


def run(binary, scenario, out, seed, *sets, tag=""):
    name = f"{scenario}{tag}-{seed}"
    args = [binary, "run", str(ROOT / "scenarios" / f"{scenario}.toml"), "--out", str(out),
            "--quiet", "--seed", str(seed), "--set", f"name=\"{name}\""]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True)
    return out / name


def table(run_dir, name, columns=None):
    return pq.read_table(run_dir / f"{name}.parquet", columns=columns).to_pandas()


def real_daily():
    d = pd.read_csv(REF / "btc_daily.csv", parse_dates=["date"])
    d["ehs"] = d["HashRate_THs"] / 1e6
    return d.set_index("date")


def daily(run_dir):
    d = table(run_dir, "daily")
    d["date"] = pd.to_datetime(d["date"]).dt.tz_localize(None)
    return d.set_index("date")


def window_mean(series, start, end):
    return series.loc[start:end].mean()


def replay(binary, out, seeds):
    real = real_daily()
    last = real.index[-1]
    end = (last + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    print(f"\n## 1. Replay history-2020 to {last.date()} with the real price (seeds 1..{seeds})")
    years = {}
    halving, autumn, cbeci_out = [], [], []
    cbeci = pd.read_csv(REF / "cbeci_efficiency_daily.csv", parse_dates=["date"]).set_index("date")
    for seed in range(1, seeds + 1):
        d = daily(run(binary, "history-2020", out, seed, f'end="{end}"'))
        joined = d.join(real[["DiffMean", "ehs"]], how="inner")
        signed = (joined["difficulty"] / joined["DiffMean"]).map(math.log)
        err = signed.abs()
        for year, e in err.groupby(joined.index.year):
            years.setdefault(year, []).append(e.mean())
        bias = signed.groupby(joined.index.year).mean()
        print(f"seed {seed}, mean log error by year (+: simulated too high): "
              + ", ".join(f"{y} {b:+.0%}" for y, b in bias.items()))
        years.setdefault("fit 2020-2022", []).append(err[: f"{FIT[1]}-12-31"].mean())
        years.setdefault("validation 2023-2026", []).append(err[f"{FIT[1] + 1}-01-01":].mean())
        h = d["hashrate_ehs"]
        halving.append(window_mean(h, "2024-05-18", "2024-06-14")
                       / window_mean(h, "2024-04-06", "2024-04-12") - 1)
        autumn.append(window_mean(h, "2026-03-01", "2026-03-31")
                      / window_mean(h, "2025-10-01", "2025-10-31") - 1)
        eff = d[["fleet_efficiency_j_per_th"]].join(cbeci, how="inner").loc[:"2025-03-10"]
        outside = eff[(eff.fleet_efficiency_j_per_th < eff.lower_bound_j_per_th)
                      | (eff.fleet_efficiency_j_per_th > eff.upper_bound_j_per_th)]
        cbeci_out.append(len(outside))
    rh = real["ehs"]
    real_halving = window_mean(rh, "2024-05-18", "2024-06-14") / window_mean(
        rh, "2024-04-06", "2024-04-12") - 1
    real_autumn = window_mean(rh, "2026-03-01", "2026-03-31") / window_mean(
        rh, "2025-10-01", "2025-10-31") - 1
    print("| year | mean abs log difficulty error, per seed | worst | target |")
    print("|---|---|---|---|")
    for year, errs in years.items():
        print(f"| {year} | {' / '.join(f'{e:.1%}' for e in errs)} | {max(errs):.1%} | <= 15% |")
    print(f"2024 halving, hashrate change: {' / '.join(f'{x:+.1%}' for x in halving)} "
          f"(real {real_halving:+.1%}; target -2% to -12%)")
    print(f"Oct 2025 -> Mar 2026, hashrate change: {' / '.join(f'{x:+.1%}' for x in autumn)} "
          f"(real {real_autumn:+.1%}; target within 10 points)")
    print(f"days outside CBECI's efficiency bounds to 2025-03-10: {cbeci_out}")


def ban(binary, out, seeds):
    print(f"\n## 2. china-ban-2021 retargets May-September 2021 (seeds 1..{seeds})")
    real = pd.read_csv(REF / "retargets.csv")
    real["start"] = pd.to_datetime(real["start_block_time_utc"])
    changes = []
    for seed in range(1, seeds + 1):
        e = table(run(binary, "china-ban-2021", out, seed), "epochs")
        # The change set at the end of epoch k is the difficulty change of epoch k + 1.
        changes.append(e.set_index("epoch")["difficulty_change_pct"])
    sim = pd.concat(changes, axis=1).mean(axis=1)
    sim.index = sim.index + 1
    window = real[(real.start >= "2021-05-01") & (real.start < "2021-10-01")]
    print("| epoch | starts | real change | simulated (mean) | miss (points) |")
    print("|---|---|---|---|---|")
    misses = 0
    for _, r in window.iterrows():
        if r.epoch not in sim.index:
            continue
        miss = sim[r.epoch] - r.difficulty_change_pct
        misses += abs(miss) > 5
        print(f"| {r.epoch} | {r.start.date()} | {r.difficulty_change_pct:+.2f}% | "
              f"{sim[r.epoch]:+.2f}% | {miss:+.1f} |")
    print(f"retargets missing by more than 5 points: {misses}")


def largest_moves(h, halvings):
    weekly = h.rolling(7).mean()
    change = weekly / weekly.shift(30) - 1
    keep = pd.Series(True, index=change.index)
    for day in halvings:
        keep[(change.index >= day) & (change.index <= day + pd.Timedelta(days=90))] = False
    return change.max(), change[keep].min()


def baseline(binary, out, seeds):
    print(f"\n## 3. Baseline, 20 years, seeds 1..{seeds}")
    rows = []
    for seed in range(1, seeds + 1):
        r = run(binary, "baseline", out, seed)
        d = daily(r)
        price30 = d["price_usd"].rolling(30).mean()
        dead = int(((d["blocks"] == 0) & (price30 > 10_000)).sum())
        ev = table(r, "events", ["time", "kind", "ths"])
        halvings = pd.to_datetime(ev[ev.kind == "halving"].time).dt.tz_localize(None)
        rise, fall = largest_moves(d["hashrate_ehs"], list(halvings))
        f = table(r, "firms", ["time", "firm", "running_ths", "efficiency_j_per_th"])
        f["year"] = pd.to_datetime(f.time).dt.year
        last = f.sort_values("time").groupby(["year", "firm"]).last()
        last = last[last.running_ths > 0]
        spread = last.groupby("year")["efficiency_j_per_th"].agg(
            lambda e: e.quantile(0.9) / e.quantile(0.1))
        buys = ev[ev.kind == "asic_purchase"].copy()
        buys["month"] = pd.to_datetime(buys.time).dt.tz_localize(None).dt.to_period("M")
        monthly = buys.groupby("month")["ths"].sum() / 1e6
        hr_month = d["hashrate_ehs"].groupby(d.index.to_period("M")).mean()
        order_share = (monthly / hr_month.reindex(monthly.index)).max()
        rows.append((seed, dead, rise, fall, spread.min(), order_share, d["hashrate_ehs"].iloc[-1]))
    print("| seed | dead days, price > $10k | largest 30-day rise | largest 30-day fall "
          "(outside halvings) | worst-year efficiency p90/p10 | largest month of orders / "
          "hashrate | final EH/s |")
    print("|---|---|---|---|---|---|---|")
    for s, dead, rise, fall, spread, share, final in rows:
        print(f"| {s} | {dead} | {rise:+.0%} | {fall:+.0%} | {spread:.2f} | {share:.0%} | "
              f"{final:.0f} |")
    real = real_daily().loc["2022-01-01":]["ehs"]
    rise, fall = largest_moves(real, [pd.Timestamp("2024-04-20")])
    print(f"targets: 0 dead days; rise < +40% (real since 2022 {rise:+.0%}); fall > -30% (real "
          f"{fall:+.0%}); p90/p10 > 1.5")
    print(f"seeds with dead days: {sum(r[1] > 0 for r in rows)}; worst rise "
          f"{max(r[2] for r in rows):+.0%}; worst fall {min(r[3] for r in rows):+.0%}; "
          f"lowest spread {min(r[4] for r in rows):.2f}")


def slow_days(run_dir):
    """Days with a mean block interval above 15 minutes (a day without a block counts), and
    the days counted, in the 60 days from the loss (2026-07-01..08-29)."""
    after = daily(run_dir).loc["2026-07-01":"2026-08-29"]
    slow = (after["mean_interval_s"] > 900) | (after["blocks"] == 0)
    return int(slow.sum()), len(after)


def daa(binary, out, seeds):
    print("\n## 4. daa-comparison under ASERT: days with a mean interval above 15 minutes, "
          "60 days after the loss")
    slow, n = slow_days(run(binary, "daa-comparison", out, 1, 'difficulty.rule="asert"'))
    print(f"exogenous path (no fleet), seed 1: {slow} of {n} days")
    print(f"\ndaa-comparison-fleet (the 2026 fleet, no firms, 40 % of every region's capacity "
          f"banned on 2026-07-01), seeds 1..{seeds}: slow days per seed (total of "
          f"{seeds} x 60 days)")
    print("| rule | daily decisions | intra-day decisions |")
    print("|---|---|---|")
    for rule in ("bitcoin", "asert", "lwma"):
        cells = []
        for reaction in ("daily", "intraday"):
            counts = [slow_days(run(binary, "daa-comparison-fleet", out, s,
                                    f'difficulty.rule="{rule}"',
                                    f'difficulty.reaction="{reaction}"',
                                    tag=f"-{rule}-{reaction}"))[0]
                      for s in range(1, seeds + 1)]
            cells.append(f"{' / '.join(map(str, counts))} ({sum(counts)})")
        print(f"| {rule} | {cells[0]} | {cells[1]} |")
    print("(bitcoin: the reaction setting has no effect, the difficulty moves only at retargets)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=str(ROOT / "target" / "release" / "hashshift"))
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--baseline-seeds", type=int, default=25)
    p.add_argument("--only", default="replay,ban,baseline,daa")
    p.add_argument("--keep", help="keep the runs in this folder")
    a = p.parse_args()
    if not (REF / "btc_daily.csv").exists():
        sys.exit(f"{REF} is missing: the checks compare with real data and did not run")
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(a.keep or tmp)
        only = set(a.only.split(","))
        if "replay" in only:
            replay(a.bin, out, a.seeds)
        if "ban" in only:
            ban(a.bin, out, a.seeds)
        if "baseline" in only:
            baseline(a.bin, out, a.baseline_seeds)
        if "daa" in only:
            daa(a.bin, out, a.seeds)


if __name__ == "__main__":
    main()
