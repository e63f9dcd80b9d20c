// Hand-written parsers for the request bodies Weibo clients send: application/x-www-form-urlencoded
// (and query strings), and multipart/form-data with a file part (statuses/share with `pic`).
// They keep the per-request cost small; they never throw. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace fabu::sandbox {

// Request parameters by name; a repeated name keeps its first value.
using Params = std::unordered_map<std::string, std::string>;

// Decodes %XX escapes and '+' (as a space). A malformed escape is kept as it is.
std::string percent_decode(std::string_view text);

// Parses "a=1&b=%E4%B8%AD" (a query string or a form body) into `into`.
void parse_urlencoded(std::string_view body, Params& into);

// What a multipart/form-data body carried: its text fields, and the names of its file parts that
// were not empty (the file content itself is not kept).
struct MultipartForm {
  Params fields;
  std::unordered_set<std::string> files;
};

// The boundary parameter of a multipart Content-Type header, or "" when there is none.
std::string multipart_boundary(std::string_view content_type);

// Parses a multipart/form-data body. Parts without a name are skipped; a part with a filename is
// a file. Stops quietly at the first malformed part, keeping what was parsed before it.
MultipartForm parse_multipart(std::string_view body, std::string_view boundary);

}  // namespace fabu::sandbox
