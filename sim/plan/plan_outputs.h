#pragma once

#include <string>

#include "sim/plan/plan_report.h"

namespace gatesim::plan {

// The outputs of a finished sweep. Each is a pure function of the report: no times, paths or
// host names, so a sharded or MPI run writes the very bytes a single run writes.
std::string plan_json(const PlanReport& report);   // plan.json
std::string plan_csv(const PlanReport& report);    // plan.csv: one row per point
std::string plan_table(const PlanReport& report);  // the terminal table and capacity lines
std::string plan_svg(const PlanReport& report);    // plan.svg: p99 vs offered load per core count

// What goes to standard output for --format table|csv|json (the same bytes as the files).
std::string plan_output(const PlanReport& report, const std::string& format);

// Writes plan.csv, plan.json and plan.svg into `dir` (created if needed); false and a
// sentence naming the file on failure.
bool write_plan_files(const PlanReport& report, const std::string& dir, std::string* error);

}  // namespace gatesim::plan
