#include "sandbox/content_rules.h"

#include <algorithm>
#include <cctype>

namespace fabu::sandbox {
namespace {

char lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_nocase(std::string_view text, std::size_t at, std::string_view prefix) {
  if (text.size() - at < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower_ascii(text[at + i]) != prefix[i]) return false;
  }
  return true;
}

bool ends_url(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x80) return true;
  if (std::isspace(byte)) return true;
  return c == '"' || c == '<' || c == '>' || c == '\'' || c == '`';
}

// The host of the URL whose authority starts at `authority`: userinfo and port removed.
std::string host_of(std::string_view authority) {
  const auto stop = authority.find_first_of("/?#");
  if (stop != std::string_view::npos) authority = authority.substr(0, stop);
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  const auto colon = authority.find(':');
  if (colon != std::string_view::npos) authority = authority.substr(0, colon);
  std::string host(authority);
  std::transform(host.begin(), host.end(), host.begin(), lower_ascii);
  return host;
}

}  // namespace

std::vector<FoundUrl> find_urls(std::string_view text) {
  std::vector<FoundUrl> urls;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t scheme_length = 0;
    if (starts_with_nocase(text, i, "https://")) {
      scheme_length = 8;
    } else if (starts_with_nocase(text, i, "http://")) {
      scheme_length = 7;
    }
    if (scheme_length == 0) {
      ++i;
      continue;
    }
    std::size_t end = i + scheme_length;
    while (end < text.size() && !ends_url(text[end])) ++end;
    urls.push_back({i, end, host_of(text.substr(i + scheme_length, end - i - scheme_length))});
    i = end;
  }
  return urls;
}

bool host_is_on_domain(std::string_view host, std::string_view safe_domain) {
  if (host.empty() || safe_domain.empty()) return false;
  std::string domain(safe_domain);
  std::transform(domain.begin(), domain.end(), domain.begin(), lower_ascii);
  if (host == domain) return true;
  return host.size() > domain.size() + 1 && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

bool has_safe_domain_url(std::string_view text, std::string_view safe_domain) {
  const auto urls = find_urls(text);
  return std::any_of(urls.begin(), urls.end(),
                     [&](const FoundUrl& url) { return host_is_on_domain(url.host, safe_domain); });
}

bool has_topic(std::string_view text) {
  // Blank out URLs first so that a fragment ("...#part") is not taken for a topic's start.
  std::string outside_urls(text);
  for (const auto& url : find_urls(text)) {
    std::fill(outside_urls.begin() + static_cast<std::ptrdiff_t>(url.begin),
              outside_urls.begin() + static_cast<std::ptrdiff_t>(url.end), ' ');
  }
  std::size_t open = outside_urls.find('#');
  while (open != std::string::npos) {
    const std::size_t close = outside_urls.find_first_of("#\n\r", open + 1);
    if (close == std::string::npos) return false;
    if (outside_urls[close] == '#' && close > open + 1) return true;
    // An empty pair "##" or a line break: the closing mark may open the next candidate.
    open = outside_urls[close] == '#' ? close : outside_urls.find('#', close + 1);
  }
  return false;
}

}  // namespace fabu::sandbox
