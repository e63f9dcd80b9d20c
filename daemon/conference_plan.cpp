// A conference release planned as its series of releases (core/conference.h).
#include "core/conference.h"
#include "core/sha256.h"
#include "daemon/planner.h"

namespace fabu {

std::expected<AdmitRequest, FieldErrors> plan_derived(const Release& release, const ChannelSet& channels) {
  auto plan = plan_release(release, channels);
  if (!plan) return plan;
  plan->release_json = to_json(release);
  plan->digest = sha256_hex(plan->release_json);  // content_digest(release), without writing the JSON twice
  return plan;
}

std::expected<std::vector<AdmitRequest>, FieldErrors> plan_series(const Release& release, const ChannelSet& channels) {
  std::vector<AdmitRequest> requests;
  if (!release.conference) {
    auto plan = plan_derived(release, channels);
    if (!plan) return std::unexpected(std::move(plan.error()));
    requests.push_back(std::move(*plan));
    return requests;
  }
  if (release.id.size() > kConferenceIdBytes) {
    return std::unexpected(FieldErrors{{"id", "a conference id is at most " + std::to_string(kConferenceIdBytes) +
                                                  " bytes: its steps add .reminder, .live, .cancelled, .record"}});
  }
  // A step's release (a signed draft of a record or cancellation notice, fabuctl conference ... --draft)
  // holds the conference's table too; submitted as a release it would become a conference of its own.
  if (const auto step = conference_step(release); step && *step != ConferenceStep::notice) {
    return std::unexpected(FieldErrors{
        {"id", "'" + release.id + "' names the " + std::string(to_string(*step)) + " of a conference, not a "
               "conference: a signed draft of a record or cancellation notice is given to `fabuctl conference "
               "record|cancel ... --approved FILE` (the API's \"approved\"), not submitted"}});
  }
  // The conference as written is checked first, so its errors name the fields the press office wrote.
  if (auto plan = plan_release(release, channels); !plan) return std::unexpected(std::move(plan.error()));
  for (const Release& step : plan_conference_series(release, channels.conference_settings(release))) {
    auto plan = plan_derived(step, channels);
    if (!plan) {
      FieldErrors errors = std::move(plan.error());
      for (auto& e : errors) e.reason = step.id + ": " + e.reason;
      return std::unexpected(std::move(errors));
    }
    requests.push_back(std::move(*plan));
  }
  return requests;
}

}  // namespace fabu
