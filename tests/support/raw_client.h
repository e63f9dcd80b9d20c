// RawClient: a blocking loopback TCP client that sends exactly the bytes a test gives it, for
// requests no HTTP library would send (huge Content-Length, partial headers, 20,000 headers).
#pragma once

#include <chrono>
#include <string>

namespace fabu::testing {

// A TCP socket connected to 127.0.0.1:port, or -1. The caller closes it.
int connect_loopback(int port);

class RawClient {
 public:
  explicit RawClient(int port);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of `bytes`; false when the peer closed or reset the connection first.
  bool send(const std::string& bytes);
  // Reads until one whole response (header and Content-Length body) arrived, the peer closed, or
  // the timeout passed; returns what arrived.
  std::string read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the peer closed the connection within the timeout (reads EOF or a reset).
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  // Waits until the socket is readable; false when the deadline passed first.
  bool readable_before(std::chrono::steady_clock::time_point deadline) const;

  int fd_ = -1;
  std::string pending_;  // bytes read past the previous response
};

// The status code of a raw response ("HTTP/1.1 413 ..." -> 413), 0 when there is none.
int status_of(const std::string& response);
// The body of a raw response (after the blank line).
std::string body_of(const std::string& response);

}  // namespace fabu::testing
