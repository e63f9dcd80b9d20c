// CalendarFileWriter: keeps the conference feed (conference/calendar.h) written to a file under the
// portal, `[conference] calendar_file`, for the web server to serve next to the pages.
//
// One thread with a ledger of its own renders the feed every `interval` and replaces the file (write,
// fsync, rename) only when the text changed, so a subscriber's conditional GET sees a change only
// when there is one. Several instances writing one folder write the same text. A Redis outage only
// delays the next write. Starts in the constructor; the destructor stops and joins.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "conference/calendar.h"
#include "queue/delivery_ledger.h"

namespace fabu {

class CalendarFileWriter {
 public:
  // `lookup` is called from the writer's thread: it must be thread-safe (ChannelSet's is).
  CalendarFileWriter(std::unique_ptr<DeliveryLedger> ledger, SeriesLookup lookup, std::string path,
                     std::chrono::milliseconds interval = std::chrono::seconds(2));
  ~CalendarFileWriter();
  CalendarFileWriter(const CalendarFileWriter&) = delete;
  CalendarFileWriter& operator=(const CalendarFileWriter&) = delete;

  // Renders the feed and writes it when it changed; true when the file now holds the feed.
  Result<bool> write_once();

 private:
  void run();

  std::unique_ptr<DeliveryLedger> ledger_;  // this thread's only
  const SeriesLookup lookup_;
  const std::string path_;
  const std::chrono::milliseconds interval_;
  std::string written_;  // the text last written
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fabu
