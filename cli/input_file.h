// Files named on fabuctl's command line (a release, a correction, a conference record): read whole,
// but never past a limit; and the files fabuctl writes back (a signed release, a draft to sign). The
// limit is kept while reading, not only checked against the file's size: /dev/zero, /dev/urandom, a
// FIFO or /dev/stdin have no size to check, and a file may grow as it is read.
//
// Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include "core/release.h"

namespace fabu::cli {

// At most `bytes` bytes; `name` is what messages call the limit (a ReleaseLimits member).
struct ReadLimit {
  std::size_t bytes;
  std::string_view name;
};

// A release file, as fabud's intake takes it.
inline constexpr ReadLimit release_file_limit{ReleaseLimits::document_bytes, "document_bytes"};

// The whole of the file at `path`, whatever its kind (regular, device, FIFO, /dev/stdin). Otherwise a
// reason to print after "PATH: ": "is a folder, not a file", "cannot read it: " and the system's
// reason (e.g. "No such file or directory", "Permission denied"), "is N bytes, over the limit NAME (M)"
// for a regular file (not read at all), or "is more than M bytes, over the limit NAME (M)" for the
// others. Reads at most limit.bytes + 1 bytes. Like cat, it waits while a FIFO has no writer.
std::expected<std::string, std::string> read_input_file(const std::string& path, ReadLimit limit);

// How a release file named `path` is read: JSON for a name ending in .json, else TOML.
DocumentFormat release_format_of(const std::string& path);

// Replaces `path` by `contents` through a temporary file beside it, fsync and rename, keeping the
// file's mode (0644 for a new file): a reader sees the old file or the new one, never a part. False
// (errno set) when it could not.
bool replace_file(const std::string& path, const std::string& contents);

}  // namespace fabu::cli
