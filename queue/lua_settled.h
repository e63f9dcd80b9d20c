// Settled deliveries in their compact form (docs/PROTOCOL.md, "Retention"). Private to queue/; needs
// kPrelude before it.
//
// When a release settles, the `d:` hash of each of its delivered, retracted and cancelled deliveries
// is packed into a MessagePack row of `rel:<id>:settled` (one string per release) and deleted, with
// its `waiters:` set and its member of `rel:<id>:d`. Dead deliveries keep their hash, so the dead
// letters stay retryable and droppable exactly as before. Every script that makes a settled release
// live again (retract, a correction, retry_dead) unpacks it first.
//
// Packed when delivered: complete packs a delivered delivery at once, while its release lives, when
// nothing may still read or change its hash (no dependants, not a retraction, a release of at most
// PACK_CHUNK deliveries; lua_dispatch.cpp). So a live release holds packed rows only of deliveries with
// nothing left to do. Scripts that read deliveries that may be packed read both forms through
// `delivery_get` and `delivery_ids`. Records written before compaction existed (no
// `rel:<id>:settled`) are read as they are.
//
// Packing goes in chunks of at most PACK_CHUNK deliveries per script call, so that Redis never blocks
// long on one large release: the call that settles a release of at most PACK_CHUNK deliveries packs it
// whole, with the commands the hot path always used; a larger release waits in `packing` (scored by the SSCAN cursor of `rel:<id>:d` where the next chunk starts) for the
// pack_settled script to do the rest, one chunk per call. Each chunk first checks that the release is
// still settled (`done` >= `total`); unpacking takes the release out of `packing`. So a release may be
// partly packed for a while: readers already read both forms, and the string holds one MessagePack
// array per chunk, one after the other.
#pragma once

