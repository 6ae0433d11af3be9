#include "gateway/http/http2_premature_reset_budget.h"

namespace gatesim::http {

bool Http2PrematureResetBudget::on_premature_reset() {
  ++premature_;
  return premature_ >= kMinPrematureResets && premature_ * 2 >= opened_;
}

}  // namespace gatesim::http
