"""gatesim from Python: load a scenario, run it in the simulator from a seed, read the result.

    import gatesim
    s = gatesim.load("scenarios/many-core-load/cpu-queueing.yaml")
    r = s.run(seed=1)
    r.trace_sha256, r.summary["clients"], r.verdicts

Runs are the same as `gatesim run`: same scenario and seed, same trace, byte for byte.
"""
from ._gatesim import RunResult, Scenario, ScenarioError, load

__all__ = ["RunResult", "Scenario", "ScenarioError", "load"]
