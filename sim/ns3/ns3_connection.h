#pragma once

#include <string>

#include <ns3/ptr.h>
#include <ns3/socket.h>

#include "sim/ns3/ns3_runtime.h"

namespace gatesim::sim {

// io::Connection over an ns-3 TCP socket. ns-3's Send takes all of a packet or none of it,
// so the unsent tail stays here and goes out as the send callback reports free space
// (DESIGN.md, "ns-3 facts to design around"). Received data is always read out, since
// closing an ns-3 socket with unread data sends a reset.
class Ns3Connection : public io::Connection {
 public:
  Ns3Connection(Ns3Runtime& runtime, ns3::Ptr<ns3::Socket> socket, io::Address local, io::Address peer);
  ~Ns3Connection() override;

  std::uint64_t id() const override { return id_; }
  void set_callbacks(io::ConnectionCallbacks* callbacks) override { callbacks_ = callbacks; }
  void write(std::string_view bytes) override;
  std::size_t pending_bytes() const override { return out_.size() - out_offset_; }
  void set_reading(bool enabled) override;
  void shutdown_write() override;
  void close() override;
  void reset() override;
  const io::Address& peer() const override { return peer_; }
  const io::Address& local() const override { return local_; }

 private:
  void on_readable(ns3::Ptr<ns3::Socket> socket);
  void on_send_space(ns3::Ptr<ns3::Socket> socket, uint32_t available);
  void on_peer_closed(ns3::Ptr<ns3::Socket> socket);
  void on_error(ns3::Ptr<ns3::Socket> socket);
  void read_all();
  void flush();
  void finish(io::CloseReason reason);

  Ns3Runtime& runtime_;
  ns3::Ptr<ns3::Socket> socket_;
  std::uint64_t id_;
  io::Address local_, peer_;
  io::ConnectionCallbacks* callbacks_ = nullptr;
  std::string out_;
  std::size_t out_offset_ = 0;
  bool reading_ = true;
  bool peer_fin_ = false;        // FIN received
  bool input_end_reported_ = false;
  bool shutdown_pending_ = false;
  bool write_shut_ = false;
  bool close_pending_ = false;
  bool closed_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
