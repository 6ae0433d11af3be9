#pragma once

#include <string>
#include <vector>

#include "sim/plan/number_format.h"

namespace gatesim::plan {

// The two axes of a capacity sweep, parsed from the command line. A parse error is a sentence
// naming the flag, the offending text and what was expected ("" when the text was fine).

// --cores LIST: "1,2,4" — distinct ascending worker counts, each 1..1024 (gateway.cpu.workers).
std::vector<int> parse_cores(const std::string& text, std::string* error);

// --rps RANGE: "start:stop:step" (stop included when the steps land on it) or a list
// "500,1000,2000"; offered requests per second, positive, strictly ascending. Ascending order
// is required, not imposed, because capacity is read along the axis in the order given.
std::vector<double> parse_rps(const std::string& text, std::string* error);

}  // namespace gatesim::plan
