#include "gateway/http/http1_body_encoder.h"

#include <algorithm>
#include <cstdio>

#include "gateway/http/http1_wire_writer.h"

namespace gatesim::http {

void Http1BodyEncoder::begin(Framing framing, std::uint64_t length) {
  framing_ = framing;
  remaining_ = framing == Framing::kFixedLength ? length : 0;
  finished_ = false;
  cut_short_ = false;
}

void Http1BodyEncoder::write(std::string_view data, bool end, std::string& out) {
  if (finished_) return;
  switch (framing_) {
    case Framing::kNone:
      break;
    case Framing::kFixedLength: {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size()));
      out.append(data.data(), take);
      remaining_ -= take;
      break;
    }
    case Framing::kChunked:
      // A zero-size chunk would end the body (RFC 9112 7.1), so empty writes emit nothing.
      if (!data.empty()) {
        char size_line[24];
        std::snprintf(size_line, sizeof size_line, "%zx\r\n", data.size());
        out += size_line;
        out.append(data.data(), data.size());
        out += "\r\n";
      }
      break;
    case Framing::kUntilClose:
      out.append(data.data(), data.size());
      break;
  }
  if (end) finish(out);
}

void Http1BodyEncoder::finish_with_trailers(const HeaderList& trailers, std::string& out) {
  if (finished_) return;
  if (framing_ != Framing::kChunked) {
    finish(out);
    return;
  }
  out += "0\r\n";
  append_end_to_end_fields(out, trailers, FieldSection::kTrailers);
  append_end_of_fields(out);
  finished_ = true;
}

void Http1BodyEncoder::finish(std::string& out) {
  if (framing_ == Framing::kChunked) out += "0\r\n\r\n";
  if (framing_ == Framing::kFixedLength && remaining_ > 0) cut_short_ = true;
  finished_ = true;
}

}  // namespace gatesim::http
