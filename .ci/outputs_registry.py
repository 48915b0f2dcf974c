"""The output tables as hashshift defines them, for the checks in this folder.

`hashshift schema --outputs --format json` prints the table registry of the code: every run
table (name, file, optional or not, columns with type, unit, nullability, when a column is
null, description), the event kinds (name, whether their events carry a firm and a site) and
the sweep's `runs` table. `.ci/check_outputs.py` and `.ci/check_sweep.py` read the tables and
columns from it instead of listing them again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa

REPO = Path(__file__).resolve().parent.parent
# The release build of this checkout (as .ci/run and .ci/slurm_sweep.sh build it).
DEFAULT_BINARY = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release" / "hashshift"

# Arrow type names of the registry (`hashshift::output::doc::type_name`) as pyarrow types.
PA_TYPES = {
    "UInt32": pa.uint32(),
    "UInt64": pa.uint64(),
    "Int64": pa.int64(),
    "Float64": pa.float64(),
    "Boolean": pa.bool_(),
    "Utf8": pa.string(),
    "timestamp[ms, UTC]": pa.timestamp("ms", tz="UTC"),
}


def add_arguments(ap) -> None:
    """The options that say where the registry comes from."""
    ap.add_argument(
        "--hashshift",
        metavar="BINARY",
        default=os.environ.get("HASHSHIFT", str(DEFAULT_BINARY)),
        help="hashshift binary whose table registry is checked against (default: $HASHSHIFT or "
        "the release build, ${CARGO_TARGET_DIR:-target}/release/hashshift)",
    )
    ap.add_argument(
        "--registry",
        metavar="JSON",
        help="the output of `hashshift schema --outputs --format json` (instead of running "
        "--hashshift)",
    )


def load(args) -> dict:
    """The registry, from --registry or by running --hashshift; exits with a message if
    neither works."""
    if args.registry:
        with open(args.registry) as f:
            return json.load(f)
    cmd = [args.hashshift, "schema", "--outputs", "--format", "json"]
    try:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"{Path(sys.argv[0]).name}: cannot read the table registry with "
                 f"`{' '.join(cmd)}` ({e}); build hashshift (cargo build --release) or pass "
                 "--hashshift BINARY / --registry JSON")
    return json.loads(out)


def pa_type(name: str) -> pa.DataType:
    """The pyarrow type of a registry type name."""
    try:
        return PA_TYPES[name]
    except KeyError:
        sys.exit(f"{Path(sys.argv[0]).name}: the registry names Arrow type {name!r}, unknown "
                 "here: add it to PA_TYPES in .ci/outputs_registry.py")


def table(registry: dict, name: str) -> dict:
    """The run table `name` of the registry."""
    for t in registry["tables"]:
        if t["name"] == name:
            return t
    raise KeyError(f"no run table {name!r} in the registry")


def names(t: dict, null_when: str | None = None) -> tuple:
    """The column names of table `t` (with `null_when`: only those null under that
    condition)."""
    return tuple(c["name"] for c in t["columns"]
                 if null_when is None or c["null_when"] == null_when)


def column_problem(t: dict, schema: pa.Schema, offset: int = 0) -> str | None:
    """Why the fields `offset..` of `schema` are not the columns of registry table `t`, in
    order with their types, nullability, unit and description metadata (None if they are)."""
    want = [c["name"] for c in t["columns"]]
    got = schema.names[offset:offset + len(want)]
    if got != want:
        missing = [n for n in want if n not in got]
        extra = [n for n in got if n not in want]
        return (f"columns differ from the registry's {t['name']} (missing {missing}, unexpected "
                f"{extra}" + (", order differs" if not missing and not extra else "") + ")")
    for c in t["columns"]:
        f = schema.field(c["name"])
        typ = f.type
        expected = pa_type(c["type"])
        ok = typ == expected or (pa.types.is_large_string(typ) and expected == pa.string())
        if not ok:
            return f"column {c['name']!r} is {typ}, the registry says {c['type']}"
        if f.nullable != c["nullable"]:
            return f"column {c['name']!r} nullable = {f.nullable}, the registry says {c['nullable']}"
        md = f.metadata or {}
        for key in ("unit", "description"):
            value = md.get(key.encode(), b"").decode()
            if value != c[key]:
                return f"column {c['name']!r} has {key} {value!r}, the registry says {c[key]!r}"
    return None
