// The Beast HttpServer started in-process on a loopback port, driven by raw TCP clients that send
// what well-behaved HTTP libraries never would.
#include <openssl/ssl.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http_server/http_server.h"
#include "tests/support/raw_client.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

using ::testing::HasSubstr;

// A server whose handler echoes "<method> <target> <body>" and counts its calls.
class ServerFixture : public ::testing::Test {
 protected:
  void start(HttpServerOptions options = {}) {
    auto server = start_beast_http_server(options, [this](const HttpServerRequest& r) {
      ++calls_;
      if (r.path() == "/throw") throw std::runtime_error("boom");
      HttpServerResponse response;
      response.content_type = "text/plain";
      response.body = r.method + " " + r.target + " " + r.body;
      return response;
    });
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
  }
  void start_with_read_timeout(std::chrono::seconds timeout) {
    HttpServerOptions options;
    options.read_timeout = timeout;
    start(options);
  }
  int port() const { return server_->port(); }

  std::atomic<int> calls_{0};
  std::unique_ptr<HttpServer> server_;
};

std::string get(const std::string& target, const std::string& extra_headers = {}) {
  return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra_headers + "\r\n";
}

TEST_F(ServerFixture, KeepsTheConnectionAliveBetweenRequests) {
  start();
  RawClient client(port());
  ASSERT_TRUE(client.send(get("/a?limit=3")));
  const auto first = client.read_response();
  EXPECT_EQ(status_of(first), 200) << first;
  EXPECT_EQ(body_of(first), "GET /a?limit=3 ");
  ASSERT_TRUE(client.send("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  const auto second = client.read_response();
  EXPECT_EQ(body_of(second), "POST /b hello") << second;
  EXPECT_EQ(calls_, 2);
}

TEST_F(ServerFixture, AnswersExpectContinueBeforeTheBody) {
  start();
  RawClient client(port());
  ASSERT_TRUE(client.send("POST /c HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(status_of(client.read_response()), 100);
  ASSERT_TRUE(client.send("abc"));
  EXPECT_EQ(body_of(client.read_response()), "POST /c abc");
}

TEST_F(ServerFixture, RefusesADeclaredBodyOverTheLimitBeforeReadingIt) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  start(options);
  RawClient client(port());
  // 200 MB declared, 10 bytes sent: the answer must come without waiting for the rest.
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send("POST /v1/releases HTTP/1.1\r\nHost: t\r\nContent-Length: 200000000\r\n\r\n0123456789"));
  const auto response = client.read_response(std::chrono::seconds(3));
  EXPECT_EQ(status_of(response), 413) << response;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(calls_, 0);
}

TEST_F(ServerFixture, RefusesAChunkedBodyThatGrowsPastTheLimit) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  start(options);
  RawClient client(port());
  const std::string chunk(2000, 'x');
  ASSERT_TRUE(client.send("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + chunk + "\r\n"));
  EXPECT_EQ(status_of(client.read_response()), 413);
  EXPECT_EQ(calls_, 0);
}

TEST_F(ServerFixture, NegativeOrGarbageContentLengthIsABadRequest) {
  start();
  for (const char* length : {"-1", "abc", "1e9", "99999999999999999999999"}) {
    RawClient client(port());
    ASSERT_TRUE(client.send(std::string("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: ") + length + "\r\n\r\n"));
    const auto response = client.read_response();
    EXPECT_EQ(status_of(response), 400) << length << ": " << response;
  }
  EXPECT_EQ(calls_, 0);
}

TEST_F(ServerFixture, HeadersTooLargeOrTooManyAre431) {
  HttpServerOptions options;
  options.max_header_bytes = 8 * 1024;
  options.max_headers = 32;
  start(options);
  {
    RawClient client(port());
    client.send(get("/big", "X-Big: " + std::string(1 << 20, 'a') + "\r\n"));  // 1 MB header
    const auto response = client.read_response();
    EXPECT_EQ(status_of(response), 431) << response.substr(0, 200);
  }
  {
    RawClient client(port());
    std::string many;
    for (int i = 0; i < 40; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    client.send(get("/many", many));
    const auto response = client.read_response();
    EXPECT_EQ(status_of(response), 431) << response;
    EXPECT_THAT(body_of(response), HasSubstr("more than 32 headers"));
  }
  {
    RawClient client(port());
    std::string many;
    for (int i = 0; i < 20000; ++i) many += "a:b\r\n";  // 20,000 headers: caught by the byte limit first
    client.send(get("/many", many));
    EXPECT_EQ(status_of(client.read_response()), 431);
  }
  EXPECT_EQ(calls_, 0);
}

TEST_F(ServerFixture, ASlowClientWithPartialHeadersGets408AndIsClosed) {
  start_with_read_timeout(std::chrono::seconds(1));
  RawClient client(port());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send("GET /slow HTTP/1.1\r\nHost: t\r\nX-Partial: "));
  const auto response = client.read_response(std::chrono::seconds(5));
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(status_of(response), 408) << response;
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(4));
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(calls_, 0);
}

TEST_F(ServerFixture, ADripFedBodyIsCutOffAtTheReadTimeout) {
  start_with_read_timeout(std::chrono::seconds(1));
  RawClient client(port());
  ASSERT_TRUE(client.send("POST /drip HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n"));
  for (int i = 0; i < 15; ++i) {  // one byte every 100 ms would take 10 s
    if (!client.send("x")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status_of(client.read_response()), 408);
  EXPECT_EQ(calls_, 0);
}

TEST_F(ServerFixture, AnIdleKeepAliveConnectionIsClosedQuietly) {
  start_with_read_timeout(std::chrono::seconds(1));
  RawClient client(port());
  ASSERT_TRUE(client.send(get("/once")));
  EXPECT_EQ(status_of(client.read_response()), 200);
  EXPECT_EQ(client.read_response(std::chrono::seconds(3)), "");  // no 408 for a request never begun
  EXPECT_TRUE(client.closed_by_peer(std::chrono::seconds(1)));
}

TEST_F(ServerFixture, ConnectionsBeyondTheCapAre503) {
  HttpServerOptions options;
  options.max_connections = 2;
  options.evict_waiting_after = std::chrono::hours(1);  // no connection here waits that long
  start(options);
  auto a = std::make_unique<RawClient>(port());
  RawClient b(port());
  ASSERT_TRUE(a->send(get("/a")));
  ASSERT_TRUE(b.send(get("/b")));
  EXPECT_EQ(status_of(a->read_response()), 200);
  EXPECT_EQ(status_of(b.read_response()), 200);
  {
    RawClient c(port());
    c.send(get("/c"));
    const auto response = c.read_response();
    EXPECT_EQ(status_of(response), 503) << response;
    EXPECT_TRUE(c.closed_by_peer());
  }
  EXPECT_EQ(calls_, 2);
  // A slot freed is a slot available again.
  a.reset();
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    RawClient d(port());
    d.send(get("/d"));
    status = status_of(d.read_response());
  }
  EXPECT_EQ(status, 200);
}

// The 503s are answers under way too: beyond max_connections of them (twice the cap in all), a new
// connection is closed at once, with no reply to write.
TEST_F(ServerFixture, ConnectionsBeyondTwiceTheCapAreClosedWithoutAReply) {
  HttpServerOptions options;
  options.max_connections = 1;
  options.evict_waiting_after = std::chrono::hours(1);
  start(options);
  RawClient served(port());
  ASSERT_TRUE(served.send(get("/a")));
  EXPECT_EQ(status_of(served.read_response()), 200);
  RawClient refused(port());  // kept open: its 503 lingers (2 s) waiting for it to close
  EXPECT_EQ(status_of(refused.read_response()), 503);
  RawClient dropped(port());
  EXPECT_EQ(dropped.read_response(std::chrono::seconds(1)), "");
  EXPECT_TRUE(dropped.closed_by_peer(std::chrono::seconds(1)));
  EXPECT_EQ(calls_, 1);
}

// Slowloris: clients that trickle their requests hold every slot, each for up to the read timeout.
// A new connection takes the slot of the one that has waited longest; the others keep theirs.
TEST_F(ServerFixture, ANewConnectionTakesTheSlotOfTheLongestWaitingClient) {
  HttpServerOptions options;
  options.max_connections = 2;
  options.evict_waiting_after = std::chrono::milliseconds(200);
  start(options);
  RawClient oldest(port());
  ASSERT_TRUE(oldest.send("GET /slow HTTP/1.1\r\nHost: t\r\nX-Partial: "));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  RawClient younger(port());
  ASSERT_TRUE(younger.send("POST /drip HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nab"));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));

  RawClient health(port());
  ASSERT_TRUE(health.send(get("/health")));
  const auto response = health.read_response();
  EXPECT_EQ(status_of(response), 200) << response;
  EXPECT_EQ(body_of(response), "GET /health ");

  EXPECT_EQ(oldest.read_response(std::chrono::seconds(2)), "");  // closed with no reply
  EXPECT_TRUE(oldest.closed_by_peer(std::chrono::seconds(1)));
  ASSERT_TRUE(younger.send("cd"));  // still holds its slot and finishes its request
  EXPECT_EQ(body_of(younger.read_response()), "POST /drip abcd");
  EXPECT_EQ(calls_, 2);
}

