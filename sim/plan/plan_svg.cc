// plan.svg: p99 latency against offered load, one polyline per core count. Plain SVG 1.1
// written by hand (no dependency), with fixed decimals so the bytes depend on the numbers only.
#include <algorithm>
#include <cmath>

#include "sim/plan/number_format.h"
#include "sim/plan/plan_outputs.h"

namespace gatesim::plan {
namespace {

constexpr double kWidth = 760, kHeight = 460;
constexpr double kLeft = 80, kRight = 180, kTop = 50, kBottom = 60;  // plot margins; the legend sits right
constexpr double kPlotWidth = kWidth - kLeft - kRight, kPlotHeight = kHeight - kTop - kBottom;

// Distinguishable in colour and in grey (Tableau 10's first colours).
const char* const kColours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

// A tick step of 1, 2 or 5 times a power of ten giving at most about 6 intervals up to `max`.
double tick_step(double max) {
  if (max <= 0) return 1;
  const double raw = max / 6;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * magnitude >= raw) return m * magnitude;
  }
  return 10 * magnitude;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string px(double v) { return fixed(v, 1); }

struct Axis {
  double max = 1, step = 1;
  double at(double value, double length) const { return value / max * length; }
};

Axis axis_for(double largest) {
  Axis a;
  a.step = tick_step(largest);
  a.max = std::max(a.step, std::ceil(largest / a.step) * a.step);
  return a;
}

std::string text(double x, double y, const std::string& anchor, const std::string& body, const std::string& extra = "") {
  return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" text-anchor=\"" + anchor + "\"" + extra + ">" + escape(body) +
         "</text>\n";
}

// Tick labels drop trailing zeros of the step's decimals: 0.5, 1, 1.5 rather than 0.500.
std::string tick_label(double value, double step) {
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
  return fixed(value, decimals);
}

}  // namespace

std::string plan_svg(const PlanReport& report) {
  const SweepDefinition& sweep = report.sweep;
  const SloTerm* slo_p99 = nullptr;  // the line drawn across the plot
  for (const SloTerm& t : sweep.slo.terms) {
    if (t.kind == SloTerm::Kind::kLatency && t.percentile == 99) slo_p99 = &t;
  }
  const std::int64_t slo_p99_ns = slo_p99 != nullptr ? slo_p99->below_ns : 0;
  double largest_ms = static_cast<double>(slo_p99_ns) / 1e6;
  for (const PointResult& p : report.points) {
    const auto it = p.latency_ns.find("p99");
    if (p.error.empty() && p.has_latency() && it != p.latency_ns.end()) largest_ms = std::max(largest_ms, static_cast<double>(it->second) / 1e6);
  }
  const Axis x = axis_for(sweep.rps.empty() ? 1 : sweep.rps.back());
  const Axis y = axis_for(largest_ms * 1.05);
  const auto sx = [&](double rps) { return kLeft + x.at(rps, kPlotWidth); };
  const auto sy = [&](double ms) { return kTop + kPlotHeight - y.at(ms, kPlotHeight); };

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px(kWidth) + "\" height=\"" + px(kHeight) +
         "\" viewBox=\"0 0 " + px(kWidth) + " " + px(kHeight) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += text(kLeft + kPlotWidth / 2, 24, "middle",
              sweep.scenario_name + ": p99 latency vs offered load (seed " + std::to_string(sweep.seed) + ")",
              " font-size=\"15\"");

  // Grid and ticks.
  for (int k = 0; k * x.step <= x.max + x.step / 2; ++k) {
    const double v = k * x.step, at = sx(v);
    out += "<line x1=\"" + px(at) + "\" y1=\"" + px(kTop) + "\" x2=\"" + px(at) + "\" y2=\"" + px(kTop + kPlotHeight) +
           "\" stroke=\"#e0e0e0\"/>\n";
    out += text(at, kTop + kPlotHeight + 18, "middle", tick_label(v, x.step));
  }
  for (int k = 0; k * y.step <= y.max + y.step / 2; ++k) {
    const double v = k * y.step, at = sy(v);
    out += "<line x1=\"" + px(kLeft) + "\" y1=\"" + px(at) + "\" x2=\"" + px(kLeft + kPlotWidth) + "\" y2=\"" + px(at) +
           "\" stroke=\"#e0e0e0\"/>\n";
    out += text(kLeft - 8, at + 4, "end", tick_label(v, y.step));
  }
  out += "<rect x=\"" + px(kLeft) + "\" y=\"" + px(kTop) + "\" width=\"" + px(kPlotWidth) + "\" height=\"" +
         px(kPlotHeight) + "\" fill=\"none\" stroke=\"black\"/>\n";
  out += text(kLeft + kPlotWidth / 2, kHeight - 16, "middle", "offered load (requests per second)");
  out += text(22, kTop + kPlotHeight / 2, "middle", "p99 latency (ms)",
              " transform=\"rotate(-90 22 " + px(kTop + kPlotHeight / 2) + ")\"");

  if (slo_p99 != nullptr) {
    const double at = sy(static_cast<double>(slo_p99_ns) / 1e6);
    out += "<line x1=\"" + px(kLeft) + "\" y1=\"" + px(at) + "\" x2=\"" + px(kLeft + kPlotWidth) + "\" y2=\"" + px(at) +
           "\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>\n";
    // Labelled at the left, where the curves still run low, so that no curve crosses the text.
    out += text(kLeft + 6, at - 5, "start", "SLO " + slo_p99->text(),
                " fill=\"#d62728\"");
  }

  // One polyline per core count; markers hollow where the point missed the SLO.
  for (std::size_t c = 0; c < sweep.cores.size(); ++c) {
    const std::string colour = kColours[c % (sizeof(kColours) / sizeof(kColours[0]))];
    std::string line, markers;
    for (std::size_t r = 0; r < sweep.rps.size(); ++r) {
      const std::size_t i = c * sweep.rps.size() + r;
      if (i >= report.points.size() || !report.points[i].error.empty()) continue;
      const PointResult& p = report.points[i];
      const auto it = p.latency_ns.find("p99");
      if (it == p.latency_ns.end() || !p.has_latency()) continue;  // nothing answered: no p99 to draw
      const std::string cx = px(sx(p.offered_rps)), cy = px(sy(static_cast<double>(it->second) / 1e6));
      line += (line.empty() ? "" : " ") + cx + "," + cy;
      markers += "<circle cx=\"" + cx + "\" cy=\"" + cy + "\" r=\"3.5\" stroke=\"" + colour + "\" fill=\"" +
                 (report.slo_met[i] ? colour : "white") + "\"/>\n";
    }
    out += "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\" points=\"" + line + "\"/>\n" + markers;
    const double ly = kTop + 10 + 20 * static_cast<double>(c);
    const double lx = kLeft + kPlotWidth + 16;
    out += "<line x1=\"" + px(lx) + "\" y1=\"" + px(ly) + "\" x2=\"" + px(lx + 24) + "\" y2=\"" + px(ly) +
           "\" stroke=\"" + colour + "\" stroke-width=\"2\"/>\n";
    out += text(lx + 30, ly + 4, "start", cores_text(sweep.cores[c]));
  }
  const double note_y = kTop + 10 + 20 * static_cast<double>(sweep.cores.size()) + 10;
  out += text(kLeft + kPlotWidth + 16, note_y, "start", "hollow: SLO missed", " fill=\"#555\"");
  out += "</svg>\n";
  return out;
}

}  // namespace gatesim::plan
