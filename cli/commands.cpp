#include "cli/commands.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/http_transport.h"
#include "cli/deadlines.h"
#include "cli/held.h"
#include "cli/input_file.h"
#include "cli/operator_log.h"
#include "cli/table.h"
#include "core/bounded_text.h"
#include "core/clock.h"
#include "daemon/channel_set.h"
#include "daemon/intake_worker.h"
#include "queue/delivery_ledger.h"
#include "queue/lane_owners.h"

namespace fabu::cli {

std::shared_ptr<const Config> load_or_report(const Context& ctx) {
  auto config = load_config(ctx.config_path);
  if (!config) {
    std::cerr << "fabuctl: cannot use config " << ctx.config_path << ":\n";
    for (const auto& e : config.error()) std::cerr << "  " << e.to_string() << "\n";
    return nullptr;
  }
  return *config;
}

namespace {

std::unique_ptr<DeliveryLedger> connect_or_report(const Config& config) {
  auto ledger = DeliveryLedger::connect(config.redis);
  if (!ledger) {
    std::cerr << "fabuctl: cannot reach redis at " << config.redis.host << ":" << config.redis.port << ": "
              << ledger.error().message << "\n";
    return nullptr;
  }
  return std::move(*ledger);
}

}  // namespace

int submit(const Context& ctx, const std::vector<std::string>& files, bool dry_run) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  auto http = make_cpprest_transport_factory();
  AdapterEnv env{http.get(), config->retry.request_timeout};
  AdapterRegistry registry;
  register_builtin_adapters(registry);
  auto channels = ChannelSet::create(*config, registry, env);
  if (!channels) {
    std::cerr << "fabuctl: the config's channels have problems:\n";
    for (const auto& e : channels.error()) std::cerr << "  " << e.to_string() << "\n";
    return 2;
  }
  std::unique_ptr<DeliveryLedger> ledger;
  if (!dry_run) {
    ledger = connect_or_report(*config);
    if (!ledger) return 1;
    if (auto ok = ledger->ensure_intake(); !ok) {
      std::cerr << "fabuctl: " << ok.error().message << "\n";
      return 1;
    }
  }
  // Submit still works without a calendar; it only cannot say how close the deadlines are.
  const auto calendar = load_calendar_or_report(*config);
  int invalid = 0, failed = 0;
  for (const auto& file : files) {
    const auto text = read_input_file(file, release_file_limit);
    if (!text) {
      std::cerr << file << ": " << text.error() << "\n";
      ++invalid;
      continue;
    }
    const std::string format = release_format_of(file) == DocumentFormat::json ? "json" : "toml";
    IntakeDecision decision = examine_payload(*text, format, **channels, config->approval);
    if (decision.held) {
      if (dry_run) {
        std::cout << file << ": valid, but the privacy screen would hold release " << decision.release_id << ":\n";
      } else if (auto entry = ledger->enqueue(decision.held->payload, decision.held->format); !entry) {
        ++failed;
        std::cerr << file << ": could not queue: " << entry.error().message << "\n";
        continue;
      } else {
        std::cout << "queued " << decision.release_id << " (intake entry " << *entry
                  << "); the privacy screen holds it, see `fabuctl held`:\n";
      }
      for (const auto& m : decision.held->matches) std::cout << "  " << describe_match(m) << "\n";
      std::cout << "  screen digest " << decision.held->screen_digest << "\n";
      continue;
    }
    if (!decision.request) {
      ++invalid;
      std::cerr << file << ": not queued, " << decision.errors.size() << " problem(s):\n";
      for (const auto& e : decision.errors) {
        std::cerr << "  " << (e.path.empty() ? "(document)" : e.path) << ": " << e.reason << "\n";
      }
      continue;
    }
    const auto& req = *decision.request;
    if (calendar && req.revision == 1) {
      warn_deadline(std::cerr, req.release_id, decision.formed_at, *calendar, unix_now_ms() / 1000);
    }
    if (dry_run) {
      std::cout << file << ": valid, release " << req.release_id << ", " << req.deliveries.size() << " deliveries\n";
      continue;
    }
    // The document as signed, in canonical JSON: fabud verifies the signatures again at intake.
    auto entry = ledger->enqueue(decision.canonical_document, "json");
    if (!entry) {
      ++failed;
      std::cerr << file << ": could not queue: " << entry.error().message << "\n";
      continue;
    }
    if (req.revision > 1) {
      // Whether it corrects an admitted release or is admitted as new, only fabud's intake can tell.
      std::cout << "queued revision " << req.revision << " of " << req.release_id << " (a correction of up to "
                << req.corrections.size() << " destinations if an earlier revision is out, else "
                << req.deliveries.size() << " deliveries; intake entry " << *entry << ")\n";
    } else {
      std::cout << "queued " << req.release_id << " (" << req.deliveries.size() << " deliveries, intake entry "
                << *entry << ")\n";
    }
  }
  if (invalid > 0) return 2;
  return failed > 0 ? 1 : 0;
}

