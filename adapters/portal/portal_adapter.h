// The `portal` channel: the government portal's static pages (政府信息公开目录 articles, column
// index pages, Atom feeds), written into a folder that a web server serves as is.
//
// Only the factory is public; the adapter lives in portal_adapter.cpp. The adapter writes files on one
// internal worker thread, so deliveries to one portal never interleave within a process.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "adapters/adapter.h"

namespace fabu {

std::unique_ptr<AdapterFactory> make_portal_adapter_factory();

// The same with another clock (Unix ms) for the times the portal shows: 发布日期 (when an article is
// first written), 更正说明 dates and withdrawal dates. For tests.
std::unique_ptr<AdapterFactory> make_portal_adapter_factory(std::function<std::int64_t()> now);

}  // namespace fabu
