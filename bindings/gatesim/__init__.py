"""gatesim from Python: load a scenario, change it, run it in the simulator from a seed.

    import gatesim
    s = gatesim.load("scenarios/many-core-load/cpu-queueing.yaml")
    s.set("links.client-gateway.delay", "5ms")
    r = s.run(seed=1)
    r.trace_sha256, r.summary["clients"], r.verdicts
    results = gatesim.sweep(s, [{"gateway.cpu.workers": n} for n in (1, 2, 4)], processes=2)

Runs are the same as `gatesim run`: same scenario and seed, same trace, byte for byte.
"""
import copy as _copy
import json as _json
import multiprocessing as _multiprocessing
import os as _os

import yaml as _yaml

from . import _gatesim
from ._gatesim import RunResult, ScenarioError

__all__ = ["RunResult", "Scenario", "ScenarioError", "from_dict", "from_yaml", "load", "sweep"]


def _columns(self, record_type):
    """The trace's records of one type (response, gateway, cpu, ...) as columns: a dict from
    field to a numpy array, numbers as int64/float64 and text as object arrays. A field some
    records lack holds None there (and its array is an object array)."""
    import numpy

    records = [r for r in self.trace if r["type"] == record_type]
    fields = sorted({f for r in records for f in r})
    return {f: numpy.array([r.get(f) for r in records], dtype=_dtype([r.get(f) for r in records])) for f in fields}


def _dtype(values):
    if all(isinstance(v, bool) for v in values):
        return bool
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int64"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "float64"
    return object


def _to_pandas(self, record_type):
    """The same columns as a pandas DataFrame (pandas must be installed: python3-pandas)."""
    import pandas

    return pandas.DataFrame(self.columns(record_type))


RunResult.columns = _columns
RunResult.to_pandas = _to_pandas


class Scenario:
    """A scenario (scenarios/README.md) as data that `set()` can change, and its checked form."""

    def __init__(self, document, base_dir, name):
        self._document = document
        self._base_dir = base_dir
        self._name = name
        self._native = _gatesim.from_yaml(_json.dumps(document, indent=1), base_dir=base_dir, name=name)

    name = property(lambda self: self._native.name, doc="the scenario's name")
    seed = property(lambda self: self._native.seed, doc="the seed it names (run() uses it by default)")
    duration_ns = property(lambda self: self._native.duration_ns, doc="simulated duration")

    def to_dict(self):
        """A copy of the scenario as a dict shaped like its YAML."""
        return _copy.deepcopy(self._document)

    def set(self, path, value):
        """Sets the field at a dotted path and checks the result, e.g. "duration",
        "gateway.cpu.workers", "links.client-gateway.delay" (a link by its two nodes),
        "clients.app-1.rate" (a list element by its name), "backends.0.delay" (by index).
        A path that leads nowhere raises ScenarioError naming it; so does a value the
        scenario format refuses (the scenario is then left unchanged)."""
        document = _copy.deepcopy(self._document)
        parent, key = _resolve(document, path)
        parent[key] = value
        try:
            native = _gatesim.from_yaml(_json.dumps(document, indent=1), base_dir=self._base_dir,
                                        name=f"{self._name} with {path}={value!r}")
        except ScenarioError as error:
            raise ScenarioError(f"set({path!r}, {value!r}): {error}") from None
        self._document, self._native = document, native
        return self

    def run(self, seed=None, out=""):
        """Runs it in the simulator from `seed` (default: the scenario's); with `out`, also
        writes what `gatesim run --out` writes there. The GIL is released meanwhile."""
        return self._native.run(seed=seed, out=out)


def _resolve(document, path):
    parts = path.split(".")
    node = document
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, dict):
            if last:
                return node, part
            if part not in node:
                node[part] = {}  # a section the scenario leaves to its defaults, e.g. gateway.cpu
            node = node[part]
        elif isinstance(node, list):
            index = _element(node, part)
            if index is None:
                raise ScenarioError(f"set({path!r}): {where}: no element named {part!r} "
                                    f"(by name, by link `a-b`, or by index 0..{len(node) - 1})")
            if last:
                return node, index
            node = node[index]
        else:
            raise ScenarioError(f"set({path!r}): {'.'.join(parts[:depth])} is a value, not a section")
    raise ScenarioError(f"set({path!r}): an empty path")


def _element(items, part):
    for i, item in enumerate(items):
        if isinstance(item, dict):
            if item.get("name") == part:
                return i
            between = item.get("between")
            if isinstance(between, list) and len(between) == 2 and part in (
                    f"{between[0]}-{between[1]}", f"{between[1]}-{between[0]}"):
                return i
    if part.isdigit() and int(part) < len(items):
        return int(part)
    return None


def load(path):
    """Loads a scenario file; raises ScenarioError with file:line:col for each problem."""
    _gatesim.load(path)  # the file's own errors, with its lines
    with open(path) as f:
        document = _yaml.safe_load(f)
    return Scenario(document, _os.path.dirname(_os.path.abspath(path)), path)


def from_yaml(text, base_dir=".", name="<yaml>"):
    """Loads a scenario from YAML text; files it names are found under `base_dir`."""
    _gatesim.from_yaml(text, base_dir=base_dir, name=name)
    return Scenario(_yaml.safe_load(text), base_dir, name)


def from_dict(scenario, base_dir=".", name="<dict>"):
    """Loads a scenario from a dict shaped like the YAML file; files it names are found under
    `base_dir`. Errors point into the dict's JSON text, `name`:line:col."""
    return Scenario(_copy.deepcopy(scenario), base_dir, name)


def _run_point(args):
    (document, base_dir, name), point, seed = args
    s = Scenario(document, base_dir, name)
    for path, value in point.items():
        s.set(path, value)
    r = s.run(seed=seed)
    return {"point": point, "trace_sha256": r.trace_sha256, "summary": r.summary, "verdicts": r.verdicts}


def sweep(scenario, points, processes=1, seed=None):
    """Runs `scenario` once per point (a dict of set() paths to values) and returns, in the
    order of `points`, one dict each: point, trace_sha256, summary, verdicts. Points run in
    `processes` forked processes (ns-3 runs one simulation per process); the results do not
    depend on how many."""
    source = (scenario._document, scenario._base_dir, scenario._name)  # picklable, unlike the checked form
    jobs = [(source, dict(point), seed) for point in points]
    if processes <= 1:
        return [_run_point(job) for job in jobs]
    with _multiprocessing.get_context("fork").Pool(processes) as pool:
        return pool.map(_run_point, jobs, chunksize=1)
