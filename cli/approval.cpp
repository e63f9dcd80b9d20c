#include "cli/approval.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/input_file.h"
#include "core/base64.h"
#include "core/clock.h"
#include "core/ed25519.h"
#include "core/release.h"

namespace fabu::cli {
namespace {

// Creates `path` with `mode`, failing when it exists: a key is never overwritten by accident.
bool write_new_file(const std::string& path, const std::string& contents, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    std::cerr << "fabuctl keygen: cannot create " << path << ": " << std::strerror(errno)
              << (errno == EEXIST ? " (keys are never overwritten; choose another --out)" : "") << "\n";
    return false;
  }
  const bool ok = ::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size());
  const bool closed = ::close(fd) == 0;
  if (!ok || !closed) std::cerr << "fabuctl keygen: cannot write " << path << "\n";
  return ok && closed;
}

std::optional<std::string> read_small_file(const std::string& path, std::size_t limit) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > limit) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) return size == 0 ? std::optional<std::string>("") : std::nullopt;
  return text.str();
}

// The TOML table `fabuctl approve` appends. Strings are written as TOML basic strings.
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string toml_signature_table(const ApprovalSignature& entry) {
  std::string out = "\n[[approval.signatures]]\n";
  out += "key_id = " + toml_string(entry.key_id) + "\n";
  out += "role = " + toml_string(entry.role) + "\n";
  out += "signed_at = " + entry.signed_at.iso() + "\n";
  if (entry.override_screen) out += "override_screen = " + toml_string(*entry.override_screen) + "\n";
  out += "signature = " + toml_string(entry.signature) + "\n";
  return out;
}

std::string json_with_signature(const std::string& text, const ApprovalSignature& entry) {
  // ordered_json keeps the writer's member order; the document was validated, so it parses.
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text);
  nlohmann::ordered_json signed_entry = {{"key_id", entry.key_id}, {"role", entry.role},
                                         {"signed_at", entry.signed_at.iso()}};
  if (entry.override_screen) signed_entry["override_screen"] = *entry.override_screen;
  signed_entry["signature"] = entry.signature;
  auto& list = doc["approval"]["signatures"];
  if (!list.is_array()) list = nlohmann::ordered_json::array();
  list.push_back(std::move(signed_entry));
  return doc.dump(2) + "\n";
}

void print_errors(const std::string& file, const FieldErrors& errors) {
  std::cerr << file << ": not signed, " << errors.size() << " problem(s):\n";
  for (const auto& e : errors) std::cerr << "  " << (e.path.empty() ? "(document)" : e.path) << ": " << e.reason << "\n";
}

}  // namespace

int keygen(const std::string& out_name, const std::string& key_id) {
  auto pair = ed25519_generate();
  if (!pair) {
    std::cerr << "fabuctl keygen: " << pair.error() << "\n";
    return 1;
  }
  auto public_pem = ed25519_public_pem(pair->public_raw);
  if (!public_pem) {
    std::cerr << "fabuctl keygen: " << public_pem.error() << "\n";
    return 1;
  }
  const std::string key_path = out_name + ".key", pub_path = out_name + ".pub";
  if (std::filesystem::exists(key_path) || std::filesystem::exists(pub_path)) {
    std::cerr << "fabuctl keygen: " << (std::filesystem::exists(key_path) ? key_path : pub_path)
              << " exists; keys are never overwritten (choose another --out)\n";
    return 2;
  }
  if (!write_new_file(key_path, pair->private_pem, 0600)) return 1;
  if (!write_new_file(pub_path, *public_pem, 0644)) return 1;
  const std::string id = key_id.empty() ? std::filesystem::path(out_name).filename().string() : key_id;
  std::cout << "wrote " << key_path << " (private key, mode 0600: keep it with the reviewer) and " << pub_path << "\n"
            << "\nAdd the reviewer to fabu.toml (fill in name, unit, roles and validity):\n\n"
            << "[[approval.keys]]\n"
            << "id = " << toml_string(id) << "\n"
            << "name = \"\"            # the reviewer\n"
            << "unit = \"\"            # the reviewer's office\n"
            << "roles = [\"内容审核\"]  # review levels this key may sign for\n"
            << "public_key = \"" << base64_encode(pair->public_raw) << "\"\n"
            << "# valid_from = 2026-01-01\n# valid_until = 2026-12-31\n";
  return 0;
}

int approve(const ApproveOptions& options) {
  const std::string& file = options.release_file;
  const auto text = read_small_file(file, ReleaseLimits::document_bytes);
  if (!text) {
    std::cerr << file << ": cannot read it (or it is over " << ReleaseLimits::document_bytes << " bytes)\n";
    return 2;
  }
  const auto key_pem = read_small_file(options.key_file, 64 * 1024);
  if (!key_pem) {
    std::cerr << "fabuctl approve: cannot read the key " << options.key_file << "\n";
    return 2;
  }
  const DocumentFormat format = release_format_of(file);
  const bool json = format == DocumentFormat::json;
  ApprovalSignature entry{options.key_id, options.role, Timestamp::in_shanghai(unix_now_ms() / 1000), {},
                          options.override_screen};
  auto message = message_to_sign(*text, format, entry);
  if (!message) {
    print_errors(file, message.error());
    return 2;
  }
  auto signature = ed25519_sign(*key_pem, *message);
  if (!signature) {
    std::cerr << "fabuctl approve: " << options.key_file << ": " << signature.error() << "\n";
    return 2;
  }
  entry.signature = base64_encode(*signature);
  const std::string updated = json ? json_with_signature(*text, entry) : *text + toml_signature_table(entry);
  // What is written must read back with this very signature over these very bytes.
  auto check = read_release(updated, format);
  if (!check || check->signed_messages.empty() || check->signed_messages.back() != *message ||
      check->release.approval.signatures.back().signature != entry.signature) {
    if (!check) print_errors(file, check.error());
    std::cerr << file << ": not signed: the signature could not be added so that it reads back"
              << (json ? "" : " (is approval.signatures written inline? write it as [[approval.signatures]] tables)")
              << "\n";
    return 2;
  }
  if (!replace_file(file, updated)) {
    std::cerr << file << ": cannot write it: " << std::strerror(errno) << "\n";
    return 1;
  }
  std::cout << file << ": signed by " << entry.key_id << " as " << entry.role << " at " << entry.signed_at.iso()
            << " (" << check->release.approval.signatures.size() << " signature(s))\n";
  return 0;
}

}  // namespace fabu::cli
