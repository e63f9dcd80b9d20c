#include "sandbox/platform_state.h"

#include "core/text.h"
#include "sandbox/content_rules.h"
#include "sandbox/param_reading.h"

namespace fabu::sandbox {
namespace {

constexpr std::size_t kMaxStatusLength = 140;
// Real status ids are 16-digit numbers; starting there keeps clients' int64 handling honest.
constexpr std::int64_t kFirstStatusId = 4'900'000'000'000'000;

}  // namespace

PlatformError platform_error(int code, std::string detail) {
  auto with = [&](int http_status, const char* text) {
    return PlatformError{http_status, code, detail.empty() ? std::string(text) : text + (": " + detail)};
  };
  switch (code) {
    case codes::system_error: return with(503, "system error");
    case codes::param_error: return with(400, "Param error, see doc for more info");
    case codes::api_retired: return with(403, "Insufficient app permissions");
    case codes::safe_domain: return with(400, "status must contain a url on the app's safe domain");
    case codes::api_not_found: return with(404, "Request Api not found");
    case codes::wrong_method: return with(405, "HTTP method is not supported for this request");
    case codes::user_rate_limit: return with(403, "User requests out of rate limit");
    case codes::user_not_found: return with(400, "User does not exists");
    case codes::text_too_long: return with(400, "Text too long, please input text less than 140 characters");
    case codes::repeat_content: return with(400, "Repeat content");
    case codes::illegal_content: return with(400, "Content is illegal");
    case codes::status_not_found: return with(400, "Target weibo does not exist");
    case codes::not_own_status: return with(400, "Not your own weibo");
    case codes::repeat_repost: return with(400, "Repeated weibo text");
    case codes::missing_token: return with(403, "auth faild: missing access_token");
    case codes::expired_token: return with(403, "expired_token");
    default: return with(400, "error");
  }
}

std::uint64_t uid_for_token(std::string_view access_token) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : access_token) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return 5'000'000'000ull + hash % 1'000'000'000ull;
}

PlatformState::PlatformState(std::string safe_domain)
    : safe_domain_(std::move(safe_domain)), first_id_(kFirstStatusId) {}

std::expected<PlatformState::User*, PlatformError> PlatformState::authenticate(const Params& params) {
  const auto* token = find_param(params, "access_token");
  if (token == nullptr || token->empty()) return std::unexpected(platform_error(codes::missing_token));
  if (expired_tokens_.contains(*token)) return std::unexpected(platform_error(codes::expired_token));
  auto found = users_.find(*token);
  if (found != users_.end()) return &found->second;

  std::uint64_t uid = uid_for_token(*token);
  while (token_by_uid_.contains(uid)) ++uid;  // a hash collision: the next free uid
  User user;
  user.uid = uid;
  user.token = *token;
  user.screen_name = "user" + std::to_string(uid);
  token_by_uid_.emplace(uid, *token);
  return &users_.emplace(*token, std::move(user)).first->second;
}

PlatformState::Post* PlatformState::find_post(std::int64_t id) {
  if (id < first_id_ || id - first_id_ >= static_cast<std::int64_t>(posts_.size())) return nullptr;
  return &posts_[static_cast<std::size_t>(id - first_id_)];
}

const PlatformState::Post* PlatformState::find_post(std::int64_t id) const {
  return const_cast<PlatformState*>(this)->find_post(id);
}

const PlatformState::User* PlatformState::user_by_uid(std::uint64_t uid) const {
  const auto token = token_by_uid_.find(uid);
  if (token == token_by_uid_.end()) return nullptr;
  const auto user = users_.find(token->second);
  return user == users_.end() ? nullptr : &user->second;
}

PlatformState::Post& PlatformState::add_post(User& user, std::string text, std::int64_t retweeted_id, bool has_pic,
                                             std::chrono::milliseconds hidden_for) {
  Post post;
  post.id = first_id_ + static_cast<std::int64_t>(posts_.size());
  post.uid = user.uid;
  post.text = std::move(text);
  post.retweeted_id = retweeted_id;
  post.created = now();
  post.shown = post.created + hidden_for;
  post.has_pic = has_pic;
  user.timeline.push_back(post.id);
  ++user.live_statuses;
  posts_.push_back(std::move(post));
  return posts_.back();
}

