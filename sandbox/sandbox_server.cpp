#include "sandbox/sandbox_server.h"

#include <cpprest/http_listener.h>

#include "sandbox/form_parsing.h"

namespace fabu::sandbox {

using web::http::http_request;
using web::http::http_response;
using web::http::methods;

namespace {

constexpr std::string_view kWeiboPrefix = "/2/";
constexpr std::string_view kAdminPrefix = "/_sandbox/";

bool is_write_endpoint(std::string_view endpoint) {
  return endpoint == "statuses/share.json" || endpoint == "statuses/repost.json" ||
         endpoint == "statuses/destroy.json";
}

std::string outcome_of(const PlatformResult& result) {
  return result ? std::string("ok") : "error_" + std::to_string(result.error().error_code);
}

// Weibo clients may send the token as "Authorization: OAuth2 <token>" instead of a parameter.
void take_token_from_header(const http_request& request, Params& params) {
  const auto& headers = request.headers();
  const auto found = headers.find("Authorization");
  if (found == headers.end()) return;
  std::string_view value = found->second;
  for (std::string_view scheme : {"OAuth2 ", "Bearer "}) {
    if (value.starts_with(scheme)) {
      params.try_emplace("access_token", std::string(value.substr(scheme.size())));
      return;
    }
  }
}

}  // namespace

class SandboxHttpServer::Listener {
 public:
  Listener(const std::string& url, web::http::experimental::listener::http_listener_config config)
      : listener_(url, std::move(config)) {}
  web::http::experimental::listener::http_listener listener_;
};

void RequestStats::record(const std::string& endpoint, const std::string& outcome) {
  std::lock_guard lock(mutex_);
  ++counts_[endpoint][outcome];
  ++total_;
}

nlohmann::json RequestStats::to_json() const {
  std::lock_guard lock(mutex_);
  nlohmann::json endpoints = nlohmann::json::object();
  for (const auto& [endpoint, outcomes] : counts_) {
    for (const auto& [outcome, count] : outcomes) endpoints[endpoint][outcome] = count;
  }
  return {{"total", total_}, {"endpoints", std::move(endpoints)}};
}

void RequestStats::clear() {
  std::lock_guard lock(mutex_);
  counts_.clear();
  total_ = 0;
}

SandboxHttpServer::SandboxHttpServer(SandboxOptions options)
    : options_(std::move(options)), state_(options_.safe_domain), faults_(options_.faults, options_.seed) {
  for (const auto& token : options_.expired_tokens) state_.expire_token(token);
}

Result<std::unique_ptr<SandboxHttpServer>> SandboxHttpServer::start(SandboxOptions options) {
  std::unique_ptr<SandboxHttpServer> server(new SandboxHttpServer(std::move(options)));
  const std::string url = "http://" + server->options_.host + ":" + std::to_string(server->options_.port) + "/";
  try {
    web::http::experimental::listener::http_listener_config config;
    config.set_backlog(1024);  // benchmarks open hundreds of connections at once
    server->listener_ = std::make_unique<Listener>(url, std::move(config));
    auto* raw = server.get();
    server->listener_->listener_.support([raw](http_request request) { raw->handle(request); });
    server->listener_->listener_.open().wait();
  } catch (const std::exception& e) {
    server->listener_.reset();
    return fail(Error::config("cannot listen on " + url + ": " + e.what()));
  }
  return server;
}

SandboxHttpServer::~SandboxHttpServer() { stop(); }

void SandboxHttpServer::stop() {
  if (stopping_.exchange(true)) return;
  delayed_.flush();
  if (listener_) {
    try {
      listener_->listener_.close().wait();
    } catch (const std::exception&) {
      // Closing a listener whose connections already dropped can throw; the port is released anyway.
    }
  }
  delayed_.flush();
}

std::string SandboxHttpServer::base_url() const {
  return "http://" + options_.host + ":" + std::to_string(options_.port) + "/2/";
}

void SandboxHttpServer::handle(const http_request& request) {
  try {
    if (request.method() == methods::GET || request.method() == methods::DEL) {
      route(request, {});
      return;
    }
    request.extract_vector().then([this, request](pplx::task<std::vector<unsigned char>> body_task) {
      try {
        const auto bytes = body_task.get();  // the antecedent is done: get() does not block
        route(request, std::string(bytes.begin(), bytes.end()));
      } catch (const std::exception& e) {
        send_error(request, platform_error(codes::param_error, e.what()), request.request_uri().path(), {});
      }
    });
  } catch (const std::exception& e) {
    send_error(request, platform_error(codes::param_error, e.what()), request.request_uri().path(), {});
  }
}

void SandboxHttpServer::route(const http_request& request, const std::string& body) {
  const std::string path = request.request_uri().path();
  Params query;
  parse_urlencoded(request.request_uri().query(), query);

  if (path.starts_with(kAdminPrefix)) {
    handle_admin(request, path.substr(kAdminPrefix.size()), body, query);
    return;
  }
  if (!path.starts_with(kWeiboPrefix)) {
    stats_.record("other", "error_" + std::to_string(codes::api_not_found));
    send_error(request, platform_error(codes::api_not_found), path, {});
    return;
  }

  Params params;
  bool has_pic = false;
  if (request.method() == methods::POST) {
    const auto content_type = request.headers().content_type();
    if (content_type.starts_with("multipart/form-data")) {
      auto form = parse_multipart(body, multipart_boundary(content_type));
      params = std::move(form.fields);
      has_pic = form.files.contains("pic");
    } else {
      parse_urlencoded(body, params);
    }
  }
  for (auto& [name, value] : query) params.try_emplace(name, std::move(value));
  take_token_from_header(request, params);
  handle_weibo(request, path.substr(kWeiboPrefix.size()), params, has_pic);
}

void SandboxHttpServer::handle_weibo(const http_request& request, const std::string& endpoint, const Params& params,
                                     bool has_pic) {
  const std::string path = std::string(kWeiboPrefix) + endpoint;
  const auto token = params.find("access_token");
  const std::string_view token_text = token == params.end() ? std::string_view() : std::string_view(token->second);
  const bool is_post = request.method() == methods::POST;

  if (is_write_endpoint(endpoint)) {
    if (!is_post) {
      stats_.record(endpoint, "error_" + std::to_string(codes::wrong_method));
      send_error(request, platform_error(codes::wrong_method), path, {});
      return;
    }
    const auto fault = faults_.draw_write_fault();
    const auto delay = faults_.reply_delay(token_text, fault);
    if (fault == WriteFault::server_error || fault == WriteFault::rate_limit) {
      stats_.record(endpoint, "fault_" + std::string(to_string(fault)));
      send_error(request,
                 platform_error(fault == WriteFault::server_error ? codes::system_error : codes::user_rate_limit),
                 path, delay);
      return;
    }
    const std::chrono::milliseconds hidden_for(fault == WriteFault::timeout ? faults_.settings().timeout_hidden_ms : 0);
    PlatformResult result = endpoint == "statuses/share.json"    ? state_.share(params, has_pic, hidden_for)
                            : endpoint == "statuses/repost.json" ? state_.repost(params, hidden_for)
                                                                 : state_.destroy(params);
    // A timeout fault still creates the status: the client gives up before the reply arrives.
    stats_.record(endpoint, fault == WriteFault::timeout ? "fault_timeout_" + outcome_of(result) : outcome_of(result));
    if (result) {
      send(request, 200, result->dump(), delay);
    } else {
      send_error(request, result.error(), path, delay);
    }
    return;
  }

  PlatformResult result;
  if (endpoint == "statuses/user_timeline.json") {
    result = state_.user_timeline(params);
  } else if (endpoint == "users/show.json") {
    result = state_.show_user(params);
  } else if (endpoint == "users/counts.json") {
    result = state_.user_counts(params);
  } else if (endpoint == "statuses/count.json") {
    result = state_.status_counts(params);
  } else if (endpoint == "statuses/update.json") {
    result = std::unexpected(platform_error(codes::api_retired, "statuses/update is retired; use statuses/share"));
  } else {
    result = std::unexpected(platform_error(codes::api_not_found));
  }
  stats_.record(endpoint, outcome_of(result));
  const auto delay = faults_.reply_delay(token_text, WriteFault::none);
  if (result) {
    send(request, 200, result->dump(), delay);
  } else {
    send_error(request, result.error(), path, delay);
  }
}

void SandboxHttpServer::handle_admin(const http_request& request, const std::string& endpoint,
                                     const std::string& body, const Params& query) {
  const bool is_post = request.method() == methods::POST;
  auto bad_request = [&](const std::string& message) {
    send(request, 400, nlohmann::json{{"error", message}}.dump(), {});
  };
  if (endpoint == "posts" && !is_post) {
    const auto token = query.find("token");
    send(request, 200, state_.admin_posts(token == query.end() ? std::string_view() : token->second).dump(), {});
  } else if (endpoint == "stats" && !is_post) {
    auto stats = stats_.to_json();
    stats["posts"] = state_.post_count();
    stats["held_replies"] = delayed_.pending();
    send(request, 200, stats.dump(), {});
  } else if (endpoint == "faults") {
    if (is_post) {
      const auto changes = nlohmann::json::parse(body, nullptr, false);
      std::string error;
      if (changes.is_discarded()) return bad_request("faults: body is not JSON");
      if (!faults_.apply_json(changes, error)) return bad_request(error);
    }
    send(request, 200, faults_.settings_json().dump(), {});
  } else if (endpoint == "tokens" && is_post) {
    const auto changes = nlohmann::json::parse(body, nullptr, false);
    if (!changes.is_object()) return bad_request("tokens: expected {\"expire\": [..], \"restore\": [..]}");
    for (const char* field : {"expire", "restore"}) {
      if (!changes.contains(field)) continue;
      const auto& list = changes.at(field);
      if (!list.is_array()) return bad_request(std::string("tokens: ") + field + " must be an array of strings");
      for (const auto& token : list) {
        if (!token.is_string()) return bad_request(std::string("tokens: ") + field + " must be an array of strings");
      }
    }
    for (const auto& token : changes.value("expire", nlohmann::json::array())) state_.expire_token(token);
    for (const auto& token : changes.value("restore", nlohmann::json::array())) state_.restore_token(token);
    send(request, 200, R"({"ok":true})", {});
  } else if (endpoint == "clock" && is_post) {
    const auto change = nlohmann::json::parse(body, nullptr, false);
    const auto by = change.is_object() ? change.find("advance_seconds") : change.end();
    if (!change.is_object() || by == change.end() || !by->is_number_integer() || by->get<std::int64_t>() < 0) {
      return bad_request("clock: expected {\"advance_seconds\": N} with N >= 0");
    }
    const auto shift = state_.advance_clock(std::chrono::seconds(by->get<std::int64_t>()));
    send(request, 200, nlohmann::json{{"shift_seconds", shift.count()}}.dump(), {});
  } else if (endpoint == "reset" && is_post) {
    state_.reset();
    stats_.clear();
    for (const auto& token : options_.expired_tokens) state_.expire_token(token);
    send(request, 200, R"({"ok":true})", {});
  } else if (endpoint == "health") {
    send(request, 200, R"({"ok":true})", {});
  } else {
    send(request, 404, nlohmann::json{{"error", "unknown admin endpoint: " + endpoint}}.dump(), {});
  }
}

void SandboxHttpServer::send(const http_request& request, int status, std::string body,
                             std::chrono::milliseconds delay) {
  auto reply = [request, status, body = std::move(body)]() mutable {
    http_response response(static_cast<web::http::status_code>(status));
    response.set_body(std::move(body), "application/json; charset=utf-8");
    // The reply task fails when the client has gone (it timed out on a held reply). An unobserved
    // failed task terminates the process, so observe it.
    request.reply(response).then([](pplx::task<void> sent) {
      try {
        sent.get();
      } catch (...) {
      }
    });
  };
  if (delay.count() <= 0 || stopping_.load()) {
    try {
      reply();
    } catch (...) {
    }
    return;
  }
  delayed_.schedule(delay, std::move(reply));
}

void SandboxHttpServer::send_error(const http_request& request, const PlatformError& error, const std::string& path,
                                   std::chrono::milliseconds delay) {
  nlohmann::json body = {{"error", error.message}, {"error_code", error.error_code}, {"request", path}};
  send(request, error.http_status, body.dump(), delay);
}

}  // namespace fabu::sandbox
