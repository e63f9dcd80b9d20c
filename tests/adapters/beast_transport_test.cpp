// The Beast transport against real loopback servers (tests/adapters/loopback_http_server.h): kept-alive
// connections, in-doubt failures that are never sent twice, timeouts, refusals, TLS with a test CA.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "adapters/http_transport.h"
#include "tests/adapters/loopback_http_server.h"

namespace fabu {
namespace {

using testing::LoopbackHttpServer;
using testing::Script;
using namespace std::chrono_literals;

// One I/O thread unless a test says otherwise: each thread keeps connections of its own, and the
// tests count connections.
std::unique_ptr<HttpTransportFactory> make_factory(BeastTransportOptions options = {.threads = 1}) {
  auto factory = make_beast_transport_factory(options);
  EXPECT_TRUE(factory.has_value()) << factory.error().message;
  return std::move(*factory);
}

HttpRequest post(std::string path, std::chrono::milliseconds timeout = 5000ms) {
  HttpRequest request;
  request.method = "POST";
  request.path = std::move(path);
  request.content_type = "application/x-www-form-urlencoded";
  request.body = form_encode({{"access_token", "tok"}, {"status", "临沂发布"}});
  request.timeout = timeout;
  return request;
}

HttpRequest get(std::string path) {
  HttpRequest request;
  request.path = std::move(path);
  return request;
}

Result<HttpResponse> send_and_wait(HttpTransport& transport, HttpRequest request) {
  auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
  auto future = promise->get_future();
  transport.send(std::move(request), [promise](Result<HttpResponse> result) { promise->set_value(std::move(result)); });
  if (future.wait_for(30s) != std::future_status::ready) {
    ADD_FAILURE() << "no callback";
    return fail(Error::transient("test: no callback"));
  }
  return future.get();
}

std::string url_of(const LoopbackHttpServer& server, const std::string& scheme = "http", const std::string& host = "127.0.0.1") {
  return scheme + "://" + host + ":" + std::to_string(server.port()) + "/2/";
}

TEST(BeastTransport, SequentialPostsAndGetsShareOneConnection) {
  LoopbackHttpServer server({});
  auto factory = make_factory();
  auto transport = factory->make(url_of(server));
  for (int i = 0; i < 10; ++i) {
    const auto response = send_and_wait(*transport, i % 2 == 0 ? post("statuses/share.json") : get("users/show.json?uid=7"));
    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, R"({"idstr":")" + std::to_string(i + 1) + R"("})");
    EXPECT_EQ(response->header("x-request-number"), std::to_string(i + 1));
  }
  EXPECT_EQ(server.connections(), 1) << "connections are not being reused";
  EXPECT_EQ(server.requests(), 10);
  const auto lines = server.request_lines();
  EXPECT_EQ(lines.front(), "POST /2/statuses/share.json");
  EXPECT_EQ(lines[1], "GET /2/users/show.json?uid=7");
  EXPECT_EQ(server.last_body(), "");
}

TEST(BeastTransport, PostCarriesItsBody) {
  LoopbackHttpServer server({});
  auto factory = make_factory();
  const auto response = send_and_wait(*factory->make(url_of(server)), post("statuses/share.json"));
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(server.last_body(), form_encode({{"access_token", "tok"}, {"status", "临沂发布"}}));
}

// The request head is written by hand: the headers a server sees, in order, and a body length only
// where there is a body (or a POST).
TEST(BeastTransport, RequestHeadCarriesHostAgentHeadersAndTheBodyLength) {
  LoopbackHttpServer server({});
  auto factory = make_factory();
  auto transport = factory->make(url_of(server));
  HttpRequest request = post("/statuses/share.json");
  request.headers.emplace_back("Idempotency-Key", "r-1/microblog/lead/publish.1");
  ASSERT_TRUE(send_and_wait(*transport, request).has_value());
  const std::string host = "Host: 127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(server.last_headers(),
            (std::vector<std::string>{host, "User-Agent: fabu", "Idempotency-Key: r-1/microblog/lead/publish.1",
                                      "Content-Type: application/x-www-form-urlencoded",
                                      "Content-Length: " + std::to_string(request.body.size())}));
  EXPECT_EQ(server.last_body(), request.body);
  EXPECT_EQ(server.request_lines().back(), "POST /2/statuses/share.json");

