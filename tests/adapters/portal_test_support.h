// Helpers shared by the portal tests: a channel table from TOML text, releases, synchronous delivery.
#pragma once

#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "adapters/adapter.h"
#include "adapters/portal/portal_adapter.h"
#include "core/release.h"

namespace fabu::portal_test {

inline ChannelConfig channel_from_toml(const std::string& text) {
  toml::table doc = toml::parse(std::string_view(text), std::string_view("fabu.toml"));
  ChannelConfig channel;
  channel.name = "portal";
  channel.type = "portal";
  // Moved, not copied: a toml::table copy drops the source positions that errors report.
  channel.table = std::move(*doc["channels"]["portal"].as_table());
  return channel;
}

// A valid portal table writing into `output_dir`, with the given page size.
inline std::string portal_toml(const std::string& output_dir, int page_size = 20) {
  return "[channels.portal]\n"
         "type = \"portal\"\n"
         "output_dir = \"" + output_dir + "\"\n"
         "base_url = \"https://www.linyi.gov.cn/\"\n"
         "site_name = \"临沂市人民政府\"\n"
         "org_code = \"01527918X\"\n"
         "index_pattern = \"{org}-{year}-{serial:6}\"\n"
         "page_size = " + std::to_string(page_size) + "\n"
         "[[channels.portal.columns]]\n"
         "id = \"tzgg\"\n"
         "name = \"通知公告\"\n"
         "[[channels.portal.columns]]\n"
         "id = \"zcfg\"\n"
         "name = \"政策法规\"\n"
         "[[channels.portal.columns]]\n"
         "id = \"zcjd\"\n"
         "name = \"政策解读\"\n";
}

inline std::unique_ptr<Adapter> make_portal(const std::string& toml_text, const std::string& file = "conf/fabu.toml") {
  AdapterEnv env;
  auto adapter = make_portal_adapter_factory()->create(channel_from_toml(toml_text), file, env);
  if (!adapter) return nullptr;
  return std::move(*adapter);
}

inline Release make_release(std::string id, std::string title, std::vector<std::string> columns) {
  Release r;
  r.id = std::move(id);
  r.kind = ReleaseKind::notice;
  r.title = std::move(title);
  r.summary = "摘要：" + r.title;
  r.abstract = "内容概述：" + r.title;
  r.body = "第一段，**重点**内容。\n\n第二段。";
  r.issuer = "临沂市人民政府办公室";
  r.doc_number = "临政办发〔2026〕12号";
  r.formed_at = Date{2026, 4, 20};
  r.subjects = {"综合政务\\政务公开"};
  r.targets["portal"] = std::move(columns);
  return r;
}

// 2026-05-01 00:00:00 Beijing time plus `minutes`.
inline std::int64_t may_day_ms(int minutes = 0) {
  return (1777564800LL + 60LL * minutes) * 1000;
}

inline Result<DeliveryReceipt> deliver_and_wait(Adapter& adapter, const Release& release, Admission admission,
                                                bool in_doubt = false) {
  DeliveryJob job;
  job.release = std::make_shared<const Release>(release);
  job.delivery_id = release.id + "|portal|article";
  job.channel = "portal";
  job.destination = "article";
  job.admission = admission;
  job.in_doubt = in_doubt;
  std::promise<Result<DeliveryReceipt>> promise;
  auto future = promise.get_future();
  adapter.deliver(job, [&promise](Result<DeliveryReceipt> result) { promise.set_value(std::move(result)); });
  return future.get();
}

inline Result<void> retract_and_wait(Adapter& adapter, const Release& release, const DeliveryReceipt& receipt) {
  DeliveryJob job;
  job.release = std::make_shared<const Release>(release);
  job.delivery_id = release.id + "|portal|article";
  job.channel = "portal";
  job.destination = "article";
  std::promise<Result<void>> promise;
  auto future = promise.get_future();
  adapter.retract(job, receipt, [&promise](Result<void> result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace fabu::portal_test
