// Wording shared by the report card's renderers: how a kind, a share or a count is written.
// Private to report/. Thread rules: none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/inspection.h"
#include "core/release.h"
#include "report/report_card.h"

namespace fabu::report_text {

// The column name a press office uses for the kind, e.g. 通知公告 for notice.
std::string_view kind_label(ReleaseKind kind);
// "95.0%"; "-" when unknown.
std::string percent(const std::optional<double>& share);
// "2.50"; "-" when unknown.
std::string decimal(const std::optional<double>& value);
// "+1,200" / "-35"; "-" when unknown. `sign` adds the plus.
std::string count(const std::optional<std::int64_t>& value, bool sign = false);
// "兰山发布 (lanshan_fabu), 罗庄发布 (luozhuang_fabu) and 3 more, 12 posts": at most five named (a hall
// where all tie would name everyone); "-" for none. `html` escapes the names.
std::string account_names(const std::vector<AccountPosts>& accounts, bool html);
// 合格 / 有预警 / 不合格 for ok / warn / fail.
std::string_view verdict_label(InspectionVerdict verdict);

}  // namespace fabu::report_text
