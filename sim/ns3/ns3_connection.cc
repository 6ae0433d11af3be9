#include "sim/ns3/ns3_connection.h"

#include <ns3/packet.h>
#include <ns3/simulator.h>

namespace gatesim::sim {
namespace {
constexpr std::size_t kMaxSegmentWrite = 64 * 1024;
}

Ns3Connection::Ns3Connection(Ns3Runtime& runtime, ns3::Ptr<ns3::Socket> socket, io::Address local, io::Address peer)
    : runtime_(runtime), socket_(socket), id_(runtime.next_connection_id()), local_(std::move(local)),
      peer_(std::move(peer)) {
  socket_->SetRecvCallback(ns3::MakeCallback(&Ns3Connection::on_readable, this));
  socket_->SetSendCallback(ns3::MakeCallback(&Ns3Connection::on_send_space, this));
  socket_->SetCloseCallbacks(ns3::MakeCallback(&Ns3Connection::on_peer_closed, this),
                             ns3::MakeCallback(&Ns3Connection::on_error, this));
}

Ns3Connection::~Ns3Connection() {
  *alive_ = false;
  socket_->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  socket_->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, uint32_t>());
  socket_->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                             ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  if (!closed_) {
    // Destroyed open (its owner went away, e.g. a gateway restart): the socket closes now.
    runtime_.report({ConnectionEvent::Kind::kClosed, id_, local_, peer_, "destroyed"});
    socket_->Close();
  }
}

void Ns3Connection::on_readable(ns3::Ptr<ns3::Socket>) { read_all(); }

void Ns3Connection::read_all() {
  while (!closed_ && reading_) {
    ns3::Ptr<ns3::Packet> packet = socket_->Recv();
    if (packet == nullptr || packet->GetSize() == 0) break;
    std::string bytes(packet->GetSize(), '\0');
    packet->CopyData(reinterpret_cast<uint8_t*>(bytes.data()), static_cast<uint32_t>(bytes.size()));
    if (callbacks_ != nullptr) callbacks_->on_data(*this, bytes);
  }
  // ns-3 reports the FIN when it arrives; the application sees it after the data before it.
  if (!closed_ && peer_fin_ && !input_end_reported_ && socket_->GetRxAvailable() == 0) {
    input_end_reported_ = true;
    if (write_shut_) return finish(io::CloseReason::kPeer);
    if (callbacks_ != nullptr) callbacks_->on_end_of_input(*this);
  }
}

void Ns3Connection::on_send_space(ns3::Ptr<ns3::Socket>, uint32_t) { flush(); }

void Ns3Connection::on_peer_closed(ns3::Ptr<ns3::Socket>) {
  peer_fin_ = true;
  read_all();
}

void Ns3Connection::on_error(ns3::Ptr<ns3::Socket>) {
  const ns3::Socket::SocketErrno error = socket_->GetErrno();
  finish(error == ns3::Socket::ERROR_SHUTDOWN || error == ns3::Socket::ERROR_NOTCONN ? io::CloseReason::kReset
                                                                                     : io::CloseReason::kError);
}

void Ns3Connection::write(std::string_view bytes) {
  if (closed_ || close_pending_ || shutdown_pending_ || bytes.empty()) return;
  if (out_offset_ > 0 && out_offset_ * 2 > out_.size()) {
    out_.erase(0, out_offset_);
    out_offset_ = 0;
  }
  out_.append(bytes);
  flush();
}

void Ns3Connection::flush() {
  if (closed_) return;
  const bool had_pending = out_offset_ < out_.size();
  while (out_offset_ < out_.size()) {
    const uint32_t available = socket_->GetTxAvailable();
    if (available == 0) return;  // resumes from the send callback
    const std::size_t n = std::min({static_cast<std::size_t>(available), out_.size() - out_offset_, kMaxSegmentWrite});
    ns3::Ptr<ns3::Packet> packet =
        ns3::Create<ns3::Packet>(reinterpret_cast<const uint8_t*>(out_.data() + out_offset_), static_cast<uint32_t>(n));
    if (socket_->Send(packet) < 0) return;  // all or nothing: try again when space frees
    out_offset_ += n;
  }
  out_.clear();
  out_offset_ = 0;
  if (close_pending_) {
    socket_->Close();  // FIN after what TCP still holds
    return finish(io::CloseReason::kLocal);
  }
  if (shutdown_pending_ && !write_shut_) {
    socket_->ShutdownSend();
    write_shut_ = true;
    if (input_end_reported_) return finish(io::CloseReason::kPeer);
  }
  if (had_pending && callbacks_ != nullptr) callbacks_->on_drained(*this);
}

void Ns3Connection::set_reading(bool enabled) {
  if (closed_ || reading_ == enabled) return;
  reading_ = enabled;
  if (enabled) {
    // Data may be waiting in the socket: deliver it on the next event, not inside this call.
    std::weak_ptr<bool> alive = alive_;
    runtime_.defer([this, alive] {
      if (!alive.expired()) read_all();
    });
  }
}

void Ns3Connection::shutdown_write() {
  if (closed_ || shutdown_pending_) return;
  shutdown_pending_ = true;
  flush();
}

void Ns3Connection::close() {
  if (closed_ || close_pending_) return;
  close_pending_ = true;
  flush();
}

void Ns3Connection::reset() {
  // ns-3 exposes no abortive close; Close() with unread input makes TCP send RST, and a
  // plain Close() sends FIN. Read nothing more and close: the peer learns the connection is gone.
  if (closed_) return;
  out_.clear();
  out_offset_ = 0;
  socket_->Close();
  finish(io::CloseReason::kLocal);
}

void Ns3Connection::finish(io::CloseReason reason) {
  if (closed_) return;
  closed_ = true;
  runtime_.report({ConnectionEvent::Kind::kClosed, id_, local_, peer_,
                   std::string(io::to_string(reason)) + (peer_fin_ ? " after the peer's FIN" : "")});
  if (callbacks_ != nullptr) callbacks_->on_closed(*this, reason);
}

}  // namespace gatesim::sim
