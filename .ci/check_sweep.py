#!/usr/bin/env python3
"""Check a finished hashshift sweep folder with pyarrow, pandas, polars and DuckDB.

usage: check_sweep.py [--hashshift BINARY | --registry JSON] SWEEP_DIR

  * `_sweep.json`, `_SUCCESS` and `runs.parquet` exist; runs.parquet has one row per run, in
    `run` order 0..n-1, `run = point * replicates + replicate`;
  * runs.parquet has the columns of the table registry (`hashshift schema --outputs --format
    json`, see .ci/outputs_registry.py): its key columns, one per axis in the manifest's order,
    then every column of the summary table, with the registry's types, nullability, units and
    descriptions;
  * parameter columns have the types the registry gives the manifest's axis types (f64 ->
    double, i64 -> int64, bool -> boolean, utf8 -> string): never strings for numbers;
  * replicate r has the same seed at every point (common random numbers);
  * every per-run table opens as one Hive-partitioned dataset in one line with polars
    (`scan_parquet("<dir>/run=*/<table>.parquet", hive_partitioning=True)`), DuckDB
    (`read_parquet(..., hive_partitioning=true)`) and pyarrow/pandas (`pyarrow.dataset` over
    the same files with `partition_base_dir`), with an integer `run` key covering every run,
    and the readers agree on row counts;
  * the per-run summaries, read as one dataset, equal the summary columns of runs.parquet;
  * a `runs` x `daily` join works in DuckDB and polars.

The one-liners used here are the ones README.md and outputs/README.md document.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

import outputs_registry


def fail(msg: str) -> None:
    sys.exit(f"check_sweep.py: {msg}")


def check_runs_columns(registry: dict, manifest: dict, schema: pa.Schema) -> None:
    """runs.parquet: the key columns, one per axis, then the summary's columns."""
    runs = next(t for t in registry["sweep_tables"] if t["name"] == "runs")
    problem = outputs_registry.column_problem(runs, schema)
    if problem:
        fail(f"runs.parquet: {problem}")
    at = len(runs["columns"])
    axis = runs["axis_columns"]
    for a in manifest["axes"]:
        f = schema.field(at)
        want = outputs_registry.pa_type(axis["types"][a["type"]])
        if f.name != a["column"] or f.type != want or f.nullable != axis["nullable"]:
            fail(f"runs.parquet column {at} is {f.name} {f.type}, expected axis {a['column']}"
                 f" {want}")
        at += 1
    summary = outputs_registry.table(registry, runs["then_columns_of"])
    problem = outputs_registry.column_problem(summary, schema, offset=at)
    if problem:
        fail(f"runs.parquet after the axes: {problem}")
    if len(schema) != at + len(summary["columns"]):
        fail(f"runs.parquet has {len(schema)} columns, expected {at + len(summary['columns'])}")


