#include "sim/ns3/ns3_world.h"

#include <ns3/config.h>
#include <ns3/double.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-address-helper.h>
#include <ns3/ipv4-global-routing-helper.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/queue-size.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/boolean.h>
#include <ns3/error-model.h>
#include <ns3/channel.h>
#include <ns3/pointer.h>
#include <ns3/uinteger.h>
#include <ns3/nstime.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace gatesim::sim {

Ns3World::Ns3World(std::uint64_t seed) : seed_(seed), jitter_rng_(seed ^ 0x7177E77E7177E77EULL) {
  // ns-3's own random streams (error models, jitter) follow the scenario seed too.
  ns3::RngSeedManager::SetSeed(static_cast<uint32_t>((seed % 4294967295ULL) + 1));
  ns3::RngSeedManager::SetRun(1);
  ns3::Config::SetDefault("ns3::TcpSocket::SegmentSize", ns3::UintegerValue(1448));
  ns3::Config::SetDefault("ns3::TcpSocket::InitialCwnd", ns3::UintegerValue(10));
  ns3::Config::SetDefault("ns3::TcpSocket::DelAckCount", ns3::UintegerValue(2));
  ns3::Config::SetDefault("ns3::TcpSocket::ConnTimeout", ns3::TimeValue(ns3::Seconds(1)));  // Linux's SYN RTO
  ns3::Config::SetDefault("ns3::TcpSocket::DelAckTimeout", ns3::TimeValue(ns3::MilliSeconds(40)));
  ns3::Config::SetDefault("ns3::TcpSocket::SndBufSize", ns3::UintegerValue(4 << 20));
  ns3::Config::SetDefault("ns3::TcpSocket::RcvBufSize", ns3::UintegerValue(4 << 20));
  ns3::Config::SetDefault("ns3::TcpSocketBase::MinRto", ns3::TimeValue(ns3::MilliSeconds(200)));
  ns3::Config::SetDefault("ns3::TcpSocketBase::Sack", ns3::BooleanValue(true));
  ns3::Config::SetDefault("ns3::TcpSocketBase::ClockGranularity", ns3::TimeValue(ns3::MilliSeconds(1)));
}

Ns3World::~Ns3World() {
  for (auto& [name, n] : nodes_) n.runtime.reset();
  ns3::Simulator::Destroy();
}

void Ns3World::add_node(const std::string& name) {
  Node n;
  n.node = ns3::CreateObject<ns3::Node>();
  // FNV-1a of the name: a node's stream depends on the seed and its name only, on any platform.
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
  n.runtime = std::make_unique<Ns3Runtime>(n.node, seed_ ^ h);
  nodes_.emplace(name, std::move(n));
}

void Ns3World::add_link(const LinkSpec& link) {
  ns3::PointToPointHelper p2p;
  p2p.SetDeviceAttribute("DataRate", ns3::StringValue(link.rate));
  p2p.SetChannelAttribute("Delay", ns3::TimeValue(ns3::NanoSeconds(link.delay.count())));
  p2p.SetQueue("ns3::DropTailQueue", "MaxSize",
               ns3::QueueSizeValue(ns3::QueueSize(std::to_string(link.queue_packets) + "p")));
  if (finalized_) throw std::logic_error("links must be added before finalize()");
  links_.emplace_back(link, p2p.Install(nodes_.at(link.a).node, nodes_.at(link.b).node));
  if (link.loss > 0) apply_loss(links_.back().second, link.loss);
}

void Ns3World::apply_loss(ns3::NetDeviceContainer& devices, double rate) {
  for (std::uint32_t i = 0; i < devices.GetN(); ++i) {
    ns3::Ptr<ns3::RateErrorModel> model = ns3::CreateObject<ns3::RateErrorModel>();
    model->SetUnit(ns3::RateErrorModel::ERROR_UNIT_PACKET);
    model->SetRate(rate);
    // An explicit stream: ns-3 numbers automatic streams from a process-wide counter that
    // Simulator::Destroy does not reset, so a second run in one process would draw other losses.
    ns3::Ptr<ns3::UniformRandomVariable> draws = ns3::CreateObject<ns3::UniformRandomVariable>();
    draws->SetStream(static_cast<int64_t>(next_stream_++));
    model->SetRandomVariable(draws);
    devices.Get(i)->SetAttribute("ReceiveErrorModel", ns3::PointerValue(model));
  }
}

std::pair<LinkSpec, ns3::NetDeviceContainer>& Ns3World::link_between(const std::string& a, const std::string& b) {
  for (auto& link : links_) {
    if ((link.first.a == a && link.first.b == b) || (link.first.a == b && link.first.b == a)) return link;
  }
  throw std::out_of_range("no link between " + a + " and " + b);
}

