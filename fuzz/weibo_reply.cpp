// Replies to a post: whatever bytes the platform (or anything pretending to be it) sends back, the
// one-pass reader fabu uses on the hot path (read_post_reply) says what the whole-document reader says
// (read_reply + id_of, on nlohmann's parser): the same error code and text, whether the body is a JSON
// object, and the same post id. A difference would turn a refusal into a delivery or lose a post's id.
// nlohmann's parser takes a NUL byte for the end of its input, so a body with one is never JSON (a JSON
// text holds no raw NUL) and the one-pass reader must say so on its own: no object, no post id.
// Input: the reply's body, read once as a 200 and once as a 400.
#include <string>

#include "adapters/weibo/weibo_reply.h"
#include "fuzz/fuzz_target.h"

namespace fabu::fuzz {

void fuzz_one(std::string_view input) {
  for (const int status : {200, 400}) {
    HttpResponse response;
    response.status = status;
    response.body = std::string(input);
    const auto lean = weibo::read_post_reply(response);
    require(lean.head.http_status == status, "the HTTP status is kept");
    if (input.find('\0') != std::string_view::npos) {
      require(!lean.is_object && lean.post_id.empty(), "a body with a NUL byte is no JSON object and has no post id");
      continue;
    }
    const auto whole = weibo::read_reply(response);
    require(lean.head.error_code == whole.error_code, "the error code agrees with the whole-document reader");
    require(lean.head.error_text == whole.error_text, "the error text agrees with the whole-document reader");
    require(lean.is_object == whole.body.is_object(), "both readers agree on whether the body is a JSON object");
    require(lean.post_id == weibo::id_of(whole.body), "the post id agrees with the whole-document reader");
  }
}

}  // namespace fabu::fuzz
