// Broken internal links of the portal's pages (链接可用性: dead links count against a site in the
// government website inspections, 国办秘函〔2019〕19号). Checked whenever the site is rebuilt (every
// publish, correction and withdrawal rewrites its listings) by reading every page of the output folder,
// and recorded in `.fabu/links.json` for `fabuctl inspect` and /metrics to show.
//
// page_links() and internal_target() are pure; the rest reads or writes the folder. Thread rules: the
// portal's worker thread writes; anyone may read the record (it is replaced atomically).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace fabu::portal {

struct PageLink {
  std::string page;    // the page holding the link, relative to output_dir
  std::string target;  // the link as written in the page
  friend bool operator==(const PageLink&, const PageLink&) = default;
};

// The values of every href and src attribute in `html`, in order, HTML entities &amp; decoded.
std::vector<std::string> page_links(std::string_view html);

// Where `link` on `page` (relative to output_dir) points, as a path relative to output_dir without its
// query and fragment ("dir/" becomes "dir/index.html"); nullopt for links that are not checked: with a
// scheme (https:, mailto:, ...), protocol- or root-relative ("//", "/"), fragment-only ("#x"), or
// leaving the folder. A link starting with `base_url` + "/" is read as relative to the folder's root.
std::optional<std::string> internal_target(std::string_view page, std::string_view link, std::string_view base_url);

// Every link of every .html file under `output_dir` (the `.fabu` folder aside) whose target file does
// not exist, sorted by page then link. A link written as `base_url` + "/..." counts only when its first
// folder (or file) is one the output folder holds: the rest of the site is not fabu's to check.
Result<std::vector<PageLink>> find_broken_links(const std::string& output_dir, std::string_view base_url);

// `.fabu/links.json`: {"broken": [{"page", "target"}]}, replaced atomically. No time in it: the same
// folder gives the same bytes, as every file the portal writes.
Result<void> record_broken_links(const std::string& output_dir, const std::vector<PageLink>& broken);
// What the last check recorded; empty when no check has run yet.
Result<std::vector<PageLink>> recorded_broken_links(const std::string& output_dir);

}  // namespace fabu::portal