int status(const Context& ctx, const std::string& release_id) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  auto ledger = connect_or_report(*config);
  if (!ledger) return 1;
  auto deliveries = ledger->deliveries_of(release_id);
  if (!deliveries) {
    std::cerr << "fabuctl: " << deliveries.error().message << "\n";
    return 1;
  }
  if (deliveries->empty()) {
    if (auto held = ledger->held_release(release_id); held && *held) {
      show_held(**held, config->screen, ctx.json);
      return 0;
    }
    std::cerr << "fabuctl: no release '" << release_id << "' has been admitted (see `fabuctl rejects`)\n";
    return 1;
  }
  if (ctx.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : *deliveries) {
      out.push_back({{"id", d.id}, {"channel", d.channel}, {"destination", d.destination},
                     {"operation", to_string(d.operation)}, {"revision", d.revision},
                     {"state", to_string(d.state)}, {"attempt", d.attempt}, {"post_id", d.post_id},
                     {"url", d.url}, {"note", d.note}, {"last_error", d.last_error}, {"next_at_ms", d.next_at_ms}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable table({"CHANNEL", "DESTINATION", "OPERATION", "STATE", "ATTEMPTS", "POST / URL", "LAST ERROR", "UPDATED"});
  std::map<std::string, int> counts;
  for (const auto& d : *deliveries) {
    ++counts[std::string(to_string(d.state))];
    std::string where = d.post_id;
    if (!d.url.empty()) where += (where.empty() ? "" : " ") + d.url;
    std::string err = d.last_error;
    if (d.state == DeliveryState::retrying && d.next_at_ms) err += " (next try " + format_time_ms(d.next_at_ms) + ")";
    if (d.state == DeliveryState::waiting && err.empty()) err = d.note;  // e.g. what an interpretation waits for
    std::string operation(to_string(d.operation));
    if (d.revision > 1) operation += " r" + std::to_string(d.revision);
    table.add({d.channel, d.destination, operation, std::string(to_string(d.state)), std::to_string(d.attempt),
               where.empty() ? "-" : where, err.empty() ? "-" : err, format_time_ms(d.updated_at_ms)});
  }
  std::cout << "release " << release_id << ":";
  for (const auto& [state, n] : counts) std::cout << " " << n << " " << state;
  if (auto record = ledger->release_record(release_id); record && *record) {
    const ReleaseRecord& r = **record;
    std::cout << "\nrevision " << r.revision;
    if (r.state == "retracted") std::cout << ", retracted " << format_time_ms(r.closed_ms) << ": " << r.retract_reason;
    if (r.state == "cancelled") std::cout << ", schedule cancelled " << format_time_ms(r.closed_ms);
    if (r.state == "live" && r.due_ms > unix_now_ms()) std::cout << ", scheduled for " << format_time_ms(r.due_ms);
    // Art. 26 (docs/CALENDAR.md): deadline_ms is the end of the last day, +08:00.
    std::cout << "\ndeadline " << (r.deadline_ms == 0 ? std::string("none recorded (the calendar lacked its year, or a conference's later step: see its notice)")
                                                      : Timestamp{r.deadline_ms / 1000 - 1, 8 * 60}.iso().substr(0, 10));
    if (r.in_time) std::cout << (*r.in_time ? ", went out in time " : ", went out late ") << format_time_ms(r.first_out_ms);
    if (!r.in_time && r.first_out_ms == 0 && r.deadline_ms != 0) {
      std::cout << (unix_now_ms() > r.deadline_ms ? ", late: nothing went out yet" : ", nothing went out yet");
    }
  }
  std::cout << "\n\n" << table.render();
  return 0;
}

int rejects(const Context& ctx, int limit) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  auto ledger = connect_or_report(*config);
  if (!ledger) return 1;
  auto records = ledger->rejects(limit);
  if (!records) {
    std::cerr << "fabuctl: " << records.error().message << "\n";
    return 1;
  }
  if (records->empty()) {
    std::cout << "no rejected releases\n";
    return 0;
  }
  for (const auto& r : *records) {
    // A record holds what a writer sent and anyone with Redis access may have written: cut long values.
    std::cout << format_time_ms(r.at_ms) << "  "
              << (r.release_id.empty() ? "(no readable id)" : bounded(r.release_id, quoted_value_bytes))
              << "  intake entry " << bounded(r.intake_entry_id, quoted_value_bytes) << "\n";
    for (const auto& e : r.errors) {
      std::cout << "    " << (e.path.empty() ? "(document)" : bounded(e.path, 256)) << ": " << bounded(e.reason, 1024)
                << "\n";
    }
  }
  std::cout << "\nThe original payloads are kept; fix the release and submit it again with `fabuctl submit`.\n";
  return 0;
}

int held(const Context& ctx, int limit) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  auto ledger = connect_or_report(*config);
  if (!ledger) return 1;
  return held_list(*ledger, config->screen, limit, ctx.json);
}