def main(root: str, registry: dict) -> None:
    root = root.rstrip("/")
    for f in ("_sweep.json", "_SUCCESS", "runs.parquet"):
        if not os.path.isfile(os.path.join(root, f)):
            fail(f"{root}/{f} missing")
    manifest = json.load(open(os.path.join(root, "_sweep.json")))
    n, reps = manifest["runs"], manifest["replicates"]

    # runs.parquet, four readers.
    runs_path = f"{root}/runs.parquet"
    t = pq.read_table(runs_path)
    if t.num_rows != n:
        fail(f"runs.parquet has {t.num_rows} rows, manifest says {n}")
    md = t.schema.metadata or {}
    if md.get(b"hashshift.table") != b"runs" or md.get(b"hashshift.sweep_hash", b"").decode() != manifest["hash"]:
        fail("runs.parquet key-value metadata: hashshift.table / hashshift.sweep_hash")
    check_runs_columns(registry, manifest, t.schema)
    runs = pl.read_parquet(runs_path)
    if runs["run"].to_list() != list(range(n)):
        fail("runs.parquet is not in run order 0..n-1")
    if (runs["point"] * reps + runs["replicate"] != runs["run"]).any():
        fail("run != point * replicates + replicate")
    if runs.group_by("replicate").agg(pl.col("seed").n_unique())["seed"].max() != 1:
        fail("a replicate has different seeds at different points (common random numbers)")
    if pd.read_parquet(runs_path).shape[0] != n:
        fail("pandas row count of runs.parquet")
    if duckdb.sql(f"SELECT count(*) FROM '{runs_path}'").fetchall()[0][0] != n:
        fail("DuckDB row count of runs.parquet")

    # Per-run tables as Hive datasets.
    tables = sorted(os.path.basename(p)[: -len(".parquet")] for p in glob.glob(f"{root}/run=0/*.parquet"))
    if "summary" not in tables or "daily" not in tables:
        fail(f"run=0 holds {tables}")
    for table in tables:
        pattern = f"{root}/run=*/{table}.parquet"
        # Counted and typed lazily (the tables of a 1,000-run sweep are gigabytes in memory);
        # only the small summary table is read whole, and pandas converts a slice of the rest.
        lf = pl.scan_parquet(pattern, hive_partitioning=True)
        schema = lf.collect_schema()
        if schema["run"] != pl.Int64:
            fail(f"polars: {table}.run is {schema['run']}")
        rows = lf.select(pl.len()).collect().item()
        con = duckdb.sql(f"SELECT typeof(run) AS t, count(*) AS rows, count(DISTINCT run) AS runs "
                         f"FROM read_parquet('{pattern}', hive_partitioning=true) GROUP BY ALL").fetchall()
        files = sorted(glob.glob(pattern))
        if len(files) != n:
            fail(f"{table}: {len(files)} files for {n} runs")
        dataset = ds.dataset(files, format="parquet", partitioning="hive", partition_base_dir=root)
        arrow_rows = dataset.count_rows()
        whole = table == "summary"
        pandas_df = (dataset.to_table() if whole else dataset.head(1000)).to_pandas()
        if arrow_rows != rows or len(pandas_df) != (rows if whole else min(rows, 1000)):
            fail(f"{table}: row counts differ: polars {rows}, pyarrow {arrow_rows}, pandas {len(pandas_df)}")
        if rows:
            if len(con) != 1 or con[0][0] != "BIGINT" or con[0][1] != rows:
                fail(f"{table}: DuckDB hive scan {con}")
            if not pa.types.is_integer(dataset.schema.field("run").type):
                fail(f"pyarrow: {table}.run is {dataset.schema.field('run').type}")
        if table == "summary":
            polars_df = lf.collect()
            if sorted(polars_df["run"].to_list()) != list(range(n)):
                fail("summary: hive run keys do not cover 0..n-1")
            per_run = polars_df.sort("run").drop("run")
            from_runs = runs.select(per_run.columns)
            if not per_run.equals(from_runs):
                fail("runs.parquet summary columns differ from the per-run summary.parquet files")
            if (polars_df.sort("run")["run_id"].cast(pl.Int64) != polars_df.sort("run")["run"]).any():
                fail("summary.run_id differs from the run=<id> folder")

    # A join of the runs table with a per-run table, in DuckDB and polars.
    first_axis = manifest["axes"][0]["column"] if manifest["axes"] else "replicate"
    q = (f"SELECT r.{first_axis}, avg(d.hashrate_ehs) AS ehs FROM read_parquet('{root}/run=*/daily.parquet', "
         f"hive_partitioning=true) d JOIN '{runs_path}' r USING (run) GROUP BY ALL ORDER BY ALL")
    duck = duckdb.sql(q).fetchall()
    pol = (pl.scan_parquet(f"{root}/run=*/daily.parquet", hive_partitioning=True)
           .join(pl.scan_parquet(runs_path), on="run")
           .group_by(first_axis).agg(pl.col("hashrate_ehs").mean()).sort(first_axis).collect())
    if len(duck) != pol.height:
        fail("runs x daily join: DuckDB and polars disagree")
    print(f"ok: {root}: {n} runs, {len(manifest['axes'])} typed parameter columns, tables {', '.join(tables)} "
          f"(pyarrow {pa.__version__}, pandas {pd.__version__}, polars {pl.__version__}, duckdb {duckdb.__version__})")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sweep_dir", metavar="SWEEP_DIR")
    outputs_registry.add_arguments(ap)
    args = ap.parse_args()
    main(args.sweep_dir, outputs_registry.load(args))
