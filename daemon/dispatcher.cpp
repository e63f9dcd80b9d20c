#include "daemon/dispatcher.h"

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "daemon/outcome.h"

namespace fabu {
namespace {

// Bound on cached parsed releases; a batch rarely spans more than a few hundred.
constexpr std::size_t kReleaseCacheLimit = 4096;

// What each operation asks of the channel's adapter. A retraction reports no new receipt: it keeps
// the one it took back, noted as withdrawn.
using Route = void (*)(Adapter&, const DeliveryJob&, DeliveryCallback);
constexpr std::pair<Operation, Route> kRoutes[] = {
    {Operation::publish, [](Adapter& adapter, const DeliveryJob& job, DeliveryCallback done) {
       adapter.deliver(job, std::move(done));
     }},
    {Operation::retract, [](Adapter& adapter, const DeliveryJob& job, DeliveryCallback done) {
       adapter.retract(job, job.previous, [done = std::move(done), taken = job.previous](Result<void> result) {
         if (!result) return done(fail(std::move(result.error())));
         DeliveryReceipt receipt = taken;
         receipt.note = "withdrawn";
         done(std::move(receipt));
       });
     }},
    {Operation::correct, [](Adapter& adapter, const DeliveryJob& job, DeliveryCallback done) {
       adapter.correct(job, std::move(done));
     }},
};

Route route_of(Operation operation) {
  for (const auto& [op, route] : kRoutes) {
    if (op == operation) return route;
  }
  return kRoutes[0].second;
}

}  // namespace

Dispatcher::Dispatcher(DispatcherOptions options, std::unique_ptr<DispatchLedger> ledger,
                       std::unique_ptr<WakeLedger> wake_ledger, const Snapshot<ChannelSet>& channels,
                       RedisHealth& health, DeliveryLog& log)
    : options_(std::move(options)),
      ledger_(std::move(ledger)),
      wake_ledger_(std::move(wake_ledger)),
      channels_(channels),
      health_(health),
      log_(log) {
  // Found when its lease ran out, a send went out about a lease ago: together with the reclaim delay,
  // the look comes no sooner than the in-doubt wait after it.
  ledger_->set_reclaim_delay(std::max(options_.retry.in_doubt_wait - options_.lease, std::chrono::milliseconds(0)));
}

Dispatcher::~Dispatcher() {
  if (!draining_.load()) {
    begin_drain();
    wait_drained(std::chrono::steady_clock::now() + options_.request_timeout + std::chrono::seconds(1));
  }
  stopping_ = true;
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->woken = true;
  }
  inbox_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
  if (wake_thread_.joinable()) wake_thread_.join();
}

void Dispatcher::start() {
  const auto died = [this](const char* worker, const std::string& why) {
    spdlog::critical("{} stopped by an unexpected error: {}", worker, why);
    if (options_.workers != nullptr) options_.workers->report_fatal(worker, why);
  };
  thread_ = std::thread([this, died] {
    try {
      run();
    } catch (const std::exception& e) {
      died("dispatcher", e.what());
    } catch (...) {
      died("dispatcher", "an exception of unknown type");
    }
  });
  wake_thread_ = std::thread([this, died] {
    try {
      wake_loop();
    } catch (const std::exception& e) {
      died("wake-up listener", e.what());
    } catch (...) {
      died("wake-up listener", "an exception of unknown type");
    }
  });
}

void Dispatcher::begin_drain() {
  draining_ = true;
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->woken = true;
  }
  inbox_->cv.notify_all();
}