int dlq_list(const Context& ctx, int limit) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  auto ledger = connect_or_report(*config);
  if (!ledger) return 1;
  auto dead = ledger->dead_letters(limit);
  if (!dead) {
    std::cerr << "fabuctl: " << dead.error().message << "\n";
    return 1;
  }
  if (dead->empty()) {
    std::cout << "the dead-letter record is empty\n";
    return 0;
  }
  TextTable table({"DELIVERY", "ATTEMPTS", "SINCE", "REASON"});
  for (const auto& d : *dead) {
    table.add({d.id, std::to_string(d.attempt), format_time_ms(d.updated_at_ms), d.last_error});
  }
  std::cout << table.render() << "\nRetry with `fabuctl dlq retry ID` (or --all) once the cause is fixed.\n";
  return 0;
}

int dlq_retry(const Context& ctx, const std::vector<std::string>& ids, bool all) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  auto ledger = connect_or_report(*config);
  if (!ledger) return 1;
  std::vector<std::string> targets = ids;
  if (all) {
    auto dead = ledger->dead_letters(100000);
    if (!dead) {
      std::cerr << "fabuctl: " << dead.error().message << "\n";
      return 1;
    }
    for (const auto& d : *dead) targets.push_back(d.id);
  }
  int missing = 0;
  nlohmann::json done = nlohmann::json::array();
  for (const auto& id : targets) {
    auto ok = ledger->retry_dead(id, unix_now_ms());
    if (!ok) {
      std::cerr << "fabuctl: " << ok.error().message << "\n";
      if (!done.empty()) record_action(ctx, "dlq_retry", {{"ids", done}});
      return 1;
    }
    if (*ok) {
      std::cout << "requeued " << id << "\n";
      done.push_back(id);
    } else {
      std::cerr << id << ": not in the dead-letter record\n";
      ++missing;
    }
  }
  (void)ledger->notify();
  if (!done.empty()) record_action(ctx, "dlq_retry", {{"ids", done}});
  return missing > 0 ? 1 : 0;
}

