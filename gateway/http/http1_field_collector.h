#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/http/message.h"

namespace gatesim::http {

// Assembles one header or trailer section from http-parser's piecewise name/value callbacks:
// lowercases names, trims OWS around values, rejects what the field grammar forbids, and stops
// at the configured limits before buffering more (the callbacks hand over a field in as many
// pieces as the input was split into).
class Http1FieldCollector {
 public:
  enum class Status { kOk, kMalformed, kTooLarge };

  Http1FieldCollector(std::size_t max_bytes, std::size_t max_count) : max_bytes_(max_bytes), max_count_(max_count) {}

  void clear();
  // A name piece after a value piece starts the next field.
  Status add_name_piece(std::string_view piece);
  Status add_value_piece(std::string_view piece);
  // Ends the section and moves its fields out (empty when the section had none).
  Status finish(HeaderList& out);

  std::size_t field_count() const { return fields_.size(); }
  const std::string& error() const { return error_; }

 private:
  Status fail(Status status, std::string detail);
  Status close_field();
  Status account(std::size_t bytes);

  std::size_t max_bytes_;
  std::size_t max_count_;
  std::size_t bytes_ = 0;
  bool in_value_ = false;
  bool open_field_ = false;
  HeaderList fields_;
  std::string error_;
};

}  // namespace gatesim::http