PlatformResult PlatformState::share(const Params& params, bool has_pic, std::chrono::milliseconds hidden_for) {
  std::lock_guard lock(mutex_);
  auto user = authenticate(params);
  if (!user) return std::unexpected(user.error());
  const auto* status = find_param(params, "status");
  if (status == nullptr || status->empty()) return std::unexpected(platform_error(codes::param_error, "status is missing"));
  if (!is_valid_utf8(*status)) return std::unexpected(platform_error(codes::param_error, "status is not UTF-8"));
  if (weibo_length(*status) > kMaxStatusLength) return std::unexpected(platform_error(codes::text_too_long));
  if (!has_safe_domain_url(*status, safe_domain_)) {
    return std::unexpected(platform_error(codes::safe_domain, "no link on " + safe_domain_));
  }
  if (has_topic(*status)) return std::unexpected(platform_error(codes::illegal_content, "#topic# is not allowed in share"));
  if ((*user)->live_texts.contains(*status)) return std::unexpected(platform_error(codes::repeat_content));

  auto& post = add_post(**user, *status, 0, has_pic, hidden_for);
  (*user)->live_texts.emplace(post.text, post.id);
  return status_json(post, now());
}

namespace {

// The `id` parameter of repost and destroy: a status id, required.
std::expected<std::int64_t, PlatformError> status_id_param(const Params& params) {
  const auto* id_text = find_param(params, "id");
  const auto id = id_text ? parse_int(*id_text) : std::nullopt;
  if (!id) return std::unexpected(platform_error(codes::param_error, "id is missing or not a number"));
  return *id;
}

}  // namespace

PlatformResult PlatformState::repost(const Params& params, std::chrono::milliseconds hidden_for) {
  std::lock_guard lock(mutex_);
  auto user = authenticate(params);
  if (!user) return std::unexpected(user.error());
  const auto id = status_id_param(params);
  if (!id) return std::unexpected(id.error());
  const auto* target = find_post(*id);
  if (target == nullptr || target->deleted) return std::unexpected(platform_error(codes::status_not_found));
  // Reposting a repost reposts its root, as Weibo shows it.
  const std::int64_t root_id = target->retweeted_id != 0 ? target->retweeted_id : target->id;
  const auto* status = find_param(params, "status");
  std::string text = (status == nullptr || status->empty()) ? std::string("转发微博") : *status;
  if (!is_valid_utf8(text)) return std::unexpected(platform_error(codes::param_error, "status is not UTF-8"));
  if (weibo_length(text) > kMaxStatusLength) return std::unexpected(platform_error(codes::text_too_long));
  if ((*user)->reposted.contains(root_id)) return std::unexpected(platform_error(codes::repeat_repost));

  auto& post = add_post(**user, std::move(text), root_id, false, hidden_for);
  (*user)->reposted.insert(root_id);
  if (auto* root = find_post(root_id)) ++root->reposts;
  return status_json(post, now());
}

PlatformResult PlatformState::destroy(const Params& params) {
  std::lock_guard lock(mutex_);
  auto user = authenticate(params);
  if (!user) return std::unexpected(user.error());
  const auto id = status_id_param(params);
  if (!id) return std::unexpected(id.error());
  auto* post = find_post(*id);
  if (post == nullptr || post->deleted) return std::unexpected(platform_error(codes::status_not_found));
  if (post->uid != (*user)->uid) return std::unexpected(platform_error(codes::not_own_status));

  post->deleted = true;
  --(*user)->live_statuses;
  if (post->retweeted_id == 0) {
    (*user)->live_texts.erase(post->text);
  } else {
    (*user)->reposted.erase(post->retweeted_id);
    if (auto* root = find_post(post->retweeted_id); root != nullptr && root->reposts > 0) --root->reposts;
  }
  return status_json(*post, now());
}

}  // namespace fabu::sandbox
