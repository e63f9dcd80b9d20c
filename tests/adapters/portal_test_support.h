// Helpers shared by the portal tests: a channel table from TOML text, releases, synchronous delivery.
#pragma once

#include <atomic>
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

// A clock the test sets; the portal reads it on its worker thread.
using TestClock = std::shared_ptr<std::atomic<std::int64_t>>;

inline std::unique_ptr<Adapter> make_portal(const std::string& toml_text, const std::string& file = "conf/fabu.toml",
                                            TestClock clock = nullptr) {
  AdapterEnv env;
  auto factory = clock ? make_portal_adapter_factory([clock] { return clock->load(); })
                       : make_portal_adapter_factory();
  auto adapter = factory->create(channel_from_toml(toml_text), file, env);
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

constexpr int kDay = 60 * 24;  // in minutes, for may_day_ms

// 2026-05-01 00:00:00 Beijing time plus `minutes`.
inline std::int64_t may_day_ms(int minutes = 0) {
  return (1777564800LL + 60LL * minutes) * 1000;
}

inline DeliveryJob article_job(const Release& release, Operation operation, int revision = 1) {
  DeliveryJob job;
  job.release = std::make_shared<const Release>(release);
  job.delivery_id = DeliveryId{release.id, "portal", "article", operation, revision}.str();
  job.channel = "portal";
  job.destination = "article";
  job.operation = operation;
  job.revision = revision;
  return job;
}

// Starts `call(callback)` and waits for the result it reports.
template <typename T, typename Call>
Result<T> wait_for(Call call) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  call([&promise](Result<T> result) { promise.set_value(std::move(result)); });
  return future.get();
}

inline Result<DeliveryReceipt> deliver_and_wait(Adapter& adapter, const Release& release, Admission admission,
                                                bool in_doubt = false) {
  DeliveryJob job = article_job(release, Operation::publish);
  job.admission = admission;
  job.in_doubt = in_doubt;
  return wait_for<DeliveryReceipt>([&](DeliveryCallback done) { adapter.deliver(job, std::move(done)); });
}

inline Result<void> retract_and_wait(Adapter& adapter, const Release& release, const DeliveryReceipt& receipt,
                                     const std::string& reason = "内容有误", bool in_doubt = false) {
  DeliveryJob job = article_job(release, Operation::retract);
  job.reason = reason;
  job.previous = receipt;
  job.in_doubt = in_doubt;
  return wait_for<void>([&](RetractCallback done) { adapter.retract(job, receipt, std::move(done)); });
}

// Corrects `release` (the new revision) to `revision` with change note `note`.
inline Result<DeliveryReceipt> correct_and_wait(Adapter& adapter, const Release& release, int revision,
                                                const std::string& note, Admission admission = {}) {
  DeliveryJob job = article_job(release, Operation::correct, revision);
  job.reason = note;
  job.admission = admission;
  return wait_for<DeliveryReceipt>([&](DeliveryCallback done) { adapter.correct(job, std::move(done)); });
}

}  // namespace fabu::portal_test
