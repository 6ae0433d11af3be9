#include "gateway/tls/client_hello.h"

#include <cctype>

namespace gatesim::tls {
namespace {

// A bounds-checked big-endian reader over a byte range; every read fails softly.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool u8(std::uint32_t* v) { return read(1, v); }
  bool u16(std::uint32_t* v) { return read(2, v); }
  bool u24(std::uint32_t* v) { return read(3, v); }
  bool bytes(std::size_t n, std::string_view* out) {
    if (data_.size() - pos_ < n) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool skip(std::size_t n) {
    std::string_view ignored;
    return bytes(n, &ignored);
  }
  bool empty() const { return pos_ == data_.size(); }

 private:
  bool read(int n, std::uint32_t* v) {
    if (data_.size() - pos_ < static_cast<std::size_t>(n)) return false;
    std::uint32_t value = 0;
    for (int i = 0; i < n; ++i) value = (value << 8) | static_cast<unsigned char>(data_[pos_ + i]);
    pos_ += static_cast<std::size_t>(n);
    *v = value;
    return true;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
};

constexpr std::uint32_t kHandshakeRecord = 22;
constexpr std::uint32_t kClientHelloType = 1;
constexpr std::uint16_t kExtServerName = 0;
constexpr std::uint16_t kExtAlpn = 16;
constexpr std::uint16_t kExtSupportedVersions = 43;

bool parse_extensions(Reader& r, ClientHello& hello) {
  std::uint32_t total = 0;
  if (r.empty()) return true;  // a hello without extensions (SSLv3-era) is still a hello
  std::string_view block;
  if (!r.u16(&total) || !r.bytes(total, &block) || !r.empty()) return false;
  Reader ext(block);
  while (!ext.empty()) {
    std::uint32_t type = 0, length = 0;
    std::string_view body;
    if (!ext.u16(&type) || !ext.u16(&length) || !ext.bytes(length, &body)) return false;
    Reader b(body);
    if (type == kExtServerName) {
      std::uint32_t list_length = 0;
      std::string_view list;
      if (!b.u16(&list_length) || !b.bytes(list_length, &list)) return false;
      Reader names(list);
      while (!names.empty()) {
        std::uint32_t name_type = 0, name_length = 0;
        std::string_view name;
        if (!names.u8(&name_type) || !names.u16(&name_length) || !names.bytes(name_length, &name)) return false;
        if (name_type == 0 && hello.server_name.empty()) {
          for (char c : name) hello.server_name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
    } else if (type == kExtAlpn) {
      std::uint32_t list_length = 0;
      std::string_view list;
      if (!b.u16(&list_length) || !b.bytes(list_length, &list)) return false;
      Reader protocols(list);
      while (!protocols.empty()) {
        std::uint32_t n = 0;
        std::string_view protocol;
        if (!protocols.u8(&n) || n == 0 || !protocols.bytes(n, &protocol)) return false;
        hello.alpn.emplace_back(protocol);
      }
    } else if (type == kExtSupportedVersions) {
      std::uint32_t n = 0;
      if (!b.u8(&n) || n % 2 != 0) return false;
      hello.versions.clear();
      for (std::uint32_t i = 0; i < n; i += 2) {
        std::uint32_t v = 0;
        if (!b.u16(&v)) return false;
        hello.versions.push_back(static_cast<std::uint16_t>(v));
      }
    }
  }
  return true;
}

}  // namespace

PeekResult peek_client_hello(std::string_view bytes, std::size_t max_hello_bytes) {
  PeekResult result;
  // The handshake message may span several records: reassemble their payloads.
  std::string handshake;
  std::size_t at = 0;
  while (true) {
    if (bytes.size() - at < 5) {
      // Judge what we have: a first byte that is not "handshake" is not TLS at all.
      if (at == 0 && !bytes.empty() && static_cast<unsigned char>(bytes[0]) != kHandshakeRecord) {
        result.status = PeekStatus::kNotTls;
      }
      if (at == 0 && bytes.size() >= 2 && static_cast<unsigned char>(bytes[1]) != 3) result.status = PeekStatus::kNotTls;
      return result;
    }
    Reader header(bytes.substr(at, 5));
    std::uint32_t type = 0, major = 0, minor = 0, length = 0;
    header.u8(&type);
    header.u8(&major);
    header.u8(&minor);
    header.u16(&length);
    if (type != kHandshakeRecord || major != 3) {
      result.status = at == 0 ? PeekStatus::kNotTls : PeekStatus::kMalformed;
      return result;
    }
    if (length == 0 || length > 16384 + 256) {
      result.status = PeekStatus::kMalformed;
      return result;
    }
    if (handshake.size() + length > max_hello_bytes + 4) {  // +4: the handshake header
      result.status = PeekStatus::kTooLarge;
      return result;
    }
    if (bytes.size() - at - 5 < length) return result;  // need the rest of this record
    handshake.append(bytes.substr(at + 5, length));
    at += 5 + length;
    if (handshake.size() < 4) continue;
    Reader h(handshake);
    std::uint32_t message_type = 0, message_length = 0;
    h.u8(&message_type);
    h.u24(&message_length);
    if (message_type != kClientHelloType) {
      result.status = at == 5 + length ? PeekStatus::kNotTls : PeekStatus::kMalformed;
      return result;
    }
    if (message_length > max_hello_bytes) {
      result.status = PeekStatus::kTooLarge;
      return result;
    }
    if (handshake.size() - 4 < message_length) continue;  // the hello continues in the next record
    std::string_view body;
    h.bytes(message_length, &body);
    Reader r(body);
    std::uint32_t legacy_version = 0, session_id_length = 0, suites_length = 0, methods_length = 0;
    if (!r.u16(&legacy_version) || !r.skip(32) || !r.u8(&session_id_length) || session_id_length > 32 ||
        !r.skip(session_id_length) || !r.u16(&suites_length) || suites_length % 2 != 0 || !r.skip(suites_length) ||
        !r.u8(&methods_length) || !r.skip(methods_length)) {
      result.status = PeekStatus::kMalformed;
      return result;
    }
    result.hello.versions = {static_cast<std::uint16_t>(legacy_version)};
    if (!parse_extensions(r, result.hello)) {
      result.status = PeekStatus::kMalformed;
      result.hello = ClientHello{};
      return result;
    }
    result.hello.bytes = at;
    result.status = PeekStatus::kClientHello;
    return result;
  }
}

}  // namespace gatesim::tls
