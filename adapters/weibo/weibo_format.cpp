#include "adapters/weibo/weibo_format.h"

#include <functional>
#include <optional>

#include "core/text.h"

namespace fabu::weibo {

namespace {

bool fits(const std::string& text) { return weibo_length(text) <= kWeiboMaxLength; }

// Largest budget n in [1, kWeiboMaxLength] for which build(truncate_weibo(part, n)) fits, as the
// shortened part; nullopt when even the smallest budget does not fit or leaves nothing but the
// ellipsis. truncate_weibo's output only grows with n, so whether a budget fits changes once, from
// yes to no: the answer is the n that fits while n + 1 does not. The first guess is the room the rest
// of the post leaves, which is the answer unless a URL or the rounding straddles a seam; the search
// narrows from it, and finds what a binary search over the whole range finds in two or three tries
// instead of eight (this runs for every post).
std::optional<std::string> longest_fitting(const std::string& part,
                                           const std::function<std::string(const std::string&)>& build) {
  std::optional<std::string> best;
  const auto try_budget = [&](std::size_t n) {
    std::string candidate = truncate_weibo(part, n);
    if (!fits(build(candidate))) return false;
    best = std::move(candidate);
    return true;
  };
  const std::size_t rest = weibo_length(build(std::string()));
  const std::size_t guess = rest >= kWeiboMaxLength ? 1 : kWeiboMaxLength - rest;
  std::size_t low = 1, high = kWeiboMaxLength;  // the answer, if any, lies in [low, high]
  if (try_budget(guess)) {
    low = guess + 1;
    if (low <= high) {
      if (try_budget(low)) {
        low += 1;
      } else {
        high = guess;  // guess fits, guess + 1 does not (a failed try keeps `best`): that is the answer
      }
    }
  } else {
    high = guess - 1;
  }
  while (low <= high) {
    const std::size_t mid = low + (high - low) / 2;
    if (try_budget(mid)) {
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (best && (best->empty() || *best == "…")) return std::nullopt;
  return best;
}

// `<open><title><close><summary><tail> <link>`: the summary gives way first, then the title, never the
// link. Posts open with 【 and close with 】.
std::string compose(std::string_view open, std::string_view close, std::string_view raw_title,
                    std::string_view raw_summary, const std::string& tail, std::string_view link) {
  const std::string title = clean_post_text(raw_title);
  const std::string summary = clean_post_text(raw_summary);
  const std::string link_part = link.empty() ? std::string() : " " + std::string(link);
  const std::string opening(open), closing(close);
  auto with_summary = [&](const std::string& s) { return opening + title + closing + s + tail + link_part; };
  auto with_title = [&](const std::string& t) { return opening + t + closing + tail + link_part; };

  if (std::string full = with_summary(summary); fits(full)) return full;
  if (!summary.empty()) {
    if (auto shortened = longest_fitting(summary, with_summary)) return with_summary(*shortened);
  }
  if (auto shortened = longest_fitting(title, with_title)) return with_title(*shortened);
  // Only a very long unit or screen name gets here: shorten everything before the link as one text.
  const std::string head = opening + title + closing + tail;
  if (auto shortened = longest_fitting(head, [&](const std::string& h) { return h + link_part; })) {
    return *shortened + link_part;
  }
  return std::string(link);
}

}  // namespace

// Copies runs of plain characters whole rather than a byte at a time (it runs for every post).
std::string clean_post_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t special = text.find_first_of("# \n\r\t\v\f", pos);
    const std::size_t run_end = special == std::string_view::npos ? text.size() : special;
    if (run_end > pos) {
      if (pending_space) out += ' ';
      pending_space = false;
      out.append(text.substr(pos, run_end - pos));
    }
    if (special == std::string_view::npos) break;
    if (text[special] != '#') pending_space = !out.empty();
    pos = special + 1;
  }
  return out;
}

std::string lead_post_text(std::string_view title, std::string_view summary, std::string_view link) {
  return compose("【", "】", title, summary, std::string(), link);
}

std::string member_post_text(std::string_view title, std::string_view summary, std::string_view unit,
                             std::string_view lead_name, std::string_view link) {
  std::string tail = "（" + clean_post_text(unit) + "）";
  if (!lead_name.empty()) tail += "@" + clean_post_text(lead_name);
  return compose("【", "】", title, summary, tail, link);
}

std::string correction_note_text(std::string_view title, std::string_view note, std::string_view link) {
  const std::string cleaned = clean_post_text(note);
  return compose(kCorrectionMark, "：", title, cleaned.empty() ? "内容已更新" : cleaned, std::string(), link);
}

std::string repost_text(std::string_view unit) {
  return truncate_weibo(clean_post_text(unit) + "转发", kWeiboMaxLength);
}

}  // namespace fabu::weibo
