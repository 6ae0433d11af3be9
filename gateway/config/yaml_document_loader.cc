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

bool YamlDocumentLoader::load_path(const std::string& path, const DocumentSink& sink) {
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
    for (const std::string& file : files) ok = load_file(file, sink) && ok;
    return ok;
  }
  if (!fs::is_regular_file(status)) {
    diagnostics_.add(Code::kFileUnreadable, file_origin(path), "", "not a regular file or directory");
    return false;
  }
  return load_file(path, sink);
}

bool YamlDocumentLoader::load_file(const std::string& path, const DocumentSink& sink) {
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
  load_text(buffer.str(), path, sink);
  return true;
}

namespace {

// A document marker line: "---" or "..." at column 0, alone or followed by white space.
bool is_marker_line(const std::string& text, std::size_t at) {
  if (text.compare(at, 3, "---") != 0 && text.compare(at, 3, "...") != 0) return false;
  return at + 3 >= text.size() || text[at + 3] == ' ' || text[at + 3] == '\t' || text[at + 3] == '\n' ||
         text[at + 3] == '\r';
}

// True when the text holds only directives ("%YAML"), comments and blank lines.
bool only_directives(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#' && line[first] != '%') return false;
    at = end + 1;
  }
  return true;
}

}  // namespace

void YamlDocumentLoader::load_text(const std::string& text, const std::string& name, const DocumentSink& sink) {
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
  // Chunk boundaries: byte offset and 0-based line of every marker line.
  std::vector<std::pair<std::size_t, int>> starts{{0, 0}};
  int line_number = 0;
  for (std::size_t at = 0; at < text.size();) {
    if (at > 0 && is_marker_line(text, at)) starts.emplace_back(at, line_number);
    const std::size_t newline = text.find('\n', at);
    if (newline == std::string::npos) break;
    at = newline + 1;
    ++line_number;
  }
  int index = 0;
  std::size_t carry = 0;  // directives before a marker belong to the document it opens
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const std::size_t begin = starts[i].first;
    const std::size_t end = i + 1 < starts.size() ? starts[i + 1].first : text.size();
    const std::string_view chunk(text.data() + begin, end - begin);
    if (i + 1 < starts.size() && only_directives(chunk) && chunk.find('%') != std::string_view::npos) {
      if (carry == 0) carry = begin + 1;
      continue;
    }
    const std::size_t from = carry > 0 ? carry - 1 : begin;
    const int offset = carry > 0 ? static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(from), '\n'))
                                 : starts[i].second;
    carry = 0;
    load_document(text.substr(from, end - from), name, index++, offset, sink);
  }
}

void YamlDocumentLoader::load_document(const std::string& text, const std::string& name, int index, int line_offset,
                                       const DocumentSink& sink) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    diagnostics_.add(Code::kNestingTooDeep, file_origin(name, line_offset + e.mark.line + 1, e.mark.column + 1), "",
                     "YAML nests too deeply");
    return;
  } catch (const YAML::Exception& e) {
    const int ln = e.mark.is_null() ? 0 : line_offset + e.mark.line + 1;
    const int col = e.mark.is_null() ? 0 : e.mark.column + 1;
    diagnostics_.add(Code::kYamlSyntax, file_origin(name, ln, col), "", e.msg);
    return;
  }
  if (!check_shape(root, name, line_offset)) return;
  sink(YamlDocument{name, index, line_offset, root});
}

// Walks the document without recursion, so neither depth nor alias expansion (a
// "billion laughs" document) can exhaust the stack or the time of later passes.
bool YamlDocumentLoader::check_shape(const YAML::Node& root, const std::string& file, int line_offset) {
  std::vector<std::pair<YAML::Node, int>> stack{{root, 1}};
  std::size_t visited = 0;
  while (!stack.empty()) {
    auto [node, depth] = std::move(stack.back());
    stack.pop_back();
    const YAML::Mark mark = node.Mark();
    if (++visited > limits_.max_nodes) {
      diagnostics_.add(Code::kDocumentTooComplex, file_origin(file, line_offset + mark.line + 1, mark.column + 1), "",
                       "document expands to more than " + std::to_string(limits_.max_nodes) +
                           " nodes (aliases count each time they are used); document skipped");
      return false;
    }
    if (depth > limits_.max_depth) {
      diagnostics_.add(Code::kNestingTooDeep, file_origin(file, line_offset + mark.line + 1, mark.column + 1), "",
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
