// The pybind11 extension behind the Python package `gatesim` (bindings/gatesim/__init__.py).
// A run releases the GIL: the simulator never calls back into Python.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario_runner.h"

namespace py = pybind11;
using namespace gatesim;

namespace {

// A scenario that could not be loaded or run: the message holds every diagnostic, each with
// its file:line:col.
struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string format(const config::Diagnostics& diagnostics) {
  std::string out;
  for (const config::Diagnostic& d : diagnostics.items()) {
    if (d.severity != config::Severity::kInfo) out += (out.empty() ? "" : "\n") + d.format();
  }
  return out;
}

// JSON (nlohmann) to Python objects, through the json module: one parse, exact types.
py::object to_python(const std::string& json_text) { return py::module_::import("json").attr("loads")(json_text); }

struct PyRunResult {
  sim::RunResult result;
  std::string summary_json;
  std::vector<sim::ExpectationVerdict> verdicts;
};

// ns-3's simulator is one per process: runs from several Python threads take turns.
std::mutex& simulator_mutex() {
  static std::mutex m;
  return m;
}

PyRunResult run(const sim::Scenario& scenario, std::optional<std::uint64_t> seed, const std::string& out) {
  PyRunResult r;
  config::Diagnostics diagnostics;
  const std::uint64_t s = seed.value_or(scenario.seed);
  {
    py::gil_scoped_release unlocked;
    std::lock_guard<std::mutex> one_at_a_time(simulator_mutex());
    r.result = sim::run_scenario(scenario, s, out, diagnostics);
    if (r.result.ok) {
      r.summary_json = sim::summary_json(scenario, s, r.result);
      r.verdicts = sim::evaluate_expectations(scenario.expectations, r.result.trace);
    }
  }
  if (!r.result.ok) throw ScenarioError(format(diagnostics));
  return r;
}

}  // namespace

PYBIND11_MODULE(_gatesim, m) {
  m.doc() = "gatesim's simulator: scenarios in, traces and verdicts out (see the package docstring)";
  py::register_exception<ScenarioError>(m, "ScenarioError", PyExc_ValueError);

  py::class_<sim::Scenario>(m, "Scenario", "A loaded scenario (scenarios/README.md describes the format)")
      .def_readonly("name", &sim::Scenario::name)
      .def_readonly("seed", &sim::Scenario::seed, "the seed the file names (run() uses it by default)")
      .def_readonly("file", &sim::Scenario::file)
      .def_property_readonly("duration_ns", [](const sim::Scenario& s) { return s.duration.count(); })
      .def(
          "run", [](const sim::Scenario& s, std::optional<std::uint64_t> seed, const std::string& out) { return run(s, seed, out); },
          py::arg("seed") = py::none(), py::arg("out") = "",
          "Runs the scenario in the simulator from `seed` (default: the scenario's) and returns a RunResult; with "
          "`out`, also writes trace.jsonl, summary.json, metrics.prom and keylog.txt there, as `gatesim run --out` does.");

  py::class_<PyRunResult>(m, "RunResult", "What one run produced")
      .def_property_readonly("trace_sha256", [](const PyRunResult& r) { return r.result.trace_sha256; },
                             "SHA-256 of trace.jsonl: equal runs have equal hashes")
      .def_property_readonly("simulator_events", [](const PyRunResult& r) { return r.result.simulator_events; })
      .def_property_readonly("trace_jsonl", [](const PyRunResult& r) { return r.result.trace; },
                             "the trace as gatesim run writes it, one JSON object per line")
      .def_property_readonly(
          "trace",
          [](const PyRunResult& r) {
            py::list records;
            std::istringstream lines(r.result.trace);
            for (std::string line; std::getline(lines, line);) {
              if (!line.empty()) records.append(to_python(line));
            }
            return records;
          },
          "the trace records as dicts, in simulated-time order")
      .def_property_readonly("summary", [](const PyRunResult& r) { return to_python(r.summary_json); },
                             "summary.json as a dict: clients, cpu per worker, metrics")
      .def_property_readonly(
          "verdicts",
          [](const PyRunResult& r) {
            py::list out;
            for (const sim::ExpectationVerdict& v : r.verdicts) {
              py::dict d;
              d["id"] = v.id;
              d["passed"] = v.passed;
              d["expected"] = v.expected;
              d["observed"] = v.observed;
              out.append(d);
            }
            return out;
          },
          "one dict per expectation of the scenario: id, passed, expected, observed");

  m.def(
      "load",
      [](const std::string& path) {
        config::Diagnostics diagnostics;
        sim::Scenario scenario = sim::load_scenario(path, diagnostics);
        if (diagnostics.has_errors()) throw ScenarioError(format(diagnostics));
        return scenario;
      },
      py::arg("path"), "Loads a scenario file; raises ScenarioError with file:line:col for each problem.");
  m.def(
      "from_yaml",
      [](const std::string& text, const std::string& base_dir, const std::string& name) {
        config::Diagnostics diagnostics;
        sim::Scenario scenario = sim::load_scenario_text(text, name, base_dir, diagnostics);
        if (diagnostics.has_errors()) throw ScenarioError(format(diagnostics));
        return scenario;
      },
      py::arg("text"), py::arg("base_dir") = ".", py::arg("name") = "<yaml>",
      "Loads a scenario from YAML text; files it names are found under `base_dir`; errors name `name`:line:col.");
}
