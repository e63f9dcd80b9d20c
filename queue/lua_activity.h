// The targets a release names, kept at admission for the complete script's `activity` stamps. Private
// to queue/; needs kPrelude before it.
//
// complete stamps `activity` with `<channel>#<target>` for every target the delivered release names in
// the delivery's channel. Decoding the release's JSON for that cost ~30 us per release and call, so
// admit (and a correction) writes those field names once into the release's `act` field, one per line.
// A release whose targets cannot be written that way (a line break in a target, a '#' in a channel's
// name) gets no `act`, like a release admitted before `act` existed, and complete decodes its JSON as
// before.
#pragma once

namespace fabu::lua {

inline constexpr const char* kActivity = R"lua(
-- The release's targets as '<channel>#<target>' names (none when the document does not decode: then
-- only destinations stamp), and true when a name would not read back from `act` (a line break in a
-- target, a '#' in a channel). The canonical JSON's one "targets" object holds no nested object, so that
-- part alone is decoded when it reads as a whole; anything else decodes the whole document.
local function release_target_names(json)
  local targets
  local at = string.find(json, '"targets":', 1, true)
  if at and not string.find(json, '"targets":', at + 1, true) then
    local ok, t = pcall(cjson.decode, string.match(json, '^%b{}', at + 10) or '')
    if ok and type(t) == 'table' then targets = t end
  end
  if not targets then
    local ok, doc = pcall(cjson.decode, json)
    if not ok or type(doc) ~= 'table' or type(doc.targets) ~= 'table' then return {}, false end
    targets = doc.targets
  end
  local names, odd = {}, false
  for channel, list in pairs(targets) do
    if type(channel) == 'string' and type(list) == 'table' then
      for _, t in ipairs(list) do
        if type(t) == 'string' then
          names[#names + 1] = channel .. '#' .. t
          odd = odd or string.find(channel, '#', 1, true) ~= nil or string.find(t, '\n', 1, true) ~= nil
        end
      end
    end
  end
  return names, odd
end

-- The `act` value of a release: its target names one per line, nil when they would not read back.
local function activity_targets(json)
  local names, odd = release_target_names(json)
  if odd then return nil end
  table.sort(names)
  return table.concat(names, '\n')
end

-- Of a list of target names, those of one channel.
local function channel_names(names, channel)
  local prefix, out = channel .. '#', {}
  for _, name in ipairs(names) do
    if string.sub(name, 1, #prefix) == prefix then out[#out + 1] = name end
  end
  return out
end

-- The activity fields of `act` for one channel: its lines that start with '<channel>#'.
local function activity_fields(act, channel)
  local names = {}
  for line in string.gmatch(act, '[^\n]+') do names[#names + 1] = line end
  return channel_names(names, channel)
end
)lua";

}  // namespace fabu::lua
