// LoopbackHttpServer: a real HTTP/1.1 server on 127.0.0.1 for transport tests, plain or TLS, whose
// answer to each request is scripted. It counts the connections it accepted and the requests it read
// in full, which is what the "never sent twice" tests assert on.
//
// Thread rules: one accepting thread plus one thread per connection, all joined by the destructor;
// the counters and the record of requests may be read from any thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace fabu::testing {

// What the server does with the request it has just read.
enum class Script {
  answer,                 // 200 with a small JSON body, keep-alive
  answer_and_close,       // 200, then closes the connection as a server closing an idle one would
  close_without_answer,   // reads the request and closes: the client cannot know whether it took effect
  hang,                   // never answers (until the server is destroyed)
};

class LoopbackHttpServer {
 public:
  struct Options {
    std::function<Script(int request_number)> script = [](int) { return Script::answer; };  // numbers start at 1
    std::string certificate_file;  // PEM chain and key: TLS when set
    std::string key_file;
    std::chrono::milliseconds delay{0};  // before each answer
  };

  explicit LoopbackHttpServer(Options options) : options_(std::move(options)), acceptor_(io_) {
    namespace asio = boost::asio;
    if (!options_.certificate_file.empty()) {
      tls_.emplace(asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(options_.certificate_file);
      tls_->use_private_key_file(options_.key_file, asio::ssl::context::pem);
    }
    const asio::ip::tcp::endpoint any_port(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(any_port.protocol());
    acceptor_.bind(any_port);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accepting_ = std::thread([this] { accept_loop(); });
  }

  ~LoopbackHttpServer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    {  // wakes accept()
      boost::asio::io_context io;
      boost::asio::ip::tcp::socket poke(io);
      boost::system::error_code ignored;
      poke.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)}, ignored);
      accepting_.join();
    }
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes the reading threads
    }
    for (auto& thread : serving_) thread.join();
  }

  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }
  std::vector<std::string> request_lines() {  // "POST /2/statuses/share.json", in arrival order
    std::lock_guard lock(mutex_);
    return request_lines_;
  }
  std::string last_body() {
    std::lock_guard lock(mutex_);
    return last_body_;
  }
  std::vector<std::string> last_headers() {  // "Name: value", in the order they came
    std::lock_guard lock(mutex_);
    return last_headers_;
  }

 private:
  void accept_loop() {
    for (;;) {
      auto socket = std::make_unique<boost::asio::ip::tcp::socket>(io_);
      boost::system::error_code code;
      acceptor_.accept(*socket, code);
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (code) continue;
      ++connections_;
      open_fds_.push_back(socket->native_handle());
      serving_.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  }

  void serve(std::unique_ptr<boost::asio::ip::tcp::socket> socket) {
    if (!tls_) {
      converse(*socket, *socket);
    } else {
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket&> stream(*socket, *tls_);
      boost::system::error_code code;
      stream.handshake(boost::asio::ssl::stream_base::server, code);
      if (!code) converse(stream, *socket);
    }
    std::lock_guard lock(mutex_);  // before the descriptor is closed and its number reused
    std::erase(open_fds_, socket->native_handle());
  }

  template <class Stream>
  void converse(Stream& stream, boost::asio::ip::tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code code;
      http::read(stream, buffer, request, code);
      if (code) return;
      const int number = ++requests_;
      {
        std::lock_guard lock(mutex_);
        request_lines_.push_back(std::string(request.method_string()) + " " + std::string(request.target()));
        last_body_ = request.body();
        last_headers_.clear();
        for (const auto& field : request) {
          last_headers_.push_back(std::string(field.name_string()) + ": " + std::string(field.value()));
        }
      }
      const Script script = options_.script(number);
      if (options_.delay.count() > 0) std::this_thread::sleep_for(options_.delay);
      if (script == Script::hang) {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_; });
        return;
      }
      if (script == Script::close_without_answer) {
        socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, code);
        return;
      }
      http::response<http::string_body> response(http::status::ok, 11);
      response.set(http::field::content_type, "application/json");
      response.set("X-Request-Number", std::to_string(number));
      response.body() = R"({"idstr":")" + std::to_string(number) + R"("})";
      response.keep_alive(true);
      response.prepare_payload();
      http::write(stream, response, code);
      if (code) return;
      if (script == Script::answer_and_close) {
        socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, code);
        return;
      }
    }
  }

  Options options_;
  boost::asio::io_context io_;
  std::optional<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<int> open_fds_;
  std::vector<std::string> request_lines_;
  std::string last_body_;
  std::vector<std::string> last_headers_;
  std::vector<std::thread> serving_;
  std::thread accepting_;
};

}  // namespace fabu::testing
