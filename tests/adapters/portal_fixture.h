// The portal tests' fixture: an adapter writing into a temporary folder with a clock the test sets, and
// helpers to read what it wrote.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/adapters/portal_test_support.h"
#include "tests/support/process.h"

namespace fabu::portal_test {

inline bool exists(const std::string& path) { return std::filesystem::exists(path); }

// Every file below `root` (relative path -> bytes).
inline std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& item : std::filesystem::recursive_directory_iterator(root)) {
    if (!item.is_regular_file()) continue;
    files[std::filesystem::relative(item.path(), root).string()] = fabu::testing::read_file(item.path().string());
  }
  return files;
}

// True when every element opened in `xml` is closed in order and every '&' starts an entity.
inline bool is_balanced_xml(const std::string& xml) {
  std::vector<std::string> open;
  for (std::size_t i = 0; i < xml.size(); ++i) {
    if (xml[i] == '&') {
      const std::size_t semi = xml.find(';', i);
      if (semi == std::string::npos || semi - i > 8) return false;
      continue;
    }
    if (xml[i] != '<') continue;
    const std::size_t close = xml.find('>', i);
    if (close == std::string::npos) return false;
    std::string tag = xml.substr(i + 1, close - i - 1);
    i = close;
    if (tag.starts_with("?")) continue;
    if (tag.ends_with("/")) continue;
    const bool closing = tag.starts_with("/");
    if (closing) tag.erase(0, 1);
    const std::string name = tag.substr(0, tag.find_first_of(" \t\n"));
    if (closing) {
      if (open.empty() || open.back() != name) return false;
      open.pop_back();
    } else {
      open.push_back(name);
    }
  }
  return open.empty();
}

class PortalDelivery : public ::testing::Test {
 protected:
  std::string out() const { return dir_.path() + "/site"; }
  std::unique_ptr<Adapter> portal(int page_size = 20) {
    auto adapter = make_portal(portal_toml(out(), page_size), "conf/fabu.toml", clock_);
    EXPECT_NE(adapter, nullptr);
    return adapter;
  }
  // Another portal with the same clock, writing into `output_dir`.
  std::unique_ptr<Adapter> make_portal_in(const std::string& output_dir) const {
    return make_portal(portal_toml(output_dir), "conf/fabu.toml", clock_);
  }
  std::string page(const std::string& relative) const { return fabu::testing::read_file(out() + "/" + relative); }

  void set_now(std::int64_t unix_ms) { clock_->store(unix_ms); }

  fabu::testing::TempDir dir_;
  portal_test::TestClock clock_ = std::make_shared<std::atomic<std::int64_t>>(may_day_ms());
};

}  // namespace fabu::portal_test
