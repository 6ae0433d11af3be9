"""Type stubs of the extension behind `gatesim` (bindings/gatesim_module.cc); the package's
Python layer (Scenario with set(), sweep) is in __init__.py."""
from typing import Any, Dict, List, Optional

class ScenarioError(ValueError):
    """A scenario that could not be loaded or run; the message has file:line:col per problem."""

class Scenario:
    """A loaded scenario (scenarios/README.md describes the format)."""
    name: str
    seed: int
    file: str
    duration_ns: int
    def run(self, seed: Optional[int] = None, out: str = "") -> "RunResult":
        """Runs the scenario in the simulator; with `out`, writes what `gatesim run --out` writes."""

class RunResult:
    """What one run produced."""
    trace_sha256: str
    simulator_events: int
    trace_jsonl: str
    trace: List[Dict[str, Any]]
    summary: Dict[str, Any]
    verdicts: List[Dict[str, Any]]
    def columns(self, record_type: str) -> Dict[str, Any]:
        """Records of one type as numpy arrays per field (defined in __init__.py)."""
    def to_pandas(self, record_type: str) -> Any:
        """The same as a pandas DataFrame."""

def load(path: str) -> Scenario:
    """Loads a scenario file; raises ScenarioError with file:line:col for each problem."""

def from_yaml(text: str, base_dir: str = ".", name: str = "<yaml>") -> Scenario:
    """Loads a scenario from YAML text; files it names are found under `base_dir`."""
