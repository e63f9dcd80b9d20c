#include "report/report_text.h"

#include <cstdio>

#include "core/text.h"

namespace fabu::report_text {

std::string_view kind_label(ReleaseKind kind) {
  switch (kind) {
    case ReleaseKind::news: return "新闻动态";
    case ReleaseKind::notice: return "通知公告";
    case ReleaseKind::policy_interpretation: return "政策解读";
    case ReleaseKind::conference: return "新闻发布会";
    case ReleaseKind::emergency: return "突发事件";
  }
  return "?";
}

std::string percent(const std::optional<double>& share) {
  if (!share) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *share * 100.0);
  return buf;
}

std::string decimal(const std::optional<double>& value) {
  if (!value) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *value);
  return buf;
}

std::string count(const std::optional<std::int64_t>& value, bool sign) {
  if (!value) return "-";
  const std::int64_t v = *value;
  std::string digits = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  if (v < 0) return "-" + digits;
  return (sign && v > 0 ? "+" : "") + digits;
}

std::string account_names(const std::vector<AccountPosts>& accounts, bool html) {
  constexpr std::size_t kNamed = 5;
  if (accounts.empty()) return "-";
  std::string out;
  for (std::size_t i = 0; i < accounts.size() && i < kNamed; ++i) {
    const std::string name = accounts[i].name + " (" + accounts[i].id + ")";
    out += (i == 0 ? "" : ", ") + (html ? html_escape(name) : name);
  }
  if (accounts.size() > kNamed) out += " and " + std::to_string(accounts.size() - kNamed) + " more";
  return out + ", " + std::to_string(accounts.front().posts) + " posts";
}

std::string_view verdict_label(InspectionVerdict verdict) {
  switch (verdict) {
    case InspectionVerdict::ok: return "合格 ok";
    case InspectionVerdict::warn: return "有预警 warn";
    case InspectionVerdict::fail: return "不合格 fail";
  }
  return "?";
}

}  // namespace fabu::report_text
