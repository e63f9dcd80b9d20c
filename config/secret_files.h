// Secret files that others can read: a token or password file with mode 0644 hands the accounts to
// every user of the machine. Found by key name anywhere in fabu.toml, so the channels' own tables
// (e.g. a Weibo account's `token_file`) are covered without each adapter checking.
#pragma once

#include <string>
#include <vector>

#include <toml++/toml.h>

namespace fabu {

// Keys whose value names a file holding a secret.
bool names_secret_file(std::string_view key);

// One warning per such file that exists and is readable by group or others, e.g.
// "/etc/fabu/lanshan.token (channels.microblog.accounts[3].token_file) is readable by group or
// others (mode 0644): it holds a secret, run chmod 600 on it". Files that cannot be stat'ed are left
// to the reader that needs them, which reports them as errors.
std::vector<std::string> exposed_secret_files(const toml::table& document, const std::string& config_file);

}  // namespace fabu
