// The texts fabu posts on Weibo, built from a release. Pure functions, thread-safe.
//
// Every result has weibo_length <= kWeiboMaxLength (core/text.h), never contains a `#` (Weibo reads
// `#...#` as a topic and statuses/share rejects topics with 20021), and keeps the link whole: the
// summary is shortened first, then the title.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fabu::weibo {

inline constexpr std::size_t kWeiboMaxLength = 140;

// How a correction note begins; nothing else fabu posts does.
inline constexpr std::string_view kCorrectionMark = "【更正】";

// Title or summary made fit for a post: '#' removed, runs of whitespace (line breaks included)
// folded into one space, ends trimmed.
std::string clean_post_text(std::string_view text);

// Lead account: `【<title>】<summary> <link>` (no trailing " <link>" when `link` is empty).
std::string lead_post_text(std::string_view title, std::string_view summary, std::string_view link);

// Member account posting its own version: `【<title>】<summary>（<unit>）@<lead name> <link>`.
std::string member_post_text(std::string_view title, std::string_view summary, std::string_view unit,
                             std::string_view lead_name, std::string_view link);

// A correction note: `【更正】<title>：<note> <link>` (the note gives way first, then the title).
// An empty note reads 内容已更新 ("the content was updated").
std::string correction_note_text(std::string_view title, std::string_view note, std::string_view link);

// Status of a member's repost of the lead post: `<unit>转发`.
std::string repost_text(std::string_view unit);

}  // namespace fabu::weibo
