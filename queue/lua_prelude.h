// Lua helpers shared by the ledger's scripts (lua_scripts.h). Private to queue/.
//
// The prelude opens with the names the scripts compare and store (STATE.queued, OUTCOME.retry,
// KIND.transient), generated from the C++ tables in ledger_names.cpp so the two cannot drift.
#pragma once

#include <string>

// The lane helpers keep the invariant the claim script relies on: a lane with due work, free capacity
// and no parking is in `ready` with a score no later than the earliest time it may send. A score that
// is too early is harmless (claim re-scores the lane); one that is too late would stall the lane.
namespace fabu::lua {

// `local STATE = ...`, `local OUTCOME = ...`, `local KIND = ...`: each maps a C++ enumerator to its
// stored name; a key that is not there raises a script error.
std::string names_prelude();

// Inline, so every script defined after this header in a file is initialised after it.
inline const std::string kPrelude = names_prelude() + R"lua(
local base = ARGV[1]
local function k(name) return base .. name end
-- The prefixes of the keys a script names per delivery, lane or release, made once per call: such a
-- key is then one concatenation, not two (each makes and interns a new string).
local D_KEY, LQ_KEY, LANE_KEY, REL_KEY, WAITERS_KEY = base .. 'd:', base .. 'lq:', base .. 'lane:', base .. 'rel:',
                                                    base .. 'waiters:'
local function int(x) return string.format('%d', x) end
local function num(x) return tonumber(x) or 0 end
local function str(x) if x then return x end return '' end

-- Only ever lowers a lane's score in `ready` (ZADD LT adds a lane that is not there). A parked lane
-- is not looked up here (one read per admitted delivery): if it gets in, the first claim that reaches
-- it reads `parked` anyway and takes it out.
local function ready_lower(lane, at)
  redis.call('ZADD', k('ready'), 'LT', int(at), lane)
end

-- After a lane's queue changed: ready at its head's due time when it has queued work.
local function reschedule(lane, now)
  local head = redis.call('ZRANGE', LQ_KEY .. lane, '0', '0', 'WITHSCORES')
  if #head == 0 then return end
  local due = tonumber(head[2])
  if due < now then due = now end
  ready_lower(lane, due)
end

-- ZADD / ZREM / SADD of many members, in chunks that stay well inside Lua's limit on unpacked arguments.
-- `flag` (optional) is a ZADD option for every chunk, such as 'LT'.
local function zadd_all(key, pairs_flat, flag)
  for i = 1, #pairs_flat, 1000 do
    local last = math.min(i + 999, #pairs_flat)
    if flag then
      redis.call('ZADD', key, flag, unpack(pairs_flat, i, last))
    else
      redis.call('ZADD', key, unpack(pairs_flat, i, last))
    end
  end
end

-- `command key member ...` over every member, 500 to a command (`command member ...` when `key` is nil).
local function in_chunks(command, key, members)
  for i = 1, #members, 500 do
    local last = math.min(i + 499, #members)
    if key then
      redis.call(command, key, unpack(members, i, last))
    else
      redis.call(command, unpack(members, i, last))
    end
  end
end

local function zrem_all(key, members) in_chunks('ZREM', key, members) end
local function sadd_all(key, members) in_chunks('SADD', key, members) end
local function srem_all(key, members) in_chunks('SREM', key, members) end

-- ready_lower for many lanes in one ZADD: `pairs_flat` is {due, lane, due, lane, ...}. A lane named
-- twice keeps the lower of its times, as two calls would.
local function ready_lower_all(pairs_flat) zadd_all(k('ready'), pairs_flat, 'LT') end

local function lane_inflight_add(lane, delta)
  local lk = LANE_KEY .. lane
  if redis.call('HINCRBY', lk, 'inflight', delta) < 0 then redis.call('HSET', lk, 'inflight', '0') end
end

local function wake()
  redis.call('LPUSH', k('wake'), '1')
  redis.call('LTRIM', k('wake'), '0', '63')
end

-- Acknowledge and delete an intake entry: its content now lives in the release or reject record.
local function ack_intake(entry)
  if entry ~= '' then
    redis.call('XACK', k('intake'), 'fabud', entry)
    redis.call('XDEL', k('intake'), entry)
  end
end

-- A delivery that will never be sent (its release was retracted, its schedule cancelled, or a newer
-- revision took its place) leaves its lane queue and the dead letters and settles as `cancelled`.
local function cancel_delivery(id, why, now)
  local dk = D_KEY .. id
  local d = redis.call('HMGET', dk, 'state', 'lane', 'release')
  redis.call('HSET', dk, 'state', STATE.cancelled, 'note', why, 'updated_ms', int(now))
  if d[2] then redis.call('ZREM', LQ_KEY .. d[2], id) end
  if d[1] == 'dead' then
    redis.call('ZREM', k('dead'), id)
  elseif d[3] then
    redis.call('HINCRBY', REL_KEY .. d[3], 'done', 1)
  end
end

-- The id of a delivery other than the first publish (core/delivery_id.h gives the format).
local function op_id(release, channel, dest, op, rev)
  return release .. '|' .. channel .. '|' .. dest .. '|' .. op .. '.' .. rev
end

-- What a delivery id names: release, channel, destination, operation, revision (its hash holds the
-- same in `release` .. `rev`; the hot path reads them from the id, which costs no field).
local function id_parts(id)
  local release, channel, dest, rest = string.match(id, '^([^|]*)|([^|]*)|([^|]*)(.*)$')
  if rest == '' then return release, channel, dest, OP.publish, '1' end
  local op, rev = string.match(rest, '^|([^.]*)%.(%d+)$')
  return release, channel, dest, op, rev
end

-- Writes a new delivery whole. `deps` are the deliveries it waits for (each must be delivered first):
-- with none it is queued at `due`, else it waits and counts them down in `pending`. Fields at their
-- default ('' or 0) are left out: every reader takes an absent field as its default.
local function put_delivery(id, f, deps, due, now)
  local state, next_at = STATE.queued, int(due)
  if #deps > 0 then state, next_at = STATE.waiting, '0' end
  local fields = {'release', f.release, 'channel', f.channel, 'dest', f.dest, 'lane', f.lane, 'op', f.op, 'rev', f.rev,
                  'updated_ms', int(now), 'state', state, 'next_at', next_at}
  local function optional(name, value, default)
    if value and value ~= default then fields[#fields + 1] = name; fields[#fields + 1] = value end
  end
  optional('prev', f.prev, '')
  optional('waits_on', f.waits_on, '')
  optional('pending', int(#deps), '0')
  optional('in_doubt', f.in_doubt, '0')
  redis.call('HSET', D_KEY .. id, unpack(fields))
  for _, dep in ipairs(deps) do redis.call('SADD', WAITERS_KEY .. dep, id) end
  if state == STATE.queued then
    redis.call('ZADD', LQ_KEY .. f.lane, int(due), id)
    ready_lower(f.lane, due)
  end
end

local function push_reject(record)
  redis.call('LPUSH', k('rejects'), record)
  redis.call('LTRIM', k('rejects'), 0, 9999)
end
)lua";

}  // namespace fabu::lua
