// Weibo post texts: whatever the title, summary, unit and names hold, a post is valid UTF-8, fits
// 140 by Weibo's count, has no '#' (a topic, which statuses/share refuses) and keeps its link whole.
// Input: fields separated by NUL bytes: title, summary, unit, lead name. The link is fixed, as fabu
// builds it from the portal's address.
#include <vector>

#include "adapters/weibo/weibo_format.h"
#include "core/text.h"
#include "fuzz/fuzz_target.h"

namespace fabu::fuzz {
namespace {

constexpr std::string_view link = "https://www.linyi.gov.cn/tzgg/2026/fuzz-release.html";

void check_post(const std::string& post, bool with_link) {
  require(is_valid_utf8(post), "a post is valid UTF-8");
  require(weibo_length(post) <= weibo::kWeiboMaxLength, "a post fits 140");
  require(post.find('#') == std::string::npos, "a post has no '#'");
  if (with_link) require(post.ends_with(link), "a post ends with its whole link");
}

}  // namespace

void fuzz_one(std::string_view input) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto end = input.find('\0', start);
    fields.push_back(input.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  fields.resize(4);
  for (auto field : fields) {
    if (!is_valid_utf8(field)) return;  // releases are validated as UTF-8 before they are formatted
  }
  check_post(weibo::lead_post_text(fields[0], fields[1], link), true);
  check_post(weibo::lead_post_text(fields[0], fields[1], ""), false);
  check_post(weibo::member_post_text(fields[0], fields[1], fields[2], fields[3], link), true);
  check_post(weibo::repost_text(fields[2]), false);
}

}  // namespace fabu::fuzz
