// The manifest's JSON: new fields round-trip, and a manifest from before revisions and withdrawal
// reasons existed still reads.
#include <gtest/gtest.h>

#include "adapters/portal/portal_manifest.h"

namespace fabu::portal {
namespace {

TEST(PortalManifest, RevisionsAndWithdrawalRoundTrip) {
  ArticleEntry entry;
  entry.id = "r1";
  entry.title = "通知";
  entry.published_ms = 1000;
  entry.revisions = {{1, 1000, ""}, {2, 5000, "更正日期"}};
  entry.withdrawn = true;
  entry.withdrawn_ms = 9000;
  entry.withdraw_reason = "内容有误";
  const Manifest manifest{{"r1", entry}};
  const std::string json = manifest_to_json(manifest);
  auto back = manifest_from_json(json, "test");
  ASSERT_TRUE(back.has_value()) << back.error().message;
  const ArticleEntry& read = back->at("r1");
  EXPECT_EQ(read.revisions, entry.revisions);
  EXPECT_EQ(read.revision(), 2);
  EXPECT_EQ(read.withdrawn_ms, 9000);
  EXPECT_EQ(read.withdraw_reason, "内容有误");
  EXPECT_EQ(read.updated_ms(), 9000);
  EXPECT_EQ(manifest_to_json(*back), json);
}

TEST(PortalManifest, AnOlderManifestReadsAsRevisionOne) {
  const std::string old = R"({"version": 1, "articles": [{"id": "r1", "kind": "notice", "title": "通知",
    "doc_number": "", "formed": "2026-04-20", "published_ms": 1777564860000, "serial": 3,
    "index_number": "01527918X-2026-000003", "issuer": "临沂市人民政府办公室", "disclosure": "主动公开",
    "subjects": [], "abstract": "", "interprets": "", "columns": ["tzgg"], "path": "tzgg/2026/r1.html",
    "withdrawn": false}]})";
  auto manifest = manifest_from_json(old, "old");
  ASSERT_TRUE(manifest.has_value()) << manifest.error().message;
  const ArticleEntry& entry = manifest->at("r1");
  ASSERT_EQ(entry.revisions.size(), 1u);
  EXPECT_EQ(entry.revisions[0].number, 1);
  EXPECT_EQ(entry.revisions[0].written_ms, 1777564860000);
  EXPECT_EQ(entry.updated_ms(), 1777564860000);
  EXPECT_FALSE(entry.withdrawn);
  EXPECT_EQ(revision_path(entry.path, 1), "tzgg/2026/r1.r1.html");
}

}  // namespace
}  // namespace fabu::portal
