#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "gateway/config/config_pipeline.h"
#include "gateway/config/yaml_document_loader.h"

using namespace gatesim::config;

namespace {

const Diagnostic* find(const Diagnostics& d, const std::string& id) {
  for (const Diagnostic& x : d.items()) {
    if (x.id() == id) return &x;
  }
  return nullptr;
}

DocumentSink collect(std::vector<YamlDocument>& docs) {
  return [&docs](const YamlDocument& d) { docs.push_back(d); };
}

std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("gatesim-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("multi-document files: every document, with file line numbers") {
  Diagnostics d;
  std::vector<YamlDocument> docs;
  YamlDocumentLoader(d).load_text("a: 1\n---\n---\nb: 2\n...\n--- {c: 3}\n# end\n", "m.yaml", collect(docs));
  CHECK(d.size() == 0);
  std::vector<const YamlDocument*> content;
  for (const YamlDocument& doc : docs) {
    if (doc.root && !doc.root.IsNull()) content.push_back(&doc);
  }
  REQUIRE(content.size() == 3);
  CHECK(content[1]->root["b"].as<int>() == 2);
  CHECK(content[1]->line_offset + content[1]->root["b"].Mark().line + 1 == 4);
  CHECK(content[2]->root["c"].as<int>() == 3);
  CHECK(content[2]->line_offset == 5);
}

TEST_CASE("a syntax error costs only its own document") {
  const PipelineResult r = run_config_pipeline_on_text(
      "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{name: http, port: 80}]}\n---\n"
      "apiVersion: v1\nkind: Service\nmetadata: {name: b\n---\n"
      "%YAML 1.2\n---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {ports: [{name: http, port: 80}]}\n",
      "partial.yaml");
  REQUIRE(r.snapshot->config.services.size() == 2);
  CHECK(r.snapshot->config.services[1].meta.name == "c");
  CHECK(r.snapshot->config.services[1].meta.origin.location.line == 12);
  const Diagnostic* e = find(r.diagnostics, "GS002");
  REQUIRE(e != nullptr);
  CHECK(e->location.line >= 8);
  CHECK(e->location.line <= 9);
}

TEST_CASE("a YAML syntax error points at its line and column") {
  Diagnostics d;
  std::vector<YamlDocument> docs;
  YamlDocumentLoader(d).load_text("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml", collect(docs));
  const Diagnostic* e = find(d, "GS002");
  REQUIRE(e != nullptr);
  CHECK(e->location.file == "bad.yaml");
  CHECK(e->location.line >= 2);
  CHECK(e->severity == Severity::kError);
}

TEST_CASE("binary input is refused at the first bad byte") {
  Diagnostics d;
  std::vector<YamlDocument> docs;
  YamlDocumentLoader(d).load_text(std::string("a: 1\nb: x\0y\n", 11), "bin.yaml", collect(docs));
  const Diagnostic* e = find(d, "GS003");
  REQUIRE(e != nullptr);
  CHECK(e->location.line == 2);
  CHECK(e->location.column == 5);
  Diagnostics d2;
  YamlDocumentLoader(d2).load_text("a: \xC3\x28\n", "latin.yaml", collect(docs));
  CHECK(find(d2, "GS003") != nullptr);
  Diagnostics d3;
  YamlDocumentLoader(d3).load_text("name: caf\xC3\xA9\n", "utf8.yaml", collect(docs));
  CHECK(d3.size() == 0);
}

TEST_CASE("deep nesting is an error, not a stack overflow") {
  for (std::size_t depth : {100u, 100000u}) {
    Diagnostics d;
    std::vector<YamlDocument> docs;
    YamlDocumentLoader(d).load_text(std::string(depth, '[') + std::string(depth, ']'), "deep.yaml", collect(docs));
    CHECK(find(d, "GS005") != nullptr);
    CHECK(docs.empty());
  }
}

TEST_CASE("an alias bomb is refused before anything walks it") {
  std::string yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (char level = 'b'; level <= 'j'; ++level) {
    yaml += std::string(1, level) + ": &" + std::string(1, level) + " [";
    for (int i = 0; i < 10; ++i) yaml += (i ? ", *" : "*") + previous;
    yaml += "]\n";
    previous = std::string(1, level);
  }
  Diagnostics d;
  std::vector<YamlDocument> docs;
  YamlDocumentLoader(d).load_text(yaml, "bomb.yaml", collect(docs));
  CHECK(find(d, "GS009") != nullptr);
  CHECK(docs.empty());
}

TEST_CASE("files over the size limit are refused without being parsed") {
  Diagnostics d;
  std::vector<YamlDocument> docs;
  LoadLimits limits;
  limits.max_file_bytes = 64;
  YamlDocumentLoader(d, limits).load_text(std::string(65, '#'), "big.yaml", collect(docs));
  CHECK(find(d, "GS004") != nullptr);
}

TEST_CASE("directories load recursively in name order, other files are ignored") {
  const auto dir = scratch_dir("dirs");
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "b.yaml") << "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {ports: [{port: 80}]}\n";
  std::ofstream(dir / "a.yml") << "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n";
  std::ofstream(dir / "sub" / "c.yaml") << "apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {ports: [{port: 80}]}\n";
  std::ofstream(dir / "notes.txt") << "not yaml: [";
  const PipelineResult r = run_config_pipeline({dir.string()});
  CHECK_FALSE(r.unreadable);
  REQUIRE(r.snapshot->config.services.size() == 3);
  CHECK(r.snapshot->config.services[0].meta.name == "a");
  CHECK(r.snapshot->config.services[1].meta.name == "b");
  CHECK(r.snapshot->config.services[2].meta.name == "c");
}

