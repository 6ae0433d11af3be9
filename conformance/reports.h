#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "conformance/scorecard.h"

namespace gatesim::conformance {

// The scorecard for a terminal: per profile MUST/SHOULD/MAY passed out of total, then every
// failing requirement with its scenario, the expectation that failed, what was observed and
// a one-line replay command.
std::string text_report(const Scorecard& card);
nlohmann::json json_report(const Scorecard& card);
// JUnit XML: one <testsuite> per profile, one <testcase> per requirement and scenario
// (untested requirements are <skipped>).
std::string junit_report(const Scorecard& card);
std::string markdown_report(const Scorecard& card);
std::string html_report(const Scorecard& card);
// Gateway API ConformanceReport (gateway.networking.k8s.io/v1) for the profiles that have a
// Gateway API counterpart: MUST requirements as core, SHOULD and MAY as extended; test names
// are the requirements' gateway_api ShortNames (their ids when none).
std::string gateway_api_report(const Scorecard& card, const std::string& date);

// "passed/total" of one level, "-" when the level has no requirement.
std::string tally_cell(const LevelTally& tally);

// XML/HTML text escaping.
std::string escape_markup(const std::string& text);

}  // namespace gatesim::conformance
