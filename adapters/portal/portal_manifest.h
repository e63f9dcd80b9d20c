// The manifest: the list of articles a portal folder holds, kept as JSON at
// <output_dir>/.fabu/manifest.json. It is the portal's memory between deliveries (and between fabud
// instances sharing the folder): index pages, feeds and cross links are regenerated from it.
// Pure conversion functions; the file I/O lives in PortalSite.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "adapters/portal/portal_pages.h"
#include "core/error.h"

namespace fabu::portal {

using Manifest = std::map<std::string, ArticleEntry>;  // by release id

// Canonical JSON (sorted keys, entries sorted by id): equal manifests give equal bytes.
std::string manifest_to_json(const Manifest& manifest);

// A corrupt manifest is a permanent error: regenerating it would forget published articles.
Result<Manifest> manifest_from_json(std::string_view text, std::string_view source);

}  // namespace fabu::portal
