// Every file of tests/corpus/hostile (written by tests/corpus/make_hostile.py) is refused, with an error
// at the path its .expect file names and a reason holding the expected words, and nothing crashes.
// Under FABU_SANITIZE=ON this also shows that no file makes a parser reach undefined behaviour.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/release.h"

namespace fabu {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Expectation {
  std::string path;
  std::string reason;
};

Expectation read_expectation(const fs::path& file) {
  std::istringstream lines(read_file(file));
  Expectation e;
  std::getline(lines, e.path);
  std::getline(lines, e.reason);
  return e;
}

std::vector<fs::path> corpus() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(FABU_SOURCE_DIR) / "tests/corpus/hostile")) {
    const auto ext = entry.path().extension();
    if (ext == ".json" || ext == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(HostileCorpus, HoldsAtLeast150Releases) { EXPECT_GE(corpus().size(), 150u); }

TEST(HostileCorpus, EveryReleaseIsRefusedWithTheExpectedFieldAndReason) {
  int checked = 0;
  for (const fs::path& file : corpus()) {
    SCOPED_TRACE(file.filename().string());
    fs::path expect_file = file;
    expect_file.replace_extension(".expect");
    ASSERT_TRUE(fs::exists(expect_file)) << "no .expect file";
    const Expectation expected = read_expectation(expect_file);
    ASSERT_FALSE(expected.reason.empty()) << "the .expect file names no reason";
    const std::string text = read_file(file);
    const auto parsed = file.extension() == ".json" ? parse_release_json(text) : parse_release_toml(text);
    ASSERT_FALSE(parsed.has_value()) << "accepted";
    const FieldErrors& errors = parsed.error();
    const bool found = std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) {
      return e.path == expected.path && e.reason.find(expected.reason) != std::string::npos;
    });
    std::string got = join(errors);
    if (got.size() > 600) got = got.substr(0, 600) + "...";
    EXPECT_TRUE(found) << "expected '" << expected.path << "': ..." << expected.reason << "...; got: " << got;
    // Nothing a writer sends becomes a huge reason or path.
    for (const FieldError& e : errors) {
      EXPECT_LE(e.path.size() + e.reason.size(), 1200u) << e.path.substr(0, 80);
    }
    ++checked;
  }
  EXPECT_GE(checked, 150);
}

}  // namespace
}  // namespace fabu
