#include "sim/plan/number_format.h"

#include <cstdio>
#include <cstdlib>

namespace gatesim::plan {

std::string format_number(double value) {
  // Plain decimals first ("1000", not %g's "1e+03"); exponents only for what has no short
  // plain form.
  char buffer[400];
  for (int decimals = 0; decimals <= 17; ++decimals) {
    std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
    if (std::strtod(buffer, nullptr) == value) return buffer;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

std::string cores_text(int cores) { return std::to_string(cores) + (cores == 1 ? " core" : " cores"); }

std::string milliseconds(std::int64_t ns) { return fixed(static_cast<double>(ns) / 1e6, 3); }

}  // namespace gatesim::plan
