#include "cli/input_file.h"

#include <sys/stat.h>

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace fabu::cli {
namespace {

using fabu::testing::TempDir;
using fabu::testing::write_file;

constexpr ReadLimit kTen{10, "document_bytes"};

// The text read, or "refused: " and the reason, so that a failure shows both.
std::string read_outcome(const std::string& path, ReadLimit limit) {
  const auto text = read_input_file(path, limit);
  return text ? *text : "refused: " + text.error();
}

TEST(InputFile, ReadsAFileUpToTheLimitWhole) {
  TempDir dir;
  write_file(dir.path() + "/ten.toml", "0123456789");
  write_file(dir.path() + "/empty.toml", "");
  EXPECT_EQ(read_outcome(dir.path() + "/ten.toml", kTen), "0123456789");
  EXPECT_EQ(read_outcome(dir.path() + "/empty.toml", kTen), "");
}

TEST(InputFile, ARegularFileOverTheLimitIsRefusedWithItsSize) {
  TempDir dir;
  write_file(dir.path() + "/eleven.toml", "0123456789a");
  EXPECT_EQ(read_outcome(dir.path() + "/eleven.toml", kTen),
            "refused: is 11 bytes, over the limit document_bytes (10)");
}

// /dev/zero and /dev/urandom have no size to check first and never end.
TEST(InputFile, AnEndlessDeviceIsReadOnlyToTheLimit) {
  for (const char* device : {"/dev/zero", "/dev/urandom"}) {
    EXPECT_EQ(read_outcome(device, release_file_limit),
              "refused: is more than 524288 bytes, over the limit document_bytes (524288)")
        << device;
  }
}

// A FIFO has no size either: what its writer sends is taken up to the limit.
TEST(InputFile, AFifoIsReadToTheLimit) {
  TempDir dir;
  const std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto through_fifo = [&](const std::string& sent) {
    std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << sent; });
    const std::string outcome = read_outcome(fifo, kTen);
    writer.join();
    return outcome;
  };
  EXPECT_EQ(through_fifo("0123456789"), "0123456789");
  EXPECT_EQ(through_fifo("0123456789a"), "refused: is more than 10 bytes, over the limit document_bytes (10)");
}

TEST(InputFile, AFolderIsRefused) {
  TempDir dir;
  EXPECT_EQ(read_outcome(dir.path(), kTen), "refused: is a folder, not a file");
}

TEST(InputFile, AFileThatCannotBeOpenedSaysWhy) {
  TempDir dir;
  EXPECT_EQ(read_outcome(dir.path() + "/missing.toml", kTen), "refused: cannot read it: No such file or directory");
  // A path through a file fails for every user, root included (permissions would not stop root).
  write_file(dir.path() + "/plain.toml", "x");
  EXPECT_EQ(read_outcome(dir.path() + "/plain.toml/inner.toml", kTen), "refused: cannot read it: Not a directory");
}

}  // namespace
}  // namespace fabu::cli
