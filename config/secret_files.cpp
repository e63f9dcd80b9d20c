#include "config/secret_files.h"

#include <sys/stat.h>

#include <array>
#include <cstdio>

#include "config/config.h"

namespace fabu {
namespace {

constexpr std::array secret_file_keys = {"password_file", "token_file", "token_key_file", "tls_key_file",
                                         "private_key_file", "secret_file"};

void walk(const toml::node& node, const std::string& path, const std::string& config_file,
          std::vector<std::string>& out);

void walk_table(const toml::table& table, const std::string& path, const std::string& config_file,
                std::vector<std::string>& out) {
  for (const auto& [key, value] : table) {
    const std::string name(key.str());
    const std::string here = path.empty() ? name : path + "." + name;
    if (names_secret_file(name) && value.is_string()) {
      ConfigErrors ignored;  // a wrong value is reported by the reader that uses it
      const std::string file = TableReader(table, config_file, path, ignored).file_path(name);
      struct stat info {};
      if (!file.empty() && ::stat(file.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(info.st_mode & 07777));
        out.push_back(file + " (" + here + ") is readable by group or others (mode " + mode +
                      "): it holds a secret, run chmod 600 on it");
      }
      continue;
    }
    walk(value, here, config_file, out);
  }
}

void walk(const toml::node& node, const std::string& path, const std::string& config_file,
          std::vector<std::string>& out) {
  if (const auto* table = node.as_table()) {
    walk_table(*table, path, config_file, out);
  } else if (const auto* array = node.as_array()) {
    for (std::size_t i = 0; i < array->size(); ++i) {
      walk(*array->get(i), path + "[" + std::to_string(i) + "]", config_file, out);
    }
  }
}

}  // namespace

bool names_secret_file(std::string_view key) {
  for (std::string_view k : secret_file_keys) {
    if (k == key) return true;
  }
  return false;
}

std::vector<std::string> exposed_secret_files(const toml::table& document, const std::string& config_file) {
  std::vector<std::string> out;
  walk_table(document, "", config_file, out);
  return out;
}

}  // namespace fabu
