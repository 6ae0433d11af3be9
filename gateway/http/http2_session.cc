#include "gateway/http/http2_session.h"

#include <cstdint>
#include <limits>
#include <new>

namespace gatesim::http {
namespace {

struct OptionDeleter {
  void operator()(nghttp2_option* option) const { nghttp2_option_del(option); }
};

}  // namespace

Http2Session::Http2Session(const nghttp2_session_callbacks* callbacks, void* user_data,
                           const Http2SessionOptions& options) {
  nghttp2_option* raw_option = nullptr;
  if (nghttp2_option_new(&raw_option) != 0) throw std::bad_alloc();
  std::unique_ptr<nghttp2_option, OptionDeleter> option(raw_option);

  // Request bodies are flow-controlled by the application: WINDOW_UPDATE only for what it has
  // consumed (codec consume()), so a slow upstream holds the client back instead of our memory
  // growing.
  nghttp2_option_set_no_auto_window_update(raw_option, 1);
  nghttp2_option_set_max_send_header_block_length(raw_option, options.max_send_header_block);

  // Determinism. Debian's 1.52.0-1+deb12u1 backports upstream 1.57's stream-reset rate limiter
  // (CVE-2023-44487). Read from upstream lib/nghttp2_session.c, nghttp2_ratelim.c, nghttp2_time.c
  // at v1.57.0: the clock is read in exactly one place, session_update_stream_reset_ratelim(), which
  // runs for every RST_STREAM a *server* session accepts (stream id non-zero and not idle) while no
  // GOAWAY has been submitted; it calls nghttp2_time_now_sec() (the monotonic clock,
  // falling back to time()) and nghttp2_ratelim_update(), which adds rate * elapsed_seconds tokens
  // (capped at burst), then drains one token; with none left it queues GOAWAY INTERNAL_ERROR.
  // With rate = 0 the refill adds nothing whatever the clock says, and with burst = UINT64_MAX the
  // bucket (initialised full) cannot run dry within 2^64 - 1 resets: the clock is still read, but
  // its value can no longer change anything observable. Http2PrematureResetBudget does the
  // defending instead, by counting events only.
  nghttp2_option_set_stream_reset_rate_limit(raw_option, std::numeric_limits<std::uint64_t>::max(), 0);

  nghttp2_session* session = nullptr;
  int rv = options.server ? nghttp2_session_server_new2(&session, callbacks, user_data, raw_option)
                          : nghttp2_session_client_new2(&session, callbacks, user_data, raw_option);
  if (rv != 0) throw std::bad_alloc();
  session_.reset(session);
}

}  // namespace gatesim::http