int Dispatcher::wait_drained(std::chrono::steady_clock::time_point deadline) {
  while (!exited_.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exited_.load() ? 0 : in_flight_.load();
}

void Dispatcher::wake_loop() {
  int failures = 0;
  while (!stopping_.load() && !draining_.load()) {
    auto woken = wake_ledger_->wait_notify(std::chrono::milliseconds(1000));
    if (!woken) {
      ++failures;
      std::this_thread::sleep_for(redis_retry_delay(failures));
      continue;
    }
    failures = 0;
    if (*woken) {
      std::lock_guard lock(inbox_->mu);
      inbox_->woken = true;
      inbox_->cv.notify_one();
    }
  }
}

void Dispatcher::run() {
  while (true) {
    std::vector<Finished> finished;
    {
      std::lock_guard lock(inbox_->mu);
      finished.swap(inbox_->finished);
      inbox_->woken = false;
    }
    if (!finished.empty()) record(std::move(finished));
    const bool recorded = flush_completions();

    if (draining_.load()) {
      if (in_flight_.load() == 0 && unrecorded_.empty()) break;
    } else if (recorded) {
      const int capacity = options_.max_in_flight - in_flight_.load();
      if (capacity > 0) {
        const int want = std::min(capacity, options_.claim_batch);
        auto claimed = ledger_->claim(options_.owner, want, unix_now_ms(), options_.lease);
        if (!claimed) {
          health_.report_failure("claim", claimed.error());
          ++redis_failures_;
        } else {
          health_.report_success();
          redis_failures_ = 0;
          const bool full_batch = static_cast<int>(claimed->size()) == want;
          if (!claimed->empty()) launch(std::move(*claimed));
          if (full_batch) continue;  // there may be more due right now
        }
      }
    }

    // Sleep until a result arrives, a wake-up comes from Redis, or the next delivery falls due.
    std::chrono::milliseconds sleep{1000};
    if (redis_failures_ > 0) {
      sleep = redis_retry_delay(redis_failures_);
    } else if (!draining_.load() && in_flight_.load() < options_.max_in_flight) {
      auto due = ledger_->next_due_ms();
      if (due && *due) sleep = std::clamp(std::chrono::milliseconds(**due - unix_now_ms()), std::chrono::milliseconds(5),
                                          std::chrono::milliseconds(1000));
    }
    std::unique_lock lock(inbox_->mu);
    inbox_->cv.wait_for(lock, sleep, [&] { return !inbox_->finished.empty() || inbox_->woken || stopping_.load(); });
    if (stopping_.load()) break;
  }
  return_unfinished();
  exited_ = true;
}

void Dispatcher::return_unfinished() {
  if (outstanding_.empty()) return;
  // Past the drain deadline these may or may not have reached the platform: hand them back in doubt
  // now, so another instance reconciles them at once instead of after their lease. If Redis does not
  // answer, the leases do the same later.
  const std::size_t count = outstanding_.size();
  for (const auto& [ticket, delivery] : outstanding_) {
    unrecorded_.push_back({delivery, returned_unfinished(delivery, options_.owner, unix_now_ms(), options_.retry.in_doubt_wait), 0});
  }
  outstanding_.clear();
  if (!flush_completions()) {
    spdlog::warn("could not hand back {} unfinished deliveries; they return when their lease expires", count);
  }
}

std::shared_ptr<const Release> Dispatcher::release_for(const std::string& release_id, int revision,
                                                       std::string& error) {
  std::string& cache_key = release_key_;
  cache_key.assign(release_id).append("#").append(std::to_string(revision));
  if (auto it = releases_.find(cache_key); it != releases_.end()) return it->second;
  if (options_.admitted != nullptr) {
    if (auto admitted = options_.admitted->find(release_id, revision)) {
      if (releases_.size() >= kReleaseCacheLimit) releases_.clear();
      releases_.emplace(cache_key, admitted);
      return admitted;
    }
  }
  auto json = ledger_->revision_json(release_id, revision);
  if (!json) {
    error = json.error().message;
    return nullptr;
  }
  if (!*json) {
    error = "release " + release_id + " (revision " + std::to_string(revision) + ") is not stored in Redis";
    return nullptr;
  }
  auto parsed = parse_release_json(**json);
  if (!parsed) {
    error = "stored release " + release_id + " no longer parses: " + join(parsed.error());
    return nullptr;
  }
  if (releases_.size() >= kReleaseCacheLimit) releases_.clear();
  auto release = std::make_shared<const Release>(std::move(*parsed));
  releases_.emplace(cache_key, release);
  return release;
}

void Dispatcher::launch(std::vector<ClaimedDelivery> claimed) {
  const auto channels = channels_.get();
  for (auto& delivery : claimed) {
    const auto started = std::chrono::steady_clock::now();
    std::string error;
    auto release = release_for(delivery.release_id, delivery.revision, error);
    Adapter* adapter = channels->find(delivery.channel);
    if (adapter == nullptr && error.empty()) {
      error = "channel '" + delivery.channel + "' is no longer configured";
    }
    if (error.empty() && options_.expired_tokens != nullptr && options_.expired_tokens->contains(delivery.lane)) {
      // Not sent: the platform would refuse it, and a late refusal costs a request per delivery.
      finish_unsent(std::move(delivery),
                    Error::auth("the account's token expired (token_expires has passed); nothing was sent"), started);
      continue;
    }
    if (!error.empty()) {
      // A stored release that cannot be read again is not going to heal by retrying.
      finish_unsent(std::move(delivery), Error::config(error), started);
      continue;
    }
    if (!admitted_by_breaker(delivery)) continue;
    in_flight_.fetch_add(1);
    DeliveryJob job;
    job.release = release;
    job.delivery_id = delivery.id;
    job.channel = delivery.channel;
    job.destination = delivery.destination;
    job.attempt = delivery.attempt;
    job.in_doubt = delivery.in_doubt;
    job.admission = delivery.admission;
    job.upstream = delivery.upstream;
    job.operation = delivery.operation;
    job.revision = delivery.revision;
    job.previous = delivery.previous;
    job.reason = delivery.operation == Operation::correct ? release->change_note : delivery.reason;
    // Stored at planning; worked out again only for records admitted before the link was stored.
    job.link = delivery.link.empty() ? channels->link_for(*release, delivery.admission) : delivery.link;
    job.timeout = options_.request_timeout;
    auto inbox = inbox_;
    const std::uint64_t ticket = ++next_ticket_;
    outstanding_.emplace(ticket, std::move(delivery));
    route_of(job.operation)(*adapter, job, [inbox, ticket, started](Result<DeliveryReceipt> result) {
      std::lock_guard lock(inbox->mu);
      inbox->finished.push_back({ticket, std::move(result), started, std::chrono::steady_clock::now()});
      inbox->cv.notify_one();
    });
  }
}

void Dispatcher::finish_unsent(ClaimedDelivery delivery, Error error, std::chrono::steady_clock::time_point started) {
  in_flight_.fetch_add(1);
  const std::uint64_t ticket = ++next_ticket_;
  outstanding_.emplace(ticket, std::move(delivery));
  std::lock_guard lock(inbox_->mu);
  inbox_->finished.push_back({ticket, fail(std::move(error)), started, started});
}

void Dispatcher::record(std::vector<Finished> finished) {
  const std::int64_t now = unix_now_ms();
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (auto& f : finished) {
    in_flight_.fetch_sub(1);
    auto node = outstanding_.extract(f.ticket);
    if (node.empty()) continue;  // cannot happen: every result's delivery waits there
    ClaimedDelivery& delivery = node.mapped();
    feed_breaker(delivery.channel, f.result, now);
    Completion c = decide_completion(delivery, f.result, options_.retry, now, unit(rng_));
    const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(f.ended - f.started).count();
    unrecorded_.push_back({std::move(delivery), std::move(c), latency});
  }
}

bool Dispatcher::flush_completions() {
  if (unrecorded_.empty()) return true;
  const std::int64_t now = unix_now_ms();
  std::vector<Completion> completions;
  completions.reserve(unrecorded_.size());
  for (const auto& u : unrecorded_) {
    completions.push_back(u.completion);
    if (options_.reach_note && u.completion.outcome == CompletionOutcome::delivered) {
      completions.back().reach = options_.reach_note(u.delivery, u.completion.receipt, now);
    }
  }
  auto applied = ledger_->apply_completions(completions, now);
  if (!applied) {
    // Keep the results: they are recorded (and logged) as soon as Redis answers again. If this process
    // dies first, the leases expire and the deliveries are reconciled against the platform instead.
    health_.report_failure("complete", applied.error());
    ++redis_failures_;
    return false;
  }
  health_.report_success();
  redis_failures_ = 0;
  log_verdicts(unrecorded_, *applied);
  unrecorded_.clear();
  return true;
}

void Dispatcher::log_verdicts(const std::vector<Unrecorded>& results, const std::vector<bool>& applied) {
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Unrecorded& u = results[i];
    if (i >= applied.size() || !applied[i]) {
      log_.stale(u.delivery, u.completion, u.latency_ms);
      continue;
    }
    log_.record(u.delivery, u.completion, u.latency_ms, u.breaker_hold);
    if (u.completion.outcome != CompletionOutcome::delivered) continue;
    delivered_.fetch_add(1);
  }
  log_.flush();  // the batch's events to the Redis log stream, in one round trip
}

