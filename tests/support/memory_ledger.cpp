#include "tests/support/memory_ledger.h"

#include <algorithm>
#include <limits>

#include "core/clock.h"
#include "core/delivery_id.h"

namespace fabu::testing {

struct MemoryLedger::Store {
  struct Delivery {
    DeliveryStatus status;
    std::int64_t due_ms = 0;
    std::int64_t lease_until_ms = 0;
  };
  struct StoredRelease {
    std::string digest;
    std::string json;
    Admission admission;
  };
  struct Hook {
    int times = 0;  // < 0: until cleared
    Error error;
  };

  mutable std::mutex mu;
  std::condition_variable wake_cv;  // wait_notify and read_intake sleep on it
  int wake_ups = 0;
  std::int64_t next_serial = 1;
  std::map<std::string, Delivery> deliveries;
  std::map<std::string, StoredRelease> releases;
  std::map<std::string, std::vector<std::string>> waiters;  // upstream id -> ids waiting on it
  std::map<std::string, std::string> parked;                // lane -> reason
  std::deque<IntakeEntry> unread;
  std::map<std::string, IntakeEntry> pending;               // read, not yet acknowledged
  std::vector<RejectRecord> rejects;
  std::vector<ReachNote> reach_notes;  // of completions applied as delivered, as the complete script enters them
  std::map<std::string, HeldRecord> held;
  std::map<std::string, Hook> hooks;
  std::map<std::string, int> calls;

  // Counts the call and says whether a hook makes it fail. REQUIRES: mu held.
  std::optional<Error> enter(const std::string& call) {
    ++calls[call];
    auto it = hooks.find(call);
    if (it == hooks.end() || it->second.times == 0) return std::nullopt;
    if (it->second.times > 0) --it->second.times;
    return it->second.error;
  }

  void ack(const std::string& entry_id) { pending.erase(entry_id); }

  void signal() {
    ++wake_ups;
    wake_cv.notify_all();
  }

  void set_state(Delivery& d, DeliveryState state, std::int64_t now_ms) {
    d.status.state = state;
    d.status.updated_at_ms = now_ms;
  }

  void release_waiters(const std::string& id, std::int64_t now_ms) {
    for (const auto& w : waiters[id]) {
      auto& d = deliveries.at(w);
      if (d.status.state != DeliveryState::waiting) continue;
      set_state(d, DeliveryState::queued, now_ms);
      d.due_ms = now_ms;
    }
    signal();
  }

  void kill(const std::string& id, const std::string& reason, const std::string& kind, std::int64_t now_ms) {
    auto& d = deliveries.at(id);
    set_state(d, DeliveryState::dead, now_ms);
    d.status.last_error = reason;
    d.status.error_kind = kind;
    d.status.owner.clear();
    for (const auto& w : waiters[id]) {
      if (deliveries.at(w).status.state == DeliveryState::waiting) {
        kill(w, "waited on " + id + ", which failed: " + reason, std::string(to_string(FailureKind::permanent)), now_ms);
      }
    }
  }

  // Leases that ran out go back to their lane in doubt, as the claim script does.
  void reap(std::int64_t now_ms) {
    for (auto& [id, d] : deliveries) {
      if (d.status.state != DeliveryState::sending || d.lease_until_ms >= now_ms) continue;
      set_state(d, DeliveryState::queued, now_ms);
      d.status.in_doubt = true;
      d.status.owner.clear();
      d.status.error_kind = std::string(to_string(FailureKind::transient));
      d.status.last_error = "lease of attempt " + std::to_string(d.status.attempt) + " expired";
      d.due_ms = now_ms;
    }
  }

  bool claimable(const Delivery& d, std::int64_t now_ms) const {
    const auto s = d.status.state;
    return (s == DeliveryState::queued || s == DeliveryState::retrying) && d.due_ms <= now_ms &&
           !parked.contains(d.status.lane);
  }

