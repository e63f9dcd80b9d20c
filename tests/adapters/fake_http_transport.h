// A fake HttpTransport for adapter unit tests: records every request and answers with scripted
// replies, in order, on the calling thread.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http_transport.h"

namespace fabu::testing {

inline HttpResponse json_reply(int status, std::string body,
                               std::vector<std::pair<std::string, std::string>> headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

class FakeTransport final : public HttpTransport {
 public:
  void send(HttpRequest request, HttpCallback done) override {
    requests.push_back(request);
    if (replies.empty()) {
      done(fail(Error::transient("fake: no scripted reply for " + request.path)));
      return;
    }
    Result<HttpResponse> reply = std::move(replies.front());
    replies.pop_front();
    done(std::move(reply));
  }
  std::vector<HttpRequest> requests;
  std::deque<Result<HttpResponse>> replies;
};

class FakeTransportFactory final : public HttpTransportFactory {
 public:
  std::shared_ptr<HttpTransport> make(const std::string& base_url) override {
    bases.push_back(base_url);
    return transport;
  }
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::vector<std::string> bases;
};

}  // namespace fabu::testing
