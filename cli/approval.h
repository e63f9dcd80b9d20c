// fabuctl keygen and approve: a reviewer's key pair, and a reviewer's signature added to a release
// file. Neither needs a config or Redis. Exit codes as in cli/commands.h.
#pragma once

#include <optional>
#include <string>

namespace fabu::cli {

// Writes NAME.key (PKCS#8 PEM, mode 0600) and NAME.pub (SubjectPublicKeyInfo PEM); refuses to
// overwrite either. Prints the [[approval.keys]] table to paste into fabu.toml.
int keygen(const std::string& out_name, const std::string& key_id);

struct ApproveOptions {
  std::string key_file;  // PKCS#8 PEM private key
  std::string key_id;
  std::string role;
  std::optional<std::string> override_screen;
  std::string release_file;  // TOML (anything but .json) or JSON
};

// Adds one approval.signatures entry signed now (+08:00) to the release file, in place.
int approve(const ApproveOptions& options);

}  // namespace fabu::cli
