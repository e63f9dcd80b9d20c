#include "adapters/weibo/weibo_reach.h"

#include <charconv>

namespace fabu::weibo {
namespace {

using nlohmann::json;

// A count as Weibo writes it: a number, or (some SDK proxies) a numeric string; nullopt otherwise.
std::optional<std::int64_t> count_of(const json& entry, const char* key) {
  const auto it = entry.find(key);
  if (it == entry.end()) return std::nullopt;
  if (it->is_number_integer()) {
    const auto value = it->get<std::int64_t>();
    return value >= 0 ? std::optional(value) : std::nullopt;
  }
  if (!it->is_string()) return std::nullopt;
  const auto& text = it->get_ref<const std::string&>();
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// The reply's array of entries, or the error to report.
Result<const json*> entries_of(const Reply& reply, const AccountCall& call, std::string_view what) {
  if (classify(reply.http_status, reply.error_code) != Outcome::success) return fail(reply_error(reply, call));
  if (!reply.body.is_array()) {
    return fail(Error::transient("weibo " + std::string(what) + " for account " + call.account + " is unreadable"));
  }
  return &reply.body;
}

std::string ids_param(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

// GETs `path_and_query` as the account and hands the reply (or the transport's error) to `then`.
void get_as(const AccountCall& call, std::string query, std::function<void(Result<Reply>)> then) {
  HttpRequest http;
  http.method = "GET";
  http.path = std::move(query) + "&access_token=" + url_encode(call.token);
  http.timeout = call.timeout;
  call.transport->send(std::move(http), [then = std::move(then)](Result<HttpResponse> response) {
    if (!response) return then(fail(std::move(response.error())));
    then(read_reply(*response));
  });
}

}  // namespace

Result<std::vector<AccountCounts>> parse_user_counts(const Reply& reply, const AccountCall& call,
                                                     const AccountsByUid& accounts) {
  auto entries = entries_of(reply, call, "users/counts");
  if (!entries) return fail(std::move(entries.error()));
  std::vector<AccountCounts> out;
  for (const json& entry : **entries) {
    if (!entry.is_object()) continue;
    const auto account = accounts.find(id_of(entry));
    const auto followers = count_of(entry, "followers_count");
    if (account == accounts.end() || !followers) continue;
    out.push_back({account->second, *followers, count_of(entry, "friends_count").value_or(0),
                   count_of(entry, "statuses_count").value_or(0)});
  }
  return out;
}

Result<std::vector<PostCounts>> parse_status_counts(const Reply& reply, const AccountCall& call) {
  auto entries = entries_of(reply, call, "statuses/count");
  if (!entries) return fail(std::move(entries.error()));
  std::vector<PostCounts> out;
  for (const json& entry : **entries) {
    const std::string id = id_of(entry);
    if (id.empty()) continue;
    const auto reposts = count_of(entry, "reposts");
    const auto comments = count_of(entry, "comments");
    const auto likes = count_of(entry, "attitudes");
    if (!reposts || !comments || !likes) continue;
    out.push_back({id, *reposts, *comments, *likes});
  }
  return out;
}

void fetch_user_counts(const AccountCall& call, AccountsByUid accounts, AccountCountsCallback done) {
  std::vector<std::string> uids;
  for (const auto& [uid, account] : accounts) uids.push_back(uid);
  get_as(call, "users/counts.json?uids=" + url_encode(ids_param(uids)),
         [call, accounts = std::move(accounts), done = std::move(done)](Result<Reply> reply) {
           if (!reply) return done(fail(std::move(reply.error())));
           done(parse_user_counts(*reply, call, accounts));
         });
}

void fetch_status_counts(const AccountCall& call, const std::vector<std::string>& ids, PostCountsCallback done) {
  get_as(call, "statuses/count.json?ids=" + url_encode(ids_param(ids)),
         [call, done = std::move(done)](Result<Reply> reply) {
           if (!reply) return done(fail(std::move(reply.error())));
           done(parse_status_counts(*reply, call));
         });
}

}  // namespace fabu::weibo