namespace fabu::lua {

inline constexpr const char* kSettled = R"lua(
-- A row is {id without '<release>', then these fields}; false = the hash had no such field. References
-- to a delivery of the same release (prev, waits_on) drop the release id too (they start with '|'),
-- and a lane named '<channel>/<destination>' is stored as ''.
local PACK_CHUNK = 500  -- deliveries packed per script call at most
local PACKED = {'state', 'attempt', 'in_doubt', 'post_id', 'url', 'note', 'error', 'error_kind', 'updated_ms',
                'lane', 'op', 'rev', 'prev', 'waits_on', 'dropped'}
local SETTLES = {[STATE.delivered] = true, [STATE.retracted] = true, [STATE.cancelled] = true}
local NUMERIC = {attempt = true, updated_ms = true}
local packed_of = {}  -- release id -> {suffix -> fields} or false, read once per script call

local function release_of(id) return string.match(id, '^[^|]*') end

local function packed_key(rid) return REL_KEY .. rid .. ':settled' end

local function packed_rows(rid)
  local rows = packed_of[rid]
  if rows ~= nil then return rows end
  rows = false
  local blob = redis.call('GET', packed_key(rid))
  if blob then
    rows = {}
    local chunks = {cmsgpack.unpack(blob)}  -- one array per chunk packed
    for _, chunk in ipairs(chunks) do for _, r in ipairs(chunk) do
      local suffix = r[1]
      local channel, dest = string.match(suffix, '^|([^|]*)|([^|]*)')
      -- What a settled hash holds besides the packed fields: no owner, due time or pending count.
      local f = {release = rid, channel = channel, dest = dest, owner = '', next_at = '0', pending = '0'}
      for i, name in ipairs(PACKED) do
        local v = r[i + 1]
        if v ~= false and v ~= nil then
          if NUMERIC[name] then v = int(v) end
          if (name == 'prev' or name == 'waits_on') and string.sub(v, 1, 1) == '|' then v = rid .. v end
          f[name] = v
        end
      end
      if f.lane == '' then f.lane = channel .. '/' .. dest end
      rows[suffix] = f
    end end
  end
  packed_of[rid] = rows
  return rows
end

-- The fields of a compacted delivery as its hash held them; nil when it is not compacted.
local function packed_delivery(id)
  local rid = release_of(id)
  local rows = packed_rows(rid)
  return rows and rows[string.sub(id, #rid + 1)]
end

-- HMGET of a delivery in either form.
local function delivery_get(id, ...)
  local names = {...}
  local v = redis.call('HMGET', D_KEY .. id, ...)
  for i = 1, #names do if v[i] then return v end end
  local f = packed_delivery(id)
  if not f then return v end
  for i, name in ipairs(names) do v[i] = f[name] or false end
  return v
end

-- Every delivery id of a release, in either form.
local function delivery_ids(rid)
  local ids = redis.call('SMEMBERS', REL_KEY .. rid .. ':d')
  local rows = packed_rows(rid)
  if rows then for suffix in pairs(rows) do ids[#ids + 1] = rid .. suffix end end
  return ids
end

-- A delivery hash's fields (PACKED order) as its row.
local function packed_row(rid, id, d)
  local suffix = string.sub(id, #rid + 1)
  local channel, dest = string.match(suffix, '^|([^|]*)|([^|]*)')
  local row = {suffix}
  for i = 1, #PACKED do
    local name, v = PACKED[i], d[i]
    if v and NUMERIC[name] then v = tonumber(v) or 0 end
    if v and (name == 'prev' or name == 'waits_on') and string.sub(v, 1, #rid + 1) == rid .. '|' then
      v = string.sub(v, #rid + 1)
    end
    if name == 'lane' and v == channel .. '/' .. dest then v = '' end
    row[i + 1] = v
  end
  return row
end

-- Reads a delivery's hash; when it has settled (dead ones do not pack), adds its row to `rows` and the
-- keys packing deletes to `gone`. Returns its state (nil: no hash). Only a cancelled delivery can
-- still have waiters: a delivered one's went when it was delivered.
local function take_settled(rid, id, rows, gone)
  local d = redis.call('HMGET', D_KEY .. id, unpack(PACKED))
  local state = d[1]
  if SETTLES[state] then
    rows[#rows + 1] = packed_row(rid, id, d)
    gone[#gone + 1] = D_KEY .. id
    if state == STATE.cancelled then gone[#gone + 1] = WAITERS_KEY .. id end
  end
  return state
end

-- Adds a chunk of rows to the release's packed string (GET and SET: the commands the hot path's ACL
-- already has; see compact_whole).
local function append_packed(rid, rows)
  local old = redis.call('GET', packed_key(rid)) or ''
  redis.call('SET', packed_key(rid), old .. cmsgpack.pack(rows))
end

-- Packs a release of at most PACK_CHUNK deliveries whole, in the call that settles it, with the
-- commands complete has always used (no SSCAN or SREM: an ACL user from before chunked packing keeps
-- delivering). Returns false, packing nothing, for a larger release: the retention sweep packs that
-- one in chunks (pack_settled). A live delivery or a missing hash leaves the release as it is.
local function compact_whole(rid)
  local rk = REL_KEY .. rid
  local ids = redis.call('SMEMBERS', rk .. ':d')
  if #ids > PACK_CHUNK then return false end
  local rows, gone, keep = {}, {}, {}
  for _, id in ipairs(ids) do
    local state = take_settled(rid, id, rows, gone)
    if state == STATE.dead then
      keep[#keep + 1] = id
    elseif not SETTLES[state] then
      return true
    end
  end
  if #rows == 0 then return true end
  append_packed(rid, rows)
  redis.call('DEL', rk .. ':d')
  sadd_all(rk .. ':d', keep)
  in_chunks('DEL', nil, gone)
  packed_of[rid] = nil
  return true
end

-- Packs the next chunk (at most PACK_CHUNK) of a release in `packing`; returns how many it packed. The
-- release leaves `packing` when its set has been walked through, when it is gone or alive again
-- (`done` < `total`), or when a delivery is live or a hash is missing (a leftover id: the rest is left
-- as it is). SSCAN returns every member present from start to end of the walk at least once; members
-- packed meanwhile are removed, and members added come only with an unpack, which ends the walk.
local function compact_release(rid)
  local rk = REL_KEY .. rid
  local function stop() redis.call('ZREM', k('packing'), rid) return 0 end
  local c = redis.call('HMGET', rk, 'total', 'done')
  if not c[1] or num(c[2]) < num(c[1]) then return stop() end
  local cursor = redis.call('ZSCORE', k('packing'), rid) or '0'
  local rows, gone, ids, seen, examined = {}, {}, {}, {}, 0
  repeat
    local scan = redis.call('SSCAN', rk .. ':d', cursor, 'COUNT', 100)
    local batch, whole = scan[2], true
    for i, id in ipairs(batch) do
      if #rows >= PACK_CHUNK then whole = false break end  -- the rest of this batch: next call, same cursor
      if not seen[id] then
        seen[id] = true
        local state = take_settled(rid, id, rows, gone)
        if SETTLES[state] then
          ids[#ids + 1] = id
        elseif state ~= STATE.dead then
          return stop()
        end
      end
    end
    examined = examined + #batch
    if whole then cursor = scan[1] end
  until cursor == '0' or not whole or examined >= 2 * PACK_CHUNK  -- dead ones are read too
  if #rows > 0 then
    -- The row first, the hashes last: a call that fails half-way leaves a delivery in both forms, which
    -- every reader handles (the hash wins), never in neither.
    append_packed(rid, rows)
    srem_all(rk .. ':d', ids)
    in_chunks('DEL', nil, gone)
    packed_of[rid] = nil
  end
  if cursor == '0' then
    stop()
  else
    redis.call('ZADD', k('packing'), cursor, rid)
  end
  return #rows
end

-- A settled release that comes alive again gets its hashes back, as they were, before anything reads
-- or writes them.
local function unpack_release(rid)
  redis.call('ZREM', k('packing'), rid)
  local rows = packed_rows(rid)
  if not rows then return end
  local ids = {}
  for suffix, f in pairs(rows) do
    local args = {}
    for name, v in pairs(f) do
      args[#args + 1] = name
      args[#args + 1] = v
    end
    redis.call('HSET', D_KEY .. rid .. suffix, unpack(args))
    ids[#ids + 1] = rid .. suffix
  end
  sadd_all(REL_KEY .. rid .. ':d', ids)
  redis.call('DEL', packed_key(rid))
  packed_of[rid] = false
end

-- A release whose every delivery has settled is entered in `settled` (scored by when), for retention,
-- and packed: whole when it is small, else entered in `packing` for the sweep. A caller that has the
-- release's `done` count and `total` passes them (not read again).
local function settle_check(release, now, done, total)
  if done == nil then
    local r = redis.call('HMGET', REL_KEY .. release, 'total', 'done')
    total, done = r[1], num(r[2])
  end
  if total and done >= num(total) then
    redis.call('ZADD', k('settled'), int(now), release)
    if not compact_whole(release) then
      redis.call('ZADD', k('packing'), 'NX', 0, release)  -- NX: one already under way keeps its cursor
    end
  end
end
)lua";

}  // namespace fabu::lua