void Ns3World::set_link_down(const std::string& a, const std::string& b, bool down) {
  auto& link = link_between(a, b);
  apply_loss(link.second, down ? 1.0 : link.first.loss);
}

void Ns3World::set_link_loss(const std::string& a, const std::string& b, double loss) {
  auto& link = link_between(a, b);
  link.first.loss = loss;
  apply_loss(link.second, loss);
}

void Ns3World::redraw_jitter(std::size_t index, double previous) {
  auto& [spec, devices] = links_[index];
  // Box-Muller from the world's seeded stream: the same seed draws the same delays.
  const double u1 = std::max(jitter_rng_.unit(), 1e-12), u2 = jitter_rng_.unit();
  const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  const double rho = std::clamp(spec.jitter_correlation, 0.0, 1.0);
  const double z = rho * previous + std::sqrt(1.0 - rho * rho) * normal;
  const double delay_ns = std::max(0.0, static_cast<double>(spec.delay.count()) + static_cast<double>(spec.jitter.count()) * z);
  devices.Get(0)->GetChannel()->SetAttribute("Delay", ns3::TimeValue(ns3::NanoSeconds(static_cast<std::int64_t>(delay_ns))));
  ns3::Simulator::Schedule(ns3::NanoSeconds(spec.jitter_interval.count()), [this, index, z] { redraw_jitter(index, z); });
}

void Ns3World::set_link_delay(const std::string& a, const std::string& b, io::Duration delay) {
  auto& link = link_between(a, b);
  link.first.delay = delay;
  link.second.Get(0)->GetChannel()->SetAttribute("Delay", ns3::TimeValue(ns3::NanoSeconds(delay.count())));
}

void Ns3World::set_link_rate(const std::string& a, const std::string& b, const std::string& rate) {
  auto& link = link_between(a, b);
  link.first.rate = rate;
  for (std::uint32_t i = 0; i < link.second.GetN(); ++i) link.second.Get(i)->SetAttribute("DataRate", ns3::StringValue(rate));
}

void Ns3World::enable_pcap(const std::string& directory) {
  ns3::PointToPointHelper p2p;
  for (auto& [spec, devices] : links_) {
    p2p.EnablePcap(directory + "/" + spec.a + "-" + spec.b + "-" + spec.a + ".pcap", devices.Get(0), false, true);
    p2p.EnablePcap(directory + "/" + spec.a + "-" + spec.b + "-" + spec.b + ".pcap", devices.Get(1), false, true);
  }
}

void Ns3World::finalize() {
  finalized_ = true;
  for (auto& [name, n] : nodes_) ns3::InternetStackHelper().Install(n.node);  // std::map: name order
  auto text = [](ns3::Ipv4Address a) {
    std::ostringstream s;
    a.Print(s);
    return s.str();
  };
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const std::size_t number = i + 1;
    ns3::Ipv4AddressHelper ipv4;
    const std::string network = "10." + std::to_string(number / 256) + "." + std::to_string(number % 256) + ".0";
    ipv4.SetBase(network.c_str(), "255.255.255.0");
    ns3::Ipv4InterfaceContainer interfaces = ipv4.Assign(links_[i].second);
    addresses_[{links_[i].first.a, links_[i].first.b}] = text(interfaces.GetAddress(0));
    addresses_[{links_[i].first.b, links_[i].first.a}] = text(interfaces.GetAddress(1));
  }
  ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();
  for (std::size_t i = 0; i < links_.size(); ++i) {
    if (links_[i].first.jitter.count() > 0) redraw_jitter(i, 0);
  }
  // ns-3 initialises nodes, devices and queue discs in events at time 0; sending before they
  // ran crashes the traffic-control layer. Run them now, so runtimes may open sockets at once.
  ns3::Simulator::Stop(ns3::Seconds(0));
  ns3::Simulator::Run();
}

std::string Ns3World::address_of(const std::string& node, const std::string& peer) const {
  return addresses_.at({node, peer});
}

Ns3Runtime& Ns3World::runtime(const std::string& node) { return *nodes_.at(node).runtime; }

void Ns3World::run_until(io::TimePoint until) {
  ns3::Simulator::Stop(ns3::NanoSeconds(until.count()) - ns3::Simulator::Now());
  ns3::Simulator::Run();
}

io::TimePoint Ns3World::now() const { return io::TimePoint(ns3::Simulator::Now().GetNanoSeconds()); }

std::uint64_t Ns3World::event_count() const { return ns3::Simulator::GetEventCount(); }

}  // namespace gatesim::sim
