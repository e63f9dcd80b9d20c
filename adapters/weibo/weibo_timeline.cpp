#include "adapters/weibo/weibo_timeline.h"

#include "adapters/weibo/weibo_format.h"

namespace fabu::weibo {

namespace {

using nlohmann::json;

const std::string* text_of(const json& status) {
  if (!status.is_object()) return nullptr;
  const auto text = status.find("text");
  return text != status.end() && text->is_string() ? &text->get_ref<const std::string&>() : nullptr;
}

// `text` up to where `link` starts, when that part is long enough to tell posts apart.
std::string_view before_link(std::string_view text, std::string_view link) {
  if (link.empty()) return {};
  const auto at = text.find(link);
  return at != std::string_view::npos && at >= 12 ? text.substr(0, at) : std::string_view();
}

// The real platform rewrites links to short t.cn links: the text before the link still matches.
bool same_before_link(std::string_view posted, std::string_view sent, std::string_view link) {
  const std::string_view before = before_link(sent, link);
  return !before.empty() && posted.starts_with(before);
}

bool same_text(std::string_view posted, std::string_view sent, std::string_view link) {
  return !sent.empty() && (posted == sent || same_before_link(posted, sent, link));
}

// Whether `c` (followed by `next`) would carry a link on: "…/1" is not in "…/1.html" or "…/12".
bool continues_link(char c, char next) {
  const auto alnum = [](char x) { return (x >= '0' && x <= '9') || (x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z'); };
  if (alnum(c)) return true;
  if (c == '.') return alnum(next);
  return std::string_view("/-_~%?&=#+").find(c) != std::string_view::npos;
}

bool contains_link(std::string_view posted, std::string_view link) {
  for (auto at = posted.find(link); at != std::string_view::npos; at = posted.find(link, at + 1)) {
    const std::size_t end = at + link.size();
    if (end == posted.size()) return true;
    if (!continues_link(posted[end], end + 1 < posted.size() ? posted[end + 1] : ' ')) return true;
  }
  return false;
}

// A status matched by its wording alone was created before the release was admitted: not ours.
bool older_than_release(const StatusMatch& match, const json& status) {
  if (match.admitted_ms <= 0) return false;
  const auto created = created_at_ms(status);
  return created && *created < match.admitted_ms - kCreatedAtSkewMs;
}

bool text_rules_accept(const StatusMatch& match, const json& status) {
  const std::string* posted = text_of(status);
  if (posted == nullptr) return false;
  if (std::string_view(*posted).starts_with(kCorrectionMark) != match.correction_note) return false;
  if (!match.not_text.empty() && same_text(*posted, match.not_text, match.link)) return false;
  // The release's link is unique per release, so it identifies our share even if the platform
  // altered other parts of the text; so does the exact text, which carries the link.
  if (match.link_identifies && !match.link.empty() && contains_link(*posted, match.link)) return true;
  if (match.text.empty()) return false;
  if (*posted == match.text) return true;
  return same_before_link(*posted, match.text, match.link) && !older_than_release(match, status);
}

}  // namespace

bool matches(const StatusMatch& match, const json& status) {
  if (!status.is_object()) return false;
  auto excluded = [&](const std::string& id) { return !match.not_id.empty() && id == match.not_id; };
  if (!match.repost) return !excluded(id_of(status)) && text_rules_accept(match, status);
  const auto original = status.find("retweeted_status");
  if (original == status.end()) return false;
  const std::string original_id = id_of(*original);
  if (!match.repost_of.empty()) return original_id == match.repost_of;
  return !excluded(original_id) && text_rules_accept(match, *original);
}

namespace {

// GETs the timeline and hands its statuses (an array) or an error to `then`.
void read_timeline(const AccountCall& call, std::string query,
                   std::function<void(std::optional<Error>, const json& statuses)> then) {
  HttpRequest http;
  http.method = "GET";
  http.path = "statuses/user_timeline.json?access_token=" + url_encode(call.token) + query;
  http.timeout = call.timeout;
  call.transport->send(std::move(http), [call, then = std::move(then)](Result<HttpResponse> response) {
    if (!response) return then(response.error(), json());
    const Reply reply = read_reply(*response);
    if (classify(reply.http_status, reply.error_code) != Outcome::success) return then(reply_error(reply, call), json());
    if (reply.body.is_object()) {
      if (auto it = reply.body.find("statuses"); it != reply.body.end() && it->is_array()) return then(std::nullopt, *it);
    }
    then(Error::transient("weibo timeline of account " + call.account + " is unreadable"), json());
  });
}

}  // namespace

void find_on_timeline(const AccountCall& call, StatusMatch match, LookupCallback then) {
  read_timeline(call, "&count=100", [match = std::move(match), then = std::move(then)](std::optional<Error> error,
                                                                                        const json& statuses) {
    if (error) return then({std::move(error), std::nullopt});
    for (const json& status : statuses) {
      if (matches(match, status)) return then({std::nullopt, id_of(status)});
    }
    then({});
  });
}

void check_presence(const AccountCall& call, const std::string& post_id, std::function<void(PresenceCheck)> then) {
  read_timeline(call, "&count=1&max_id=" + url_encode(post_id),
                [post_id, then = std::move(then)](std::optional<Error> error, const json& statuses) {
                  if (error) return then({std::move(error), Presence::unknown});
                  if (statuses.empty()) return then({std::nullopt, Presence::unknown});
                  then({std::nullopt, id_of(statuses.front()) == post_id ? Presence::present : Presence::gone});
                });
}

}  // namespace fabu::weibo
