"""The Python module runs the same simulator as `gatesim run`: same scenario and seed, same trace."""
import re
import subprocess
import threading

import pytest

import gatesim


def test_run_equals_the_cli(scenario_path, gatesim_cli, tmp_path):
    path = scenario_path("many-core-load/cpu-queueing")
    result = gatesim.load(path).run(seed=1)
    out = subprocess.run([gatesim_cli, "run", path, "--seed", "1", "--out", str(tmp_path)],
                         check=True, capture_output=True, text=True).stdout
    cli_sha = re.search(r"sha256 ([0-9a-f]{64})", out).group(1)
    assert result.trace_sha256 == cli_sha
    assert result.trace_jsonl == (tmp_path / "trace.jsonl").read_text()


def test_hand_computed_queue_in_the_result(scenario_path):
    result = gatesim.load(scenario_path("many-core-load/cpu-queueing")).run()
    latencies = sorted((r["end_ns"] - r["start_ns"]) / 1e6 for r in result.trace if r["type"] == "response")
    assert latencies == pytest.approx([12, 22, 32, 42, 52], abs=0.01)
    assert result.summary["cpu"]["per_worker"][0]["busy_ns"] == 50_000_000
    assert [v["id"] for v in result.verdicts] == ["first-served-in-12ms", "last-waits-four-requests", "busy-50ms"]
    assert all(v["passed"] for v in result.verdicts)


def test_same_seed_same_trace_other_seed_other_trace(scenario_path):
    scenario = gatesim.load(scenario_path("routing/weighted-split"))
    first, again, other = scenario.run(seed=7), scenario.run(seed=7), scenario.run(seed=8)
    assert first.trace_sha256 == again.trace_sha256
    assert first.trace_sha256 != other.trace_sha256


def test_a_broken_scenario_raises_with_its_location(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nnodes: [a]\nduration: soon\n")
    with pytest.raises(gatesim.ScenarioError) as error:
        gatesim.load(str(bad))
    assert re.search(r"bad\.yaml:3:\d+: error", str(error.value))
    with pytest.raises(gatesim.ScenarioError, match="no such file"):
        gatesim.load(str(tmp_path / "missing.yaml"))


def test_the_gil_is_released_while_the_simulator_runs(scenario_path):
    scenario = gatesim.load(scenario_path("many-core-load/handshake-storm"))
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    before = ticks
    scenario.run()
    during = ticks - before
    done.set()
    counter.join()
    assert during > 10_000  # the counting thread ran while the run held no GIL


def test_yaml_text_and_dict_give_the_file_s_trace(scenario_path):
    path = scenario_path("many-core-load/cpu-queueing")
    base = path.rsplit("/", 1)[0]
    from_file = gatesim.load(path).run(seed=3)
    text = open(path).read()
    assert gatesim.from_yaml(text, base_dir=base).run(seed=3).trace_sha256 == from_file.trace_sha256
    import yaml  # python3-yaml
    as_dict = yaml.safe_load(text)
    assert gatesim.from_dict(as_dict, base_dir=base).run(seed=3).trace_sha256 == from_file.trace_sha256
    as_dict["gateway"]["cpu"]["workers"] = 2
    as_dict["gateway"]["cpu"]["balance"] = "exact"
    two = gatesim.from_dict(as_dict, base_dir=base).run(seed=3)
    latencies = sorted((r["end_ns"] - r["start_ns"]) / 1e6 for r in two.trace if r["type"] == "response")
    assert latencies == pytest.approx([12, 12, 22, 22, 32], abs=0.01)


def test_yaml_text_errors_name_the_text():
    with pytest.raises(gatesim.ScenarioError, match=r"experiment:2:\d+: error"):
        gatesim.from_yaml("name: x\nnodes: 3\n", name="experiment")


def test_set_by_path_changes_the_run(scenario_path):
    s = gatesim.load(scenario_path("many-core-load/cpu-queueing"))
    s.set("links.client-gateway.delay", "5ms")
    latencies = sorted((r["end_ns"] - r["start_ns"]) / 1e6 for r in s.run().trace if r["type"] == "response")
    assert latencies[0] == pytest.approx(20, abs=0.01)  # 5 ms there, 10 ms of CPU, 5 ms back
    s.set("clients.c1.requests.0.path", "/first")
    assert [r["path"] for r in s.run().trace if r["type"] == "response" and r["client"] == "c1"] == ["/first"]


def test_set_errors_name_the_path(scenario_path):
    s = gatesim.load(scenario_path("many-core-load/cpu-queueing"))
    with pytest.raises(gatesim.ScenarioError, match=r"links\.client-backend: no element named"):
        s.set("links.client-backend.delay", "5ms")
    with pytest.raises(gatesim.ScenarioError, match=r"set\('gateway.cpu.workers', 0\).*workers"):
        s.set("gateway.cpu.workers", 0)
    assert s.to_dict()["gateway"]["cpu"]["workers"] == 1  # left unchanged


def test_sweep_is_the_same_whatever_the_processes(scenario_path):
    s = gatesim.load(scenario_path("many-core-load/cpu-queueing"))
    points = [{"gateway.cpu.workers": n, "gateway.cpu.balance": "exact"} for n in (1, 2, 3, 5)]
    one = gatesim.sweep(s, points, processes=1)
    three = gatesim.sweep(s, points, processes=3)
    assert one == three
    assert [r["point"]["gateway.cpu.workers"] for r in one] == [1, 2, 3, 5]
    busiest = [max(w["busy_ns"] for w in r["summary"]["cpu"]["per_worker"]) for r in one]
    assert busiest == [50_000_000, 30_000_000, 20_000_000, 10_000_000]


def test_columns_are_numpy_arrays_per_field(scenario_path):
    import numpy

    r = gatesim.load(scenario_path("many-core-load/cpu-queueing")).run()
    responses = r.columns("response")
    assert responses["end_ns"].dtype == numpy.int64
    latency_ms = numpy.sort((responses["end_ns"] - responses["start_ns"]) / 1e6)
    assert numpy.allclose(latency_ms, [12, 22, 32, 42, 52], atol=0.01)
    assert list(responses["client"]) == ["c1", "c2", "c3", "c4", "c5"]
    samples = r.columns("cpu")
    assert samples["utilisation"].dtype == object or samples["utilisation"].dtype == numpy.float64
    assert r.columns("nothing-like-this") == {}