TEST_CASE("a missing path is unreadable, other kinds are skipped with a note") {
  const PipelineResult missing = run_config_pipeline({"/nonexistent/gatesim.yaml"});
  CHECK(missing.unreadable);
  CHECK(find(missing.diagnostics, "GS001") != nullptr);

  const PipelineResult other = run_config_pipeline_on_text(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {}\n---\n"
      "apiVersion: networking.istio.io/v2\nkind: Gateway\nmetadata: {name: g}\nspec: {}\n---\n"
      "- just\n- a list\n",
      "other.yaml");
  const Diagnostic* skipped = find(other.diagnostics, "GS007");
  REQUIRE(skipped != nullptr);
  CHECK(skipped->severity == Severity::kInfo);
  CHECK(skipped->location.line == 2);
  const Diagnostic* version = find(other.diagnostics, "GS008");
  REQUIRE(version != nullptr);
  CHECK(version->location.line == 6);
  CHECK(find(other.diagnostics, "GS006") != nullptr);
  CHECK(other.resources == 0);
}

TEST_CASE("kind List items are loaded like documents") {
  const PipelineResult r = run_config_pipeline_on_text(
      "apiVersion: v1\nkind: List\nitems:\n"
      "- apiVersion: v1\n  kind: Service\n  metadata: {name: one}\n  spec: {ports: [{name: http, port: 80}]}\n"
      "- apiVersion: v1\n  kind: Service\n  metadata: {name: two, namespace: prod}\n  spec: {ports: [{name: http, port: 81}]}\n",
      "list.yaml");
  REQUIRE(r.snapshot->config.services.size() == 2);
  CHECK(r.snapshot->config.services[1].meta.namespace_name == "prod");
  CHECK(r.diagnostics.count(Severity::kWarning) == 0);
}

TEST_CASE("a resource defined twice: the later one wins, with a warning") {
  const PipelineResult r = run_config_pipeline_on_text(
      "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n---\n"
      "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 81}]}\n",
      "dup.yaml");
  REQUIRE(r.snapshot->config.services.size() == 1);
  CHECK(r.snapshot->config.services[0].ports[0].port == 81);
  const Diagnostic* dup = find(r.diagnostics, "GS015");
  REQUIRE(dup != nullptr);
  CHECK(dup->location.line == 6);
}