int dlq_drop(const Context& ctx, const std::vector<std::string>& ids) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  auto ledger = connect_or_report(*config);
  if (!ledger) return 1;
  int missing = 0;
  nlohmann::json done = nlohmann::json::array();
  for (const auto& id : ids) {
    auto ok = ledger->drop_dead(id);
    if (!ok) {
      std::cerr << "fabuctl: " << ok.error().message << "\n";
      if (!done.empty()) record_action(ctx, "dlq_drop", {{"ids", done}});
      return 1;
    }
    if (*ok) {
      std::cout << "dropped " << id << " (its state stays dead)\n";
      done.push_back(id);
    } else {
      std::cerr << id << ": not in the dead-letter record\n";
      ++missing;
    }
  }
  if (!done.empty()) record_action(ctx, "dlq_drop", {{"ids", done}});
  return missing > 0 ? 1 : 0;
}

int lanes(const Context& ctx) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  auto ledger = connect_or_report(*config);
  if (!ledger) return 1;
  auto lanes = ledger->lanes();
  if (!lanes) {
    std::cerr << "fabuctl: " << lanes.error().message << "\n";
    return 1;
  }
  // Which instance owns each lane (queue/lane_owners.h): "-" when none does yet, "(gone)" after an
  // owner whose liveness ran out (the next renewal of a live instance takes the lane).
  auto owners = LaneOwners(config->redis).list();
  if (!owners) {
    std::cerr << "fabuctl: " << owners.error().message << "\n";
    return 1;
  }
  std::map<std::string, const LaneOwner*> owner_of;
  for (const auto& o : *owners) owner_of[o.lane] = &o;
  const std::int64_t now = unix_now_ms();
  // Shared hourly quotas (a Weibo channel's app_posts_per_hour): what every instance used of each.
  std::map<std::string, int> quotas;
  for (const auto& l : *lanes) {
    if (!l.limits.group.empty() && l.limits.group_per_hour > 0) quotas[l.limits.group] = l.limits.group_per_hour;
  }
  std::map<std::string, int> used;
  for (const auto& [group, limit] : quotas) {
    auto sends = ledger->group_sends_last_hour(group, now);
    if (!sends) {
      std::cerr << "fabuctl: " << sends.error().message << "\n";
      return 1;
    }
    used[group] = *sends;
  }
  const auto state_of = [&](const LaneStatus& l) {
    return !l.parked_reason.empty() ? "needs_auth" : l.slow_until_ms > now ? "slowed" : "ok";
  };
  if (ctx.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& l : *lanes) {
      const auto owner = owner_of.find(l.lane);
      rows.push_back({{"lane", l.lane}, {"state", state_of(l)}, {"in_flight", l.in_flight}, {"queued", l.queued},
                      {"per_hour", l.limits.per_hour}, {"max_in_flight", l.limits.max_in_flight},
                      {"min_gap_ms", l.limits.min_gap.count()}, {"last_sent_ms", l.last_sent_ms},
                      {"slow_until_ms", l.slow_until_ms},
                      {"owner", owner != owner_of.end() ? nlohmann::json(owner->second->instance) : nlohmann::json()},
                      {"owner_live", owner != owner_of.end() && owner->second->live}});
    }
    nlohmann::json quota_rows = nlohmann::json::array();
    for (const auto& [group, limit] : quotas) quota_rows.push_back({{"group", group}, {"used", used[group]}, {"limit", limit}});
    std::cout << nlohmann::json{{"lanes", rows}, {"quotas", quota_rows}}.dump(2) << "\n";
    return 0;
  }
  TextTable table({"LANE", "STATE", "IN FLIGHT", "QUEUED", "LIMIT/H", "LAST SEND", "OWNER"});
  for (const auto& l : *lanes) {
    const auto owner = owner_of.find(l.lane);
    const std::string owner_text = owner == owner_of.end() ? "-"
                                   : owner->second->live  ? owner->second->instance
                                                          : owner->second->instance + " (gone)";
    table.add({l.lane, state_of(l), std::to_string(l.in_flight), std::to_string(l.queued),
               l.limits.per_hour ? std::to_string(l.limits.per_hour) : "-", format_time_ms(l.last_sent_ms), owner_text});
  }
  std::cout << table.render();
  for (const auto& [group, limit] : quotas) {
    std::cout << "app quota " << group << ": " << used[group] << " of " << limit << " sends in the last hour"
              << (used[group] >= limit ? " (full: its accounts wait)" : "") << "\n";
  }
  return 0;
}

}  // namespace fabu::cli

