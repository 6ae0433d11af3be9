#include "gateway/config/yaml_document_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include <yaml-cpp/depthguard.h>

namespace gatesim::config {
namespace fs = std::filesystem;

namespace {

Origin file_origin(const std::string& file, int line = 0, int column = 0) {
  return Origin{SourceLocation{file, line, column}, ""};
}

// Position of the first byte that makes the text not UTF-8 (NUL counts as binary too).
bool find_binary_byte(const std::string& text, int* line, int* column) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  int ln = 1, col = 1;
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    std::size_t len = 0;
    if (c >= 0x01 && c < 0x80) len = 1;
    else if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if ((c & 0xF0) == 0xE0) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    bool bad = len == 0 || i + len > n;
    for (std::size_t k = 1; !bad && k < len; ++k) bad = (s[i + k] & 0xC0) != 0x80;
    if (bad) {
      *line = ln;
      *column = col;
      return true;
    }
    if (c == '\n') {
      ++ln;
      col = 1;
    } else {
      ++col;
    }
    i += len;
  }
  return false;
}

}  // namespace

bool YamlDocumentLoader::load_path(const std::string& path, std::vector<YamlDocument>& out) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    diagnostics_.add(Code::kFileUnreadable, file_origin(path), "", "no such file or directory");
    return false;
  }
  if (fs::is_directory(status)) {
    std::vector<std::string> files;
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const std::string ext = it->path().extension().string();
      if (ext == ".yaml" || ext == ".yml" || ext == ".json") files.push_back(it->path().string());
    }
    if (ec) {
      diagnostics_.add(Code::kFileUnreadable, file_origin(path), "", "cannot list directory: " + ec.message());
      return false;
    }
    // Name order, not directory order: the result must not depend on the file system.
    std::sort(files.begin(), files.end());
    bool ok = true;
    for (const std::string& file : files) ok = load_file(file, out) && ok;
    return ok;
  }
  if (!fs::is_regular_file(status)) {
    diagnostics_.add(Code::kFileUnreadable, file_origin(path), "", "not a regular file or directory");
    return false;
  }
  return load_file(path, out);
}

bool YamlDocumentLoader::load_file(const std::string& path, std::vector<YamlDocument>& out) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) {
    diagnostics_.add(Code::kFileUnreadable, file_origin(path), "", ec.message());
    return false;
  }
  if (size > limits_.max_file_bytes) {
    diagnostics_.add(Code::kFileTooLarge, file_origin(path), "",
                     "file is " + std::to_string(size) + " bytes; the limit is " +
                         std::to_string(limits_.max_file_bytes));
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics_.add(Code::kFileUnreadable, file_origin(path), "", "cannot open file for reading");
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    diagnostics_.add(Code::kFileUnreadable, file_origin(path), "", "read error");
    return false;
  }
  load_text(buffer.str(), path, out);
  return true;
}

void YamlDocumentLoader::load_text(const std::string& text, const std::string& name,
                                   std::vector<YamlDocument>& out) {
  if (text.size() > limits_.max_file_bytes) {
    diagnostics_.add(Code::kFileTooLarge, file_origin(name), "",
                     "input is " + std::to_string(text.size()) + " bytes; the limit is " +
                         std::to_string(limits_.max_file_bytes));
    return;
  }
  int line = 0, column = 0;
  if (find_binary_byte(text, &line, &column)) {
    diagnostics_.add(Code::kBinaryContent, file_origin(name, line, column), "",
                     "input is not UTF-8 text (NUL or invalid byte sequence)");
    return;
  }
  std::vector<YAML::Node> roots;
  try {
    roots = YAML::LoadAll(text);
  } catch (const YAML::DeepRecursion& e) {
    diagnostics_.add(Code::kNestingTooDeep, file_origin(name, e.mark.line + 1, e.mark.column + 1), "",
                     "YAML nests too deeply");
    return;
  } catch (const YAML::Exception& e) {
    const int ln = e.mark.is_null() ? 0 : e.mark.line + 1;
    const int col = e.mark.is_null() ? 0 : e.mark.column + 1;
    diagnostics_.add(Code::kYamlSyntax, file_origin(name, ln, col), "", e.msg);
    return;
  }
  for (std::size_t i = 0; i < roots.size(); ++i) {
    if (!check_shape(roots[i], name)) continue;
    out.push_back(YamlDocument{name, static_cast<int>(i), roots[i]});
  }
}

// Walks the document without recursion, so neither depth nor alias expansion (a
// "billion laughs" document) can exhaust the stack or the time of later passes.
bool YamlDocumentLoader::check_shape(const YAML::Node& root, const std::string& file) {
  std::vector<std::pair<YAML::Node, int>> stack{{root, 1}};
  std::size_t visited = 0;
  while (!stack.empty()) {
    auto [node, depth] = std::move(stack.back());
    stack.pop_back();
    const YAML::Mark mark = node.Mark();
    if (++visited > limits_.max_nodes) {
      diagnostics_.add(Code::kDocumentTooComplex, file_origin(file, mark.line + 1, mark.column + 1), "",
                       "document expands to more than " + std::to_string(limits_.max_nodes) +
                           " nodes (aliases count each time they are used); document skipped");
      return false;
    }
    if (depth > limits_.max_depth) {
      diagnostics_.add(Code::kNestingTooDeep, file_origin(file, mark.line + 1, mark.column + 1), "",
                       "nesting deeper than " + std::to_string(limits_.max_depth) + " levels; document skipped");
      return false;
    }
    if (node.IsSequence()) {
      for (const YAML::Node& child : node) stack.emplace_back(child, depth + 1);
    } else if (node.IsMap()) {
      for (const auto& kv : node) {
        stack.emplace_back(kv.first, depth + 1);
        stack.emplace_back(kv.second, depth + 1);
      }
    }
  }
  return true;
}

}  // namespace gatesim::config
