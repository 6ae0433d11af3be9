#include <filesystem>
#include <fstream>

#include "sim/plan/plan_outputs.h"

namespace gatesim::plan {

std::string plan_output(const PlanReport& report, const std::string& format) {
  if (format == "csv") return plan_csv(report);
  if (format == "json") return plan_json(report);
  return plan_table(report);
}

bool write_plan_files(const PlanReport& report, const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  const std::pair<const char*, std::string> files[] = {
      {"plan.csv", plan_csv(report)}, {"plan.json", plan_json(report)}, {"plan.svg", plan_svg(report)}};
  for (const auto& [name, text] : files) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
      *error = "cannot write " + path;
      return false;
    }
  }
  return true;
}

}  // namespace gatesim::plan
