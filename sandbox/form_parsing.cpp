#include "sandbox/form_parsing.h"

#include <cctype>

namespace fabu::sandbox {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The value of `name` among the ';'-separated parameters of a header value, unquoted; found is
// false when the parameter is absent.
std::string header_parameter(std::string_view header_value, std::string_view name, bool& found) {
  found = false;
  std::size_t start = 0;
  while (start <= header_value.size()) {
    std::size_t stop = header_value.find(';', start);
    if (stop == std::string_view::npos) stop = header_value.size();
    const auto item = trim(header_value.substr(start, stop - start));
    const auto eq = item.find('=');
    if (eq != std::string_view::npos && equals_nocase(trim(item.substr(0, eq)), name)) {
      auto value = trim(item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      found = true;
      return std::string(value);
    }
    start = stop + 1;
  }
  return {};
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void parse_urlencoded(std::string_view body, Params& into) {
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t stop = body.find('&', start);
    if (stop == std::string_view::npos) stop = body.size();
    const auto pair = body.substr(start, stop - start);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      auto name = percent_decode(pair.substr(0, eq));
      auto value = eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
      into.try_emplace(std::move(name), std::move(value));
    }
    start = stop + 1;
  }
}

std::string multipart_boundary(std::string_view content_type) {
  bool found = false;
  auto boundary = header_parameter(content_type, "boundary", found);
  return found ? boundary : std::string();
}

MultipartForm parse_multipart(std::string_view body, std::string_view boundary) {
  MultipartForm form;
  if (boundary.empty()) return form;
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t position = body.find(delimiter);
  while (position != std::string_view::npos) {
    position += delimiter.size();
    if (body.substr(position, 2) == "--") break;  // the closing delimiter
    const auto headers_start = body.find("\r\n", position);
    if (headers_start == std::string_view::npos) break;
    const auto headers_end = body.find("\r\n\r\n", headers_start);
    if (headers_end == std::string_view::npos) break;
    const auto content_start = headers_end + 4;
    const auto next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) break;

    std::string name;
    bool is_file = false;
    auto headers = body.substr(headers_start + 2, headers_end - headers_start - 2);
    while (!headers.empty()) {
      auto line_end = headers.find("\r\n");
      const auto line = headers.substr(0, line_end);
      headers = line_end == std::string_view::npos ? std::string_view() : headers.substr(line_end + 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos || !equals_nocase(trim(line.substr(0, colon)), "content-disposition")) {
        continue;
      }
      bool found = false;
      const auto value = line.substr(colon + 1);
      name = header_parameter(value, "name", found);
      header_parameter(value, "filename", is_file);
    }
    const auto content = body.substr(content_start, next - content_start);
    if (!name.empty()) {
      if (is_file) {
        if (!content.empty()) form.files.insert(name);
      } else {
        form.fields.try_emplace(name, std::string(content));
      }
    }
    position = next + 2;
  }
  return form;
}

}  // namespace fabu::sandbox
