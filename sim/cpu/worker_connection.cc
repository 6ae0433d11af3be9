#include "sim/cpu/worker_connection.h"

namespace gatesim::sim {

// The connection's held output and the connection itself: shared with the release events, so
// that both outlive a WorkerConnection the engine destroyed before its output left.
struct WorkerConnection::Outbox : io::ConnectionCallbacks {
  enum class Op { kWrite, kShutdown, kClose, kReset };
  struct Segment {
    bool sealed = false;
    io::TimePoint at{};
    Op op = Op::kWrite;
    std::string bytes;
  };

  io::Runtime& base;
  std::unique_ptr<io::Connection> inner;
  std::deque<Segment> segments;
  std::size_t held_bytes = 0;
  bool open_in_task = false;  // segments added by the running task, unsealed
  bool inner_closed = false;
  bool ended = false;  // a close or reset was released
  std::shared_ptr<Outbox> self;  // set while orphaned: kept until the connection has closed

  Outbox(io::Runtime& runtime, std::unique_ptr<io::Connection> connection)
      : base(runtime), inner(std::move(connection)) {}

  void add(WorkerCpu& cpu, Op op, std::string_view bytes, const std::shared_ptr<Outbox>& me) {
    if (cpu.in_task()) {
      segments.push_back({false, {}, op, std::string(bytes)});
      held_bytes += bytes.size();
      if (!open_in_task) {
        open_in_task = true;
        cpu.at_task_end([me](io::TimePoint done) { me->seal(done, me); });
      }
      return;
    }
    // Outside any task (a configuration apply, a drain): leaves now, behind what is held.
    segments.push_back({true, base.now(), op, std::string(bytes)});
    held_bytes += bytes.size();
    release();
  }

  void seal(io::TimePoint done, const std::shared_ptr<Outbox>& me) {
    open_in_task = false;
    for (Segment& s : segments) {
      if (!s.sealed) s.sealed = true, s.at = done;
    }
    if (done <= base.now()) return release();
    base.schedule(done - base.now(), [me] { me->release(); });
  }

  void release() {
    while (!segments.empty() && segments.front().sealed && segments.front().at <= base.now()) {
      Segment s = std::move(segments.front());
      segments.pop_front();
      held_bytes -= s.bytes.size();
      switch (s.op) {
        case Op::kWrite: inner->write(s.bytes); break;
        case Op::kShutdown: inner->shutdown_write(); break;
        case Op::kClose: ended = true, inner->close(); break;
        case Op::kReset: ended = true, inner->reset(); break;
      }
    }
    if (self != nullptr && segments.empty()) finish_orphan();
  }

  void finish_orphan() {
    if (inner_closed) return drop();
    if (!ended) {
      ended = true;
      inner->close();  // may report on_closed at once
    }
  }
  void drop() {
    base.defer([keep = std::move(self)] {});  // inner's callback may be on the stack
  }

  // While orphaned, the inner connection reports here.
  void on_data(io::Connection&, std::string_view) override {}
  void on_end_of_input(io::Connection&) override {}
  void on_closed(io::Connection&, io::CloseReason) override {
    inner_closed = true;
    if (self != nullptr) drop();
  }
};

WorkerConnection::WorkerConnection(std::unique_ptr<io::Connection> inner, WorkerCpu& cpu, io::Runtime& base,
                                   std::function<void()> on_gone)
    : cpu_(cpu), outbox_(std::make_shared<Outbox>(base, std::move(inner))), inner_(outbox_->inner.get()),
      on_gone_(std::move(on_gone)) {
  outbox_->inner->set_callbacks(this);
}

WorkerConnection::~WorkerConnection() {
  *alive_ = false;
  gone();
  if (outbox_->segments.empty() || outbox_->inner_closed) {
    outbox_->inner->set_callbacks(nullptr);
    return;  // the inner connection goes with us (closing its socket if still open)
  }
  outbox_->inner->set_callbacks(outbox_.get());
  outbox_->self = outbox_;
}

void WorkerConnection::gone() {
  if (on_gone_) {
    auto fn = std::move(on_gone_);
    on_gone_ = nullptr;
    fn();
  }
}

void WorkerConnection::write(std::string_view bytes) {
  if (!bytes.empty()) outbox_->add(cpu_, Outbox::Op::kWrite, bytes, outbox_);
}
std::size_t WorkerConnection::pending_bytes() const { return outbox_->held_bytes + outbox_->inner->pending_bytes(); }
void WorkerConnection::shutdown_write() { outbox_->add(cpu_, Outbox::Op::kShutdown, {}, outbox_); }
void WorkerConnection::close() { outbox_->add(cpu_, Outbox::Op::kClose, {}, outbox_); }
void WorkerConnection::reset() { outbox_->add(cpu_, Outbox::Op::kReset, {}, outbox_); }

void WorkerConnection::deliver(std::function<void(io::ConnectionCallbacks&)> fn) {
  cpu_.submit([this, alive = std::weak_ptr<bool>(alive_), fn = std::move(fn)] {
    if (!alive.expired() && callbacks_ != nullptr) fn(*callbacks_);
  });
}

void WorkerConnection::on_data(io::Connection&, std::string_view bytes) {
  deliver([this, bytes = std::string(bytes)](io::ConnectionCallbacks& c) { c.on_data(*this, bytes); });
}
void WorkerConnection::on_end_of_input(io::Connection&) {
  deliver([this](io::ConnectionCallbacks& c) { c.on_end_of_input(*this); });
}
void WorkerConnection::on_drained(io::Connection&) {
  deliver([this](io::ConnectionCallbacks& c) { c.on_drained(*this); });
}
void WorkerConnection::on_closed(io::Connection&, io::CloseReason reason) {
  outbox_->inner_closed = true;
  gone();
  deliver([this, reason](io::ConnectionCallbacks& c) { c.on_closed(*this, reason); });
}

}  // namespace gatesim::sim
