// Encoding helpers, and the cpprestsdk transport against tiny scripted TCP servers on loopback.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "adapters/http_transport.h"

namespace fabu {
namespace {

TEST(HttpEncoding, UrlEncodeKeepsUnreservedOnly) {
  EXPECT_EQ(url_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(url_encode("a b&c=d/e?"), "a%20b%26c%3Dd%2Fe%3F");
  EXPECT_EQ(url_encode("临"), "%E4%B8%B4");
}

TEST(HttpEncoding, UrlEncodeEscapesEveryByteButLettersDigitsAndFourMarks) {
  for (int c = 0; c < 256; ++c) {
    const char byte = static_cast<char>(c);
    const bool kept = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    static constexpr char hex[] = "0123456789ABCDEF";
    const std::string expected = kept ? std::string(1, byte) : std::string{'%', hex[c >> 4], hex[c & 15]};
    EXPECT_EQ(url_encode(std::string_view(&byte, 1)), expected) << "byte " << c;
  }
}

TEST(HttpEncoding, AppendFormFieldJoinsWithAmpersandsOntoWhatIsThere) {
  std::string body;
  append_form_field(body, "access_token", "t+1");
  EXPECT_EQ(body, "access_token=t%2B1");
  append_form_field(body, "status", "临 a");
  append_form_field(body, "is_comment", "0");
  EXPECT_EQ(body, "access_token=t%2B1&status=%E4%B8%B4%20a&is_comment=0");
}

TEST(HttpEncoding, FormEncodeJoinsPairs) {
  EXPECT_EQ(form_encode({{"access_token", "t+1"}, {"status", "【通知】 https://x.cn/a?b=c"}}),
            "access_token=t%2B1&status=%E3%80%90%E9%80%9A%E7%9F%A5%E3%80%91%20https%3A%2F%2Fx.cn%2Fa%3Fb%3Dc");
  EXPECT_EQ(form_encode({}), "");
}

TEST(HttpEncoding, MultipartHoldsFieldsAndFile) {
  std::string content_type;
  const std::string data("\x89PNG\r\n\x1A\n\0bytes", 14);
  const std::string body = multipart_encode({{"status", "文本"}}, {"pic", "a\"b.png", "image/png", data}, content_type);
  ASSERT_TRUE(content_type.starts_with("multipart/form-data; boundary="));
  const std::string boundary = content_type.substr(content_type.find('=') + 1);
  EXPECT_TRUE(body.starts_with("--" + boundary + "\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\n文本\r\n"));
  EXPECT_NE(body.find("name=\"pic\"; filename=\"ab.png\"\r\nContent-Type: image/png\r\n\r\n" + data + "\r\n"),
            std::string::npos);
  EXPECT_TRUE(body.ends_with("\r\n--" + boundary + "--\r\n"));
}

TEST(HttpEncoding, HeaderLookupIgnoresCase) {
  HttpResponse response{200, {{"Content-Type", "application/json"}, {"Retry-After", "30"}}, ""};
  EXPECT_EQ(response.header("retry-after"), "30");
  EXPECT_EQ(response.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(response.header("X-Missing"), "");
}

// A loopback listener serving connections with a script: each accepted connection reads requests
// and answers them with `reply` (or never answers when it is empty). Counts accepted connections.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::string reply) : reply_(std::move(reply)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(listener_, 16);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
    for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);  // wakes the answering threads
    for (auto& worker : workers_) worker.join();
    for (int fd : connections_) ::close(fd);
  }
  int port() const { return port_; }
  int accepted() const { return accepted_; }
  std::string last_request() {
    std::lock_guard lock(mutex_);
    return last_request_;
  }

 private:
  void serve() {
    while (!stopping_) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      ++accepted_;
      connections_.push_back(fd);
      if (reply_.empty()) continue;  // hold the connection open, never answer
      workers_.emplace_back([this, fd] { answer(fd); });
    }
  }
  void answer(int fd) {
    std::string pending;
    char buffer[4096];
    for (;;) {
      const auto n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      pending.append(buffer, static_cast<std::size_t>(n));
      const auto end = pending.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      std::size_t length = 0;
      std::string head = pending.substr(0, end);
      for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (const auto at = head.find("content-length:"); at != std::string::npos) {
        length = std::stoul(head.substr(at + 15));  // stoul skips the optional space
      }
      if (pending.size() < end + 4 + length) continue;
      {
        std::lock_guard lock(mutex_);
        last_request_ = pending.substr(0, end + 4 + length);
      }
      pending.erase(0, end + 4 + length);
      if (::send(fd, reply_.data(), reply_.size(), MSG_NOSIGNAL) < 0) return;
    }
  }

  std::string reply_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> connections_;
  std::mutex mutex_;
  std::string last_request_;
  std::vector<std::thread> workers_;
  std::thread thread_;
};

