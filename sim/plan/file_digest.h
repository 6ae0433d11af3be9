#pragma once

#include <string>

namespace gatesim::plan {

// SHA-256 of a file's bytes in hex: how shards recognise that they swept the same scenario.
// "" and a sentence in `error` when the file cannot be read.
std::string file_sha256(const std::string& path, std::string* error);

}  // namespace gatesim::plan
