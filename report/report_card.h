// The report card (成绩单): the figures of a press office's work over a period, as the seed city's
// report on its disclosure work gives them: releases by kind, deliveries per channel, the lead account's
// posts and followers, the matrix hall's coverage, press conferences, policy interpretations, the share
// published within the 20 working days of Art. 26, retractions and corrections, inspection readiness.
//
// compute_report_card() is pure: everything it counts comes in as ReportData (read from Redis by
// `fabuctl report`, built by hand in the tests) and nothing is read from a clock or a file. The
// renderers (report_render.h) turn a card into Markdown, JSON or HTML.
//
// Thread rules: none (values only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/inspection.h"
#include "core/release.h"
#include "queue/delivery_ledger.h"
#include "queue/reach_book.h"

namespace fabu {

// The days reported, both included, as calendar days in China (+08:00).
struct ReportPeriod {
  Date from;
  Date to;
  std::int64_t from_ms() const;  // the first day's 00:00+08:00, unix ms
  std::int64_t to_ms() const;    // the end of the last day (the next day's 00:00+08:00), unix ms
};

// One release as the queue keeps it: its record, its latest revision and its deliveries.
struct ReleaseFacts {
  ReleaseRecord record;
  Release release;  // the latest revision
  std::vector<DeliveryStatus> deliveries;
};

// One account of the matrix hall.
struct MatrixAccount {
  std::string id;  // the destination name in deliveries
  std::string name;
  std::string group;
};

struct ReportData {
  ReportPeriod period;
  std::vector<ReleaseFacts> releases;  // any; those admitted outside the period are not counted
  std::string matrix_channel;          // the channel of the matrix hall ("" = none)
  std::string hall;                    // its name, for headings
  MatrixAccount lead;
  std::vector<MatrixAccount> members;  // the hall's accounts but the lead
  std::vector<FollowersReading> lead_followers;  // readings within the period, oldest first
  std::vector<InspectionFinding> inspection;    // as of when the report is made
};

struct KindCount {
  ReleaseKind kind = ReleaseKind::news;
  int admitted = 0;
  int published = 0;
};

// A channel's deliveries of releases (operation publish). Success rate = went out / (went out + dead):
// `delivered` counts what went out, retracted later or not; cancelled and unfinished ones do not count.
struct ChannelFigures {
  std::string channel;
  int delivered = 0;
  int dead = 0;
  int cancelled = 0;
  int pending = 0;  // not settled yet (queued, waiting, sending, retrying, needs_auth)
  std::optional<double> success_rate;  // nullopt when nothing was delivered or dead
};

struct AccountPosts {
  std::string id;
  std::string name;
  std::string group;
  int posts = 0;  // publish deliveries of the period's releases that went out
};

struct GroupFigures {
  std::string group;
  int members = 0;
  int posted = 0;  // members with at least one post
  int posts = 0;
};

struct ReleaseLine {
  std::string id;
  std::string title;
  std::string detail;  // conference: the day it went out; interpretation: its policy; retraction: the
                       // reason; correction: its revision number; late: the deadline day
};

struct ReportCard {
  ReportPeriod period;
  int releases_admitted = 0;
  int releases_published = 0;  // went out (first delivery) and not cancelled
  std::vector<KindCount> by_kind;  // every kind, in ReleaseKind order
  std::vector<ChannelFigures> channels;  // by channel name

  std::string matrix_channel;
  std::string hall;
  AccountPosts lead;
  std::optional<std::int64_t> followers_start;  // the first reading in the period
  std::optional<std::int64_t> followers_end;    // the last
  std::optional<std::int64_t> followers_growth;
  std::vector<FollowersReading> lead_followers;

  int members = 0;
  int members_posted = 0;
  int member_posts = 0;
  std::optional<double> coverage;          // members_posted / members; nullopt without members
  std::optional<double> posts_per_member;  // member_posts / members
  std::vector<GroupFigures> groups;        // by group name
  std::vector<AccountPosts> member_activity;  // most posts first, then by id
  std::vector<AccountPosts> most_active;   // the members with the most posts (ties all listed); empty without posts
  std::vector<AccountPosts> least_active;  // the members with the fewest

  std::vector<ReleaseLine> conferences;      // held: notice out and standing, not cancelled, started before the period's end; detail = the day it started
  std::vector<ReleaseLine> interpretations;  // kind policy_interpretation, published; detail = policy
  int timeliness_known = 0;  // published releases whose in-time flag is known
  int in_time = 0;
  std::optional<double> in_time_share;
  std::vector<ReleaseLine> late;
  std::vector<ReleaseLine> retractions;
  std::vector<ReleaseLine> corrections;

  InspectionVerdict inspection_verdict = InspectionVerdict::ok;
  int inspection_fail = 0;
  int inspection_warn = 0;
  std::vector<InspectionFinding> inspection_findings;  // those not ok
};

// The card of `data`. A release counts when it was admitted within the period; a post counts when its
// delivery is a publish of such a release to a matrix account and went out (delivered, or retracted
// since). A policy is named by its title when it is among data.releases (by id or 文号), else as the
// interpretation names it.
ReportCard compute_report_card(const ReportData& data);

}  // namespace fabu
