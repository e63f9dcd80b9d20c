#include "adapters/weibo/weibo_delivery.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "adapters/weibo/weibo_errors.h"

namespace fabu::weibo {

namespace {

constexpr std::uintmax_t kMaxImageBytes = 5 * 1024 * 1024;  // statuses/share: pic < 5 MB

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
    http.timeout = request_.call.timeout;
    // Weibo ignores it; gateways and platforms that honour the header deduplicate on it.
    if (!request_.idempotency_key.empty()) http.headers.emplace_back("Idempotency-Key", request_.idempotency_key);
    const bool repost = !request_.repost_of.empty();
    http.path = repost ? "statuses/repost.json" : "statuses/share.json";
    if (!repost && request_.image) {
      const std::vector<std::pair<std::string, std::string>> fields{{"access_token", request_.call.token},
                                                                    {"status", request_.text}};
      http.body = multipart_encode(fields, *request_.image, http.content_type);
    } else {
      // Encoded straight into the body: this runs once per delivery.
      http.content_type = "application/x-www-form-urlencoded";
      http.body.reserve(64 + request_.call.token.size() + 3 * (request_.text.size() + request_.repost_of.size()));
      append_form_field(http.body, "access_token", request_.call.token);
      append_form_field(http.body, "status", request_.text);
      if (repost) {
        append_form_field(http.body, "id", request_.repost_of);
        append_form_field(http.body, "is_comment", "0");
      }
    }
    request_.call.transport->send(std::move(http), [self = shared_from_this()](Result<HttpResponse> response) {
      self->on_post_reply(std::move(response));
    });
  }

  void on_post_reply(Result<HttpResponse> response) {
    if (!response) {
      // A timeout or reset after the request left may still have created the post.
      return settle_uncertain(response.error());
    }
    PostReply post_reply = read_post_reply(*response);
    const Reply& reply = post_reply.head;
    switch (classify(reply.http_status, reply.error_code)) {
      case Outcome::success: {
        if (!post_reply.is_object) {
          return settle_uncertain(Error::transient("weibo reply for account " + request_.call.account +
                                                   " was not JSON (HTTP " + std::to_string(reply.http_status) + ")"));
        }
        if (!post_reply.post_id.empty()) {
          return succeed(std::move(post_reply.post_id),
                         reply.error_code == 20032 ? "published; shown with a delay (20032)" : "");
        }
        // 20032 (shown after 1-2 minutes) may come without an id: look it up once.
        return find_on_timeline([self = shared_from_this()](Lookup found) {
          if (found.post_id) return self->succeed(*found.post_id, "published with a delay; id found on the timeline");
          self->succeed("", "published with a delay; post id not yet on the timeline");
        });
      }
      case Outcome::duplicate:
        return find_on_timeline([self = shared_from_this()](Lookup found) {
          if (found.post_id) return self->succeed(*found.post_id, "reconciled: platform reported a duplicate");
          // Never post again: the platform says it has this text already.
          if (!found.error) return self->succeed("", "platform reported a duplicate; post not found on the timeline");
          if (found.error->kind == ErrorKind::permanent || found.error->kind == ErrorKind::config) {
            // The timeline cannot be read at all (no permission, say): looking again would not help.
            return self->succeed("", "platform reported a duplicate; the timeline could not be read to find the post: " +
                                         found.error->message);
          }
          // The timeline could not be read just now: the next attempt looks first, it never posts blindly.
          self->fail_in_doubt(std::move(*found.error));
        });
      default:
        return finish(fail(reply_error(reply, request_.call)));
    }
  }

  // The request may or may not have created the post: reconcile, and report `cause` if not found.
  void settle_uncertain(Error cause) {
    find_on_timeline([self = shared_from_this(), cause = std::move(cause)](Lookup found) {
      if (found.post_id) {
        return self->succeed(*found.post_id, "reconciled: found on the account's timeline after: " + cause.message);
      }
      // Not visible (yet): the next attempt looks again before posting.
      self->fail_in_doubt(cause);
    });
  }

  // Fails with `cause`, marked as possibly taken effect: the next attempt reconciles before posting.
  void fail_in_doubt(Error cause) {
    cause.may_have_taken_effect = true;
    finish(fail(std::move(cause)));
  }

  void find_on_timeline(LookupCallback then) {
    weibo::find_on_timeline(request_.call, request_.match, std::move(then));
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
