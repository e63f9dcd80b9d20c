// Encoding helpers shared by every HttpTransport user; no I/O, no library beyond the standard one.
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/http_transport.h"

namespace fabu {

namespace {

// RFC 3986 unreserved characters, by byte; a table rather than std::isalnum (a call, and locale-bound).
constexpr std::array<bool, 256> kUnreserved = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (const char c : {'-', '.', '_', '~'}) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

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

// Written through a pointer into room made up front (at most three bytes per byte), then trimmed: no
// capacity check per byte. It runs over every post's text.
void append_url_encoded(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  const std::size_t start = out.size();
  out.resize(start + text.size() * 3);
  char* p = out.data() + start;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (kUnreserved[c]) {
      *p++ = ch;
    } else {
      *p++ = '%';
      *p++ = hex[c >> 4];
      *p++ = hex[c & 0x0F];
    }
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
}

std::string url_encode(std::string_view text) {
  std::string out;
  append_url_encoded(out, text);
  return out;
}

void append_form_field(std::string& body, std::string_view key, std::string_view value) {
  if (!body.empty()) body += '&';
  append_url_encoded(body, key);
  body += '=';
  append_url_encoded(body, value);
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [key, value] : fields) append_form_field(out, key, value);
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
