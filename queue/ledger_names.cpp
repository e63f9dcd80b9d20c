// The names the ledger stores and its scripts compare, one table each: delivery states, completion
// outcomes, failure kinds. The Lua scripts get them as constants (lua_names_prelude()), so a name
// cannot differ between C++ and Lua.
#include <array>
#include <string>
#include <utility>

#include "queue/delivery_ledger.h"
#include "queue/lua_prelude.h"

namespace fabu {
namespace {

// One row: the value, its key in the scripts' constant table (the C++ enumerator) and its stored text.
template <typename E>
struct Name {
  E value;
  std::string_view key;
  std::string_view text;
};

constexpr std::array<Name<DeliveryState>, 9> kStates{{
    {DeliveryState::waiting, "waiting", "waiting"},
    {DeliveryState::queued, "queued", "queued"},
    {DeliveryState::sending, "sending", "sending"},
    {DeliveryState::retrying, "retrying", "retrying"},
    {DeliveryState::needs_auth, "needs_auth", "needs_auth"},
    {DeliveryState::delivered, "delivered", "delivered"},
    {DeliveryState::dead, "dead", "dead"},
    {DeliveryState::retracted, "retracted", "retracted"},
    {DeliveryState::cancelled, "cancelled", "cancelled"},
}};

constexpr std::array<Name<CompletionOutcome>, 5> kOutcomes{{
    {CompletionOutcome::delivered, "delivered", "delivered"},
    {CompletionOutcome::retry, "retry", "retrying"},
    {CompletionOutcome::rate_limited, "rate_limited", "rate_limited"},
    {CompletionOutcome::needs_auth, "needs_auth", "needs_auth"},
    {CompletionOutcome::dead, "dead", "dead"},
}};

constexpr std::array<Name<FailureKind>, 8> kFailureKinds{{
    {FailureKind::none, "none", ""},
    {FailureKind::transient, "transient", "transient"},
    {FailureKind::rate_limited, "rate_limited", "rate_limited"},
    {FailureKind::auth, "auth", "auth"},
    {FailureKind::permanent, "permanent", "permanent"},
    {FailureKind::config, "config", "config"},
    {FailureKind::invalid, "invalid", "invalid"},
    {FailureKind::returned, "returned", "returned"},
}};

template <typename E, std::size_t N>
std::string_view text_of(const std::array<Name<E>, N>& table, E value) {
  for (const auto& row : table) {
    if (row.value == value) return row.text;
  }
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const std::array<Name<E>, N>& table, std::string_view text) {
  for (const auto& row : table) {
    if (row.text == text) return row.value;
  }
  return std::nullopt;
}

// `local NAME = names('what', {key = 'text', ...})`
template <typename E, std::size_t N>
std::string lua_table(std::string_view lua_name, std::string_view what, const std::array<Name<E>, N>& table) {
  std::string out = "local " + std::string(lua_name) + " = names('" + std::string(what) + "', {";
  for (const auto& row : table) out += std::string(row.key) + " = '" + std::string(row.text) + "', ";
  return out + "})\n";
}

}  // namespace

// The phrase admit writes into the note (queue/lua_correction.h, policy links).
bool awaits_unsubmitted_policy(const DeliveryStatus& d) {
  return d.state == DeliveryState::waiting && d.note.find(" to be admitted and published") != std::string::npos;
}

std::string_view to_string(DeliveryState s) { return text_of(kStates, s); }
std::optional<DeliveryState> delivery_state_from(std::string_view s) { return value_of(kStates, s); }

std::string_view to_string(CompletionOutcome outcome) { return text_of(kOutcomes, outcome); }
std::optional<CompletionOutcome> completion_outcome_from(std::string_view name) { return value_of(kOutcomes, name); }

std::string_view to_string(FailureKind kind) { return text_of(kFailureKinds, kind); }

FailureKind failure_kind(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::transient: return FailureKind::transient;
    case ErrorKind::rate_limited: return FailureKind::rate_limited;
    case ErrorKind::auth: return FailureKind::auth;
    case ErrorKind::permanent: return FailureKind::permanent;
    case ErrorKind::config: return FailureKind::config;
    case ErrorKind::invalid: return FailureKind::invalid;
  }
  return FailureKind::permanent;
}

namespace lua {

std::string names_prelude() {
  // A name missing from a table is a script error, not a silent nil that compares unequal.
  std::string out =
      "local function names(what, t)\n"
      "  return setmetatable(t, {__index = function(_, key) error('fabu: no ' .. what .. ' named ' .. tostring(key)) end})\n"
      "end\n";
  out += lua_table("STATE", "delivery state", kStates);
  out += lua_table("OUTCOME", "completion outcome", kOutcomes);
  out += lua_table("KIND", "failure kind", kFailureKinds);
  // Operations are named in core (core/delivery_id.h); the scripts get the same text.
  out += "local OP = names('operation', {";
  for (Operation op : {Operation::publish, Operation::retract, Operation::correct}) {
    out += std::string(to_string(op)) + " = '" + std::string(to_string(op)) + "', ";
  }
  out += "})\n";
  return out;
}

}  // namespace lua
}  // namespace fabu
