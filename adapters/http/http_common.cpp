// Encoding helpers shared by every HttpTransport user; no I/O, no library beyond the standard one.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/http_transport.h"

namespace fabu {

namespace {

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// A boundary must not occur in the body; a random-looking token per call makes a clash with image
// bytes or text astronomically unlikely, and the caller's data is checked anyway.
std::string make_boundary(const std::string& seen_in) {
  static std::atomic<std::uint64_t> counter{0};
  const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  for (;;) {
    std::uint64_t x = now ^ (counter.fetch_add(1) * 0x9E3779B97F4A7C15ULL);
    std::string boundary = "----fabu";
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (int i = 0; i < 24; ++i) {
      x ^= x >> 12; x ^= x << 25; x ^= x >> 27;  // xorshift: cheap and good enough for a separator
      boundary += digits[(x * 0x2545F4914F6CDD1DULL) % 36];
    }
    if (seen_in.find(boundary) == std::string::npos) return boundary;
  }
}

}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0F];
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out += '&';
    out += url_encode(key);
    out += '=';
    out += url_encode(value);
  }
  return out;
}

std::string multipart_encode(const std::vector<std::pair<std::string, std::string>>& fields,
                             const MultipartFile& file, std::string& content_type) {
  std::string everything = file.data;
  for (const auto& [key, value] : fields) everything += key + value;
  const std::string boundary = make_boundary(everything);

  std::string body;
  body.reserve(file.data.size() + 512);
  for (const auto& [key, value] : fields) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + key + "\"\r\n\r\n";
    body += value;
    body += "\r\n";
  }
  body += "--" + boundary + "\r\n";
  std::string filename = file.filename;
  // A quote or line break in a file name would end the header early.
  std::erase_if(filename, [](char c) { return c == '"' || c == '\r' || c == '\n'; });
  body += "Content-Disposition: form-data; name=\"" + file.field + "\"; filename=\"" + filename + "\"\r\n";
  body += "Content-Type: " + (file.content_type.empty() ? std::string("application/octet-stream") : file.content_type) +
          "\r\n\r\n";
  body += file.data;
  body += "\r\n--" + boundary + "--\r\n";
  content_type = "multipart/form-data; boundary=" + boundary;
  return body;
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

}  // namespace fabu
