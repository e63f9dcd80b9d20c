#include "adapters/weibo/weibo_delivery.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "adapters/weibo/weibo_errors.h"

namespace fabu::weibo {

namespace {

using nlohmann::json;

constexpr std::uintmax_t kMaxImageBytes = 5 * 1024 * 1024;  // statuses/share: pic < 5 MB
constexpr int kAlreadyDeleted = 20101;                      // destroy of an unknown post

// A reply as far as the sender cares: status, Weibo's error code and text, the parsed body.
struct Reply {
  int http_status = 0;
  int error_code = 0;
  std::string error_text;
  std::string retry_after;
  json body;  // discarded (is_discarded()) when the body is not JSON
};

Reply read_reply(const HttpResponse& response) {
  Reply reply;
  reply.http_status = response.status;
  reply.retry_after = response.header("Retry-After");
  reply.body = json::parse(response.body, nullptr, false);
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

Error reply_error(const Reply& reply, const std::string& account,
                  std::chrono::seconds rate_limit_wait = kDefaultRateLimitWait) {
  return to_error({reply.http_status, reply.error_code, reply.error_text, account, reply.retry_after, rate_limit_wait});
}

// What a timeline search found: an error, or whether (and under which id) our post is there.
// A plain struct rather than Result<optional<string>>, which trips g++ 12's maybe-uninitialized.
struct Lookup {
  std::optional<Error> error;
  std::optional<std::string> post_id;
};
using LookupCallback = std::function<void(Lookup)>;

// Weibo ids exceed 2^53; prefer the string form.
std::string id_of(const json& status) {
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

class PostOperation : public std::enable_shared_from_this<PostOperation> {
 public:
  PostOperation(PostRequest request, DeliveryCallback done) : request_(std::move(request)), done_(std::move(done)) {}

  void start() {
    if (!request_.in_doubt) {
      post();
      return;
    }
    // An earlier attempt may have gone out (its lease expired): look before posting again.
    find_on_timeline([self = shared_from_this()](Lookup found) {
      if (found.error) return self->finish(fail(*found.error));
      if (found.post_id) return self->succeed(*found.post_id, "reconciled: found on the account's timeline");
      self->post();
    });
  }

 private:
  void post() {
    HttpRequest http;
    http.method = "POST";
    http.timeout = request_.timeout;
    // Weibo ignores it; gateways and platforms that honour the header deduplicate on it.
    if (!request_.idempotency_key.empty()) http.headers.emplace_back("Idempotency-Key", request_.idempotency_key);
    std::vector<std::pair<std::string, std::string>> fields{{"access_token", request_.token},
                                                            {"status", request_.text}};
    if (request_.repost) {
      http.path = "statuses/repost.json";
      fields.emplace_back("id", request_.repost_of);
      fields.emplace_back("is_comment", "0");
    } else {
      http.path = "statuses/share.json";
    }
    if (!request_.repost && request_.image) {
      http.body = multipart_encode(fields, *request_.image, http.content_type);
    } else {
      http.content_type = "application/x-www-form-urlencoded";
      http.body = form_encode(fields);
    }
    request_.transport->send(std::move(http), [self = shared_from_this()](Result<HttpResponse> response) {
      self->on_post_reply(std::move(response));
    });
  }

  void on_post_reply(Result<HttpResponse> response) {
    if (!response) {
      // A timeout or reset after the request left may still have created the post.
      return settle_uncertain(response.error());
    }
    const Reply reply = read_reply(*response);
    switch (classify(reply.http_status, reply.error_code)) {
      case Outcome::success: {
        if (!reply.body.is_object()) {
          return settle_uncertain(Error::transient("weibo reply for account " + request_.account +
                                                   " was not JSON (HTTP " + std::to_string(reply.http_status) + ")"));
        }
        const std::string id = id_of(reply.body);
        if (!id.empty()) return succeed(id, reply.error_code == 20032 ? "published; shown with a delay (20032)" : "");
        // 20032 (shown after 1-2 minutes) may come without an id: look it up once.
        return find_on_timeline([self = shared_from_this()](Lookup found) {
          if (found.post_id) return self->succeed(*found.post_id, "published with a delay; id found on the timeline");
          self->succeed("", "published with a delay; post id not yet on the timeline");
        });
      }
      case Outcome::duplicate:
        return find_on_timeline([self = shared_from_this()](Lookup found) {
          if (found.error) return self->finish(fail(*found.error));
          if (found.post_id) return self->succeed(*found.post_id, "reconciled: platform reported a duplicate");
          // Never post again: the platform says it has this text already.
          self->succeed("", "platform reported a duplicate; post not found on the timeline");
        });
      default:
        return finish(fail(reply_error(reply, request_.account, request_.rate_limit_wait)));
    }
  }

  // The request may or may not have created the post: reconcile, and report `cause` if not found.
  void settle_uncertain(Error cause) {
    find_on_timeline([self = shared_from_this(), cause = std::move(cause)](Lookup found) {
      if (found.post_id) {
        return self->succeed(*found.post_id, "reconciled: found on the account's timeline after: " + cause.message);
      }
      // Not visible (yet): the next attempt looks again before posting.
      Error unsure = cause;
      unsure.may_have_taken_effect = true;
      self->finish(fail(std::move(unsure)));
    });
  }

  // Looks for our post among the account's latest 100 statuses.
  void find_on_timeline(LookupCallback then) {
    HttpRequest http;
    http.method = "GET";
    http.path = "statuses/user_timeline.json?access_token=" + url_encode(request_.token) + "&count=100";
    http.timeout = request_.timeout;
    request_.transport->send(std::move(http), [self = shared_from_this(), then = std::move(then)](
                                                  Result<HttpResponse> response) {
      if (!response) return then({response.error(), std::nullopt});
      const Reply reply = read_reply(*response);
      if (classify(reply.http_status, reply.error_code) != Outcome::success) {
        return then({reply_error(reply, self->request_.account, self->request_.rate_limit_wait), std::nullopt});
      }
      const json* statuses = nullptr;
      if (reply.body.is_object()) {
        if (auto it = reply.body.find("statuses"); it != reply.body.end() && it->is_array()) statuses = &*it;
      }
      if (statuses == nullptr) {
        return then({Error::transient("weibo timeline of account " + self->request_.account + " is unreadable"),
                     std::nullopt});
      }
      for (const json& status : *statuses) {
        if (self->is_ours(status)) return then({std::nullopt, id_of(status)});
      }
      then({});
    });
  }

  bool is_ours(const json& status) const {
    if (!status.is_object()) return false;
    if (request_.repost) {
      const auto original = status.find("retweeted_status");
      return original != status.end() && id_of(*original) == request_.repost_of;
    }
    const auto text = status.find("text");
    if (text == status.end() || !text->is_string()) return false;
    const std::string& posted = text->get_ref<const std::string&>();
    // The release's link is unique per release, so it identifies our share even if the platform
    // altered other parts of the text.
    if (!request_.link.empty() && posted.find(request_.link) != std::string::npos) return true;
    if (posted == request_.text) return true;
    // The real platform rewrites links to short t.cn links: the text before the link still matches.
    if (!request_.link.empty()) {
      const auto at = request_.text.find(request_.link);
      if (at != std::string::npos && at >= 12) {
        const std::string_view before(request_.text.data(), at);
        return std::string_view(posted).starts_with(before);
      }
    }
    return false;
  }

  void succeed(std::string post_id, std::string note) {
    DeliveryReceipt receipt;
    receipt.post_id = std::move(post_id);
    receipt.note = std::move(note);
    finish(std::move(receipt));
  }

  void finish(Result<DeliveryReceipt> result) {
    DeliveryCallback done = std::move(done_);
    if (done) done(std::move(result));
  }

  PostRequest request_;
  DeliveryCallback done_;
};

}  // namespace

void send_post(PostRequest request, DeliveryCallback done) {
  std::make_shared<PostOperation>(std::move(request), std::move(done))->start();
}

void destroy_post(std::shared_ptr<HttpTransport> transport, std::string account, std::string token,
                  std::string post_id, std::chrono::milliseconds timeout, RetractCallback done) {
  HttpRequest http;
  http.method = "POST";
  http.path = "statuses/destroy.json";
  http.content_type = "application/x-www-form-urlencoded";
  http.body = form_encode({{"access_token", token}, {"id", post_id}});
  http.timeout = timeout;
  transport->send(std::move(http), [account = std::move(account), done = std::move(done)](Result<HttpResponse> response) {
    if (!response) return done(fail(response.error()));
    const Reply reply = read_reply(*response);
    if (reply.error_code == kAlreadyDeleted) return done({});  // already gone: the goal is met
    if (classify(reply.http_status, reply.error_code) == Outcome::success) return done({});
    done(fail(reply_error(reply, account)));
  });
}

Result<MultipartFile> load_image(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail(Error::permanent("image '" + path + "' cannot be read: " + ec.message()));
  if (size >= kMaxImageBytes) {
    return fail(Error::permanent("image '" + path + "' is " + std::to_string(size) +
                                 " bytes; Weibo accepts images under 5 MB"));
  }
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return fail(Error::permanent("image '" + path + "' cannot be read"));

  MultipartFile file;
  file.field = "pic";
  file.filename = std::filesystem::path(path).filename().string();
  file.data = std::move(data);
  const std::string_view head(file.data.data(), std::min<std::size_t>(file.data.size(), 8));
  if (head.starts_with("\xFF\xD8\xFF")) {
    file.content_type = "image/jpeg";
  } else if (head.starts_with("\x89PNG\r\n\x1A\n")) {
    file.content_type = "image/png";
  } else if (head.starts_with("GIF87a") || head.starts_with("GIF89a")) {
    file.content_type = "image/gif";
  } else {
    return fail(Error::permanent("image '" + path + "' is not a JPEG, PNG or GIF file"));
  }
  return file;
}

}  // namespace fabu::weibo