  ASSERT_TRUE(send_and_wait(*transport, get("users/show.json?uid=7")).has_value());
  EXPECT_EQ(server.last_headers(), (std::vector<std::string>{host, "User-Agent: fabu"}));
  HttpRequest empty_post = post("statuses/destroy.json");
  empty_post.body.clear();
  ASSERT_TRUE(send_and_wait(*transport, empty_post).has_value());
  EXPECT_EQ(server.last_headers().back(), "Content-Length: 0");
  EXPECT_EQ(server.connections(), 1);
}

TEST(BeastTransport, ServerClosingAfterReadingAPostLeavesItInDoubtAndIsNeverSentAgain) {
  LoopbackHttpServer server({.script = [](int) { return Script::close_without_answer; }});
  auto factory = make_factory();
  const auto response = send_and_wait(*factory->make(url_of(server)), post("statuses/share.json?access_token=secret"));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().kind, ErrorKind::transient);
  EXPECT_TRUE(response.error().may_have_taken_effect);
  EXPECT_NE(response.error().message.find("POST statuses/share.json: connection reset (the request may have been processed)"),
            std::string::npos) << response.error().message;
  EXPECT_EQ(response.error().message.find("secret"), std::string::npos) << response.error().message;
  std::this_thread::sleep_for(200ms);  // a re-send would arrive by now
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(server.connections(), 1);
}

TEST(BeastTransport, ReusedConnectionClosedAfterReadingAPostIsInDoubtNotResent) {
  LoopbackHttpServer server({.script = [](int n) { return n == 1 ? Script::answer : Script::close_without_answer; }});
  auto factory = make_factory();
  auto transport = factory->make(url_of(server));
  ASSERT_TRUE(send_and_wait(*transport, post("statuses/share.json")).has_value());
  const auto second = send_and_wait(*transport, post("statuses/share.json"));
  ASSERT_FALSE(second.has_value());
  EXPECT_TRUE(second.error().may_have_taken_effect) << second.error().message;
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(server.requests(), 2) << "the in-doubt POST was sent again";
  EXPECT_EQ(server.connections(), 1);
}

TEST(BeastTransport, IdleConnectionClosedByTheServerIsNotUsedAgain) {
  LoopbackHttpServer server({.script = [](int) { return Script::answer_and_close; }});
  auto factory = make_factory();
  auto transport = factory->make(url_of(server));
  for (int i = 0; i < 3; ++i) {
    const auto response = send_and_wait(*transport, post("statuses/share.json"));
    ASSERT_TRUE(response.has_value()) << response.error().message;
    std::this_thread::sleep_for(50ms);  // the server's close arrives while the connection is idle
  }
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.connections(), 3);
}

TEST(BeastTransport, RacingAnIdleCloseEitherSucceedsOrIsInDoubtButNeverSendsTwice) {
  LoopbackHttpServer server({.script = [](int) { return Script::answer_and_close; }});
  auto factory = make_factory();
  auto transport = factory->make(url_of(server));
  int delivered = 0;
  int in_doubt = 0;
  for (int i = 0; i < 20; ++i) {
    const auto response = send_and_wait(*transport, post("statuses/share.json"));
    if (response) {
      ++delivered;
    } else if (response.error().may_have_taken_effect) {
      ++in_doubt;
    }
  }
  std::this_thread::sleep_for(200ms);
  EXPECT_GE(delivered, 1);
  EXPECT_GE(server.requests(), delivered);
  EXPECT_LE(server.requests(), delivered + in_doubt) << "a request was sent twice, or one not in doubt arrived";
  EXPECT_LE(server.requests(), server.connections()) << "a connection carried a request after the server closed it";
}

