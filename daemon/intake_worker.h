// IntakeWorker: reads releases from the intake stream, validates them and admits or rejects them.
//
// Owns one thread and one IntakeLedger. A release is acknowledged on the stream only inside the
// same Redis script that admits or rejects it, so a crash in between leaves it pending; entries left
// pending by a dead instance are reclaimed after `reclaim_idle`, one at a time.
//
// No entry can stop the intake: each is decided inside one boundary that turns any exception into a
// reject with its reason, and an entry handed out more than `max_claims` times without a decision
// (it crashed whoever took it) is rejected as poison without being parsed again. Should the thread
// still end by an error, it says so to WorkerHealth and the process exits (daemon/worker_health.h).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "core/approval.h"
#include "core/working_days.h"
#include "daemon/admitted_releases.h"
#include "daemon/channel_set.h"
#include "daemon/delivery_log.h"
#include "daemon/redis_health.h"
#include "daemon/snapshot.h"
#include "daemon/worker_health.h"
#include "queue/delivery_ledger.h"

namespace fabu {

// The outcome of taking one payload in; shared by the daemon, the HTTP API and `fabuctl submit`.
// At most one of `request` (admit it), `held` (the privacy screen holds it) and `errors` is set.
struct IntakeDecision {
  std::optional<AdmitRequest> request;  // set when the release is valid, approved and may be admitted
  // With request, for a conference: its later steps (reminder, live), admitted before the request.
  std::vector<AdmitRequest> steps;
  std::int64_t conference_starts_ms = 0;  // with request, for a conference: its start (the index's score)
  VerifiedApproval approval;            // with request: the signatures that verified
  std::string canonical_document;       // with request: the document as RFC 8785 JSON (what to queue)
  std::optional<HeldRecord> held;       // set instead when the screen holds it (core/screen.h)
  std::string screen_note;              // for an admitted release: warnings or the override that admitted it
  FieldErrors errors;                   // set when it is not valid or not approved
  RejectReason reject_reason = RejectReason::invalid;  // with errors: their class, for the metrics
  std::string release_id;               // best effort, also for invalid payloads; at most 64 bytes
  Date formed_at;                       // with request: the release's 生成日期 (its Art. 26 clock starts)
  // With request, unless it is a conference's notice: the release whose to_json() the request stores.
  std::shared_ptr<const Release> release;
};
// Never throws: anything thrown while examining becomes an error of the decision. The approval is
// verified against `approval` at the current time (core/approval.h); then the release is screened with
// channels.screen() and held when decide_screen() says so (a verified signature naming the screen
// digest in `override_screen` may override).
IntakeDecision examine_payload(const std::string& payload, const std::string& format, const ChannelSet& channels,
                               const ApprovalPolicy& approval);

// How one stream entry is decided, before anything is written: a poison entry or one without a
// `release` field is refused without being parsed. Never throws.
IntakeDecision examine_entry(const IntakeEntry& entry, int max_claims, const ChannelSet& channels,
                             const ApprovalPolicy& approval);

class IntakeWorker {
 public:
  IntakeWorker(std::string consumer, std::chrono::milliseconds reclaim_idle, int max_claims,
               std::unique_ptr<IntakeLedger> ledger, const Snapshot<ChannelSet>& channels,
               const Snapshot<ApprovalPolicy>& approval, RedisHealth& health,
               WorkerHealth& workers, DeliveryLog& log,
               const Snapshot<WorkingCalendar>* calendar = nullptr, AdmittedReleases* admitted = nullptr);
  ~IntakeWorker();  // stops and joins

  void start();
  void stop();  // stops reading; an entry being handled is finished first

 private:
  void run();
  void handle(const IntakeEntry& entry);
  void record(const IntakeEntry& entry, IntakeDecision& decision);
  // Admits a conference's later steps; false when stopping first.
  bool admit_steps(const IntakeDecision& decision);
  void record_held(const IntakeEntry& entry, HeldRecord& held);

  std::string consumer_;
  std::chrono::milliseconds reclaim_idle_;
  int max_claims_;
  std::unique_ptr<IntakeLedger> ledger_;
  const Snapshot<ChannelSet>& channels_;
  const Snapshot<ApprovalPolicy>& approval_;
  RedisHealth& health_;
  WorkerHealth& workers_;
  DeliveryLog& log_;
  const Snapshot<WorkingCalendar>* calendar_;  // gives admitted releases their deadline; null = none
  AdmittedReleases* admitted_;                 // told of each release admitted; may be null
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace fabu
