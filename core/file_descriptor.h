// An open file descriptor owned by one object: closed when the object goes, or earlier by close(),
// which reports what closing said (a write to NFS may fail only there).
#pragma once

#include <unistd.h>

namespace fabu {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  // The descriptor, or -1 when opening failed or it was closed.
  int get() const { return fd_; }

  // Closes now; 0, or -1 with errno set.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

}  // namespace fabu
