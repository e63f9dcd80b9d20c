#include "cli/report.h"

#include <fstream>
#include <iostream>

#include "cli/accounts.h"
#include "core/clock.h"
#include "core/deadline.h"
#include "core/release_document.h"
#include "core/working_days.h"
#include "daemon/account_watch.h"
#include "daemon/readiness.h"
#include "queue/reach_book.h"
#include "report/report_render.h"

namespace fabu::cli {
namespace {

std::optional<Date> date_option(const std::string& text, const Date& fallback, const char* name) {
  if (text.empty()) return fallback;
  auto date = release_detail::parse_iso_date(text);
  if (!date || !is_valid_date(*date)) {
    std::cerr << "fabuctl: " << name << " '" << text << "' is not a date (YYYY-MM-DD)\n";
    return std::nullopt;
  }
  return date;
}

// The first channel with a lead account (a Weibo matrix hall), its lead and its members.
void read_matrix(const Setup& setup, ReportData& data) {
  for (const auto& name : setup.channels->names()) {
    const ChannelConfig* channel = setup.config->channel(name);
    const Adapter* adapter = setup.channels->find(name);
    if (channel == nullptr || adapter == nullptr) continue;
    const auto lead = channel->table["lead"].value<std::string>();
    if (!lead) continue;
    data.matrix_channel = name;
    data.hall = channel->table["hall"].value_or(name);
    for (const auto& account : adapter->accounts(name)) {
      MatrixAccount a{account.id, account.name, account.group};
      if (account.id == *lead) {
        data.lead = std::move(a);
      } else {
        data.members.push_back(std::move(a));
      }
    }
    return;
  }
}

// Every release kept; the deliveries only of those admitted in the period.
Result<void> read_releases(DeliveryLedger& ledger, ReportData& data) {
  auto ids = ledger.release_ids();
  if (!ids) return fail(ids.error());
  const std::int64_t from = data.period.from_ms(), to = data.period.to_ms();
  for (const auto& id : *ids) {
    auto record = ledger.release_record(id);
    if (!record) return fail(record.error());
    auto json = ledger.release_json(id);
    if (!json) return fail(json.error());
    if (!*record || !*json) continue;  // removed meanwhile
    auto release = parse_release_json(**json);
    if (!release) continue;  // stored by fabud after validation: cannot happen but for a hand-edited record
    ReleaseFacts facts{std::move(**record), std::move(*release), {}};
    if (facts.record.admitted_ms >= from && facts.record.admitted_ms < to) {
      auto deliveries = ledger.deliveries_of(id);
      if (!deliveries) return fail(deliveries.error());
      facts.deliveries = std::move(*deliveries);
    }
    data.releases.push_back(std::move(facts));
  }
  return {};
}

bool write_out(const std::string& text, const std::string& path) {
  if (path.empty()) {
    std::cout << text;
    return true;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "fabuctl: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int report(const Context& ctx, const ReportOptions& options) {
  const auto format = report_format_from(options.format);
  if (!format) {
    std::cerr << "fabuctl: --format must be md, html or json, not '" << options.format << "'\n";
    return 2;
  }
  const std::int64_t now_ms = unix_now_ms();
  const Date today = china_date(now_ms / 1000);
  const auto from = date_option(options.from, Date{today.year, 1, 1}, "--from");
  const auto to = date_option(options.to, today, "--to");
  if (!from || !to) return 2;
  if (days_since_epoch(*from) > days_since_epoch(*to)) {
    std::cerr << "fabuctl: --from " << from->iso() << " is after --to " << to->iso() << "\n";
    return 2;
  }
  Setup setup;
  if (int rc = open_setup(ctx, setup); rc != 0) return rc;
  ReportData data;
  data.period = {*from, *to};
  read_matrix(setup, data);
  if (auto ok = read_releases(*setup.ledger, data); !ok) {
    std::cerr << "fabuctl: " << ok.error().message << "\n";
    return 1;
  }
  if (!data.matrix_channel.empty()) {
    auto reach = make_redis_reach_book(setup.config->redis, setup.config->daemon.retention_days);
    auto samples =
        reach->followers_between(data.matrix_channel, data.lead.id, data.period.from_ms(), data.period.to_ms() - 1);
    if (!samples) {
      std::cerr << "fabuctl: " << samples.error().message << "\n";
      return 1;
    }
    data.lead_followers = std::move(*samples);
  }
  auto findings = inspection_findings(*setup.ledger, *setup.channels, now_ms, today_local());
  if (!findings) {
    std::cerr << "fabuctl: " << findings.error().message << "\n";
    return 1;
  }
  data.inspection = std::move(*findings);
  const ReportCard card = compute_report_card(data);
  const std::string text = *format == ReportFormat::json   ? render_json(card)
                           : *format == ReportFormat::html ? render_html(card)
                                                           : render_markdown(card);
  return write_out(text, options.output) ? 0 : 1;
}

}  // namespace fabu::cli
