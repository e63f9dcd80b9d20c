#include "daemon/intake_worker.h"

#include <chrono>
#include <exception>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/bounded_text.h"
#include "core/clock.h"
#include "core/deadline.h"
#include "daemon/planner.h"

namespace fabu {

namespace {

// Detail of an intake log line: every error is there, but one line stays readable.
constexpr std::size_t log_detail_bytes = 2048;

// Reads only the top-level "id" of a JSON document, up to the first thing it cannot read: a string
// with a bad byte or a number out of range later in the document does not hide an id before it.
class ReleaseIdReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::string id;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool string(string_t& text) override {
    if (depth_ == 1 && in_id_ && !found_) {
      id = text;
      found_ = true;
    }
    return value();
  }
  bool start_object(std::size_t) override { return open(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    in_id_ = depth_ == 1 && name == "id";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool value() {
    in_id_ = false;
    return true;
  }
  bool open() {
    in_id_ = false;
    ++depth_;
    return depth_ <= 64;  // deeper than any release: stop reading
  }
  bool close() {
    --depth_;
    return true;
  }
  int depth_ = 0;
  bool in_id_ = false;
  bool found_ = false;
};

// The id of a payload that failed validation, so ops can find it by the name they know. Best effort:
// only a JSON document within the size limit is looked at, and nothing it holds can make this throw.
std::string guess_release_id(const std::string& payload, const std::string& format) {
  if (format != "json" || payload.size() > ReleaseLimits::document_bytes) return {};
  if (payload.find('\0') != std::string::npos) return {};
  try {
    ReleaseIdReader reader;
    nlohmann::json::sax_parse(payload, &reader);
    return bounded(reader.id, ReleaseLimits::id_bytes);
  } catch (const std::exception&) {
    return {};
  }
}

// Only masked forms: a screen match never carries the number it found.
std::string describe_screen(const ScreenResult& screen, const ScreenDecision& verdict) {
  std::string out;
  for (const auto& m : screen.matches) {
    out += (out.empty() ? "" : "; ") + describe_match(m);
  }
  if (verdict.override_by) out += (out.empty() ? "" : "; ") + verdict.reason;
  return out;
}

IntakeDecision refused(RejectReason reason, FieldError error, std::string release_id = {}) {
  IntakeDecision decision;
  decision.reject_reason = reason;
  decision.errors.push_back(std::move(error));
  decision.release_id = std::move(release_id);
  return decision;
}

IntakeDecision examine_unguarded(const std::string& payload, const std::string& format, const ChannelSet& channels,
                                 const ApprovalPolicy& approval) {
  if (format != "json" && format != "toml") {
    return refused(RejectReason::format, {"format", "unknown payload format '" + bounded(format, quoted_value_bytes) + "' (json or toml)"});
  }
  auto submitted = read_release(payload, format == "toml" ? DocumentFormat::toml : DocumentFormat::json);
  IntakeDecision decision;
  if (!submitted) {
    decision.errors = std::move(submitted.error());
    decision.release_id = guess_release_id(payload, format);
    return decision;
  }
  const Release& release = submitted->release;
  decision.release_id = release.id;
  // 先审后发: nothing is planned for a release whose approval does not verify.
  auto verified = verify_approval(*submitted, approval, unix_now_ms() / 1000);
  if (!verified) {
    decision.errors = std::move(verified.error());
    decision.reject_reason = RejectReason::approval;
    return decision;
  }
  auto series = plan_series(release, channels);  // one release, or a conference's steps (notice first)
  auto plan = series ? std::expected<AdmitRequest, FieldErrors>(std::move(series->front()))
                     : std::unexpected(std::move(series.error()));
  if (!plan) {
    decision.errors = std::move(plan.error());
    decision.reject_reason = RejectReason::unplannable;
    return decision;
  }
  const ScreenResult screen = screen_release(release, channels.screen());
  // An override is a verified signature naming this screen result's digest (core/screen.h).
  std::vector<VerifiedOverride> overrides;
  for (const auto& s : verified->signatures) {
    if (s.override_screen) overrides.push_back({s.key_id, s.role, *s.override_screen});
  }
  const ScreenDecision verdict = decide_screen(screen, overrides, channels.screen());
  if (verdict.verdict == ScreenVerdict::held) {
    decision.held = HeldRecord{.release_id = release.id, .payload = payload, .format = format,
                               .content_digest = screen.content_digest, .screen_digest = screen.digest(),
                               .matches = screen.matches, .reason = verdict.reason};
    return decision;
  }
  if (verdict.override_by || !screen.matches.empty()) decision.screen_note = describe_screen(screen, verdict);
  decision.steps.assign(std::make_move_iterator(series->begin() + 1), std::make_move_iterator(series->end()));
  decision.request = std::move(*plan);
  decision.formed_at = release.formed_at;
  if (release.conference) decision.conference_starts_ms = release.conference->starts_at.unix_seconds * 1000;
  decision.approval = std::move(*verified);
  decision.canonical_document = std::move(submitted->canonical_document);
  if (!release.conference) decision.release = std::make_shared<const Release>(std::move(submitted->release));
  return decision;
}

}  // namespace

IntakeDecision examine_payload(const std::string& payload, const std::string& format, const ChannelSet& channels,
                               const ApprovalPolicy& approval) {
  // The boundary: whatever a parser, the planner or an allocation throws refuses this payload only.
  try {
    return examine_unguarded(payload, format, channels, approval);
  } catch (const std::exception& e) {
    return refused(RejectReason::unexaminable, {"", "could not be examined: " + bounded(e.what(), 256)}, guess_release_id(payload, format));
  } catch (...) {
    return refused(RejectReason::unexaminable, {"", "could not be examined: an exception of unknown type"});
  }
}

IntakeDecision examine_entry(const IntakeEntry& entry, int max_claims, const ChannelSet& channels,
                             const ApprovalPolicy& approval) {
  if (entry.deliveries > max_claims) {
    // Not parsed again: parsing it is what may have crashed every instance that took it.
    return refused(RejectReason::poison, {"", "poison: handed out " + std::to_string(entry.deliveries) +
                            " times without being admitted or rejected (daemon.intake_max_claims = " +
                            std::to_string(max_claims) + "); it is not read again"});
  }
  if (!entry.has_release) {
    return refused(RejectReason::no_release,
                   {"release", entry.malformed.empty() ? "entry has no `release` field" : entry.malformed});
  }
  return examine_payload(entry.payload, entry.format.empty() ? "json" : entry.format, channels, approval);
}

IntakeWorker::IntakeWorker(std::string consumer, std::chrono::milliseconds reclaim_idle, int max_claims,
                           std::unique_ptr<IntakeLedger> ledger, const Snapshot<ChannelSet>& channels,
                           const Snapshot<ApprovalPolicy>& approval, RedisHealth& health, WorkerHealth& workers, DeliveryLog& log,
                           const Snapshot<WorkingCalendar>* calendar, AdmittedReleases* admitted)
    : consumer_(std::move(consumer)),
      reclaim_idle_(reclaim_idle),
      max_claims_(max_claims),
      ledger_(std::move(ledger)),
      channels_(channels),
      approval_(approval),
      health_(health),
      workers_(workers),
      log_(log),
      calendar_(calendar),
      admitted_(admitted) {}

IntakeWorker::~IntakeWorker() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void IntakeWorker::start() {
  thread_ = std::thread([this] {
    std::string why;
    try {
      run();
      return;
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
      why = "an exception of unknown type";
    }
    spdlog::critical("intake stopped by an unexpected error: {}", bounded(why, 1024));
    workers_.report_fatal("intake", why);
  });
}

void IntakeWorker::stop() { stopping_ = true; }

void IntakeWorker::run() {
  int failures = 0;
  auto backoff = [&](const char* what, const Error& e) {
    health_.report_failure(what, e);
    ++failures;
    std::this_thread::sleep_for(redis_retry_delay(failures));
  };
  while (!stopping_.load()) {
    if (auto ok = ledger_->ensure_intake(); !ok) {
      backoff("intake setup", ok.error());
      continue;
    }
    break;
  }
  auto last_reclaim = std::chrono::steady_clock::time_point{};
  bool more_to_reclaim = false;
  while (!stopping_.load()) {
    std::vector<IntakeEntry> entries;
    const auto now = std::chrono::steady_clock::now();
    if (more_to_reclaim || now - last_reclaim >= reclaim_idle_ / 2) {
      last_reclaim = now;
      // One entry at a time: XAUTOCLAIM counts a delivery for every entry it hands out, so a batch
      // would count a crash against the entries queued behind the one that caused it.
      auto reclaimed = ledger_->reclaim_intake(consumer_, 1, reclaim_idle_);
      if (!reclaimed) {
        backoff("intake reclaim", reclaimed.error());
        continue;
      }
      more_to_reclaim = !reclaimed->empty();
      for (const auto& entry : *reclaimed) {
        spdlog::warn("took over intake entry {} left unfinished (handed out {} times)", entry.entry_id,
                     entry.deliveries);
      }
      entries = std::move(*reclaimed);
    }
    if (entries.empty()) {
      auto read = ledger_->read_intake(consumer_, 64, std::chrono::milliseconds(1000));
      if (!read) {
        backoff("intake read", read.error());
        continue;
      }
      entries = std::move(*read);
    }
    health_.report_success();
    failures = 0;
    for (const auto& entry : entries) {
      if (stopping_.load()) break;  // unhandled entries stay pending and are reclaimed later
      handle(entry);
    }
    log_.flush();  // the batch's intake events to the Redis log stream, in one round trip
  }
}

void IntakeWorker::handle(const IntakeEntry& entry) {
  IntakeDecision decision = examine_entry(entry, max_claims_, *channels_.get(), *approval_.get());
  try {
    record(entry, decision);
  } catch (const std::exception& e) {
    // Left pending: it is reclaimed, and counted, like an entry whose instance died.
    spdlog::error("intake entry {} could not be recorded: {}", entry.entry_id, bounded(e.what(), 1024));
  }
}

void IntakeWorker::record_held(const IntakeEntry& entry, HeldRecord& held) {
  held.intake_entry_id = entry.entry_id;
  held.held_at_ms = unix_now_ms();
  int failures = 0;
  while (!stopping_.load()) {
    auto outcome = ledger_->hold(held);
    if (!outcome && outcome.error().kind != ErrorKind::transient) {
      // Left pending, like a reject Redis refused: the entry ends as poison after its claims.
      spdlog::error("intake entry {} could not be held: {}", entry.entry_id, bounded(outcome.error().message, 1024));
      return;
    }
    if (!outcome) {
      health_.report_failure("hold", outcome.error());
      std::this_thread::sleep_for(redis_retry_delay(++failures));
      continue;
    }
    if (*outcome == HoldOutcome::already_admitted) {
      log_.intake("duplicate", held.release_id, "already admitted; the screen's hold does not apply to it");
      return;
    }
    std::string detail = *outcome == HoldOutcome::held ? "held by the privacy screen: " : "held again (resubmitted): ";
    for (const auto& m : held.matches) detail += describe_match(m) + "; ";
    log_.intake("held", held.release_id, bounded(detail + held.reason, log_detail_bytes));
    return;
  }
}

bool IntakeWorker::admit_steps(const IntakeDecision& decision) {
  // Before the notice, whose admission acknowledges the entry: a crash in between decides the entry
  // again, and each step admitted already answers duplicate.
  if (decision.conference_starts_ms != 0) {
    // Entered before the admission: a conference is listed from the moment it may have been admitted.
    int failures = 0;
    while (true) {
      if (stopping_.load()) return false;
      auto indexed = ledger_->index_conference(decision.release_id, decision.conference_starts_ms);
      if (indexed || indexed.error().kind != ErrorKind::transient) break;
      health_.report_failure("conference index", indexed.error());
      std::this_thread::sleep_for(redis_retry_delay(++failures));
    }
  }
  for (const auto& step : decision.steps) {
    int failures = 0;
    while (true) {
      if (stopping_.load()) return false;
      auto admitted = ledger_->admit(step);
      if (admitted) {
        if (admitted->outcome != AdmitOutcome::duplicate) {
          log_.intake(admitted->outcome == AdmitOutcome::corrected ? "corrected" : "admitted", step.release_id,
                      "conference step of " + decision.release_id + ", " + std::to_string(step.deliveries.size()) +
                          " deliveries");
        }
        break;
      }
      if (admitted.error().kind != ErrorKind::transient) {
        spdlog::error("conference step {} could not be admitted: {}", step.release_id,
                      bounded(admitted.error().message, 1024));
        break;
      }
      health_.report_failure("admit", admitted.error());
      std::this_thread::sleep_for(redis_retry_delay(++failures));
    }
  }
  return true;
}

void IntakeWorker::record(const IntakeEntry& entry, IntakeDecision& decision) {
  const std::string release_id = bounded(decision.release_id, quoted_value_bytes);
  if (decision.held) return record_held(entry, *decision.held);
  int failures = 0;
  while (!stopping_.load()) {
    if (!decision.request) {
      RejectRecord record{entry.entry_id, decision.release_id, unix_now_ms(), decision.errors, entry.payload};
      auto done = ledger_->reject(record);
      if (!done && done.error().kind != ErrorKind::transient) {
        // Redis refused this record itself: left pending, the entry ends as poison after its claims.
        spdlog::error("intake entry {} could not be rejected: {}", entry.entry_id, bounded(done.error().message, 1024));
        return;
      }
      if (!done) {
        health_.report_failure("reject", done.error());
        std::this_thread::sleep_for(redis_retry_delay(++failures));
        continue;
      }
      log_.rejected(decision.reject_reason, release_id, bounded(join(decision.errors), log_detail_bytes));
      return;
    }
    decision.request->intake_entry_id = entry.entry_id;
    // A year missing from the calendar leaves the deadline unknown (0), as fabud warned at start.
    if (calendar_) {
      if (auto deadline = disclosure_deadline(*calendar_->get(), decision.formed_at)) {
        decision.request->deadline_ms = china_day_end_ms(*deadline);
      }
    }
    // The steps carry no deadline of their own: Art. 26 is met by the notice (the document itself).
    if (!admit_steps(decision)) return;  // stopping: the entry stays pending and is decided again
    auto admitted = ledger_->admit(*decision.request);
    if (!admitted && admitted.error().kind != ErrorKind::transient) {
      // Retrying cannot help (the script refused this release): it is rejected with the reason instead.
      decision.errors = {{"", "could not be admitted: " + bounded(admitted.error().message, 1024)}};
      decision.reject_reason = RejectReason::refused;
      decision.request.reset();
      continue;
    }
    if (!admitted) {
      health_.report_failure("admit", admitted.error());
      std::this_thread::sleep_for(redis_retry_delay(++failures));
      continue;
    }
    const bool stored = admitted->outcome == AdmitOutcome::admitted || admitted->outcome == AdmitOutcome::corrected;
    if (stored && admitted_ != nullptr && decision.release) {
      admitted_->put(decision.request->release_id, decision.request->revision, decision.release,
                     decision.request->release_json.size());
    }
    switch (admitted->outcome) {
      case AdmitOutcome::admitted:
        log_.intake("admitted", release_id,
                    std::to_string(decision.request->deliveries.size()) + " deliveries" +
                        (decision.screen_note.empty() ? "" : "; screen: " + bounded(decision.screen_note, log_detail_bytes)));
        break;
      case AdmitOutcome::duplicate:
        log_.intake("duplicate", release_id, "already admitted with the same content; nothing changed");
        break;
      case AdmitOutcome::corrected:
        log_.intake("corrected", release_id,
                    "revision " + std::to_string(decision.request->revision) + " admitted as a correction (" +
                        std::to_string(decision.request->corrections.size()) + " destinations)");
        break;
      case AdmitOutcome::conflict:
        log_.intake("conflict", release_id,
                    "a different release with this id was already admitted; this one is in rejects");
        break;
      case AdmitOutcome::stale:
        log_.intake("stale", release_id,
                    "revision " + std::to_string(decision.request->revision) +
                        " is older than the one admitted: refused, in rejects");
        break;
    }
    return;
  }
}

}  // namespace fabu
