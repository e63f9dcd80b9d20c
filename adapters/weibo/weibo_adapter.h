// The "weibo" channel type: a matrix hall of Sina Weibo accounts (a lead account and its members).
//
// Only the factory is public; the adapter lives in weibo_adapter.cpp. The factory validates a
// `[channels.<name>]` table (keys in docs and the sample fabu.toml) and resolves every account's token
// once; the adapter is then immutable apart from run-time token replacements, and thread-safe.
// Besides publishing it retracts (statuses/destroy) and corrects (a 更正 note, or delete and post again,
// per the channel's `correction` key); docs/PROTOCOL.md has the rules.
#pragma once

#include <memory>

#include "adapters/adapter.h"

namespace fabu {

std::unique_ptr<AdapterFactory> make_weibo_adapter_factory();

}  // namespace fabu
