// Small file operations for the portal writer, each reporting failure as an Error value that names the
// path and the system's reason. Failures of the disk (full, read-only, I/O) are transient: an operator
// can fix them and the delivery should then go through. Thread-compatible: no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace fabu::portal {

// Replaces `path` with `content` so that readers see the old or the new file, never a mix: writes a
// temporary file in the same folder, fsyncs it, renames it over `path`, then fsyncs the folder.
// Writing bytes equal to the current content still rewrites the file (cheap, and keeps the code simple).
Result<void> write_file_atomically(const std::string& path, std::string_view content);

// The file's content; nullopt when it does not exist; an Error when it exists but cannot be read.
Result<std::optional<std::string>> read_file_if_exists(const std::string& path);

// Creates `dir` and its missing parents below `root`. REQUIRES: `root` exists.
Result<void> make_directories(const std::string& dir);

// Makes sure the output folder exists, creating it (but not its parent) if needed. A missing parent is
// a config error: a typo in output_dir should not silently create a tree somewhere.
Result<void> ensure_output_dir(const std::string& dir);

// ensure_output_dir, then proves the folder writable by creating and removing a file in it (as the
// user fabud runs as: permissions, read-only mounts and systemd's ProtectSystem all show here).
Result<void> output_dir_writable(const std::string& dir);

// Removes `path` if it exists.
Result<void> remove_file(const std::string& path);

}  // namespace fabu::portal