Result<HttpResponse> send_and_wait(HttpTransport& transport, HttpRequest request) {
  std::mutex mutex;
  std::condition_variable ready;
  std::optional<Result<HttpResponse>> result;
  transport.send(std::move(request), [&](Result<HttpResponse> r) {
    std::lock_guard lock(mutex);
    result.emplace(std::move(r));
    ready.notify_all();
  });
  std::unique_lock lock(mutex);
  if (!ready.wait_for(lock, std::chrono::seconds(30), [&] { return result.has_value(); })) {
    ADD_FAILURE() << "no callback";
    return fail(Error::transient("test: no callback"));
  }
  return std::move(*result);
}

TEST(CpprestTransport, PostsBodyAndReturnsStatusHeadersBodyEachOnItsOwnConnection) {
  const std::string body = R"({"error":"expired_token","error_code":21327})";
  ScriptedServer server("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nRetry-After: 12\r\n"
                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  auto transport = make_cpprest_transport_factory()->make("http://127.0.0.1:" + std::to_string(server.port()) + "/2/");
  for (int i = 0; i < 10; ++i) {
    HttpRequest request;
    request.method = "POST";
    request.path = "statuses/share.json";
    request.content_type = "application/x-www-form-urlencoded";
    request.body = form_encode({{"access_token", "tok"}, {"status", "临沂 " + std::to_string(i)}});
    request.timeout = std::chrono::milliseconds(5000);
    const auto response = send_and_wait(*transport, request);
    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->status, 403);
    EXPECT_EQ(response->body, body);
    EXPECT_EQ(response->header("retry-after"), "12");
    const std::string seen = server.last_request();
    EXPECT_TRUE(seen.starts_with("POST /2/statuses/share.json HTTP/1.1\r\n")) << seen;
    EXPECT_NE(seen.find("application/x-www-form-urlencoded"), std::string::npos) << seen;
    EXPECT_TRUE(seen.ends_with(request.body)) << seen;
  }
  // cpprestsdk re-sends a request whose reply fails on a reused connection, which for a POST could
  // publish twice: writes never go on a pooled connection.
  EXPECT_EQ(server.accepted(), 10) << "a POST went on a reused connection";
}

TEST(CpprestTransport, ReadsReuseKeptAliveConnections) {
  ScriptedServer server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  auto transport = make_cpprest_transport_factory()->make("http://127.0.0.1:" + std::to_string(server.port()) + "/2/");
  for (int i = 0; i < 10; ++i) {
    HttpRequest request;
    request.path = "users/show.json?uid=" + std::to_string(i);
    const auto response = send_and_wait(*transport, request);
    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body, "{}");
  }
  // cpprestsdk returns a connection to its pool a moment after the reply is handed over, so a request
  // sent straight after may open another; most must still reuse one.
  EXPECT_LT(server.accepted(), 10) << "connections are not being reused";
}

TEST(CpprestTransport, GetKeepsTheQueryString) {
  ScriptedServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
  auto transport = make_cpprest_transport_factory()->make("http://127.0.0.1:" + std::to_string(server.port()) + "/2/");
  HttpRequest request;
  request.path = "statuses/user_timeline.json?access_token=a%2Bb&count=100";
  const auto response = send_and_wait(*transport, request);
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->body, "{}");
  EXPECT_TRUE(server.last_request().starts_with("GET /2/statuses/user_timeline.json?access_token=a%2Bb&count=100 "))
      << server.last_request();
}

TEST(CpprestTransport, RefusedConnectionIsTransientAndSaysSo) {
  int port = 0;
  {
    ScriptedServer closed_soon("x");  // learn a free port, then close it
    port = closed_soon.port();
  }
  auto transport = make_cpprest_transport_factory()->make("http://127.0.0.1:" + std::to_string(port) + "/2/");
  HttpRequest request;
  request.method = "POST";
  request.path = "statuses/share.json?access_token=secret";
  const auto response = send_and_wait(*transport, request);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().kind, ErrorKind::transient);
  EXPECT_NE(response.error().message.find("connection refused"), std::string::npos) << response.error().message;
  EXPECT_EQ(response.error().message.find("secret"), std::string::npos) << response.error().message;
}

TEST(CpprestTransport, SilentServerTimesOut) {
  ScriptedServer server("");
  auto transport = make_cpprest_transport_factory()->make("http://127.0.0.1:" + std::to_string(server.port()) + "/2/");
  HttpRequest request;
  request.method = "POST";
  request.path = "statuses/share.json";
  request.timeout = std::chrono::milliseconds(300);
  const auto response = send_and_wait(*transport, request);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().kind, ErrorKind::transient);
  EXPECT_NE(response.error().message.find("timed out after 300 ms"), std::string::npos) << response.error().message;
}

}  // namespace
}  // namespace fabu
