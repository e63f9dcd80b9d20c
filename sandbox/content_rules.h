// The sandbox's content rules for statuses/share: which URLs a text carries, whether one of them is
// on the app's safe domain, and whether the text contains a #topic#. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fabu::sandbox {

// A http(s) URL found in a text: its byte span and its lower-cased host (no port, no userinfo).
struct FoundUrl {
  std::size_t begin = 0;
  std::size_t end = 0;  // one past the last byte
  std::string host;
};

// Every http:// or https:// URL in `text`, in order. A URL ends at ASCII whitespace, at a non-ASCII
// byte (Chinese punctuation usually follows a link directly) or at one of " < > ' ` .
std::vector<FoundUrl> find_urls(std::string_view text);

// True when `host` is `safe_domain` itself or one of its subdomains (case-insensitive).
bool host_is_on_domain(std::string_view host, std::string_view safe_domain);

// True when at least one URL in `text` is on `safe_domain`.
bool has_safe_domain_url(std::string_view text, std::string_view safe_domain);

// True when `text` contains a Weibo topic: '#', one or more characters other than '#' and line
// breaks, then '#'. A '#' inside a URL (a fragment) does not count.
bool has_topic(std::string_view text);

}  // namespace fabu::sandbox
