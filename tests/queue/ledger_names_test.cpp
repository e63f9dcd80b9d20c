// The names the ledger stores and its Lua scripts compare come from one table each: every value has a
// name that reads back, the scripts get the names as constants, and no script writes or compares a
// delivery state, or compares an outcome, that the C++ side does not know.
#include <regex>

#include <gtest/gtest.h>

#include "queue/delivery_ledger.h"
#include "queue/lua_prelude.h"
#include "queue/lua_scripts.h"

namespace fabu {
namespace {

const std::vector<const RedisScript*>& all_scripts() {
  static const std::vector<const RedisScript*> scripts = {
      &lua::admit, &lua::reject, &lua::hold, &lua::set_lanes, &lua::claim, &lua::complete,
      &lua::retry_dead, &lua::drop_dead, &lua::unpark_lane, &lua::retract, &lua::change_schedule, &lua::set_token};
  return scripts;
}

TEST(LedgerNames, EveryStateAndOutcomeHasANameThatReadsBack) {
  for (int i = 0; i <= static_cast<int>(DeliveryState::cancelled); ++i) {
    const auto state = static_cast<DeliveryState>(i);
    EXPECT_NE(to_string(state), "unknown") << i;
    EXPECT_EQ(delivery_state_from(to_string(state)), state) << to_string(state);
  }
  for (int i = 0; i <= static_cast<int>(CompletionOutcome::dead); ++i) {
    const auto outcome = static_cast<CompletionOutcome>(i);
    EXPECT_NE(to_string(outcome), "unknown") << i;
    EXPECT_EQ(completion_outcome_from(to_string(outcome)), outcome) << to_string(outcome);
  }
  EXPECT_EQ(to_string(CompletionOutcome::retry), "retrying") << "the name of the logs, the metrics and the scripts";
  EXPECT_EQ(completion_outcome_from("retry"), std::nullopt);
}

TEST(LedgerNames, FailureKindsAreTheErrorKindsPlusReturned) {
  for (auto kind : {ErrorKind::transient, ErrorKind::rate_limited, ErrorKind::auth, ErrorKind::permanent,
                    ErrorKind::config, ErrorKind::invalid}) {
    EXPECT_EQ(to_string(failure_kind(kind)), to_string(kind));
  }
  EXPECT_EQ(to_string(FailureKind::returned), "returned");
  EXPECT_EQ(to_string(FailureKind::none), "");
}

TEST(LedgerNames, EveryScriptOpensWithTheNameTables) {
  const std::string names = lua::names_prelude();
  EXPECT_NE(names.find("local STATE = names('delivery state', {waiting = 'waiting', "), std::string::npos) << names;
  EXPECT_NE(names.find("retry = 'retrying'"), std::string::npos) << names;
  EXPECT_NE(names.find("returned = 'returned'"), std::string::npos) << names;
  for (const auto* script : all_scripts()) {
    EXPECT_EQ(script->source.rfind(names, 0), 0u) << script->name;
  }
}

TEST(LedgerNames, NoScriptWritesAStateOrComparesAnOutcomeOutsideTheTables) {
  // A delivery hash (dk, wk) written, or a delivery's state read and compared.
  const std::regex state_literal(R"((?:'HSET', (?:dk|wk), 'state', |'state'\) [=~]= |d\[1\] [=~]= )'(\w+)')");
  const std::regex outcome_literal(R"(outcome\s*[=~]=\s*')");
  int literals = 0;
  for (const auto* script : all_scripts()) {
    const std::string& source = script->source;
    for (std::sregex_iterator it(source.begin(), source.end(), state_literal), end; it != end; ++it) {
      ++literals;
      EXPECT_TRUE(delivery_state_from((*it)[1].str())) << script->name << " uses state '" << (*it)[1] << "'";
    }
    EXPECT_FALSE(std::regex_search(source, outcome_literal)) << script->name << " compares an outcome to a literal";
  }
  EXPECT_GT(literals, 0) << "the pattern still finds the states the scripts spell out";
}

}  // namespace
}  // namespace fabu
