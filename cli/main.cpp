// fabuctl: the press office's and ops' command line. Argument parsing only; verbs live in commands.cpp.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <pplx/threadpool.h>

#include "core/version.h"
#include "cli/accounts.h"
#include "cli/inspect.h"
#include "cli/report.h"
#include "cli/api_token.h"
#include "cli/approval.h"
#include "cli/commands.h"
#include "cli/deadlines.h"
#include "cli/conference.h"
#include "cli/instances.h"
#include "cli/roster.h"
#include "cli/lifecycle.h"
#include "cli/logs.h"
#include "cli/reach.h"
#include "core/bounded_text.h"

int main(int argc, char** argv) {
  CLI::App app{
      "fabuctl - queue press releases for fabud and see what happened to them.\n\n"
      "Examples:\n"
      "  fabuctl submit examples/releases/*.toml     validate locally, queue the valid ones\n"
      "  fabuctl submit --dry-run notice.toml        validate only\n"
      "  fabuctl status 2026-press-017               every delivery of a release\n"
      "  fabuctl rejects                             releases refused, with field-level reasons\n"
      "  fabuctl held                                releases the privacy screen holds (masked matches)\n"
      "  fabuctl dlq list | retry ID | retry --all | drop ID\n"
      "  fabuctl wait 2026-press-017                 block until its deliveries settle\n"
      "  fabuctl retract 2026-press-017 --reason \"数据有误\"\n"
      "                                              take it back everywhere it went\n"
      "  fabuctl correct 2026-press-017 fixed.toml   publish revision 2 as a correction\n"
      "  fabuctl schedule list | cancel ID | reschedule ID 2026-12-10T09:00:00+08:00\n"
      "  fabuctl logs --follow --channel microblog   every delivery event as it happens\n"
      "  fabuctl lanes                               accounts, their queues and owning instances\n"
      "  fabuctl instances                           the fabud instances on this Redis, their versions\n"
      "  fabuctl due --within 5                      releases late or due within 5 working days\n"
      "  fabuctl roster                              spokespersons by level, with counts\n"
      "  fabuctl conference list | show ID | cancel ID --reason R | record ID FILE | calendar\n"
      "                    (cancel and record: --draft FILE, then --approved FILE once signed)\n"
      "  fabuctl accounts [set-token ACCOUNT]        account states, token expiry; replace a token\n"
      "  fabuctl inspect [--json]                    idle accounts, expiring tokens, stale columns and home pages, dead links\n"
      "  fabuctl report [--from D] [--format html]   the report card (成绩单) of a period\n"
      "  fabuctl api-token --name cms --roles submit a bearer token for the HTTP API\n"
      "  fabuctl keygen --out wang                   a reviewer's key pair (wang.key, wang.pub)\n"
      "  fabuctl approve --key wang.key --key-id wang --role 内容审核 notice.toml\n"
      "                                              sign a release for one review level\n"};
  app.set_version_flag("--version", std::string("fabuctl ") + std::string(fabu::version()) + " (" +
                                        std::string(fabu::revision()) + ")");
  app.require_subcommand(1);
  fabu::cli::Context ctx;
  const char* env_config = std::getenv("FABU_CONFIG");
  ctx.config_path = env_config != nullptr ? env_config : "fabu.toml";
  app.add_option("-c,--config", ctx.config_path, "fabu.toml to use (default: $FABU_CONFIG or ./fabu.toml)");
  app.add_flag("--json", ctx.json, "Machine-readable output where supported (status, held, logs)");

  std::vector<std::string> files;
  bool dry_run = false;
  auto* submit = app.add_subcommand("submit", "Validate release files (TOML or JSON) and queue the valid ones");
  submit->add_option("files", files, "Release files; .json is read as JSON, anything else as TOML")->required();
  submit->add_flag("--dry-run", dry_run, "Validate only; queue nothing");
  submit->footer("Each file is checked with the same rules fabud uses. Every problem is printed with its field\n"
                 "path. Exit code 2 when any file is invalid (valid ones are still queued).");

  std::string release_id;
  auto* status = app.add_subcommand("status", "Show every delivery of a release: state, attempts, post id, last error");
  status->add_option("id", release_id, "Release id")->required();
  status->add_flag("--json", ctx.json,
                   "An array of {id, channel, destination, operation, revision, state, attempt, post_id, url,\n"
                   "note, last_error, next_at_ms}; for a release the privacy screen holds, its held record");

  int limit = 20;
  const CLI::Range list_length(1, 100000);  // -n 0 or less would list nothing and say the list is empty
  auto* rejects = app.add_subcommand("rejects", "List recently rejected releases with the field and the reason");
  rejects->add_option("-n,--limit", limit, "How many, newest first")->capture_default_str()->check(list_length);

  auto* held = app.add_subcommand("held", "List releases the privacy screen holds: masked matches, digest, how to override");
  held->add_option("-n,--limit", limit, "How many, latest first")->capture_default_str()->check(list_length);
  held->add_flag("--json", ctx.json,
                 "An array of {id, state, held_at_ms, first_held_at_ms, submissions, screen_digest, reason, matches}\n"
                 "(the fields of GET /v1/held)");

  auto* dlq = app.add_subcommand("dlq", "The dead-letter record: deliveries fabud gave up on");
  dlq->require_subcommand(1);
  auto* dlq_list = dlq->add_subcommand("list", "List dead deliveries with their reason");
  dlq_list->add_option("-n,--limit", limit, "How many, newest first")->capture_default_str()->check(list_length);
  std::vector<std::string> ids;
  bool all = false;
  auto* dlq_retry = dlq->add_subcommand("retry", "Queue dead deliveries again (attempts start over)");
  dlq_retry->add_option("ids", ids, "Delivery ids as shown by `dlq list`");
  dlq_retry->add_flag("--all", all, "Retry every dead delivery");
  auto* dlq_drop = dlq->add_subcommand("drop", "Remove deliveries from the dead-letter record for good");
  dlq_drop->add_option("ids", ids, "Delivery ids")->required();

  std::vector<std::string> wait_ids;
  int wait_timeout = 120;
  auto* wait = app.add_subcommand("wait", "Wait until every delivery of the named releases has settled, with progress");
  wait->add_option("ids", wait_ids, "Release ids")->required();
  wait->add_option("-t,--timeout", wait_timeout, "Give up after this many seconds (exit 1)")->capture_default_str();
  wait->footer("Exit code 0 when everything was delivered, 3 when something is dead, waits for\n"
               "re-authorisation, is held by the privacy screen or is an interpretation whose policy was\n"
               "never submitted (see `fabuctl status`), 1 on timeout.");

  fabu::cli::LogsOptions logs_options;
  auto* logs = app.add_subcommand("logs", "The delivery log kept in Redis: every delivery and intake event, filtered");
  logs->add_flag("-f,--follow", logs_options.follow, "After the events so far, print new ones as they come (Ctrl-C ends)");
  logs->add_flag("--json", ctx.json, "Each event as its JSON object (the fields of fabud's log lines)");
  logs->add_option("--release", logs_options.release, "Only this release's events");
  logs->add_option("--channel", logs_options.channel, "Only deliveries on this channel (microblog, portal)");
  logs->add_option("--account", logs_options.account, "Only deliveries to this destination (a microblog account id)");
  logs->add_option("--state", logs_options.state,
                   "Only this delivery outcome or intake event, or operator (what a person retracted, moved,\n"
                   "cancelled, retried, dropped or re-authorised, and who)")
      ->check(CLI::IsMember(fabu::cli::log_states()));
  logs->add_option("--since", logs_options.since,
                   "Only events from then on: an age (90s, 30m, 2h, 7d) or a time with its offset\n"
                   "(2026-12-10T08:00:00+08:00)");
  logs->footer(
      "One line per event: time, outcome or intake event, release, channel/account, attempt, post id,\n"
      "url, and the error if any. With --json each line is the event's JSON object, with\n"
      "the same fields as fabud's log file (README.md, \"The log\"). Every fabud sharing the Redis writes\n"
      "to the same stream, which keeps about daemon.log_stream_max events (0 = none kept).\n\n"
      "Examples:\n"
      "  fabuctl logs --release 2026-press-017          what happened to one release, oldest first\n"
      "  fabuctl logs --since 2h --state dead           deliveries given up on in the last two hours\n"
      "  fabuctl logs --follow --channel microblog      watch microblog deliveries live\n"
      "  fabuctl logs --account county_a --since 2026-12-10T08:00:00+08:00\n"
      "  fabuctl logs --json --state rejected | jq .detail\n"
      "  fabuctl logs --state operator --since 7d       who retracted, moved or retried what\n\n"
      "Exit codes: 0 done, 1 Redis failed, 2 bad --since or config.");

  auto* reach = app.add_subcommand("reach", "A release's reach per account: followers, reposts/comments/likes at +1h..+7d");
  reach->add_option("id", release_id, "Release id")->required();
  reach->add_flag("--json", ctx.json, "One JSON object: accounts with their checkpoints, and the hour's call budget");
  reach->footer("fabud reads each post's counts 1 h, 6 h, 24 h, 72 h and 7 d after delivery and every account's\n"
                "followers every [reach] followers_every, within [reach] calls_per_hour for all instances.\n"
                "Exit codes: 0 shown, 1 nothing recorded for the release or Redis failed, 2 bad config.");

  auto* lanes = app.add_subcommand("lanes", "List delivery lanes (one per account) with state and queue, and each app quota's use this hour");
  lanes->add_flag("--json", ctx.json,
                  "One object: {lanes: [{lane, state, in_flight, queued, per_hour, max_in_flight, min_gap_ms, last_sent_ms, "
                  "slow_until_ms, owner, owner_live}], quotas: [{group, used, limit}]}");
  lanes->footer("STATE is ok, slowed (the platform asked to slow down, or the lane's breaker is open) or\n"
                "needs_auth (its token failed: `fabuctl accounts set-token`). OWNER is the fabud instance that\n"
                "owns the lane (each takes a share of the lanes; `-` until one has), \"(gone)\" after one whose\n"
                "lease ran out: the next renewal of a running instance takes the lane.");

  auto* instances = app.add_subcommand("instances", "The fabud instances working on this Redis: version, host, state");
  instances->add_flag("--json", ctx.json, "An array of {name, state, version, revision, host, pid, started_ms, seen_ms, stopped_ms, lanes}");
  instances->footer("Each fabud announces itself every 5 s and once more when it stops. STATE is running (heard from\n"
                    "within three announcements), stopped (it said so when it stopped) or silent (it stopped\n"
                    "announcing without saying so: killed, hung, or cut off from Redis; its in-flight deliveries\n"
                    "come back in doubt when their lease runs out). While upgrading instances one at a time, check\n"
                    "that every running instance shows the new version. LANES is how many lanes it owns (`fabuctl\n"
                    "lanes`). A stopped instance is forgotten after a day (the default name, hostname-pid, is new\n"
                    "at every start), a silent one after 7 days.");

  int due_within = 2;
  auto* due = app.add_subcommand("due", "Releases not gone out yet that are late or near their 20-working-day deadline");
  due->add_option("--within", due_within, "Working days ahead to look (0 = due today)")
      ->capture_default_str()
      ->check(CLI::Range(0, 250));
  due->add_flag("--json", ctx.json, "An array of {id, deadline, deadline_ms, working_days_left, state}");
  due->footer("《政府信息公开条例》 Art. 26: a release goes out within 20 working days of its formed_at, counted on\n"
              "the working-day calendar ([calendar] holidays_dir). fabud gives each release its deadline at\n"
              "admission; it leaves this list when its first delivery succeeds, or when it is retracted or\n"
              "cancelled. A release admitted while its deadline's year had no holiday file has no deadline.");

  auto* roster = app.add_subcommand("roster", "List the spokespersons of [[spokespersons]] by level, with counts");
  roster->add_flag("--json", ctx.json, "{total, levels: [{level, count, spokespersons}]}");

  std::string reason;
  std::string conference_file;
  bool conference_all = false;
  auto* conference = app.add_subcommand("conference", "Press conferences and their series: list, show, cancel, record, calendar");
  conference->require_subcommand(1);
  auto* conference_list = conference->add_subcommand("list", "Conferences from now on, earliest first");
  conference_list->add_flag("--all", conference_all, "Past conferences too");
  conference_list->add_option("-n,--limit", limit, "How many")->capture_default_str()->check(list_length);
  conference_list->add_flag("--json", ctx.json, "{conferences: [{id, starts_at, ends_at, venue, topic, revision, state, sequence}]}");
  auto* conference_show = conference->add_subcommand("show", "A conference's fields and the state of each step");
  conference_show->add_option("id", release_id, "Conference release id")->required();
  conference_show->add_flag("--json", ctx.json, "{id, conference, steps: [{step, release, due_ms, state, signed_by}]}");
  auto* conference_cancel = conference->add_subcommand("cancel", "Cancel a conference: unsent steps cancelled, a cancellation notice published");
  conference_cancel->add_option("id", release_id, "Conference release id")->required();
  conference_cancel->add_option("--reason", reason, "Why; part of the cancellation notice")->required();
  fabu::cli::ConferenceApprovalOptions conference_approval;
  const auto approval_options = [&conference_approval](CLI::App* command) {
    command->add_option("--draft", conference_approval.draft_file,
                        "Write what would be published to this JSON file, for the reviewers to sign; change nothing");
    command->add_option("--approved", conference_approval.approved_file,
                        "The draft, signed by the reviewers (fabuctl approve): publish it");
    command->add_option("--approver", conference_approval.approver,
                        "The draft's approval.approver (default: the conference notice's)");
    command->footer("先审后发: what this publishes goes out only with the reviewers' signatures when\n"
                    "[approval] require_signature is on (the default). Run it with --draft FILE, have each\n"
                    "required role sign FILE with `fabuctl approve`, then run it again with --approved FILE.\n"
                    "A cancel needs them only when it publishes a notice, i.e. when something had gone out.");
  };
  approval_options(conference_cancel);
  auto* conference_record = conference->add_subcommand("record", "Publish the record (实录: transcript, photos) on the portal");
  conference_record->add_option("id", release_id, "Conference release id")->required();
  conference_record->add_option("file", conference_file, "Markdown: the transcript, photos as ![](https://...)")->required();
  approval_options(conference_record);
  auto* conference_calendar = conference->add_subcommand("calendar", "Print the iCalendar feed (RFC 5545)");
  conference->footer("A conference release becomes its notice (the release id, at publish_at), a reminder\n"
                     "([conference] remind_before before the start, ID.reminder) and a live post at the start\n"
                     "(ID.live). To move it, queue its next revision with the new times (fabuctl correct ID FILE):\n"
                     "steps not sent move, steps out are corrected.");

  auto* retract = app.add_subcommand("retract", "Take a release back everywhere it went (posts deleted, portal withdrawal notice)");
  retract->add_option("id", release_id, "Release id")->required();
  retract->add_option("--reason", reason, "Why; shown on the portal's withdrawal notice")->required();
  retract->footer("Deliveries not sent yet are cancelled; every post that went out (reposts included) is deleted;\n"
                  "the portal article becomes a withdrawal notice (有效性: 已撤回) and leaves the column indexes and\n"
                  "feeds. Sends in flight are retracted once they finish. Running it again changes nothing.\n"
                  "Follow it with `fabuctl status ID` or `fabuctl wait ID`.");

  std::string correction_file;
  auto* correct = app.add_subcommand("correct", "Queue a corrected revision of a release (revision >= 2, with change_note)");
  correct->add_option("id", release_id, "Release id")->required();
  correct->add_option("file", correction_file, "The corrected release file, approved like any release")->required();
  correct->footer("The file keeps the release's id, raises `revision` by one and says what changed in `change_note`.\n"
                  "The portal article is updated in place with a dated change note and its earlier revisions stay\n"
                  "readable; each microblog channel does what its `correction` setting says (note, replace, none).\n"
                  "An older or equal revision with other content is refused, with its reason in `fabuctl rejects`.\n"
                  "To repeal a document (废止), add `repealed_on = YYYY-MM-DD` (and `repealed_by`, the repealing 文号):\n"
                  "its portal page stays, marked 已废止; Weibo posts nothing for it.");

  std::string schedule_time;
  auto* schedule = app.add_subcommand("schedule", "Releases waiting for their publish_at: list, cancel, reschedule");
  schedule->require_subcommand(1);
  auto* schedule_list = schedule->add_subcommand("list", "Releases due later, soonest first (times in Asia/Shanghai)");
  schedule_list->add_option("-n,--limit", limit, "How many")->capture_default_str()->check(list_length);
  auto* schedule_cancel = schedule->add_subcommand("cancel", "Cancel a scheduled release: nothing of it goes out");
  schedule_cancel->add_option("id", release_id, "Release id")->required();
  auto* schedule_move = schedule->add_subcommand("reschedule", "Move a scheduled release to another time");
  schedule_move->add_option("id", release_id, "Release id")->required();
  schedule_move->add_option("time", schedule_time, "ISO 8601 with offset, e.g. 2026-12-10T09:00:00+08:00")->required();
  schedule->footer("Schedules live in Redis: a change applies on every fabud at once. Once a delivery of the\n"
                   "release has started, cancel and reschedule refuse (exit 3): retract it instead.");

  std::string account, account_channel = "microblog", token_expires;
  auto* accounts = app.add_subcommand("accounts", "List platform accounts: state, token expiry, queue, last send");
  accounts->require_subcommand(0, 1);
  auto* set_token = accounts->add_subcommand("set-token", "Replace an account's token (read from stdin, never shown)");
  set_token->add_option("account", account, "Account id as shown by `fabuctl accounts`")->required();
  set_token->add_option("--channel", account_channel, "Channel of the account")->capture_default_str();
  set_token->add_option("--expires", token_expires, "The new token's expiry, YYYY-MM-DD (for the warnings)");
  set_token->footer("The token is read from stdin: typed without echo on a terminal, or piped by a script\n"
                    "(printf '%s\\n' \"$TOKEN\" | fabuctl accounts set-token lanshan_fabu). Every fabud picks it up\n"
                    "within seconds and resumes the account's held deliveries. It is stored in Redis in clear.");

  auto* inspect = app.add_subcommand(
      "inspect", "Inspection readiness: idle accounts, expiring tokens, stale columns, stale portal home pages, broken portal links");
  inspect->add_flag("--json", ctx.json, "One JSON object with the verdict and every finding");
  inspect->footer("Exit 0 when nothing fails (warnings allowed), 1 when a check fails or Redis cannot be reached,\n"
                  "2 when the config has problems. Limits: [inspection] in fabu.toml.");

  fabu::cli::ReportOptions report_options;
  auto* report = app.add_subcommand(
      "report", "The report card (成绩单) of a period: releases, deliveries, matrix, timeliness");
  report->add_option("--from", report_options.from, "First day, YYYY-MM-DD (default: 1 January of this year)");
  report->add_option("--to", report_options.to, "Last day, YYYY-MM-DD (default: today)");
  report->add_option("--format", report_options.format, "md, html (SVG charts, prints on A4) or json")
      ->capture_default_str();
  report->add_option("--output", report_options.output, "Write to this file instead of stdout");
  report->footer("Counts the releases admitted from --from to --to (days in Asia/Shanghai) that Redis still keeps\n"
                 "(daemon.retention_days), their deliveries, the lead account's followers readings in the period\n"
                 "and today's inspection findings. JSON fields: docs/PROTOCOL.md, \"The report card\".\n"
                 "Exit codes: 0 written, 1 Redis failed or the file could not be written, 2 bad options or config.");

  std::string token_name, token_roles;
  auto* api_token = app.add_subcommand("api-token", "Make a bearer token for fabud's HTTP API and its config entry");
  api_token->add_option("--name", token_name, "Who holds the token (shown in logs), e.g. cms")->required();
  api_token->add_option("--roles", token_roles, "Comma-separated: submit, read, operate")->required();
  api_token->footer("Prints the token once and the [[api.tokens]] entry with its SHA-256 for fabu.toml.\n"
                    "submit: POST /v1/releases; read: the GETs and /metrics; operate: retry/retract (implies read).");
  std::string keygen_out, keygen_id;
  auto* keygen = app.add_subcommand("keygen", "Create a reviewer's Ed25519 key pair for approval signatures");
  keygen->add_option("--out", keygen_out, "Writes OUT.key (private, mode 0600) and OUT.pub")->required();
  keygen->add_option("--id", keygen_id, "Key id for the printed config snippet (default: the name of OUT)");
  keygen->footer("Prints the [[approval.keys]] table to add to fabu.toml with the public key in base64.\n"
                 "The private key stays with the reviewer: whoever holds it can approve releases in the\n"
                 "roles the config gives its id. Existing files are never overwritten.");

  fabu::cli::ApproveOptions approve_options;
  std::string override_screen;
  auto* approve = app.add_subcommand("approve", "Sign a release file for one review level (adds approval.signatures)");
  approve->add_option("--key", approve_options.key_file, "The reviewer's private key (from fabuctl keygen)")->required();
  approve->add_option("--key-id", approve_options.key_id, "The key's id as listed in [[approval.keys]]")->required();
  approve->add_option("--role", approve_options.role, "The review level signed for, e.g. 内容审核 or 保密审查")->required();
  approve->add_option("--override-screen", override_screen,
                      "Hex digest of a privacy-screen result this signature overrides");
  approve->add_option("file", approve_options.release_file, "Release file; .json is JSON, anything else TOML")->required();
  approve->footer(
      "The release is checked first; then one entry {key_id, role, signed_at (now, +08:00), signature}\n"
      "is added: a [[approval.signatures]] table appended to a TOML file, or an element of\n"
      "approval.signatures in a JSON file (re-written with 2-space indentation).\n"
      "The signature covers the whole release except the signature values (RFC 8785 canonical JSON,\n"
      "see docs/PROTOCOL.md), so each reviewer signs independently and any later change breaks it.\n"
      "Example, two review levels by two reviewers:\n"
      "  fabuctl approve --key wang.key --key-id wang --role 内容审核 notice.toml\n"
      "  fabuctl approve --key li.key --key-id li --role 保密审查 notice.toml\n"
      "  fabuctl submit notice.toml");

  CLI11_PARSE(app, argc, argv);
  // No input (a file, a record read from Redis) may make a command abort: anything thrown ends the
  // command with a message and status 1.
  try {
    crossplat::threadpool::initialize_with_threads(1);

    if (api_token->parsed()) return fabu::cli::api_token(token_name, token_roles);
    if (submit->parsed()) return fabu::cli::submit(ctx, files, dry_run);
    if (keygen->parsed()) return fabu::cli::keygen(keygen_out, keygen_id);
    if (approve->parsed()) {
      if (!override_screen.empty()) approve_options.override_screen = override_screen;
      return fabu::cli::approve(approve_options);
    }
    if (status->parsed()) return fabu::cli::status(ctx, release_id);
    if (rejects->parsed()) return fabu::cli::rejects(ctx, limit);
    if (held->parsed()) return fabu::cli::held(ctx, limit);
    if (dlq_list->parsed()) return fabu::cli::dlq_list(ctx, limit);
    if (dlq_retry->parsed()) {
      if (ids.empty() && !all) {
        std::cerr << "fabuctl dlq retry: name delivery ids or pass --all\n";
        return 2;
      }
      return fabu::cli::dlq_retry(ctx, ids, all);
    }
    if (dlq_drop->parsed()) return fabu::cli::dlq_drop(ctx, ids);
    if (lanes->parsed()) return fabu::cli::lanes(ctx);
    if (instances->parsed()) return fabu::cli::instances(ctx);
    if (due->parsed()) return fabu::cli::due(ctx, due_within);
    if (roster->parsed()) return fabu::cli::roster(ctx);
    if (conference_list->parsed()) return fabu::cli::conference_list(ctx, conference_all, limit);
    if (conference_show->parsed()) return fabu::cli::conference_show(ctx, release_id);
    if (conference_cancel->parsed()) return fabu::cli::conference_cancel(ctx, release_id, reason, conference_approval);
    if (conference_record->parsed()) return fabu::cli::conference_record(ctx, release_id, conference_file, conference_approval);
    if (conference_calendar->parsed()) return fabu::cli::conference_calendar(ctx);
    if (reach->parsed()) return fabu::cli::reach(ctx, release_id);
    if (logs->parsed()) return fabu::cli::logs(ctx, logs_options);
    if (set_token->parsed()) return fabu::cli::accounts_set_token(ctx, account, account_channel, token_expires);
    if (accounts->parsed()) return fabu::cli::accounts(ctx);
    if (inspect->parsed()) return fabu::cli::inspect(ctx);
    if (report->parsed()) return fabu::cli::report(ctx, report_options);
    if (wait->parsed()) return fabu::cli::wait(ctx, wait_ids, wait_timeout);
    if (retract->parsed()) return fabu::cli::retract(ctx, release_id, reason);
    if (correct->parsed()) return fabu::cli::correct(ctx, release_id, correction_file);
    if (schedule_list->parsed()) return fabu::cli::schedule_list(ctx, limit);
    if (schedule_cancel->parsed()) return fabu::cli::schedule_cancel(ctx, release_id);
    if (schedule_move->parsed()) return fabu::cli::schedule_move(ctx, release_id, schedule_time);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "fabuctl: stopped by an unexpected error: " << fabu::bounded(e.what(), 1024) << "\n";
    return 1;
  } catch (...) {
    std::cerr << "fabuctl: stopped by an unexpected error\n";
    return 1;
  }
}
