#include "adapters/portal/portal_links.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "adapters/portal/portal_files.h"

namespace fabu::portal {
namespace {

namespace fs = std::filesystem;

std::string record_path(const std::string& output_dir) { return (fs::path(output_dir) / ".fabu/links.json").string(); }

std::string decode_amp(std::string value) {
  for (auto at = value.find("&amp;"); at != std::string::npos; at = value.find("&amp;", at + 1)) {
    value.replace(at, 5, "&");
  }
  return value;
}

// "a/b/../c/./d" -> "a/c/d"; nullopt when ".." climbs above the root.
std::optional<std::string> normalise(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.emplace_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

bool has_scheme(std::string_view link) {
  const auto colon = link.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  return std::all_of(link.begin(), link.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

}  // namespace

std::vector<std::string> page_links(std::string_view html) {
  std::vector<std::string> out;
  for (std::string_view attr : {"href=\"", "src=\""}) {
    for (auto at = html.find(attr); at != std::string_view::npos; at = html.find(attr, at + 1)) {
      // An attribute, not the end of a longer name (data-href="...").
      if (at > 0 && !std::isspace(static_cast<unsigned char>(html[at - 1]))) continue;
      const auto from = at + attr.size();
      const auto end = html.find('"', from);
      if (end == std::string_view::npos) break;
      out.push_back(decode_amp(std::string(html.substr(from, end - from))));
    }
  }
  return out;
}

std::optional<std::string> internal_target(std::string_view page, std::string_view link, std::string_view base_url) {
  std::string path;
  if (!base_url.empty() && link.size() > base_url.size() && link.starts_with(base_url) &&
      link[base_url.size()] == '/') {
    path = std::string(link.substr(base_url.size() + 1));
  } else if (link.empty() || link.front() == '#' || link.front() == '/' || has_scheme(link)) {
    return std::nullopt;
  } else {
    const auto slash = page.rfind('/');
    path =
        (slash == std::string_view::npos ? std::string() : std::string(page.substr(0, slash + 1))) + std::string(link);
  }
  path = path.substr(0, path.find_first_of("?#"));
  const bool folder = path.empty() || path.back() == '/';
  auto normal = normalise(path);
  if (!normal) return std::nullopt;
  if (folder) return normal->empty() ? "index.html" : *normal + "/index.html";
  return normal;
}

Result<std::vector<PageLink>> find_broken_links(const std::string& output_dir, std::string_view base_url) {
  std::vector<PageLink> broken;
  std::error_code ec;
  const fs::path root(output_dir);
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return fail(Error::transient("portal: cannot read " + output_dir + " to check its links: " + ec.message()));
  for (; it != end; it.increment(ec)) {
    if (ec) return fail(Error::transient("portal: cannot read " + output_dir + " to check its links: " + ec.message()));
    if (it->path().filename() == ".fabu") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || it->path().extension() != ".html") continue;
    const std::string page = fs::relative(it->path(), root, ec).generic_string();
    auto text = read_file_if_exists(it->path().string());
    if (!text) return fail(text.error());
    if (!text->has_value()) continue;  // removed meanwhile
    for (const auto& link : page_links(**text)) {
      const auto target = internal_target(page, link, base_url);
      if (!target || fs::is_regular_file(root / *target, ec)) continue;
      // An absolute link into a part of the site this folder does not hold (its first folder is not
      // here, e.g. a livestream page at <base_url>/live/...) is another system's page: not checked.
      const bool absolute = !base_url.empty() && link.starts_with(base_url);
      if (absolute && !fs::exists(root / target->substr(0, target->find('/')), ec)) continue;
      broken.push_back({page, link});
    }
  }
  std::sort(broken.begin(), broken.end(), [](const PageLink& a, const PageLink& b) {
    return a.page != b.page ? a.page < b.page : a.target < b.target;
  });
  broken.erase(std::unique(broken.begin(), broken.end()), broken.end());
  return broken;
}

Result<void> record_broken_links(const std::string& output_dir, const std::vector<PageLink>& broken) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& b : broken) list.push_back({{"page", b.page}, {"target", b.target}});
  if (auto made = make_directories((fs::path(output_dir) / ".fabu").string()); !made) return made;
  return write_file_atomically(record_path(output_dir),
                               nlohmann::json{{"broken", list}}.dump(1) + "\n");
}

Result<std::vector<PageLink>> recorded_broken_links(const std::string& output_dir) {
  auto text = read_file_if_exists(record_path(output_dir));
  if (!text) return fail(text.error());
  std::vector<PageLink> out;
  if (!text->has_value()) return out;
  const auto json = nlohmann::json::parse(**text, nullptr, false);
  if (!json.is_object() || !json.contains("broken") || !json["broken"].is_array()) {
    return fail(Error::permanent("portal: " + record_path(output_dir) + " is not a link record"));
  }
  for (const auto& b : json["broken"]) {
    if (b.is_object()) out.push_back({b.value("page", ""), b.value("target", "")});
  }
  return out;
}

}  // namespace fabu::portal
