// The pieces every portal page shares (head with the site's style, footer, an escaped link). Internal
// to adapters/portal; pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "adapters/portal/portal_settings.h"

namespace fabu::portal {

// "<!DOCTYPE html>…<body>": the page's <head> with `title`, and a feed link when `feed_link` is not empty.
std::string page_head(std::string_view title, std::string_view feed_link);

// "<footer>…</html>".
std::string page_foot(const PortalSettings& settings);

// <a href="href">text</a>, both escaped.
std::string anchor(std::string_view href, std::string_view text);

}  // namespace fabu::portal
