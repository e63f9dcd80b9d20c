// Shared by the Weibo adapter tests: a sample hall config, building the adapter from it, and waiting
// for a delivery's callback.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <toml++/toml.h>

#include "adapters/adapter.h"
#include "adapters/weibo/weibo_adapter.h"

namespace fabu::testing {

inline std::string weibo_hall_toml(const std::string& api_base) {
  return R"(
[channels.microblog]
type = "weibo"
api_base = ")" + api_base + R"("
safe_domain = "www.linyi.gov.cn"
lead = "linyi_fabu"
hall = "临沂政务微博发布厅"
  [channels.microblog.defaults]
  mode = "post"
  posts_per_hour = 30
  [[channels.microblog.accounts]]
  id = "linyi_fabu"
  name = "临沂发布"
  unit = "临沂市人民政府新闻办公室"
  group = "lead"
  uid = "5000000001"
  token = "tok-lead"
  token_expires = 2027-06-30
  [[channels.microblog.accounts]]
  id = "lanshan_fabu"
  name = "兰山发布"
  unit = "兰山区人民政府新闻办公室"
  group = "county"
  uid = "5000000002"
  token = "tok-lanshan"
  [[channels.microblog.accounts]]
  id = "yinan_fabu"
  name = "沂南发布"
  unit = "沂南县人民政府新闻办公室"
  group = "county"
  uid = "5000000003"
  token = "tok-yinan"
  mode = "repost"
  posts_per_hour = 10
  min_gap_seconds = 30
  [[channels.microblog.accounts]]
  id = "jiaoyu"
  name = "临沂教育"
  unit = "临沂市教育局"
  group = "department"
  uid = "5000000004"
  token = "tok-jiaoyu"
)";
}

inline ChannelConfig weibo_channel_from(const std::string& toml_text, const std::string& name = "microblog") {
  toml::table root = toml::parse(toml_text);
  ChannelConfig channel;
  channel.name = name;
  channel.type = "weibo";
  // Moved, not copied: a copied toml++ node forgets its source position (line/column in errors).
  channel.table = std::move(*root["channels"][name].as_table());
  return channel;
}

// Result of an asynchronous call, waited for with a deadline so a lost callback fails the test
// instead of hanging it.
template <class T>
class Outcome {
 public:
  std::function<void(T)> callback() {
    return [this](T value) {
      std::lock_guard lock(mutex_);
      ++calls_;
      value_.emplace(std::move(value));
      ready_.notify_all();
    };
  }
  const T& wait(std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, limit, [&] { return value_.has_value(); })) {
      ADD_FAILURE() << "callback never came";
      throw std::runtime_error("callback never came");
    }
    return *value_;
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::optional<T> value_;
  int calls_ = 0;
};

inline std::shared_ptr<const Release> sample_release(const std::string& id = "2026-press-017") {
  auto release = std::make_shared<Release>();
  release->id = id;
  release->title = "临沂市2026年政府信息公开工作年度报告";
  release->summary = "全年主动公开政府信息12万余条，召开新闻发布会7场，发布政策解读40余篇。";
  return release;
}

inline DeliveryJob job_for(std::shared_ptr<const Release> release, const std::string& destination,
                           const std::string& link) {
  DeliveryJob job;
  job.release = std::move(release);
  job.channel = "microblog";
  job.destination = destination;
  job.delivery_id = job.release->id + "|microblog|" + destination;
  job.link = link;
  job.timeout = std::chrono::milliseconds(5000);
  return job;
}

}  // namespace fabu::testing
