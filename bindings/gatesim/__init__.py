"""gatesim from Python: load a scenario, run it in the simulator from a seed, read the result.

    import gatesim
    s = gatesim.load("scenarios/many-core-load/cpu-queueing.yaml")
    r = s.run(seed=1)
    r.trace_sha256, r.summary["clients"], r.verdicts

Runs are the same as `gatesim run`: same scenario and seed, same trace, byte for byte.
"""
import json as _json

from ._gatesim import RunResult, Scenario, ScenarioError, from_yaml, load


def from_dict(scenario, base_dir=".", name="<dict>"):
    """Loads a scenario from a dict shaped like the YAML file (JSON is YAML); files it names
    are found under `base_dir`. Errors point into the dict's JSON text, `name`:line:col."""
    return from_yaml(_json.dumps(scenario, indent=1), base_dir=base_dir, name=name)


__all__ = ["RunResult", "Scenario", "ScenarioError", "from_dict", "from_yaml", "load"]
