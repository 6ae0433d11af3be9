#pragma once

#include <optional>
#include <string>

namespace gatesim::config {

// PEM checks with OpenSSL, so that a Secret or file that would make the listener fail to
// load is reported before anything runs. Each returns nullopt when fine, else the reason.
std::optional<std::string> certificate_chain_error(const std::string& pem);
std::optional<std::string> key_pair_error(const std::string& certificate_pem, const std::string& private_key_pem);

// Reads a certificate file named by a Gateway; relative paths are relative to the YAML file.
std::optional<std::string> read_pem_file(const std::string& path, const std::string& relative_to_file,
                                         std::string* error);

}  // namespace gatesim::config
