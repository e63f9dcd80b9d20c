#include "adapters/weibo/weibo_reply.h"

#include <cstdlib>
#include <optional>

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

namespace {

// Reads the top level of a reply object: error_code, error, idstr and id. A member repeated later
// replaces the earlier one, as it does in a parsed document.
class PostReplyReader final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit PostReplyReader(PostReply& out) : out_(out) {}

  bool null() override { return scalar(Value{}); }
  bool boolean(bool) override { return scalar(Value{}); }
  bool number_integer(number_integer_t value) override { return scalar(Value{Value::integer, value, {}}); }
  bool number_unsigned(number_unsigned_t value) override {
    return scalar(Value{Value::integer, static_cast<std::int64_t>(value), {}});
  }
  bool number_float(number_float_t, const string_t&) override { return scalar(Value{}); }
  bool string(string_t& value) override { return scalar(Value{Value::text, 0, &value}); }
  bool binary(binary_t&) override { return scalar(Value{}); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) out_.is_object = true;
    if (depth_ == 1) scalar(Value{});  // a member that is no scalar counts as the wrong type
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 1) scalar(Value{});
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool key(string_t& name) override {
    if (depth_ == 1) member_ = name == "error_code" ? Member::error_code
                               : name == "error"    ? Member::error
                               : name == "idstr"    ? Member::idstr
                               : name == "id"       ? Member::id
                                                    : Member::other;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

  // id_of(): idstr when it is a string, else id as a number or a string.
  std::string post_id() const { return idstr_ ? *idstr_ : id_ ? *id_ : std::string(); }

 private:
  enum class Member { other, error_code, error, idstr, id };
  struct Value {
    enum Kind { other, integer, text } kind = other;
    std::int64_t integer_value = 0;
    const std::string* text_value = nullptr;
  };

  bool scalar(const Value& value) {
    if (depth_ != 1) return true;
    switch (member_) {
      case Member::error_code:
        out_.head.error_code = value.kind == Value::integer ? static_cast<int>(value.integer_value)
                               : value.kind == Value::text  ? std::atoi(value.text_value->c_str())
                                                            : 0;
        break;
      case Member::error:
        out_.head.error_text = value.kind == Value::text ? *value.text_value : std::string();
        break;
      case Member::idstr:
        idstr_ = value.kind == Value::text ? std::optional(*value.text_value) : std::nullopt;
        break;
      case Member::id:
        id_ = value.kind == Value::integer ? std::optional(std::to_string(value.integer_value))
              : value.kind == Value::text  ? std::optional(*value.text_value)
                                           : std::nullopt;
        break;
      case Member::other:
        break;
    }
    member_ = Member::other;
    return true;
  }

  PostReply& out_;
  int depth_ = 0;
  Member member_ = Member::other;
  std::optional<std::string> idstr_, id_;
};

}  // namespace

PostReply read_post_reply(const HttpResponse& response) {
  PostReply reply;
  reply.head.http_status = response.status;
  reply.head.retry_after = response.header("Retry-After");
  PostReplyReader reader(reply);
  if (!nlohmann::json::sax_parse(response.body, &reader)) {
    // Not JSON: nothing of it counts, as with read_reply()'s discarded document.
    reply.is_object = false;
    reply.head.error_code = 0;
    reply.head.error_text.clear();
    return reply;
  }
  if (reply.is_object) reply.post_id = reader.post_id();
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
