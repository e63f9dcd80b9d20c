// TableReader: typed, position-aware reads of one TOML table, shared by config/ and adapter factories.
//
// Every problem becomes a ConfigError located at the offending node (or the table itself when a key is
// missing), and the caller gets the default back, so a whole file can be checked in one pass.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.h"

namespace fabu {
namespace {

// "a string", "an integer": the phrase used in "expected X, got Y".
std::string_view type_phrase(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::string expected_message(const std::string& path, std::string_view expected, const toml::node& got) {
  return path + ": expected " + std::string(expected) + ", got " + std::string(type_phrase(got.type()));
}

std::string trim(std::string s) {
  const char* space = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(space);
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(space);
  return s.substr(first, last - first + 1);
}

// Relative paths in a config file mean "next to the config file", wherever fabud was started from.
std::string resolve_against(const std::string& config_file, const std::string& value) {
  const std::filesystem::path path(value);
  if (path.is_absolute()) return value;
  const std::filesystem::path folder = std::filesystem::path(config_file).parent_path();
  if (folder.empty()) return path.lexically_normal().string();
  return (folder / path).lexically_normal().string();
}

}  // namespace

TableReader::TableReader(const toml::table& table, std::string file, std::string path_prefix,
                         ConfigErrors& errors)
    : table_(table), file_(std::move(file)), prefix_(std::move(path_prefix)), errors_(errors) {}

std::string TableReader::path(std::string_view key) const {
  if (prefix_.empty()) return std::string(key);
  return prefix_ + "." + std::string(key);
}

void TableReader::error_at(const toml::node* node, std::string message) {
  const toml::source_region& where = node != nullptr ? node->source() : table_.source();
  errors_.push_back(ConfigError{file_, static_cast<int>(where.begin.line),
                                static_cast<int>(where.begin.column), std::move(message)});
}

std::string TableReader::string(std::string_view key, std::string def, bool required) {
  const toml::node* node = table_.get(key);
  if (node == nullptr) {
    if (required) error_at(nullptr, "missing required key '" + path(key) + "'");
    return def;
  }
  const auto* value = node->as_string();
  if (value == nullptr) {
    error_at(node, expected_message(path(key), "a string", *node));
    return def;
  }
  if (required && value->get().empty()) {
    error_at(node, path(key) + ": must not be empty");
    return def;
  }
  return value->get();
}

std::int64_t TableReader::integer(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max) {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return def;
  const auto* value = node->as_integer();
  if (value == nullptr) {
    error_at(node, expected_message(path(key), "an integer", *node));
    return def;
  }
  const std::int64_t v = value->get();
  if (v < min || v > max) {
    error_at(node, path(key) + ": " + std::to_string(v) + " is out of range " + std::to_string(min) + ".." +
                       std::to_string(max));
    return def;
  }
  return v;
}

double TableReader::number(std::string_view key, double def, double min, double max) {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return def;
  double v = 0;
  if (const auto* i = node->as_integer()) {
    v = static_cast<double>(i->get());
  } else if (const auto* f = node->as_floating_point()) {
    v = f->get();
  } else {
    error_at(node, expected_message(path(key), "a number", *node));
    return def;
  }
  if (!(v >= min && v <= max)) {  // also rejects nan
    std::ostringstream message;
    message << path(key) << ": " << v << " is out of range " << min << ".." << max;
    error_at(node, message.str());
    return def;
  }
  return v;
}

bool TableReader::boolean(std::string_view key, bool def) {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return def;
  const auto* value = node->as_boolean();
  if (value == nullptr) {
    error_at(node, expected_message(path(key), "a boolean (true or false)", *node));
    return def;
  }
  return value->get();
}

std::vector<std::string> TableReader::strings(std::string_view key) {
  std::vector<std::string> result;
  const toml::array* items = array(key);
  if (items == nullptr) return result;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const toml::node& item = *items->get(i);
    const std::string item_path = path(key) + "[" + std::to_string(i) + "]";
    if (const auto* s = item.as_string()) {
      result.push_back(s->get());
    } else {
      error_at(&item, expected_message(item_path, "a string", item));
    }
  }
  return result;
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return nullptr;
  const auto* value = node->as_table();
  if (value == nullptr) error_at(node, expected_message(path(key), "a table", *node));
  return value;
}

const toml::array* TableReader::array(std::string_view key) {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return nullptr;
  const auto* value = node->as_array();
  if (value == nullptr) error_at(node, expected_message(path(key), "an array", *node));
  return value;
}

std::string TableReader::secret(std::string_view key, bool required) {
  const std::string env_key = std::string(key) + "_env";
  const std::string file_key = std::string(key) + "_file";
  const toml::node* inline_node = table_.get(key);
  const toml::node* env_node = table_.get(env_key);
  const toml::node* file_node = table_.get(file_key);
  const std::string choices = "'" + path(key) + "', '" + path(env_key) + "' or '" + path(file_key) + "'";

  const int given = (inline_node != nullptr) + (env_node != nullptr) + (file_node != nullptr);
  if (given > 1) {
    error_at(env_node != nullptr ? env_node : file_node, "set only one of " + choices);
    return {};
  }
  if (given == 0) {
    if (required) error_at(nullptr, "missing required key: set one of " + choices);
    return {};
  }

  std::string value;
  if (inline_node != nullptr) {
    value = string(key);
  } else if (env_node != nullptr) {
    const std::string variable = string(env_key);
    if (variable.empty()) return {};  // wrong type, already reported
    const char* set = std::getenv(variable.c_str());
    if (set == nullptr) {
      error_at(env_node, path(env_key) + ": environment variable '" + variable + "' is not set");
      return {};
    }
    value = set;
  } else {
    const std::string file = file_path(file_key);
    if (file.empty()) return {};
    std::ifstream in(file, std::ios::binary);
    std::ostringstream contents;
    errno = 0;
    if (!in || !(contents << in.rdbuf())) {
      const int error = errno;
      error_at(file_node, path(file_key) + ": cannot read '" + file +
                              "': " + (error != 0 ? std::strerror(error) : "unreadable or empty"));
      return {};
    }
    // Secret files usually end with a newline an editor added; it is never part of the token.
    value = trim(contents.str());
  }
  if (required && value.empty()) {
    error_at(inline_node != nullptr ? inline_node : (env_node != nullptr ? env_node : file_node),
             path(key) + ": the secret is empty");
  }
  return value;
}

std::string TableReader::file_path(std::string_view key, std::string def, bool required) {
  std::string value = string(key, std::move(def), required);
  if (value.empty()) return value;
  return resolve_against(file_, value);
}

void TableReader::reject_unknown(std::initializer_list<std::string_view> known) {
  for (const auto& [key, node] : table_) {
    bool listed = false;
    for (std::string_view k : known) listed = listed || k == key.str();
    if (listed) continue;
    // Point at the key as typed; fall back to the value when the key carries no position.
    const toml::source_region& where = key.source().begin.line != 0 ? key.source() : node.source();
    errors_.push_back(ConfigError{file_, static_cast<int>(where.begin.line),
                                  static_cast<int>(where.begin.column),
                                  "unknown key '" + path(key.str()) + "'"});
  }
}

}  // namespace fabu
