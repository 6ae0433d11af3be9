#include "sim/plan/sweep_axes.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace gatesim::plan {
namespace {

// More points than this is a typo (a step of 1 instead of 1000), not a sweep anyone waits for.
constexpr std::size_t kMaxPoints = 10000;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = text.find(separator, begin);
    parts.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) return parts;
    begin = end + 1;
  }
}

// A whole-string decimal number (strtod alone would accept "12abc", " 12", "inf" and "nan").
bool parse_decimal(const std::string& text, double* value) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  }
  errno = 0;
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size() && std::isfinite(*value);
}

bool parse_positive_rate(const std::string& flag, const std::string& part, const std::string& what, double* value,
                         std::string* error) {
  if (!parse_decimal(part, value)) {
    *error = flag + ": " + what + " \"" + part + "\" is not a number";
    return false;
  }
  if (*value <= 0) {
    *error = flag + ": " + what + " " + part + " must be above 0 requests per second";
    return false;
  }
  if (*value > 1e7) {
    *error = flag + ": " + what + " " + part + " is above 10000000 requests per second, the scenario format's limit";
    return false;
  }
  return true;
}

}  // namespace

std::vector<int> parse_cores(const std::string& text, std::string* error) {
  error->clear();
  std::vector<int> cores;
  if (text.empty()) {
    *error = "--cores: empty; give worker counts such as 1,2,4";
    return {};
  }
  for (const std::string& part : split(text, ',')) {
    const bool digits = !part.empty() && part.size() <= 4 && part.find_first_not_of("0123456789") == std::string::npos;
    const int n = digits ? std::atoi(part.c_str()) : 0;
    if (!digits || n < 1 || n > 1024) {
      *error = "--cores: \"" + part + "\" is not a worker count (a whole number from 1 to 1024) in \"" + text + "\"";
      return {};
    }
    if (!cores.empty() && n <= cores.back()) {
      *error = "--cores: " + part + " after " + std::to_string(cores.back()) +
               ": worker counts must be distinct and ascending (\"" + text + "\")";
      return {};
    }
    cores.push_back(n);
  }
  return cores;
}

std::vector<double> parse_rps(const std::string& text, std::string* error) {
  error->clear();
  if (text.empty()) {
    *error = "--rps: empty; give start:stop:step (1000:20000:1000) or a list (500,1000,2000)";
    return {};
  }
  std::vector<double> rates;
  if (text.find(':') != std::string::npos) {
    const std::vector<std::string> parts = split(text, ':');
    if (parts.size() != 3) {
      *error = "--rps: \"" + text + "\" has " + std::to_string(parts.size()) +
               " fields; a range is start:stop:step (1000:20000:1000)";
      return {};
    }
    double start = 0, stop = 0, step = 0;
    if (!parse_positive_rate("--rps", parts[0], "start", &start, error) ||
        !parse_positive_rate("--rps", parts[1], "stop", &stop, error) ||
        !parse_positive_rate("--rps", parts[2], "step", &step, error)) {
      return {};
    }
    if (stop < start) {
      *error = "--rps: stop " + parts[1] + " is below start " + parts[0] + " in \"" + text + "\"";
      return {};
    }
    // Points are start + i*step (never accumulated, so 0.1 steps do not drift); the stop is
    // included when a point lands on it within rounding.
    const double span = (stop - start) / step;
    if (span + 1 > static_cast<double>(kMaxPoints)) {
      *error = "--rps: \"" + text + "\" makes more than " + std::to_string(kMaxPoints) + " points";
      return {};
    }
    const auto count = static_cast<std::size_t>(std::floor(span + 1e-9)) + 1;
    for (std::size_t i = 0; i < count; ++i) rates.push_back(start + static_cast<double>(i) * step);
    return rates;
  }
  for (const std::string& part : split(text, ',')) {
    double rate = 0;
    if (!parse_positive_rate("--rps", part, "rate", &rate, error)) return {};
    if (!rates.empty() && rate <= rates.back()) {
      *error = "--rps: " + part + " after " + format_number(rates.back()) +
               ": rates must be distinct and ascending (\"" + text + "\")";
      return {};
    }
    if (rates.size() == kMaxPoints) {
      *error = "--rps: more than " + std::to_string(kMaxPoints) + " rates";
      return {};
    }
    rates.push_back(rate);
  }
  return rates;
}

}  // namespace gatesim::plan