  bool apply(const Completion& c, std::int64_t now_ms) {
    auto it = deliveries.find(c.id);
    if (it == deliveries.end()) return false;
    Delivery& d = it->second;
    if (d.status.state != DeliveryState::sending || d.status.attempt != c.attempt) return false;  // fencing
    d.status.owner.clear();
    d.lease_until_ms = 0;
    const std::string kind(to_string(c.error_kind));
    switch (c.outcome) {
      case CompletionOutcome::delivered:
        set_state(d, DeliveryState::delivered, now_ms);
        d.status.post_id = c.receipt.post_id;
        d.status.url = c.receipt.url;
        d.status.note = c.receipt.note;
        d.status.last_error.clear();
        d.status.error_kind.clear();
        d.status.in_doubt = false;
        release_waiters(c.id, now_ms);
        return true;
      case CompletionOutcome::retry:
      case CompletionOutcome::rate_limited:
        set_state(d, DeliveryState::retrying, now_ms);
        d.status.last_error = c.error;
        d.status.error_kind = kind;
        d.status.next_at_ms = d.due_ms = std::max(c.next_at_ms, now_ms);
        if (c.maybe_sent) d.status.in_doubt = true;
        if (c.outcome == CompletionOutcome::rate_limited) --d.status.attempt;  // not the delivery's failure
        return true;
      case CompletionOutcome::needs_auth:
        set_state(d, DeliveryState::needs_auth, now_ms);
        d.status.last_error = c.error;
        d.status.error_kind = kind;
        if (c.maybe_sent) d.status.in_doubt = true;
        parked[d.status.lane] = c.error.empty() ? "the account needs a new token" : c.error;
        return true;
      case CompletionOutcome::dead:
        kill(c.id, c.error, kind, now_ms);
        return true;
    }
    return false;
  }
};

class MemoryLedger::IntakeRole final : public IntakeLedger {
 public:
  explicit IntakeRole(std::shared_ptr<Store> store) : s_(std::move(store)) {}

  Result<void> ensure_intake() override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("ensure_intake")) return fail(*e);
    return {};
  }

  Result<std::vector<IntakeEntry>> read_intake(const std::string&, int count, std::chrono::milliseconds block) override {
    std::unique_lock lock(s_->mu);
    if (auto e = s_->enter("read_intake")) return fail(*e);
    // A short nap at most: a test's worker should notice stop() soon.
    s_->wake_cv.wait_for(lock, std::min(block, std::chrono::milliseconds(20)), [&] { return !s_->unread.empty(); });
    std::vector<IntakeEntry> out;
    while (!s_->unread.empty() && static_cast<int>(out.size()) < count) {
      IntakeEntry entry = std::move(s_->unread.front());
      s_->unread.pop_front();
      s_->pending[entry.entry_id] = entry;
      out.push_back(std::move(entry));
    }
    return out;
  }

  // Pending entries are not reclaimed: tests hand a worker what it must take through add_intake().
  Result<std::vector<IntakeEntry>> reclaim_intake(const std::string&, int, std::chrono::milliseconds) override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("reclaim_intake")) return fail(*e);
    return std::vector<IntakeEntry>{};
  }

  Result<AdmitResult> admit(const AdmitRequest& request) override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("admit")) return fail(*e);
    const std::int64_t now = request.now_ms != 0 ? request.now_ms : unix_now_ms();
    if (auto it = s_->releases.find(request.release_id); it != s_->releases.end()) {
      s_->ack(request.intake_entry_id);
      if (it->second.digest == request.digest) return AdmitResult{AdmitOutcome::duplicate, it->second.admission};
      s_->rejects.push_back({request.intake_entry_id, request.release_id, now,
                             {{"id", "conflicts with the release already admitted under this id"}}, request.release_json});
      return AdmitResult{AdmitOutcome::conflict, it->second.admission};
    }
    const Admission admission{s_->next_serial++, now};
    s_->releases[request.release_id] = {request.digest, request.release_json, admission};
    for (const auto& spec : request.deliveries) {
      Store::Delivery d;
      d.status.id = DeliveryId{request.release_id, spec.channel, spec.destination}.str();
      d.status.release_id = request.release_id;
      d.status.channel = spec.channel;
      d.status.destination = spec.destination;
      d.status.lane = spec.lane;
      d.status.waits_on = spec.waits_on;
      d.status.state = spec.waits_on.empty() ? DeliveryState::queued : DeliveryState::waiting;
      d.status.updated_at_ms = now;
      d.due_ms = std::max(request.not_before_ms, now);
      if (!spec.waits_on.empty()) s_->waiters[spec.waits_on].push_back(d.status.id);
      s_->deliveries[d.status.id] = std::move(d);
    }
    if (auto it = s_->held.find(request.release_id); it != s_->held.end()) {
      it->second.released = true;
      it->second.released_at_ms = now;
    }
    s_->ack(request.intake_entry_id);
    s_->signal();
    return AdmitResult{AdmitOutcome::admitted, admission};
  }

  Result<void> reject(const RejectRecord& record) override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("reject")) return fail(*e);
    s_->rejects.push_back(record);
    s_->ack(record.intake_entry_id);
    return {};
  }

  Result<HoldOutcome> hold(const HeldRecord& record) override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("hold")) return fail(*e);
    s_->ack(record.intake_entry_id);
    if (s_->releases.contains(record.release_id)) return HoldOutcome::already_admitted;
    auto [it, added] = s_->held.try_emplace(record.release_id, record);
    if (!added) {
      const auto first = it->second.first_held_at_ms;
      const auto submissions = it->second.submissions;
      it->second = record;
      it->second.first_held_at_ms = first;
      it->second.submissions = submissions;
    } else {
      it->second.first_held_at_ms = record.held_at_ms;
    }
    ++it->second.submissions;
    return added ? HoldOutcome::held : HoldOutcome::updated;
  }

 private:
  std::shared_ptr<Store> s_;
};

