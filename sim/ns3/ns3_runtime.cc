#include "sim/ns3/ns3_runtime.h"

#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-address.h>
#include <ns3/simulator.h>
#include <ns3/socket.h>
#include <ns3/tcp-header.h>
#include <ns3/tcp-socket-base.h>
#include <ns3/tcp-socket-factory.h>

#include "sim/ns3/ns3_connection.h"

namespace gatesim::sim {

namespace {

io::Address to_address(const ns3::Address& address) {
  const ns3::InetSocketAddress inet = ns3::InetSocketAddress::ConvertFrom(address);
  std::ostringstream ip;
  inet.GetIpv4().Print(ip);
  return io::Address{ip.str(), inet.GetPort()};
}

io::Address local_of(ns3::Ptr<ns3::Socket> socket) {
  ns3::Address address;
  socket->GetSockName(address);
  return to_address(address);
}

class Ns3Listener : public io::Listener {
 public:
  Ns3Listener(Ns3Runtime& runtime, ns3::Ptr<ns3::Socket> socket, io::Address address, io::AcceptHandler on_accept)
      : runtime_(runtime), socket_(socket), address_(std::move(address)), on_accept_(std::move(on_accept)) {
    socket_->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                               ns3::MakeCallback(&Ns3Listener::accepted, this));
  }
  ~Ns3Listener() override {
    socket_->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                               ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>());
    socket_->Close();
  }
  const io::Address& address() const override { return address_; }

 private:
  void accepted(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from) {
    auto connection = std::make_unique<Ns3Connection>(runtime_, socket, local_of(socket), to_address(from));
    runtime_.report({ConnectionEvent::Kind::kAccepted, connection->id(), connection->local(), connection->peer(), ""});
    on_accept_(std::move(connection));
  }

  Ns3Runtime& runtime_;
  ns3::Ptr<ns3::Socket> socket_;
  io::Address address_;
  io::AcceptHandler on_accept_;
};

}  // namespace

Ns3Runtime::Ns3Runtime(ns3::Ptr<ns3::Node> node, std::uint64_t seed) : node_(node), rng_(seed) {}

Ns3Runtime::~Ns3Runtime() {
  *alive_ = false;
  for (auto& [id, event] : timers_) ns3::Simulator::Cancel(event);
}

io::TimePoint Ns3Runtime::now() const { return io::TimePoint(ns3::Simulator::Now().GetNanoSeconds()); }

io::TimerId Ns3Runtime::schedule(io::Duration delay, std::function<void()> fn) {
  const io::TimerId id = ++next_timer_;
  std::weak_ptr<bool> alive = alive_;
  timers_[id] = ns3::Simulator::Schedule(ns3::NanoSeconds(delay.count()), [this, id, alive, fn = std::move(fn)] {
    if (alive.expired()) return;
    timers_.erase(id);
    fn();
  });
  return id;
}

void Ns3Runtime::cancel(io::TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  ns3::Simulator::Cancel(it->second);
  timers_.erase(it);
}

void Ns3Runtime::defer(std::function<void()> fn) {
  std::weak_ptr<bool> alive = alive_;
  ns3::Simulator::ScheduleNow([alive, fn = std::move(fn)] {
    if (!alive.expired()) fn();
  });
}

std::unique_ptr<io::Listener> Ns3Runtime::listen(const io::Address& address, io::AcceptHandler on_accept,
                                                 std::string* error) {
  if (address.is_v6()) {
    *error = "the simulator speaks IPv4 only";
    return nullptr;
  }
  ns3::Ptr<ns3::Socket> socket = ns3::Socket::CreateSocket(node_, ns3::TcpSocketFactory::GetTypeId());
  const ns3::InetSocketAddress local(ns3::Ipv4Address(address.ip.c_str()), address.port);
  if (socket->Bind(local) != 0 || socket->Listen() != 0) {
    *error = "cannot listen on " + address.to_string();
    return nullptr;
  }
  return std::make_unique<Ns3Listener>(*this, socket, address, std::move(on_accept));
}

void Ns3Runtime::connect(const io::Address& address, io::Duration timeout, io::ConnectHandler on_connected) {
  ns3::Ptr<ns3::Socket> socket = ns3::Socket::CreateSocket(node_, ns3::TcpSocketFactory::GetTypeId());
  socket->Bind();
  struct Pending {
    bool done = false;
    ns3::EventId timer;
  };
  auto pending = std::make_shared<Pending>();
  std::weak_ptr<bool> alive = alive_;
  auto complete = [this, alive, pending, socket, address, on_connected](bool ok, const std::string& why) {
    if (pending->done) return;
    pending->done = true;  // the connect callbacks stay installed (this closure lives in them)
    ns3::Simulator::Cancel(pending->timer);
    if (alive.expired()) return;
    if (!ok) {
      report({ConnectionEvent::Kind::kConnectFailed, 0, local_of(socket), address, why});
      socket->Close();
      on_connected(nullptr, why);
      return;
    }
    auto connection = std::make_unique<Ns3Connection>(*this, socket, local_of(socket), address);
    report({ConnectionEvent::Kind::kConnected, connection->id(), connection->local(), address, ""});
    on_connected(std::move(connection), "");
  };
  socket->SetConnectCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([complete](ns3::Ptr<ns3::Socket>) { complete(true, ""); }),
                             ns3::Callback<void, ns3::Ptr<ns3::Socket>>([complete](ns3::Ptr<ns3::Socket>) {
                               complete(false, "Connection refused");
                             }));
  // ns-3 3.37 ignores a RST answering a SYN (SYN_SENT handles no RST, and with timestamps
  // it even discards the RST for lacking one), so a refused connect would only time out.
  // Linux reports ECONNREFUSED at once; watch the socket's received segments to do the same.
  socket->TraceConnectWithoutContext(
      "Rx", ns3::Callback<void, ns3::Ptr<const ns3::Packet>, const ns3::TcpHeader&, ns3::Ptr<const ns3::TcpSocketBase>>(
                [complete](ns3::Ptr<const ns3::Packet>, const ns3::TcpHeader& header, ns3::Ptr<const ns3::TcpSocketBase>) {
                  if ((header.GetFlags() & ns3::TcpHeader::RST) != 0) complete(false, "Connection refused");
                }));
  if (timeout.count() > 0) {
    pending->timer = ns3::Simulator::Schedule(ns3::NanoSeconds(timeout.count()), [complete] { complete(false, "connect timeout"); });
  }
  socket->Connect(ns3::InetSocketAddress(ns3::Ipv4Address(address.ip.c_str()), address.port));
}

}  // namespace gatesim::sim
