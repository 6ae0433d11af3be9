#pragma once

#include <string>
#include <vector>

// Example files state the diagnostics they must produce in header comments:
//   # expect: GS603 17:7 spec.servers[1].hosts[0]
// (code, line:column, field path or "-").
struct Expectation {
  std::string code;
  int line = 0;
  int column = 0;
  std::string path;
  std::string text;  // the line as written, for failure messages
};

std::vector<Expectation> read_expectations(const std::string& file);
std::vector<std::string> yaml_files_in(const std::string& directory);  // sorted
std::string read_file(const std::string& path);
std::string examples_dir();
