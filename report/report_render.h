// The report card's three forms: Markdown (for a terminal or a mail), JSON (for other systems: the
// fields are documented in docs/PROTOCOL.md, "The report card", and only ever added to) and HTML (one
// self-contained page with SVG charts drawn here, no script and nothing fetched, with a print style
// for A4).
//
// Pure functions of a ReportCard. Thread rules: none.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "report/report_card.h"

namespace fabu {

enum class ReportFormat { markdown, html, json };
// "md", "html", "json"; nullopt for anything else.
std::optional<ReportFormat> report_format_from(std::string_view name);

std::string render_markdown(const ReportCard& card);
std::string render_json(const ReportCard& card);  // one JSON object, pretty-printed, ending in a newline
std::string render_html(const ReportCard& card);

}  // namespace fabu
