// --cores and --rps: what a user types becomes the sweep's axes, and every typo is a precise
// error naming the flag and the text at fault.
#include <catch2/catch.hpp>

#include "sim/plan/sweep_axes.h"

using namespace gatesim::plan;

namespace {

std::string cores_error(const std::string& text) {
  std::string error;
  const auto cores = parse_cores(text, &error);
  CHECK(cores.empty());
  return error;
}

std::string rps_error(const std::string& text) {
  std::string error;
  const auto rps = parse_rps(text, &error);
  CHECK(rps.empty());
  return error;
}

}  // namespace

TEST_CASE("plan axes: core lists and rate ranges parse into ascending points", "[plan]") {
  std::string error;
  CHECK(parse_cores("1,2,4", &error) == std::vector<int>{1, 2, 4});
  CHECK(error.empty());
  CHECK(parse_cores("8", &error) == std::vector<int>{8});
  CHECK(parse_rps("1000:5000:1000", &error) == std::vector<double>{1000, 2000, 3000, 4000, 5000});
  CHECK(parse_rps("1000:4500:1000", &error) == std::vector<double>{1000, 2000, 3000, 4000});  // stop not on a step
  CHECK(parse_rps("500:500:100", &error) == std::vector<double>{500});
  CHECK(parse_rps("500,1000,2000", &error) == std::vector<double>{500, 1000, 2000});
  CHECK(parse_rps("0.5,1.5", &error) == std::vector<double>{0.5, 1.5});
  // Points are start + i*step, never a running sum: ten 0.1 steps end exactly on 1.1.
  const auto fine = parse_rps("0.1:1.1:0.1", &error);
  REQUIRE(fine.size() == 11);
  CHECK(fine.back() == 0.1 + 10 * 0.1);
  CHECK(error.empty());
  CHECK(format_number(1000) == "1000");
  CHECK(format_number(2.5) == "2.5");
  CHECK(format_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_number(1e-30) == "1e-30");
}

TEST_CASE("plan axes: bad core lists are precise errors", "[plan]") {
  CHECK(cores_error("") == "--cores: empty; give worker counts such as 1,2,4");
  CHECK(cores_error("1,,2") == "--cores: \"\" is not a worker count (a whole number from 1 to 1024) in \"1,,2\"");
  CHECK(cores_error("0") == "--cores: \"0\" is not a worker count (a whole number from 1 to 1024) in \"0\"");
  CHECK(cores_error("2000") == "--cores: \"2000\" is not a worker count (a whole number from 1 to 1024) in \"2000\"");
  CHECK(cores_error("1.5") == "--cores: \"1.5\" is not a worker count (a whole number from 1 to 1024) in \"1.5\"");
  CHECK(cores_error("-1") == "--cores: \"-1\" is not a worker count (a whole number from 1 to 1024) in \"-1\"");
  CHECK(cores_error("4,2") == "--cores: 2 after 4: worker counts must be distinct and ascending (\"4,2\")");
  CHECK(cores_error("2,2") == "--cores: 2 after 2: worker counts must be distinct and ascending (\"2,2\")");
}

TEST_CASE("plan axes: bad rate ranges and lists are precise errors", "[plan]") {
  CHECK(rps_error("") == "--rps: empty; give start:stop:step (1000:20000:1000) or a list (500,1000,2000)");
  CHECK(rps_error("1000:2000") == "--rps: \"1000:2000\" has 2 fields; a range is start:stop:step (1000:20000:1000)");
  CHECK(rps_error("1000:2000:100:5") ==
        "--rps: \"1000:2000:100:5\" has 4 fields; a range is start:stop:step (1000:20000:1000)");
  CHECK(rps_error("abc:2000:100") == "--rps: start \"abc\" is not a number");
  CHECK(rps_error("1000:2000:0") == "--rps: step 0 must be above 0 requests per second");
  CHECK(rps_error("0:2000:100") == "--rps: start 0 must be above 0 requests per second");
  CHECK(rps_error("2000:1000:100") == "--rps: stop 1000 is below start 2000 in \"2000:1000:100\"");
  CHECK(rps_error("1:100000:1") == "--rps: \"1:100000:1\" makes more than 10000 points");
  CHECK(rps_error("1000,500") == "--rps: 500 after 1000: rates must be distinct and ascending (\"1000,500\")");
  CHECK(rps_error("1000,1e9") == "--rps: rate 1e9 is above 10000000 requests per second, the scenario format's limit");
  CHECK(rps_error("100,nan") == "--rps: rate \"nan\" is not a number");
  CHECK(rps_error("100,12abc") == "--rps: rate \"12abc\" is not a number");
  CHECK(rps_error("100, 200") == "--rps: rate \" 200\" is not a number");
  CHECK(rps_error("-5,10") == "--rps: rate -5 must be above 0 requests per second");
}
