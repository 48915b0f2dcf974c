#!/usr/bin/env python3
"""Results-unchanged check between two builds of hashshift.

usage:
  regression.py make BINARY OUT [--seeds 1 2] [--only NAME ...]
      runs every shipped scenario (scenarios/*.toml) with each seed, and every shipped sweep
      (scenarios/sweeps/*.toml, .ci/sweep_smoke.toml) at small settings (half a year, 300 sites,
      100 firms, two replicates, a reduced design), with BINARY into OUT/.
  regression.py compare A B [--strict-docs]
      compares two such folders table by table: the same run folders, the same tables, the same
      column names, types and nullability, and the same data, bit for bit (floats compared by
      their bit patterns, so NaN equals NaN and -0.0 differs from 0.0). File metadata are
      compared too, except `hashshift.version` (the version string is allowed to differ) and the
      resolved scenario text; field metadata (units and descriptions) are reported as
      documentation differences, which fail only with --strict-docs.

Typical use, comparing the working tree against a commit:

  git worktree add /tmp/ref 0d09632 && (cd /tmp/ref && cargo build --release)
  python3 .ci/regression.py make /tmp/ref/target/release/hashshift /tmp/reg-ref
  cargo build --release && python3 .ci/regression.py make target/release/hashshift /tmp/reg-new
  python3 .ci/regression.py compare /tmp/reg-ref /tmp/reg-new

Scenarios that read ../shared/reference are skipped (and listed) when it is missing.
Exits 1 on any data difference, with one line per difference.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO.parent / "shared" / "reference"
# Sweep [set] keys that make the shipped sweeps small (at least one retarget, a few firm-months).
SMALL_SET = {"horizon_years": 0.5, "network.sites": 300, "firms.count": 100, "output.blocks": False}
IGNORED_FILE_METADATA = {"hashshift.version", "ARROW:schema"}


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f'"{k}" = {toml_value(x)}' for k, x in v.items()) + " }"
    return repr(v)


def small_sweep(src: Path, dest_dir: Path) -> Path:
    """A copy of the sweep file `src` with small settings, written into dest_dir."""
    spec = tomllib.loads(src.read_text())
    lines = [f'name = {toml_value(spec.get("name", src.stem))}']
    scenario = (src.parent / spec["scenario"]).resolve()
    lines.append(f"scenario = {toml_value(str(scenario))}")
    if "seed" in spec:
        lines.append(f"seed = {spec['seed']}")
    merged = dict(flatten(spec.get("set", {})))
    base = tomllib.loads(scenario.read_text())
    for k, v in SMALL_SET.items():
        # keep each sweep's own horizon when it is already shorter, and a base's `end`
        if k == "horizon_years" and (("end" in base and k not in merged) or merged.get(k, v) < v):
            continue
        merged[k] = v
    # fixed-hashrate bases have no sites or firms
    if base.get("hashrate", {}).get("kind", "fleet") != "fleet":
        merged = {k: v for k, v in merged.items() if not k.startswith(("network.", "firms."))}
    lines.append("[set]")
    lines += [f"{k} = {toml_value(v)}" for k, v in merged.items()]
    lines.append("[replicates]")
    lines.append("count = 2")
    design = dict(spec.get("design", {}))
    if design:
        if design.get("kind") == "sobol":
            design["samples"] = 2
        elif "samples" in design:
            design["samples"] = min(int(design["samples"]), 4)
        lines.append("[design]")
        lines += [f"{k} = {toml_value(v)}" for k, v in design.items()]
    for axis in spec.get("axis", []):
        axis = dict(axis)
        if "values" in axis:
            axis["values"] = axis["values"][:2] if len(axis["values"]) > 2 else axis["values"]
        lines.append("[[axis]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in axis.items()]
    dest = dest_dir / src.name
    dest.write_text("\n".join(lines) + "\n")
    return dest


def flatten(table: dict, prefix: str = ""):
    for k, v in table.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from flatten(v, path + ".")
        else:
            yield path, v


def needs_reference(path: Path) -> bool:
    return "shared/reference" in path.read_text() or "../shared" in path.read_text()


def make(binary: str, out: Path, seeds: list[int], only: list[str]) -> int:
    out.mkdir(parents=True, exist_ok=True)
    skipped = []
    binary = str(Path(binary).resolve())
    for sc in sorted((REPO / "scenarios").glob("*.toml")):
        if only and sc.stem not in only:
            continue
        if needs_reference(sc) and not REFERENCE.is_dir():
            skipped.append(sc.stem)
            continue
        for seed in seeds:
            name = f"{sc.stem}-seed{seed}"
            cmd = [binary, "run", str(sc), "--out", str(out), "--quiet", "--seed", str(seed),
                   "--set", f"name={name}"]
            subprocess.run(cmd, cwd=REPO, check=True)
            print(f"run   {name}", flush=True)
    sweeps = sorted((REPO / "scenarios" / "sweeps").glob("*.toml")) + [REPO / ".ci" / "sweep_smoke.toml"]
    tmp = out / "_sweeps"
    tmp.mkdir(exist_ok=True)
    for sw in sweeps:
        if only and sw.stem not in only:
            continue
        small = small_sweep(sw, tmp) if sw.parent.name == "sweeps" else sw
        cmd = [binary, "sweep", str(small), "--out", str(out / "sweeps"), "--quiet", "--jobs", "2"]
        subprocess.run(cmd, cwd=REPO, check=True)
        print(f"sweep {sw.stem}", flush=True)
    if skipped:
        print(f"NOTE: ../shared/reference missing: {', '.join(skipped)} NOT RUN")
    return 0


def bits(col: pa.ChunkedArray) -> pa.Array:
    arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    if pa.types.is_float64(arr.type):
        return arr.view(pa.int64())
    if pa.types.is_float32(arr.type):
        return arr.view(pa.int32())
    return arr


def compare_table(a: Path, b: Path, rel: str, strict_docs: bool) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    docs: list[str] = []
    fa, fb = pq.ParquetFile(a), pq.ParquetFile(b)
    ma = {k.decode(): v.decode(errors="replace") for k, v in (fa.metadata.metadata or {}).items()}
    mb = {k.decode(): v.decode(errors="replace") for k, v in (fb.metadata.metadata or {}).items()}
    for k in sorted(set(ma) | set(mb)):
        if k in IGNORED_FILE_METADATA:
            continue
        if ma.get(k) != mb.get(k):
            errors.append(f"{rel}: file metadata {k!r} differs")
    ta, tb = pq.read_table(a), pq.read_table(b)
    sa, sb = ta.schema, tb.schema
    if sa.names != sb.names:
        errors.append(f"{rel}: columns differ: {sa.names} vs {sb.names}")
        return errors, docs
    for fa_, fb_ in zip(sa, sb):
        if fa_.type != fb_.type or fa_.nullable != fb_.nullable:
            errors.append(f"{rel}: column {fa_.name}: {fa_.type}/{fa_.nullable} vs {fb_.type}/{fb_.nullable}")
        if (fa_.metadata or {}) != (fb_.metadata or {}):
            docs.append(f"{rel}: column {fa_.name}: field metadata differ")
    if ta.num_rows != tb.num_rows:
        errors.append(f"{rel}: {ta.num_rows} rows vs {tb.num_rows}")
        return errors, docs
    for name in sa.names:
        ca, cb = bits(ta.column(name)), bits(tb.column(name))
        if ca.type != cb.type:
            continue
        if not ca.equals(cb):
            neq = [i for i in range(len(ca)) if ca[i] != cb[i]]
            first = neq[0] if neq else "?"
            errors.append(f"{rel}: column {name}: {len(neq)} rows differ (first at row {first}: "
                          f"{ta.column(name)[first] if neq else '?'} vs {tb.column(name)[first] if neq else '?'})")
    if strict_docs:
        errors += docs
    return errors, docs


def compare(a: Path, b: Path, strict_docs: bool) -> int:
    fa = {p.relative_to(a).as_posix() for p in a.rglob("*.parquet") if "/_sweeps/" not in p.as_posix()}
    fb = {p.relative_to(b).as_posix() for p in b.rglob("*.parquet") if "/_sweeps/" not in p.as_posix()}
    errors, docs = [], []
    for rel in sorted(fa - fb):
        errors.append(f"{rel}: only in {a}")
    for rel in sorted(fb - fa):
        errors.append(f"{rel}: only in {b}")
    for rel in sorted(fa & fb):
        e, d = compare_table(a / rel, b / rel, rel, strict_docs)
        errors += e
        docs += d
    for line in docs:
        print(f"doc   {line}")
    for line in errors:
        print(f"DIFF  {line}")
    print(f"{len(fa & fb)} tables compared, {len(errors)} differences, {len(docs)} documentation differences")
    return 1 if errors else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("binary")
    m.add_argument("out", type=Path)
    m.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    m.add_argument("--only", nargs="*", default=[])
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    c.add_argument("--strict-docs", action="store_true")
    args = p.parse_args()
    if args.cmd == "make":
        return make(args.binary, args.out, args.seeds, args.only)
    return compare(args.a, args.b, args.strict_docs)


if __name__ == "__main__":
    sys.exit(main())