TEST(BeastTransport, SilentServerTimesOutInDoubt) {
  LoopbackHttpServer server({.script = [](int) { return Script::hang; }});
  auto factory = make_factory();
  const auto started = std::chrono::steady_clock::now();
  const auto response = send_and_wait(*factory->make(url_of(server)), post("statuses/share.json", 300ms));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().kind, ErrorKind::transient);
  EXPECT_TRUE(response.error().may_have_taken_effect);
  EXPECT_NE(response.error().message.find("timed out after 300 ms (the request may have been processed)"), std::string::npos)
      << response.error().message;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(server.requests(), 1);
}

TEST(BeastTransport, DestroyingTheFactoryEndsRequestsInFlightAtOnce) {
  LoopbackHttpServer server({.script = [](int) { return Script::hang; }});
  auto factory = make_factory();
  auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
  auto reply = promise->get_future();
  factory->make(url_of(server))->send(post("statuses/share.json", 30s), [promise](Result<HttpResponse> r) {
    promise->set_value(std::move(r));
  });
  while (server.requests() == 0) std::this_thread::sleep_for(5ms);
  const auto started = std::chrono::steady_clock::now();
  factory.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  ASSERT_EQ(reply.wait_for(0s), std::future_status::ready) << "the callback was not called";
  const auto response = reply.get();
  ASSERT_FALSE(response.has_value());
  EXPECT_TRUE(response.error().may_have_taken_effect);
  EXPECT_NE(response.error().message.find("the HTTP client stopped (the request may have been processed)"),
            std::string::npos) << response.error().message;
}

TEST(BeastTransport, RefusedConnectionIsNotInDoubt) {
  int port = 0;
  {
    LoopbackHttpServer closed_soon({});
    port = closed_soon.port();
  }
  auto factory = make_factory();
  auto transport = factory->make("http://127.0.0.1:" + std::to_string(port) + "/2/");
  const auto response = send_and_wait(*transport, post("statuses/share.json?access_token=secret"));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().kind, ErrorKind::transient);
  EXPECT_FALSE(response.error().may_have_taken_effect);
  EXPECT_NE(response.error().message.find("connection refused"), std::string::npos) << response.error().message;
  EXPECT_EQ(response.error().message.find("secret"), std::string::npos) << response.error().message;
}

TEST(BeastTransport, BadBaseUrlIsAConfigError) {
  auto factory = make_factory();
  const auto response = send_and_wait(*factory->make("ftp://example.org/"), get("x"));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().kind, ErrorKind::config);
}

TEST(BeastTransport, ConcurrentRequestsFromSeveralThreadsStayWithinTheConnectionBound) {
  LoopbackHttpServer server({.delay = 5ms});
  auto factory = make_factory({.threads = 2, .max_connections_per_host = 4});
  auto transport = factory->make(url_of(server));
  std::atomic<int> ok{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&] {
      std::vector<std::future<Result<HttpResponse>>> replies;
      for (int i = 0; i < 25; ++i) {
        auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
        replies.push_back(promise->get_future());
        transport->send(post("statuses/share.json"), [promise](Result<HttpResponse> r) { promise->set_value(std::move(r)); });
      }
      for (auto& reply : replies) {
        if (reply.get().has_value()) ++ok;
      }
    });
  }
  for (auto& sender : senders) sender.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(server.requests(), 100);
  EXPECT_LE(server.connections(), 4);
}

TEST(BeastTransport, EachThreadKeepsItsConnectionsAlive) {
  LoopbackHttpServer server({});
  auto factory = make_factory({.threads = 2});
  auto transport = factory->make(url_of(server));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(send_and_wait(*transport, post("statuses/share.json")).has_value());
  EXPECT_EQ(server.requests(), 10);
  EXPECT_LE(server.connections(), 2);
}

TEST(BeastTransport, FollowUpRequestFromInsideACallbackReusesTheConnection) {
  LoopbackHttpServer server({});
  auto factory = make_factory({.threads = 2});
  auto transport = factory->make(url_of(server));
  std::promise<Result<HttpResponse>> second;
  transport->send(post("statuses/share.json"), [&](Result<HttpResponse> first) {
    EXPECT_TRUE(first.has_value());
    transport->send(get("statuses/user_timeline.json"), [&](Result<HttpResponse> r) { second.set_value(std::move(r)); });
  });
  auto future = second.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(future.get().has_value());
  EXPECT_EQ(server.connections(), 1);
}

