// [api] and [[api.tokens]], and the older daemon.api_listen.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"

namespace fabu {
namespace {

using ::testing::HasSubstr;

const std::string kHash(64, 'a');

std::string all_messages(std::string_view text) {
  auto result = parse_config(text, "t.toml");
  if (result) return {};
  std::string out;
  for (const auto& e : result.error()) out += e.to_string() + "\n";
  return out;
}

TEST(ApiConfigTest, NoApiByDefault) {
  auto config = parse_config("", "t.toml");
  ASSERT_TRUE(config);
  EXPECT_EQ((*config)->api.listen, "");
  EXPECT_EQ((*config)->api.max_body_bytes, 1 << 20);
  EXPECT_TRUE((*config)->api.tokens.empty());
}

TEST(ApiConfigTest, ReadsEveryKey) {
  auto config = parse_config(R"([api]
listen = "127.0.0.1:8780"
threads = 3
max_connections = 10
max_body_bytes = 65536
max_header_bytes = 4096
max_headers = 20
read_timeout_seconds = 5
[[api.tokens]]
name = "cms"
roles = ["submit", "read"]
sha256 = ")" + std::string(64, 'A') + R"("
)",
                             "/etc/fabu/fabu.toml");
  ASSERT_TRUE(config) << config.error()[0].to_string();
  const ApiConfig& api = (*config)->api;
  EXPECT_EQ(api.host, "127.0.0.1");
  EXPECT_EQ(api.port, 8780);
  EXPECT_TRUE(api.loopback);
  EXPECT_EQ(api.threads, 3);
  EXPECT_EQ(api.max_connections, 10);
  EXPECT_EQ(api.max_body_bytes, 65536);
  EXPECT_EQ(api.max_header_bytes, 4096);
  EXPECT_EQ(api.max_headers, 20);
  EXPECT_EQ(api.read_timeout, std::chrono::seconds(5));
  ASSERT_EQ(api.tokens.size(), 1u);
  EXPECT_EQ(api.tokens[0].name, "cms");
  EXPECT_EQ(api.tokens[0].roles, (std::vector<std::string>{"submit", "read"}));
  EXPECT_EQ(api.tokens[0].sha256, kHash);  // lower-cased
}

TEST(ApiConfigTest, DaemonApiListenIsTheOlderNameOfListen) {
  auto config = parse_config("[daemon]\napi_listen = \"http://127.0.0.1:8781\"\n", "t.toml");
  ASSERT_TRUE(config);
  EXPECT_EQ((*config)->api.host, "127.0.0.1");
  EXPECT_EQ((*config)->api.port, 8781);
  EXPECT_THAT(all_messages("[daemon]\napi_listen = \"http://127.0.0.1:8781\"\n[api]\nlisten = \"127.0.0.1:8780\"\n"),
              HasSubstr("set [api] listen only"));
}

TEST(ApiConfigTest, NotLoopbackWithoutTokensIsRefused) {
  EXPECT_THAT(all_messages("[api]\nlisten = \"0.0.0.0:8780\"\n"), HasSubstr("is not a loopback address"));
  EXPECT_THAT(all_messages("[api]\nlisten = \"10.1.2.3:8780\"\n"), HasSubstr("[[api.tokens]] is empty"));
  auto with_token = parse_config("[api]\nlisten = \"0.0.0.0:8780\"\n[[api.tokens]]\nname = \"cms\"\nroles = "
                                 "[\"submit\"]\nsha256 = \"" + kHash + "\"\n",
                                 "t.toml");
  ASSERT_TRUE(with_token);
  EXPECT_FALSE((*with_token)->api.loopback);
  auto v6 = parse_config("[api]\nlisten = \"[::1]:8780\"\n", "t.toml");
  ASSERT_TRUE(v6);
  EXPECT_EQ((*v6)->api.host, "::1");
  EXPECT_TRUE((*v6)->api.loopback);
}

TEST(ApiConfigTest, BadValuesAreNamed) {
  EXPECT_THAT(all_messages("[api]\nlisten = \"api.example.org:80\"\n"), HasSubstr("must be an IP address and port"));
  EXPECT_THAT(all_messages("[api]\nlisten = \"127.0.0.1:99999\"\n"), HasSubstr("must be an IP address and port"));
  EXPECT_THAT(all_messages("[api]\nlisten = \"https://127.0.0.1:8780\"\n"), HasSubstr("https needs api.tls_cert_file"));
  EXPECT_THAT(all_messages("[api]\ntls_cert_file = \"c.pem\"\n"), HasSubstr("set both tls_cert_file and tls_key_file"));
  EXPECT_THAT(all_messages("[api]\nmax_body_bytes = 10\n"), HasSubstr("api.max_body_bytes: 10 is out of range"));
  EXPECT_THAT(all_messages("[api]\nlisten_on = 1\n"), HasSubstr("unknown key 'api.listen_on'"));
  const auto tokens = all_messages(R"([api]
[[api.tokens]]
name = "a"
roles = ["admin"]
sha256 = "secret-token-itself"
[[api.tokens]]
name = "a"
roles = []
sha256 = ")" + kHash + R"("
[[api.tokens]]
name = "b"
roles = ["read"]
sha256 = ")" + kHash + R"("
)");
  EXPECT_THAT(tokens, HasSubstr("api.tokens[0].roles: 'admin' is not one of submit, read, operate"));
  EXPECT_THAT(tokens, HasSubstr("api.tokens[0].sha256: must be the 64 hex digits"));
  EXPECT_THAT(tokens, HasSubstr("api.tokens[1].name: 'a' names another token too"));
  EXPECT_THAT(tokens, HasSubstr("api.tokens[1].roles: name at least one"));
  EXPECT_THAT(tokens, HasSubstr("api.tokens[2].sha256: the same token is listed twice"));
}

TEST(ApiConfigTest, TlsFilesAreResolvedNextToTheConfig) {
  auto config = parse_config("[api]\nlisten = \"https://127.0.0.1:8443\"\ntls_cert_file = \"tls/cert.pem\"\n"
                             "tls_key_file = \"/etc/ssl/key.pem\"\n",
                             "/etc/fabu/fabu.toml");
  ASSERT_TRUE(config);
  EXPECT_EQ((*config)->api.tls_cert_file, "/etc/fabu/tls/cert.pem");
  EXPECT_EQ((*config)->api.tls_key_file, "/etc/ssl/key.pem");
}

TEST(ApiConfigTest, ATlsKeyFileOthersCanReadIsWarnedAbout) {
  const auto dir = std::filesystem::temp_directory_path() / ("fabu_api_config_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "key.pem") << "not a real key";
  std::filesystem::permissions(dir / "key.pem", std::filesystem::perms(0644));
  std::ofstream(dir / "fabu.toml") << "[api]\nlisten = \"127.0.0.1:8443\"\ntls_cert_file = \"cert.pem\"\n"
                                      "tls_key_file = \"key.pem\"\n";
  auto loaded = load_config((dir / "fabu.toml").string());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(loaded);
  ASSERT_EQ((*loaded)->warnings.size(), 1u);
  EXPECT_THAT((*loaded)->warnings[0], HasSubstr("key.pem (api.tls_key_file) is readable by group or others"));
}

}  // namespace
}  // namespace fabu
