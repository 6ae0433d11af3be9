#include "expectations.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

std::vector<Expectation> read_expectations(const std::string& file) {
  std::vector<Expectation> out;
  std::ifstream in(file);
  std::string line;
  const std::string marker = "# expect:";
  while (std::getline(in, line)) {
    if (line.rfind(marker, 0) != 0) continue;
    std::istringstream fields(line.substr(marker.size()));
    Expectation e;
    std::string position;
    fields >> e.code >> position >> e.path;
    const std::size_t colon = position.find(':');
    if (colon != std::string::npos) {
      e.line = std::stoi(position.substr(0, colon));
      e.column = std::stoi(position.substr(colon + 1));
    }
    if (e.path == "-") e.path.clear();
    e.text = line;
    out.push_back(e);
  }
  return out;
}

std::vector<std::string> yaml_files_in(const std::string& directory) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string examples_dir() { return std::string(GATESIM_SOURCE_DIR) + "/examples/istio"; }
