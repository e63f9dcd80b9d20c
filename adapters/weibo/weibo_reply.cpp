#include "adapters/weibo/weibo_reply.h"

#include <cstdlib>

namespace fabu::weibo {

Reply read_reply(const HttpResponse& response) {
  Reply reply;
  reply.http_status = response.status;
  reply.retry_after = response.header("Retry-After");
  reply.body = nlohmann::json::parse(response.body, nullptr, false);
  if (reply.body.is_object()) {
    if (const auto code = reply.body.find("error_code"); code != reply.body.end()) {
      if (code->is_number_integer()) reply.error_code = code->get<int>();
      if (code->is_string()) reply.error_code = std::atoi(code->get<std::string>().c_str());
    }
    if (const auto text = reply.body.find("error"); text != reply.body.end() && text->is_string()) {
      reply.error_text = text->get<std::string>();
    }
  }
  return reply;
}

Error reply_error(const Reply& reply, const AccountCall& call) {
  return to_error({reply.http_status, reply.error_code, reply.error_text, call.account, reply.retry_after,
                   call.rate_limit_wait});
}

std::string id_of(const nlohmann::json& status) {
  if (!status.is_object()) return {};
  if (const auto idstr = status.find("idstr"); idstr != status.end() && idstr->is_string()) {
    return idstr->get<std::string>();
  }
  if (const auto id = status.find("id"); id != status.end()) {
    if (id->is_number_integer()) return std::to_string(id->get<std::int64_t>());
    if (id->is_string()) return id->get<std::string>();
  }
  return {};
}

}  // namespace fabu::weibo