bool Dispatcher::admitted_by_breaker(const ClaimedDelivery& delivery) {
  auto [it, added] = breakers_.try_emplace(delivery.channel, options_.breaker_failures, options_.breaker_cooloff);
  const std::int64_t now = unix_now_ms();
  const auto admission = it->second.admit(now);
  if (admission.allowed) return true;
  unrecorded_.push_back({delivery, breaker_hold(delivery, admission.retry_at_ms, now), 0, true});
  return false;
}

void Dispatcher::feed_breaker(const std::string& channel, const Result<DeliveryReceipt>& result, std::int64_t now) {
  auto [it, added] = breakers_.try_emplace(channel, options_.breaker_failures, options_.breaker_cooloff);
  CircuitBreaker& breaker = it->second;
  const auto cooloff_s = std::chrono::duration_cast<std::chrono::seconds>(options_.breaker_cooloff).count();
  CircuitBreaker::Change change = CircuitBreaker::Change::none;
  if (result) {
    change = breaker.record_success();
  } else if (result.error().kind == ErrorKind::transient) {
    change = breaker.record_failure(now);
  } else if (result.error().kind == ErrorKind::config || result.error().kind == ErrorKind::invalid) {
    breaker.record_other();  // fabu's own set-up, not the platform's health
  } else {
    change = breaker.record_success();  // a rejection, a rate limit or a token error: the platform answers
  }
  switch (change) {
    case CircuitBreaker::Change::opened:
      spdlog::warn("circuit breaker of channel {} opened after {} consecutive transient failures: nothing is "
                   "sent to its platform for {} s, then one probe", channel, breaker.consecutive_failures(), cooloff_s);
      break;
    case CircuitBreaker::Change::reopened:
      spdlog::warn("circuit breaker of channel {}: the probe failed too; nothing is sent for another {} s",
                   channel, cooloff_s);
      break;
    case CircuitBreaker::Change::closed:
      spdlog::info("circuit breaker of channel {} closed: its platform answers again", channel);
      break;
    case CircuitBreaker::Change::none:
      break;
  }
}

}  // namespace fabu
