#include "config/inspection_config.h"

namespace fabu {

void read_inspection(const toml::table& table, const std::string& file, ConfigErrors& errors, InspectionRules& out) {
  TableReader r(table, file, "inspection", errors);
  r.reject_unknown({"idle_days", "idle_warn_days", "stale_columns_veto", "empty_columns_veto", "home_days",
                    "home_warn_days", "column_days"});
  out.idle_days = static_cast<int>(r.integer("idle_days", out.idle_days, 1, 3650));
  out.stale_columns_veto = static_cast<int>(r.integer("stale_columns_veto", out.stale_columns_veto, 1, 1000));
  out.empty_columns_veto = static_cast<int>(r.integer("empty_columns_veto", out.empty_columns_veto, 1, 1000));
  out.idle_warn_days = static_cast<int>(r.integer("idle_warn_days", out.idle_warn_days, 1, 3650));
  if (out.idle_warn_days > out.idle_days) {
    r.error_at(table.get("idle_warn_days"), "inspection.idle_warn_days must not be larger than inspection.idle_days");
  }
  out.home_days = static_cast<int>(r.integer("home_days", out.home_days, 1, 3650));
  out.home_warn_days = static_cast<int>(r.integer("home_warn_days", out.home_warn_days, 1, 3650));
  if (out.home_warn_days > out.home_days) {
    r.error_at(table.get("home_warn_days"), "inspection.home_warn_days must not be larger than inspection.home_days");
  }
  const toml::table* columns = r.table("column_days");
  if (columns == nullptr) return;
  out.column_days.clear();
  TableReader c(*columns, file, "inspection.column_days", errors);
  for (const auto& [key, node] : *columns) {
    const std::string id(key.str());
    out.column_days[id] = static_cast<int>(c.integer(id, 14, 1, 3650));
  }
}

}  // namespace fabu
