// Text measuring and shaping for channels with length limits. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fabu {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Length in bytes of the well-formed UTF-8 sequence that starts at `pos`, or 0 when the bytes there
// are malformed (or `pos` is past the end). Lets callers walk text that may contain bad bytes.
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos);

// Decodes the code point at `pos` into `cp`; returns its byte length, or 0 (and U+FFFD in `cp`) when
// the bytes there are malformed.
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& cp);

// Number of Unicode code points in well-formed UTF-8.
std::size_t count_code_points(std::string_view text);

// Weibo's length, as its clients count it (inferred, see docs): every ASCII character is 1 unit,
// any other code point 2 units, each http(s) URL 20 units regardless of its length; the length is
// ceil(units / 2). A URL runs from http:// or https:// to the first whitespace, control or non-ASCII
// character (CJK and full-width punctuation end it). The limit for statuses/share is 140.
std::size_t weibo_length(std::string_view text);

// Longest prefix of `text` that, with `ellipsis` appended, has weibo_length <= max_length.
// Cuts only between extended grapheme clusters (an emoji ZWJ sequence or a flag is never split)
// and never inside a URL. Returns `text` unchanged when it already fits.
std::string truncate_weibo(std::string_view text, std::size_t max_length, std::string_view ellipsis = "…");

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// Renders Markdown to HTML with every raw HTML block and inline HTML escaped (shown as text) and
// unsafe link schemes (javascript:, data:, vbscript:) dropped.
std::string render_markdown(std::string_view markdown);

// The text a reader sees of rendered Markdown: emphasis and code markers gone, character references
// decoded, link targets left out, a line break inside a paragraph as a space, and each block, table
// cell and hard line break on a line of its own. What the privacy screen reads the body as, besides
// its source.
std::string markdown_shown_text(std::string_view markdown);

}  // namespace fabu
