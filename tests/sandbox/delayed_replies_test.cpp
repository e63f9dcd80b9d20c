#include "sandbox/delayed_replies.h"

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fabu::sandbox {
namespace {

using std::chrono::milliseconds;

TEST(DelayedReplies, FlushRunsPendingCallbacksInDeadlineOrder) {
  DelayedReplies queue;
  std::vector<std::string> order;
  queue.schedule(milliseconds(3'600'000), [&] { order.push_back("late"); });
  queue.schedule(milliseconds(1'200'000), [&] { order.push_back("early"); });
  queue.schedule(milliseconds(1'200'000), [&] { order.push_back("early-second"); });
  EXPECT_EQ(queue.pending(), 3u);
  queue.flush();
  EXPECT_EQ(order, (std::vector<std::string>{"early", "early-second", "late"}));
  EXPECT_EQ(queue.pending(), 0u);
}

TEST(DelayedReplies, WorkerRunsDueCallbacksAndSurvivesThrowingOnes) {
  std::mutex mutex;
  std::condition_variable done;
  int ran = 0;
  DelayedReplies queue;  // declared last: destroyed first, while the callbacks' locals still live
  queue.schedule(milliseconds(1), [] { throw std::runtime_error("client went away"); });
  for (int i = 0; i < 5; ++i) {
    queue.schedule(milliseconds(i), [&] {
      std::lock_guard lock(mutex);
      ++ran;
      done.notify_all();
    });
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(done.wait_for(lock, std::chrono::seconds(10), [&] { return ran == 5; }));
}

TEST(DelayedReplies, DestructorAnswersEverythingStillHeld) {
  int ran = 0;
  {
    DelayedReplies queue;
    queue.schedule(milliseconds(3'600'000), [&] { ++ran; });
    queue.schedule(milliseconds(3'600'000), [&] { ++ran; });
  }
  EXPECT_EQ(ran, 2);
}

}  // namespace
}  // namespace fabu::sandbox
