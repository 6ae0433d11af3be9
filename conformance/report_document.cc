#include "conformance/reports.h"

namespace gatesim::conformance {
namespace {

// Markdown table cells: pipes and newlines would break the row.
std::string md(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string markdown_report(const Scorecard& card) {
  std::string out = "# gatesim conformance scorecard\n\n| profile | MUST | SHOULD | MAY | failed | untested |\n"
                    "|---|---|---|---|---|---|\n";
  for (const ProfileScore& p : card.profiles) {
    std::size_t failed = 0, untested = 0;
    for (const auto& [level, t] : p.levels) {
      failed += t.failed;
      untested += t.untested;
    }
    out += "| " + p.profile->name + " | " + tally_cell(p.levels.at(Level::kMust)) + " | " +
           tally_cell(p.levels.at(Level::kShould)) + " | " + tally_cell(p.levels.at(Level::kMay)) + " | " +
           std::to_string(failed) + " | " + std::to_string(untested) + " |\n";
  }
  for (const ProfileScore& p : card.profiles) {
    out += "\n## " + p.profile->name + "\n\n| requirement | level | status | rule | evidence |\n|---|---|---|---|---|\n";
    for (const RequirementVerdict& v : p.requirements) {
      std::string evidence;
      for (const Evidence& e : v.evidence) {
        evidence += (evidence.empty() ? "" : "<br>") + std::string(e.expectation->passed ? "pass " : "**FAIL** ") +
                    md(e.run->name + " / " + e.expectation->id);
        if (!e.expectation->passed) {
          evidence += ": observed " + md(e.expectation->observed) + " (replay `" + replay_command(*e.run) + "`)";
        }
      }
      out += "| " + v.requirement->id + " | " + std::string(to_string(v.requirement->level)) + " | " +
             std::string(to_string(v.status)) + " | " + md(v.requirement->rule) + " | " + evidence + " |\n";
    }
  }
  return out;
}

std::string html_report(const Scorecard& card) {
  std::string out =
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>gatesim conformance</title>\n"
      "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
      "padding:2px 6px;vertical-align:top}.failed{background:#fdd}.untested{background:#ffd}</style></head><body>\n"
      "<h1>gatesim conformance scorecard</h1>\n<table><tr><th>profile</th><th>MUST</th><th>SHOULD</th><th>MAY</th></tr>\n";
  for (const ProfileScore& p : card.profiles) {
    out += "<tr><td>" + escape_markup(p.profile->name) + "</td><td>" + tally_cell(p.levels.at(Level::kMust)) + "</td><td>" +
           tally_cell(p.levels.at(Level::kShould)) + "</td><td>" + tally_cell(p.levels.at(Level::kMay)) + "</td></tr>\n";
  }
  out += "</table>\n";
  for (const ProfileScore& p : card.profiles) {
    out += "<h2>" + escape_markup(p.profile->name) + "</h2>\n<table><tr><th>requirement</th><th>level</th>"
           "<th>status</th><th>rule</th><th>evidence</th></tr>\n";
    for (const RequirementVerdict& v : p.requirements) {
      std::string evidence;
      for (const Evidence& e : v.evidence) {
        evidence += (evidence.empty() ? "" : "<br>") + std::string(e.expectation->passed ? "pass " : "<b>FAIL</b> ") +
                    escape_markup(e.run->name + " / " + e.expectation->id);
        if (!e.expectation->passed) {
          evidence += ": " + escape_markup(e.expectation->observed) + " <code>" + escape_markup(replay_command(*e.run)) +
                      "</code>";
        }
      }
      out += "<tr class=\"" + std::string(to_string(v.status)) + "\"><td>" + escape_markup(v.requirement->id) +
             "</td><td>" + std::string(to_string(v.requirement->level)) + "</td><td>" +
             std::string(to_string(v.status)) + "</td><td>" + escape_markup(v.requirement->rule) + "</td><td>" +
             evidence + "</td></tr>\n";
    }
    out += "</table>\n";
  }
  return out + "</body></html>\n";
}

}  // namespace gatesim::conformance
