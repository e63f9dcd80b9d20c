#include "adapters/weibo/weibo_removal.h"

namespace fabu::weibo {

namespace {

constexpr int kAlreadyDeleted = 20101;  // destroy of a status that does not exist (any more)

void destroy(const AccountCall& call, const std::string& post_id, RemoveCallback done) {
  HttpRequest http;
  http.method = "POST";
  http.path = "statuses/destroy.json";
  http.content_type = "application/x-www-form-urlencoded";
  http.body = form_encode({{"access_token", call.token}, {"id", post_id}});
  http.timeout = call.timeout;
  call.transport->send(std::move(http), [call, post_id, done = std::move(done)](Result<HttpResponse> response) {
    if (!response) {
      // A timeout or reset after the request left may still have deleted the post.
      Error unsure = response.error();
      unsure.may_have_taken_effect = true;
      return done(fail(std::move(unsure)));
    }
    const Reply reply = read_reply(*response);
    if (reply.error_code == kAlreadyDeleted) return done("post " + post_id + " already deleted (20101)");
    const Outcome outcome = classify(reply.http_status, reply.error_code);
    if (outcome == Outcome::success) return done("deleted post " + post_id);
    Error error = reply_error(reply, call);
    error.may_have_taken_effect = outcome == Outcome::transient;
    done(fail(std::move(error)));
  });
}

}  // namespace

void remove_post(RemoveRequest request, RemoveCallback done) {
  const AccountCall& call = request.call;
  if (request.post_id.empty()) {
    return find_on_timeline(call, std::move(request.match), [call, done = std::move(done)](Lookup found) {
      if (found.error) return done(fail(std::move(*found.error)));
      if (!found.post_id) return done(std::string("no post id recorded and none found on the timeline: nothing to delete"));
      destroy(call, *found.post_id, std::move(done));
    });
  }
  if (!request.in_doubt) return destroy(call, request.post_id, std::move(done));
  // An earlier destroy may have gone out: look before sending another.
  check_presence(call, request.post_id, [call, post_id = request.post_id, done = std::move(done)](PresenceCheck check) {
    if (check.error) return done(fail(std::move(*check.error)));
    if (check.presence == Presence::gone) return done("post " + post_id + " already gone from the timeline");
    // Present, or older than the timeline reaches: destroy (20101 still counts as done).
    destroy(call, post_id, std::move(done));
  });
}

}  // namespace fabu::weibo
