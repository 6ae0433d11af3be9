#include <map>

#include "conformance/reports.h"

namespace gatesim::conformance {
namespace {

// Our profiles that have a Gateway API conformance profile.
const std::map<std::string, std::string> kGatewayApiProfiles = {
    {"gateway-http", "GATEWAY-HTTP"}, {"gateway-tls", "GATEWAY-TLS"}, {"gateway-grpc", "GATEWAY-GRPC"}};

struct Status {
  std::size_t passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> failed_tests, skipped_tests;
  std::string result() const { return failed > 0 ? "failure" : skipped > 0 ? "partial" : "success"; }
};

std::string yaml_list(const std::vector<std::string>& items, const std::string& indent) {
  if (items.empty()) return " []\n";
  std::string out = "\n";
  for (const std::string& i : items) out += indent + "- " + i + "\n";
  return out;
}

std::string status_yaml(const Status& s, const std::string& indent) {
  return indent + "result: " + s.result() + "\n" + indent + "statistics:\n" + indent + "  Passed: " +
         std::to_string(s.passed) + "\n" + indent + "  Skipped: " + std::to_string(s.skipped) + "\n" + indent +
         "  Failed: " + std::to_string(s.failed) + "\n" + indent + "failedTests:" + yaml_list(s.failed_tests, indent) +
         indent + "skippedTests:" + yaml_list(s.skipped_tests, indent);
}

}  // namespace

std::string gateway_api_report(const Scorecard& card, const std::string& date) {
  std::string out =
      "apiVersion: gateway.networking.k8s.io/v1\nkind: ConformanceReport\n"
      "implementation:\n  organization: gatesim\n  project: gatesim\n  url: https://example.invalid/gatesim\n"
      "  version: 0.1.0\n  contact: []\n"
      "date: \"" + date + "\"\ngatewayAPIVersion: v1.3.0\ngatewayAPIChannel: standard\nmode: simulated\nprofiles:\n";
  for (const ProfileScore& p : card.profiles) {
    auto it = kGatewayApiProfiles.find(p.profile->name);
    if (it == kGatewayApiProfiles.end()) continue;
    Status core, extended;
    for (const RequirementVerdict& v : p.requirements) {
      Status& s = v.requirement->level == Level::kMust ? core : extended;
      const std::string name = v.requirement->gateway_api.empty() ? v.requirement->id : v.requirement->gateway_api;
      switch (v.status) {
        case RequirementVerdict::Status::kPassed: ++s.passed; break;
        case RequirementVerdict::Status::kFailed:
          ++s.failed;
          s.failed_tests.push_back(name);
          break;
        case RequirementVerdict::Status::kUntested:
          ++s.skipped;
          s.skipped_tests.push_back(name);
          break;
      }
    }
    const std::string summary = "Core tests " + std::string(core.result() == "success" ? "succeeded" : core.result() == "partial" ? "partially succeeded" : "failed") +
                                " with " + std::to_string(core.failed) + " failures and " + std::to_string(core.skipped) +
                                " skips; extended " + std::to_string(extended.passed) + " passed.";
    out += "- name: " + it->second + "\n  summary: \"" + summary + "\"\n  core:\n" + status_yaml(core, "    ") +
           "  extended:\n" + status_yaml(extended, "    ") + "    supportedFeatures: []\n    unsupportedFeatures: []\n";
  }
  return out;
}

}  // namespace gatesim::conformance