namespace fabu::cli {

int wait(const Context& ctx, const std::vector<std::string>& release_ids, int timeout_seconds) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  auto ledger = connect_or_report(*config);
  if (!ledger) return 1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::string last_line;
  for (;;) {
    int total = 0, settled = 0, delivered = 0, dead = 0, parked = 0, unknown = 0, held = 0, withdrawn = 0,
        no_policy = 0;
    // A delivery queued on an account parked for re-authorisation (an expired or refused token) waits
    // for a person, like one in state needs_auth.
    std::set<std::string> parked_lanes;
    if (auto lanes = ledger->lanes()) {
      for (const auto& l : *lanes) {
        if (!l.parked_reason.empty()) parked_lanes.insert(l.lane);
      }
    }
    for (const auto& id : release_ids) {
      auto deliveries = ledger->deliveries_of(id);
      if (!deliveries) {
        std::cerr << "fabuctl: " << deliveries.error().message << "\n";
        return 1;
      }
      if (deliveries->empty()) {
        // A release the screen holds waits for a person, not for fabud: it has settled for now.
        auto record = ledger->held_release(id);
        ++(record && *record && !(*record)->released ? held : unknown);
      }
      // An interpretation whose policy has not been submitted waits for a person too; its posts wait on
      // its article.
      const bool policy_missing = std::any_of(deliveries->begin(), deliveries->end(), awaits_unsubmitted_policy);
      for (const auto& d : *deliveries) {
        ++total;
        switch (d.state) {
          case DeliveryState::delivered: ++delivered; ++settled; break;
          case DeliveryState::dead: ++dead; ++settled; break;
          case DeliveryState::needs_auth: ++parked; ++settled; break;
          case DeliveryState::retracted:
          case DeliveryState::cancelled: ++withdrawn; ++settled; break;
          case DeliveryState::queued:
          case DeliveryState::retrying:
            if (parked_lanes.contains(d.lane)) ++parked, ++settled;
            break;
          case DeliveryState::waiting:
            if (policy_missing) ++no_policy, ++settled;
            break;
          default: break;
        }
      }
    }
    std::string line = std::to_string(settled) + "/" + std::to_string(total) + " deliveries settled (" +
                       std::to_string(delivered) + " delivered, " + std::to_string(dead) + " dead, " +
                       std::to_string(parked) + " waiting for re-authorisation" +
                       (withdrawn > 0 ? ", " + std::to_string(withdrawn) + " retracted or cancelled" : "") + ")";
    if (unknown > 0) line += ", " + std::to_string(unknown) + " release(s) not admitted yet";
    if (held > 0) line += ", " + std::to_string(held) + " release(s) held by the privacy screen (see `fabuctl held`)";
    if (no_policy > 0) line += ", " + std::to_string(no_policy) + " waiting for a policy not submitted yet";
    if (line != last_line) {
      std::cout << line << "\n" << std::flush;
      last_line = line;
    }
    if (unknown == 0 && settled == total) return dead > 0 || parked > 0 || held > 0 || no_policy > 0 ? 3 : 0;
    if (std::chrono::steady_clock::now() >= deadline) {
      std::cerr << "fabuctl wait: timed out after " << timeout_seconds << " s\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace fabu::cli