// A test CA and server certificates made with the openssl command line, once per test program.
class TestPki {
 public:
  TestPki() {
    dir_ = std::filesystem::temp_directory_path() / ("fabu-pki-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const std::string d = dir_.string();
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run("openssl req -x509" + ec + " -keyout " + d + "/ca.key -out " + d + "/ca.pem -days 2 -subj /CN=fabu-test-ca");
    run("openssl req -x509" + ec + " -keyout " + d + "/other-ca.key -out " + d + "/other-ca.pem -days 2 -subj /CN=other-ca");
    leaf("localhost", "ca");
    leaf("elsewhere.example", "ca");
  }
  ~TestPki() { std::filesystem::remove_all(dir_); }
  std::string ca() const { return (dir_ / "ca.pem").string(); }
  std::string other_ca() const { return (dir_ / "other-ca.pem").string(); }
  LoopbackHttpServer::Options server_for(const std::string& name) const {
    return {.certificate_file = (dir_ / (name + ".pem")).string(), .key_file = (dir_ / (name + ".key")).string()};
  }

 private:
  static void run(const std::string& command) {
    ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0) << command;
  }
  void leaf(const std::string& name, const std::string& ca) {
    const std::string d = dir_.string();
    std::ofstream(dir_ / (name + ".ext")) << "subjectAltName=DNS:" << name << "\n";
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + d + "/" + name + ".key -out " +
        d + "/" + name + ".csr -subj /CN=" + name);
    run("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/" + ca + ".pem -CAkey " + d + "/" + ca +
        ".key -CAcreateserial -days 2 -out " + d + "/" + name + ".pem -extfile " + d + "/" + name + ".ext");
  }
  std::filesystem::path dir_;
};

const TestPki& pki() {
  static const TestPki instance;
  return instance;
}

TEST(BeastTransportTls, TrustedCertificateWorksAndConnectionsAreReused) {
  LoopbackHttpServer server(pki().server_for("localhost"));
  auto factory = make_factory({.threads = 1, .ca_file = pki().ca()});
  auto transport = factory->make(url_of(server, "https", "localhost"));
  for (int i = 0; i < 5; ++i) {
    const auto response = send_and_wait(*transport, post("statuses/share.json"));
    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(server.requests(), 5);
  EXPECT_EQ(server.connections(), 1);
}

TEST(BeastTransportTls, WrongHostNameIsRefusedBeforeAnythingIsSent) {
  LoopbackHttpServer server(pki().server_for("elsewhere.example"));
  auto factory = make_factory({.ca_file = pki().ca()});
  const auto response = send_and_wait(*factory->make(url_of(server, "https", "localhost")), post("statuses/share.json"));
  ASSERT_FALSE(response.has_value());
  EXPECT_FALSE(response.error().may_have_taken_effect);
  EXPECT_NE(response.error().message.find("hostname mismatch"), std::string::npos) << response.error().message;
  EXPECT_EQ(server.requests(), 0);
}

TEST(BeastTransportTls, CertificateFromAnUntrustedCaIsRefused) {
  LoopbackHttpServer server(pki().server_for("localhost"));
  auto factory = make_factory({.ca_file = pki().other_ca()});
  const auto response = send_and_wait(*factory->make(url_of(server, "https", "localhost")), get("users/show.json"));
  ASSERT_FALSE(response.has_value());
  EXPECT_NE(response.error().message.find("certificate refused"), std::string::npos) << response.error().message;
  EXPECT_EQ(server.requests(), 0);
}

TEST(BeastTransportTls, MissingCaFileIsAConfigError) {
  const auto factory = make_beast_transport_factory({.ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(factory.has_value());
  EXPECT_EQ(factory.error().kind, ErrorKind::config);
  EXPECT_NE(factory.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace fabu
