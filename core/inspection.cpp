#include "core/inspection.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fabu {
namespace {

constexpr double kDayMs = 86'400'000.0;

std::string days_text(double days) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", days);
  return buf;
}

InspectionFinding idle_finding(const AccountActivity& a, const InspectionRules& rules, std::int64_t now_ms) {
  InspectionFinding f{InspectionCheck::account_idle, a.channel, a.account, std::nullopt, rules.idle_days,
                      InspectionVerdict::fail, ""};
  if (!a.last_post_ms) {
    f.detail = "no post recorded: an inspector sees an idle account (僵尸号)";
    return f;
  }
  const double idle = std::max(0.0, static_cast<double>(now_ms - *a.last_post_ms) / kDayMs);
  f.days = idle;
  f.at_ms = a.last_post_ms;
  if (idle >= rules.idle_days) {
    f.detail = "no post for " + days_text(idle) + " days (the limit is " + std::to_string(rules.idle_days) + ")";
  } else if (idle >= rules.idle_warn_days) {
    f.verdict = InspectionVerdict::warn;
    f.detail = "no post for " + days_text(idle) + " days; it fails at " + std::to_string(rules.idle_days);
  } else {
    f.verdict = InspectionVerdict::ok;
    f.detail = "last post " + days_text(idle) + " days ago";
  }
  return f;
}

InspectionFinding token_finding(const AccountActivity& a, const InspectionRules& rules) {
  const int left = *a.token_days;
  InspectionFinding f{InspectionCheck::token_expiry, a.channel, a.account, static_cast<double>(left),
                      rules.token_warn_days, InspectionVerdict::ok, ""};
  if (left < 0) {
    f.verdict = InspectionVerdict::fail;
    f.detail = "the token expired " + std::to_string(-left) + " day(s) ago: nothing can be posted";
  } else if (left <= rules.token_warn_days) {
    f.verdict = InspectionVerdict::warn;
    f.detail = "the token expires in " + std::to_string(left) + " day(s): fabuctl accounts set-token";
  } else {
    f.detail = "the token expires in " + std::to_string(left) + " days";
  }
  return f;
}

// Stale and empty columns warn: one alone is no veto, enough of them are (column_veto_finding).
InspectionFinding column_finding(const ColumnActivity& c, int limit, std::int64_t now_ms) {
  InspectionFinding f{InspectionCheck::column_stale, c.channel, c.column, std::nullopt, limit,
                      InspectionVerdict::warn, ""};
  if (!c.last_update_ms) {
    f.detail = "empty: no article delivered to this column yet";
    return f;
  }
  const double age = std::max(0.0, static_cast<double>(now_ms - *c.last_update_ms) / kDayMs);
  f.days = age;
  f.at_ms = c.last_update_ms;
  if (age >= limit) {
    f.detail = "not updated for " + days_text(age) + " days (the limit is " + std::to_string(limit) + ")";
  } else {
    f.verdict = InspectionVerdict::ok;
    f.detail = "updated " + days_text(age) + " days ago";
  }
  return f;
}

// 栏目不更新 for one channel, from its column findings.
InspectionFinding column_veto_finding(const std::string& channel, const std::vector<InspectionFinding>& columns,
                                      const InspectionRules& rules) {
  int listed = 0, stale = 0, empty = 0;
  for (const auto& c : columns) {
    if (c.channel != channel) continue;
    ++listed;
    if (c.verdict != InspectionVerdict::ok) ++stale;
    if (!c.at_ms) ++empty;
  }
  InspectionFinding f{InspectionCheck::column_veto, channel, "columns", std::nullopt, 0, InspectionVerdict::ok, ""};
  f.detail = std::to_string(stale) + " of " + std::to_string(listed) + " listed columns stale (a veto from " +
             std::to_string(rules.stale_columns_veto) + "), " + std::to_string(empty) + " empty (a veto from " +
             std::to_string(rules.empty_columns_veto) + ")";
  if (stale >= rules.stale_columns_veto || empty >= rules.empty_columns_veto) {
    f.verdict = InspectionVerdict::fail;
  } else if (stale > 0) {
    f.verdict = InspectionVerdict::warn;
  }
  return f;
}

}  // namespace

