#pragma once

#include <cstdint>
#include <string>

namespace gatesim::plan {

// Numbers as the plan outputs print them, in one place so that table, CSV and SVG agree
// (printf in the C locale, which gatesim never changes: "." decimals on every machine).

// Shortest text that reads back to the same double ("1000", "2.5"): rates as the user gave them.
std::string format_number(double value);
// A fixed number of decimals ("31.250"): measured values in tables, CSV and SVG.
std::string fixed(double value, int decimals);
// "1 core", "4 cores".
std::string cores_text(int cores);
// Nanoseconds as milliseconds with microsecond resolution ("31.250").
std::string milliseconds(std::int64_t ns);

}  // namespace gatesim::plan
