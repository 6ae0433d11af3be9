#pragma once

#include <cstddef>
#include <memory>

#include <nghttp2/nghttp2.h>

namespace gatesim::http {

struct Http2SessionOptions {
  bool server = true;
  std::size_t max_send_header_block = 64 * 1024;
};

// Owns one nghttp2_session, configured for how gatesim drives it: pull style (mem_recv / mem_send
// only, no send callback), receive windows opened by the application (nghttp2_session_consume), and
// no dependence on the wall clock. Throws std::bad_alloc when nghttp2 cannot allocate (its only
// failure mode here).
class Http2Session {
 public:
  Http2Session(const nghttp2_session_callbacks* callbacks, void* user_data, const Http2SessionOptions& options);

  nghttp2_session* get() const { return session_.get(); }

 private:
  struct Deleter {
    void operator()(nghttp2_session* session) const { nghttp2_session_del(session); }
  };
  std::unique_ptr<nghttp2_session, Deleter> session_;
};

}  // namespace gatesim::http