std::string_view to_string(InspectionVerdict verdict) {
  switch (verdict) {
    case InspectionVerdict::ok: return "ok";
    case InspectionVerdict::warn: return "warn";
    case InspectionVerdict::fail: return "fail";
  }
  return "fail";
}

std::string_view to_string(InspectionCheck check) {
  switch (check) {
    case InspectionCheck::account_idle: return "account_idle";
    case InspectionCheck::token_expiry: return "token_expiry";
    case InspectionCheck::column_stale: return "column_stale";
    case InspectionCheck::column_veto: return "column_veto";
    case InspectionCheck::home_page: return "home_page";
    case InspectionCheck::broken_link: return "broken_link";
  }
  return "unknown";
}

std::vector<InspectionFinding> inspect(const std::vector<AccountActivity>& accounts,
                                       const std::vector<ColumnActivity>& columns, const InspectionRules& rules,
                                       std::int64_t now_ms) {
  std::vector<InspectionFinding> out;
  for (const auto& a : accounts) out.push_back(idle_finding(a, rules, now_ms));
  for (const auto& a : accounts) {
    if (a.token_days) out.push_back(token_finding(a, rules));
  }
  std::vector<InspectionFinding> listed;
  std::vector<std::string> channels;
  for (const auto& c : columns) {
    const auto limit = rules.column_days.find(c.column);
    if (limit == rules.column_days.end()) continue;
    listed.push_back(column_finding(c, limit->second, now_ms));
    if (std::find(channels.begin(), channels.end(), c.channel) == channels.end()) channels.push_back(c.channel);
  }
  out.insert(out.end(), listed.begin(), listed.end());
  for (const auto& channel : channels) out.push_back(column_veto_finding(channel, listed, rules));
  return out;
}

std::vector<InspectionFinding> home_page_findings(const std::vector<PortalActivity>& portals,
                                                  const InspectionRules& rules, std::int64_t now_ms) {
  std::vector<InspectionFinding> out;
  for (const auto& p : portals) {
    InspectionFinding f{InspectionCheck::home_page, p.channel, "home", std::nullopt, rules.home_days,
                        InspectionVerdict::fail, ""};
    if (!p.last_article_ms) {
      f.detail = "no article delivered to any column: the home page shows nothing new";
      out.push_back(std::move(f));
      continue;
    }
    const double age = std::max(0.0, static_cast<double>(now_ms - *p.last_article_ms) / kDayMs);
    f.days = age;
    f.at_ms = p.last_article_ms;
    if (age >= rules.home_days) {
      f.detail = "nothing new on the home page for " + days_text(age) + " days (a veto from " +
                 std::to_string(rules.home_days) + ")";
    } else if (age >= rules.home_warn_days) {
      f.verdict = InspectionVerdict::warn;
      f.detail = "nothing new on the home page for " + days_text(age) + " days; it fails at " +
                 std::to_string(rules.home_days);
    } else {
      f.verdict = InspectionVerdict::ok;
      f.detail = "newest article " + days_text(age) + " days ago";
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<InspectionFinding> broken_link_findings(const std::vector<BrokenLink>& links) {
  std::vector<InspectionFinding> out;
  for (const auto& l : links) {
    out.push_back({InspectionCheck::broken_link, l.channel, l.page + " -> " + l.target, std::nullopt, 0,
                   InspectionVerdict::warn, "the page links to " + l.target + ", which does not exist",
                   std::nullopt});
  }
  return out;
}

InspectionVerdict worst(const std::vector<InspectionFinding>& findings) {
  InspectionVerdict w = InspectionVerdict::ok;
  for (const auto& f : findings) w = std::max(w, f.verdict);
  return w;
}

}  // namespace fabu
