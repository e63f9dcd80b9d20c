// The example releases shipped in examples/releases must stay valid; the bad one must stay bad.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/release.h"
#include "core/screen.h"

namespace fabu {
namespace {

namespace fs = std::filesystem;

const fs::path examples_dir = fs::path(FABU_SOURCE_DIR) / "examples" / "releases";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ExampleReleases, EveryExampleParses) {
  std::set<ReleaseKind> kinds;
  std::set<std::string> ids;
  int count = 0;
  for (const auto& entry : fs::directory_iterator(examples_dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".toml") continue;
    ++count;
    auto release = parse_release_toml(read_file(entry.path()));
    ASSERT_TRUE(release) << entry.path().filename() << ": " << join(release.error());
    EXPECT_EQ(release->disclosure, Disclosure::proactive);
    EXPECT_FALSE(release->approval.approver.empty());
    EXPECT_TRUE(ids.insert(release->id).second) << "duplicate id " << release->id;
    kinds.insert(release->kind);
    if (release->kind == ReleaseKind::policy_interpretation) {
      EXPECT_EQ(release->interprets, "临政办发〔2026〕12号");
      EXPECT_EQ(release->targets.at("portal"), std::vector<std::string>{"zcjd"});
    }
    if (release->kind == ReleaseKind::emergency) {
      EXPECT_EQ(release->targets.at("microblog"), (std::vector<std::string>{"lead", "all"}));
    }
  }
  EXPECT_GE(count, 4);
  for (ReleaseKind kind : {ReleaseKind::news, ReleaseKind::policy_interpretation, ReleaseKind::notice,
                           ReleaseKind::emergency}) {
    EXPECT_TRUE(kinds.contains(kind)) << "no example of kind " << to_string(kind);
  }
}

TEST(ExampleReleases, BadExampleIsRejectedWithNamedFields) {
  auto release = parse_release_toml(read_file(examples_dir / "bad" / "missing-fields.toml"));
  ASSERT_FALSE(release);
  std::set<std::string> paths;
  for (const FieldError& e : release.error()) paths.insert(e.path);
  for (const char* path : {"title", "issuer", "disclosure", "approval.approved_at", "approval.signer"}) {
    EXPECT_TRUE(paths.contains(path)) << path << " not named in: " << join(release.error());
  }
}

// The examples are real releases full of dates, 文号, figures and hotlines: the screen must let them
// all through (no false alarm), with the public numbers of config/fabu.example.toml.
TEST(ExampleReleases, TheScreenHoldsNone) {
  ScreenPolicy policy;
  policy.public_numbers = {"12345", "0539-12345"};
  int count = 0;
  for (const auto& entry : fs::directory_iterator(examples_dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".toml") continue;
    auto release = parse_release_toml(read_file(entry.path()));
    ASSERT_TRUE(release) << entry.path().filename();
    ++count;
    for (const auto& m : screen_release(*release, policy).matches) {
      ADD_FAILURE() << entry.path().filename() << ": " << to_string(m.kind) << " in " << m.field << " at byte "
                    << m.offset << ": " << m.masked;
    }
  }
  EXPECT_GE(count, 4);
}

}  // namespace
}  // namespace fabu