// An idle keep-alive connection is waiting for a request too: it gives way to a new client.
TEST_F(ServerFixture, AnIdleKeepAliveConnectionGivesItsSlotToANewClient) {
  HttpServerOptions options;
  options.max_connections = 1;
  options.evict_waiting_after = std::chrono::milliseconds(0);
  start(options);
  RawClient idle(port());
  ASSERT_TRUE(idle.send(get("/first")));
  EXPECT_EQ(status_of(idle.read_response()), 200);
  // The client has its answer a moment before the server, done writing, waits for the next request.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawClient next(port());
  ASSERT_TRUE(next.send(get("/second")));
  EXPECT_EQ(status_of(next.read_response()), 200);
  EXPECT_TRUE(idle.closed_by_peer(std::chrono::seconds(2)));
}

// A connection whose request is being answered is not waiting: it keeps its slot, and a new client
// gets the 503.
TEST(BeastServer, AConnectionBeingAnsweredKeepsItsSlot) {
  std::atomic<bool> release{false};
  std::atomic<int> entered{0};
  HttpServerOptions options;
  options.max_connections = 1;
  options.threads = 2;
  options.evict_waiting_after = std::chrono::milliseconds(0);
  auto server = start_beast_http_server(options, [&](const HttpServerRequest&) {
    ++entered;
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return HttpServerResponse{};
  });
  ASSERT_TRUE(server) << server.error().message;
  RawClient busy((*server)->port());
  ASSERT_TRUE(busy.send(get("/busy")));
  for (int i = 0; i < 400 && entered == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(entered, 1);
  RawClient refused((*server)->port());
  ASSERT_TRUE(refused.send(get("/next")));
  EXPECT_EQ(status_of(refused.read_response()), 503);
  release = true;
  EXPECT_EQ(status_of(busy.read_response()), 200);
}

TEST(BeastServer, TheHandlerSeesTheClientsAddress) {
  auto server = start_beast_http_server({}, [](const HttpServerRequest& r) {
    HttpServerResponse response;
    response.body = r.remote_address;
    return response;
  });
  ASSERT_TRUE(server) << server.error().message;
  RawClient client((*server)->port());
  ASSERT_TRUE(client.send(get("/")));
  EXPECT_EQ(body_of(client.read_response()), "127.0.0.1");
}

TEST_F(ServerFixture, AHandlerThatThrowsIs500) {
  start();
  RawClient client(port());
  client.send(get("/throw"));
  EXPECT_EQ(status_of(client.read_response()), 500);
}

TEST_F(ServerFixture, MalformedRequestLineIs400) {
  start();
  RawClient client(port());
  client.send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(status_of(client.read_response()), 400);
}

TEST(BeastServer, RefusesAnAddressThatIsNotAnIp) {
  HttpServerOptions options;
  options.host = "example.org";
  auto server = start_beast_http_server(options, [](const HttpServerRequest&) { return HttpServerResponse{}; });
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::config);
}

