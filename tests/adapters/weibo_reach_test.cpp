// Reading Weibo's users/counts and statuses/count replies, and the requests the fetches send.
#include <gtest/gtest.h>

#include "adapters/weibo/weibo_reach.h"
#include "tests/adapters/fake_http_transport.h"

namespace fabu::weibo {
namespace {

using testing::FakeTransport;
using testing::json_reply;

struct ReachCalls : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  AccountCall call{transport, "lanshan_fabu", "tok-lanshan", std::chrono::milliseconds(500)};

  Reply reply(int status, const std::string& body) { return read_reply(json_reply(status, body)); }
};

TEST_F(ReachCalls, UserCountsMapUidsToAccountsAndSkipWhatIsUnusable) {
  const AccountsByUid accounts{{"5001", "lead"}, {"5002", "lanshan_fabu"}, {"5003", "feixian"}};
  const auto counts = parse_user_counts(
      reply(200, R"([{"id": 5001, "followers_count": 120345, "friends_count": 88, "statuses_count": 901},
                    {"id": "5002", "followers_count": "4500", "friends_count": 3},
                    {"id": 5003, "followers_count": -1},
                    {"id": 9999, "followers_count": 1},
                    "junk", {"followers_count": 7}])"),
      call, accounts);
  ASSERT_TRUE(counts) << counts.error().message;
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].account, "lead");
  EXPECT_EQ((*counts)[0].followers, 120345);
  EXPECT_EQ((*counts)[0].friends, 88);
  EXPECT_EQ((*counts)[0].statuses, 901);
  EXPECT_EQ((*counts)[1].account, "lanshan_fabu");
  EXPECT_EQ((*counts)[1].followers, 4500);
  EXPECT_EQ((*counts)[1].statuses, 0);
}

TEST_F(ReachCalls, StatusCountsReadIdstrAndSkipIncompleteEntries) {
  const auto counts = parse_status_counts(
      reply(200, R"([{"id": 4100000000000000001, "idstr": "4100000000000000001", "reposts": 3, "comments": 1,
                      "attitudes": 12},
                     {"id": 42, "reposts": 1, "comments": 2},
                     {"reposts": 1, "comments": 2, "attitudes": 3}])"),
      call);
  ASSERT_TRUE(counts) << counts.error().message;
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].post_id, "4100000000000000001");
  EXPECT_EQ((*counts)[0].reposts, 3);
  EXPECT_EQ((*counts)[0].comments, 1);
  EXPECT_EQ((*counts)[0].likes, 12);
}

TEST_F(ReachCalls, ErrorRepliesTakeTheAdaptersKinds) {
  const auto expired = parse_status_counts(
      reply(400, R"({"error": "expired_token", "error_code": 21327, "request": "/2/statuses/count.json"})"), call);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().kind, ErrorKind::auth);
  EXPECT_EQ(expired.error().platform_code, 21327);
  const auto limited = parse_user_counts(
      reply(403, R"({"error": "User requests out of rate limit!", "error_code": 10023})"), call, {});
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().kind, ErrorKind::rate_limited);
  const auto garbled = parse_status_counts(reply(200, "<html>proxy</html>"), call);
  ASSERT_FALSE(garbled);
  EXPECT_EQ(garbled.error().kind, ErrorKind::transient);
  const auto object = parse_status_counts(reply(200, R"({"statuses": []})"), call);
  ASSERT_FALSE(object);
  EXPECT_EQ(object.error().kind, ErrorKind::transient);
}

TEST_F(ReachCalls, FetchesGetWithTheAccountsTokenAndCommaSeparatedIds) {
  transport->replies.push_back(json_reply(200, R"([{"id": "5001", "followers_count": 10}])"));
  transport->replies.push_back(json_reply(200, R"([{"idstr": "77", "reposts": 0, "comments": 0, "attitudes": 5}])"));
  std::optional<Result<std::vector<AccountCounts>>> users;
  fetch_user_counts(call, {{"5001", "lead"}, {"5002", "feixian"}}, [&](auto result) { users = std::move(result); });
  std::optional<Result<std::vector<PostCounts>>> posts;
  fetch_status_counts(call, {"77", "78"}, [&](auto result) { posts = std::move(result); });
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(transport->requests[0].method, "GET");
  EXPECT_EQ(transport->requests[0].path, "users/counts.json?uids=5001%2C5002&access_token=tok-lanshan");
  EXPECT_EQ(transport->requests[1].path, "statuses/count.json?ids=77%2C78&access_token=tok-lanshan");
  ASSERT_TRUE(users && *users);
  EXPECT_EQ((**users)[0].followers, 10);
  ASSERT_TRUE(posts && *posts);
  EXPECT_EQ((**posts)[0].likes, 5);
}

TEST_F(ReachCalls, ANetworkFailureIsTheTransportsError) {
  std::optional<Result<std::vector<PostCounts>>> posts;
  fetch_status_counts(call, {"77"}, [&](auto result) { posts = std::move(result); });  // no reply scripted
  ASSERT_TRUE(posts);
  ASSERT_FALSE(*posts);
  EXPECT_EQ(posts->error().kind, ErrorKind::transient);
}

}  // namespace
}  // namespace fabu::weibo
