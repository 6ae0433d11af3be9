#include "gateway/http/http1_field_collector.h"

#include "gateway/http/http1_field_syntax.h"

namespace gatesim::http {

void Http1FieldCollector::clear() {
  bytes_ = 0;
  in_value_ = false;
  open_field_ = false;
  fields_.clear();
  error_.clear();
}

Http1FieldCollector::Status Http1FieldCollector::add_name_piece(std::string_view piece) {
  if (!open_field_ || in_value_) {
    if (open_field_) {
      if (Status s = close_field(); s != Status::kOk) return s;
    }
    // Counted when a field starts, so the section stops before holding one field too many.
    if (fields_.size() + 1 > max_count_) {
      return fail(Status::kTooLarge, "more than " + std::to_string(max_count_) + " header fields");
    }
    fields_.push_back({});
    open_field_ = true;
    in_value_ = false;
  }
  if (Status s = account(piece.size()); s != Status::kOk) return s;
  fields_.back().name.append(piece.data(), piece.size());
  return Status::kOk;
}

Http1FieldCollector::Status Http1FieldCollector::add_value_piece(std::string_view piece) {
  if (!open_field_) return fail(Status::kMalformed, "field value without a name");
  in_value_ = true;
  if (Status s = account(piece.size()); s != Status::kOk) return s;
  fields_.back().value.append(piece.data(), piece.size());
  return Status::kOk;
}

Http1FieldCollector::Status Http1FieldCollector::finish(HeaderList& out) {
  if (open_field_) {
    if (Status s = close_field(); s != Status::kOk) return s;
  }
  out = std::move(fields_);
  fields_.clear();
  return Status::kOk;
}

Http1FieldCollector::Status Http1FieldCollector::close_field() {
  HeaderField& field = fields_.back();
  open_field_ = false;
  in_value_ = false;
  // http-parser as Debian builds it (HTTP_PARSER_STRICT=0) lets a space into a name: "Host : x"
  // arrives as name "Host ". That must be a 400 (RFC 9112 5.1): intermediaries disagreeing on the
  // name is a smuggling vector.
  if (!is_token(field.name)) return fail(Status::kMalformed, "invalid header field name");
  const std::string_view value = trim_ows(field.value);
  if (!is_field_value(value)) return fail(Status::kMalformed, "invalid character in field value of " + field.name);
  field.name = to_lowercase(field.name);
  field.value = std::string(value);
  return Status::kOk;
}

Http1FieldCollector::Status Http1FieldCollector::account(std::size_t bytes) {
  bytes_ += bytes;
  if (bytes_ > max_bytes_) {
    return fail(Status::kTooLarge, "header fields over " + std::to_string(max_bytes_) + " bytes");
  }
  return Status::kOk;
}

Http1FieldCollector::Status Http1FieldCollector::fail(Status status, std::string detail) {
  error_ = std::move(detail);
  return status;
}

}  // namespace gatesim::http