// --- TLS ---------------------------------------------------------------------------------------

struct TlsFiles {
  TempDir dir;
  std::string cert = dir.path() + "/cert.pem";
  std::string key = dir.path() + "/key.pem";
  TlsFiles() {
    const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                                "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert +
                                " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
  }
};

// One HTTPS request with OpenSSL, verifying the server against `ca_file`; "" on any TLS failure.
std::string https_get(int port, const std::string& ca_file, const std::string& target) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL* ssl = SSL_new(ctx);
  SSL_set1_host(ssl, "127.0.0.1");
  std::string out;
  const int fd = connect_loopback(port);
  if (fd >= 0) {
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
      SSL_write(ssl, request.data(), static_cast<int>(request.size()));
      char buf[4096];
      int n;
      while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    }
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  if (fd >= 0) ::close(fd);
  return out;
}

TEST(BeastServerTls, ServesHttpsWithTheConfiguredCertificate) {
  TlsFiles files;
  HttpServerOptions options;
  options.tls_cert_file = files.cert;
  options.tls_key_file = files.key;
  auto server = start_beast_http_server(options, [](const HttpServerRequest& r) {
    HttpServerResponse response;
    response.body = "secure " + r.target;
    return response;
  });
  ASSERT_TRUE(server) << server.error().message;
  EXPECT_TRUE((*server)->tls());
  const auto response = https_get((*server)->port(), files.cert, "/v1/health");
  EXPECT_EQ(status_of(response), 200) << response;
  EXPECT_EQ(body_of(response), "secure /v1/health");

  RawClient plain((*server)->port());  // plain HTTP to a TLS port gets no HTTP answer
  plain.send(get("/v1/health"));
  EXPECT_EQ(status_of(plain.read_response(std::chrono::seconds(2))), 0);
}

TEST(BeastServerTls, AMissingKeyFileIsAConfigError) {
  TlsFiles files;
  HttpServerOptions options;
  options.tls_cert_file = files.cert;
  options.tls_key_file = files.dir.path() + "/absent.pem";
  auto server = start_beast_http_server(options, [](const HttpServerRequest&) { return HttpServerResponse{}; });
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::config);
  EXPECT_THAT(server.error().message, HasSubstr("absent.pem"));
}

}  // namespace
}  // namespace fabu::testing
