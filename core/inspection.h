// Inspection readiness: what the government website and new-media inspections (国办秘函〔2019〕19号)
// would fail today, from what fabu knows. An account that has not posted for two weeks is a single veto
// (僵尸号); a news column not updated for two weeks, or a notice or policy column not updated for six
// months, counts as a stale column, and stale columns are a veto (栏目不更新) only from five of them, or
// from five empty ones; a portal home page with nothing new for two weeks is a single veto; a token
// about to expire will soon make its account idle; a broken link counts against the site without
// failing it.
// The numbers are defaults in config ([inspection]); provinces add their own rules.
//
// Pure: times come in as arguments. Thread rules: none (values only).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fabu {

struct InspectionRules {
  int idle_days = 14;       // an account idle this long fails
  int idle_warn_days = 10;  // and warns from this long
  int token_warn_days = 7;  // a token expiring within this many days warns (daemon.token_warn_days)
  // Portal column id -> days without an update after which it is stale; only the columns listed here
  // are checked.
  std::map<std::string, int> column_days{{"news", 14}, {"notices", 180}, {"policy", 180}};
  // A portal fails its columns (栏目不更新) when this many listed columns are stale (an empty one is
  // stale too), or this many are empty (no article delivered to them yet).
  int stale_columns_veto = 5;
  int empty_columns_veto = 5;
  // A portal's home page lists the latest articles of every column: with no new article in any column
  // for home_days it fails (a single veto), and warns from home_warn_days.
  int home_days = 14;
  int home_warn_days = 10;
  friend bool operator==(const InspectionRules&, const InspectionRules&) = default;
};

enum class InspectionVerdict { ok, warn, fail };
std::string_view to_string(InspectionVerdict verdict);

// Which rule a finding is about.
enum class InspectionCheck { account_idle, token_expiry, column_stale, column_veto, home_page, broken_link };
std::string_view to_string(InspectionCheck check);

// One account of the matrix as fabu knows it.
struct AccountActivity {
  std::string channel;
  std::string account;                        // the account id in fabu.toml
  std::optional<std::int64_t> last_post_ms;   // last publish or correction delivered; nullopt = none recorded
  std::optional<int> token_days;              // whole days until its token expires; nullopt = not known
};

// One portal column that the rules list.
struct ColumnActivity {
  std::string channel;
  std::string column;
  std::optional<std::int64_t> last_update_ms;  // nullopt = no article delivered to it yet
};

// One portal (a `type = "portal"` channel) as fabu knows it.
struct PortalActivity {
  std::string channel;
  std::optional<std::int64_t> last_article_ms;  // the newest article delivered to any of its columns; nullopt = none
};

struct InspectionFinding {
  InspectionCheck check = InspectionCheck::account_idle;
  std::string channel;
  std::string target;             // the account or the column
  std::optional<double> days;     // idle or stale for (days since), or days left (token); nullopt = never
  int limit_days = 0;             // the rule's limit
  InspectionVerdict verdict = InspectionVerdict::ok;
  std::string detail;             // one sentence for people
  std::optional<std::int64_t> at_ms;  // idle and column findings: the recorded time they are counted from
};

// One finding per account (idle), per account with a known token expiry, per listed column, and one
// column veto per channel with listed columns, in that order. `now_ms`: unix milliseconds. An account
// with nothing recorded fails: the inspector sees no post either. A stale or empty column warns; the
// channel's column veto fails from InspectionRules' thresholds and warns below them.
std::vector<InspectionFinding> inspect(const std::vector<AccountActivity>& accounts,
                                       const std::vector<ColumnActivity>& columns, const InspectionRules& rules,
                                       std::int64_t now_ms);

// One home_page finding per portal, target "home": fails with no article for InspectionRules'
// home_days (or none recorded at all), warns from home_warn_days.
std::vector<InspectionFinding> home_page_findings(const std::vector<PortalActivity>& portals,
                                                  const InspectionRules& rules, std::int64_t now_ms);

// An internal link of a portal page whose target does not exist (链接可用性), as the portal's last
// rebuild found it.
struct BrokenLink {
  std::string channel;
  std::string page;    // relative to the portal's output folder
  std::string target;  // the link as the page writes it
};

// One warning per broken link: target "<page> -> <link>". Dead links count against a site (链接可用性)
// without being a veto.
std::vector<InspectionFinding> broken_link_findings(const std::vector<BrokenLink>& links);

// The worst verdict among the findings (ok when there are none).
InspectionVerdict worst(const std::vector<InspectionFinding>& findings);

}  // namespace fabu