class MemoryLedger::DispatchRole final : public DispatchLedger {
 public:
  explicit DispatchRole(std::shared_ptr<Store> store) : s_(std::move(store)) {}

  Result<std::vector<ClaimedDelivery>> claim(const std::string& owner, int max, std::int64_t now_ms,
                                             std::chrono::milliseconds lease) override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("claim")) return fail(*e);
    s_->reap(now_ms);
    std::vector<Store::Delivery*> due;
    for (auto& [id, d] : s_->deliveries) {
      if (s_->claimable(d, now_ms)) due.push_back(&d);
    }
    std::stable_sort(due.begin(), due.end(), [](auto* a, auto* b) { return a->due_ms < b->due_ms; });
    if (static_cast<int>(due.size()) > max) due.resize(static_cast<std::size_t>(std::max(max, 0)));
    std::vector<ClaimedDelivery> out;
    for (auto* d : due) {
      DeliveryStatus& st = d->status;
      st.state = DeliveryState::sending;
      ++st.attempt;
      st.owner = owner;
      st.updated_at_ms = now_ms;
      d->lease_until_ms = now_ms + lease.count();
      ClaimedDelivery c;
      c.id = st.id;
      c.release_id = st.release_id;
      c.channel = st.channel;
      c.destination = st.destination;
      c.lane = st.lane;
      c.attempt = st.attempt;
      c.in_doubt = st.in_doubt;
      c.admission = s_->releases[st.release_id].admission;
      if (auto up = s_->deliveries.find(st.waits_on); up != s_->deliveries.end()) {
        c.upstream = {up->second.status.post_id, up->second.status.url, up->second.status.note};
      }
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<std::vector<bool>> apply_completions(const std::vector<Completion>& completions, std::int64_t now_ms) override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("apply_completions")) return fail(*e);
    std::vector<bool> applied;
    for (const auto& c : completions) {
      applied.push_back(s_->apply(c, now_ms));
      if (applied.back() && c.outcome == CompletionOutcome::delivered && c.reach) s_->reach_notes.push_back(*c.reach);
    }
    return applied;
  }

  Result<std::optional<std::int64_t>> next_due_ms() override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("next_due_ms")) return fail(*e);
    std::optional<std::int64_t> due;
    for (const auto& [id, d] : s_->deliveries) {
      std::optional<std::int64_t> at;
      if (s_->claimable(d, std::numeric_limits<std::int64_t>::max())) at = d.due_ms;
      if (d.status.state == DeliveryState::sending) at = d.lease_until_ms + 1;
      if (at && (!due || *at < *due)) due = at;
    }
    return due;
  }

  Result<std::optional<std::string>> release_json(const std::string& release_id) override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("release_json")) return fail(*e);
    auto it = s_->releases.find(release_id);
    if (it == s_->releases.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second.json);
  }

 private:
  std::shared_ptr<Store> s_;
};

