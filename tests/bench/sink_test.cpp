// fabu-sink, the benchmark's minimal platform, run as a real process on loopback: its --latency-ms
// holds every answer that long without holding up the other connections, in order per connection.
#include <chrono>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"

namespace fabu::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::string kPost =
    "POST /2/statuses/share.json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    "Content-Length: 11\r\n\r\nstatus=test";

class SinkProcess {
 public:
  explicit SinkProcess(int latency_ms) : port_(free_port()) {
    std::vector<std::string> argv = {FABU_SINK_BIN, "--port", std::to_string(port_)};
    if (latency_ms > 0) argv.insert(argv.end(), {"--latency-ms", std::to_string(latency_ms)});
    process_ = ChildProcess(argv, {}, dir_.path() + "/sink.log");
    if (!wait_for_port(port_)) throw std::runtime_error("fabu-sink did not start");
  }
  int port() const { return port_; }

 private:
  TempDir dir_;
  int port_;
  ChildProcess process_;
};

// The post's id from the sink's reply ("idstr":"5000000000000123").
std::string idstr_of(const std::string& response) {
  const std::string key = "\"idstr\":\"";
  const auto at = response.find(key);
  if (at == std::string::npos) return {};
  return response.substr(at + key.size(), response.find('"', at + key.size()) - at - key.size());
}

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - since).count();
}

TEST(SinkLatency, AnswersAPostOnlyAfterTheLatency) {
  SinkProcess sink(300);
  RawClient client(sink.port());
  const auto start = Clock::now();
  ASSERT_TRUE(client.send(kPost));
  const std::string response = client.read_response(milliseconds(5000));
  EXPECT_GE(elapsed_ms(start), 300);
  EXPECT_LT(elapsed_ms(start), 2000);
  EXPECT_EQ(status_of(response), 200);
  EXPECT_FALSE(idstr_of(response).empty()) << response;
}

TEST(SinkLatency, WithoutLatencyAnswersAtOnce) {
  SinkProcess sink(0);
  RawClient client(sink.port());
  const auto start = Clock::now();
  ASSERT_TRUE(client.send(kPost));
  EXPECT_EQ(status_of(client.read_response(milliseconds(5000))), 200);
  EXPECT_LT(elapsed_ms(start), 250);
}

TEST(SinkLatency, HoldsManyConnectionsAtOnceInsteadOfOneAfterAnother) {
  constexpr int kClients = 300;
  SinkProcess sink(400);
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<RawClient>(sink.port()));
  const auto start = Clock::now();
  for (auto& c : clients) ASSERT_TRUE(c->send(kPost));
  std::set<std::string> ids;
  for (auto& c : clients) {
    const std::string response = c->read_response(milliseconds(10000));
    ASSERT_EQ(status_of(response), 200) << response;
    ids.insert(idstr_of(response));
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kClients));  // one post each, every id distinct
  EXPECT_GE(elapsed_ms(start), 400);
  EXPECT_LT(elapsed_ms(start), 4 * 400);  // one after another would take kClients x 400 ms

  RawClient stats(sink.port());
  ASSERT_TRUE(stats.send("GET /_sink/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  EXPECT_EQ(body_of(stats.read_response(milliseconds(5000))), "{\"posts\":" + std::to_string(kClients) + "}");
}

TEST(SinkLatency, KeepsTheOrderOfPipelinedRequests) {
  SinkProcess sink(200);
  RawClient client(sink.port());
  ASSERT_TRUE(client.send(kPost + kPost + kPost));
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(idstr_of(client.read_response(milliseconds(5000))));
  ASSERT_EQ(ids.size(), 3U);
  EXPECT_LT(ids[0], ids[1]);  // same length: text order is number order
  EXPECT_LT(ids[1], ids[2]);
}

TEST(SinkLatency, AnAnswerForAClosedConnectionNeverReachesTheNextOneOnItsDescriptor) {
  SinkProcess sink(300);
  {
    RawClient gone(sink.port());
    ASSERT_TRUE(gone.send(kPost));
  }  // closed before its answer is due
  // The sink sees the close and frees the descriptor, which the next connection may get.
  std::this_thread::sleep_for(milliseconds(50));
  RawClient next(sink.port());
  ASSERT_TRUE(next.send(kPost));
  EXPECT_EQ(status_of(next.read_response(milliseconds(5000))), 200);
  EXPECT_EQ(next.read_response(milliseconds(600)), "");  // nothing more: not the other one's answer
}

}  // namespace
}  // namespace fabu::testing
