#include "sandbox/delayed_replies.h"

namespace fabu::sandbox {

DelayedReplies::DelayedReplies() : worker_([this] { run(); }) {}

DelayedReplies::~DelayedReplies() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
  flush();
}

void DelayedReplies::schedule(std::chrono::milliseconds delay, std::function<void()> send) {
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    Entry entry{Clock::now() + delay, next_sequence_++, std::move(send)};
    earliest = queue_.empty() || Later{}(queue_.top(), entry);
    queue_.push(std::move(entry));
  }
  // Only a new earliest deadline changes how long the worker must sleep.
  if (earliest) wake_.notify_one();
}

void DelayedReplies::flush() {
  std::vector<std::function<void()>> due;
  {
    std::lock_guard lock(mutex_);
    while (!queue_.empty()) {
      due.push_back(std::move(const_cast<Entry&>(queue_.top()).send));
      queue_.pop();
    }
  }
  for (const auto& send : due) run_safely(send);
}

std::size_t DelayedReplies::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void DelayedReplies::run() {
  std::unique_lock lock(mutex_);
  std::vector<std::function<void()>> due;
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto now = Clock::now();
    if (queue_.top().deadline > now) {
      // A copy: the queue may reallocate while the lock is released during the wait.
      const auto deadline = queue_.top().deadline;
      wake_.wait_until(lock, deadline);
      continue;
    }
    while (!queue_.empty() && queue_.top().deadline <= now) {
      // priority_queue::top() is const; the entry is popped right after, so moving out is safe.
      due.push_back(std::move(const_cast<Entry&>(queue_.top()).send));
      queue_.pop();
    }
    lock.unlock();
    for (const auto& send : due) run_safely(send);
    due.clear();
    lock.lock();
  }
}

void DelayedReplies::run_safely(const std::function<void()>& send) {
  try {
    send();
  } catch (...) {
    // A client that went away while its reply was held is normal here; nothing to do.
  }
}

}  // namespace fabu::sandbox