class MemoryLedger::WakeRole final : public WakeLedger {
 public:
  explicit WakeRole(std::shared_ptr<Store> store) : s_(std::move(store)) {}

  Result<void> notify() override {
    std::lock_guard lock(s_->mu);
    if (auto e = s_->enter("notify")) return fail(*e);
    s_->signal();
    return {};
  }

  // Sleeps a short while at most, so a waiting thread notices its owner stopping soon.
  Result<bool> wait_notify(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(s_->mu);
    if (auto e = s_->enter("wait_notify")) return fail(*e);
    const int seen = s_->wake_ups;
    return s_->wake_cv.wait_for(lock, std::min(timeout, std::chrono::milliseconds(20)),
                                [&] { return s_->wake_ups != seen; });
  }

 private:
  std::shared_ptr<Store> s_;
};

MemoryLedger::MemoryLedger() : store_(std::make_shared<Store>()) {}
MemoryLedger::~MemoryLedger() = default;

std::unique_ptr<IntakeLedger> MemoryLedger::intake() { return std::make_unique<IntakeRole>(store_); }
std::unique_ptr<DispatchLedger> MemoryLedger::dispatch() { return std::make_unique<DispatchRole>(store_); }
std::unique_ptr<WakeLedger> MemoryLedger::wake() { return std::make_unique<WakeRole>(store_); }

void MemoryLedger::fail_calls(const std::string& call, int times, Error error) {
  std::lock_guard lock(store_->mu);
  store_->hooks[call] = {times, std::move(error)};
}

void MemoryLedger::clear_failures() {
  std::lock_guard lock(store_->mu);
  store_->hooks.clear();
}

int MemoryLedger::calls(const std::string& call) const {
  std::lock_guard lock(store_->mu);
  auto it = store_->calls.find(call);
  return it == store_->calls.end() ? 0 : it->second;
}

void MemoryLedger::add_intake(IntakeEntry entry) {
  std::lock_guard lock(store_->mu);
  store_->unread.push_back(std::move(entry));
  store_->wake_cv.notify_all();
}

std::vector<std::string> MemoryLedger::pending_intake() const {
  std::lock_guard lock(store_->mu);
  std::vector<std::string> out;
  for (const auto& [id, entry] : store_->pending) out.push_back(id);
  return out;
}

std::optional<DeliveryStatus> MemoryLedger::delivery(const std::string& id) const {
  std::lock_guard lock(store_->mu);
  auto it = store_->deliveries.find(id);
  if (it == store_->deliveries.end()) return std::nullopt;
  return it->second.status;
}

std::vector<DeliveryStatus> MemoryLedger::deliveries() const {
  std::lock_guard lock(store_->mu);
  std::vector<DeliveryStatus> out;
  for (const auto& [id, d] : store_->deliveries) out.push_back(d.status);
  return out;
}

std::optional<std::string> MemoryLedger::stored_release(const std::string& release_id) const {
  std::lock_guard lock(store_->mu);
  auto it = store_->releases.find(release_id);
  if (it == store_->releases.end()) return std::nullopt;
  return it->second.json;
}

std::vector<RejectRecord> MemoryLedger::rejects() const {
  std::lock_guard lock(store_->mu);
  return store_->rejects;
}

std::vector<ReachNote> MemoryLedger::reach_notes() const {
  std::lock_guard lock(store_->mu);
  return store_->reach_notes;
}

std::vector<HeldRecord> MemoryLedger::held() const {
  std::lock_guard lock(store_->mu);
  std::vector<HeldRecord> out;
  for (const auto& [id, record] : store_->held) out.push_back(record);
  return out;
}

bool MemoryLedger::lane_parked(const std::string& lane) const {
  std::lock_guard lock(store_->mu);
  return store_->parked.contains(lane);
}

}  // namespace fabu::testing
