#include "config/config.h"
#include "tests/config/config_test_support.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fabu {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A scratch folder for tests that need real files next to a config file.
class ScratchDir {
 public:
  ScratchDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("fabu_config_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& content) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

ConfigErrors errors_of(std::string_view text) {
  auto result = parse_config(text, "t.toml");
  EXPECT_FALSE(result.has_value()) << "expected the config to be rejected";
  return result.has_value() ? ConfigErrors{} : result.error();
}

TEST(ConfigTest, ExampleConfigLoadsWithItsValues) {
  const std::string path = std::string(FABU_SOURCE_DIR) + "/config/fabu.example.toml";
  auto loaded = load_config(path);
  ASSERT_TRUE(loaded.has_value()) << joined(loaded.error());
  const Config& config = **loaded;

  EXPECT_EQ(config.source_path, path);
  EXPECT_EQ(config.redis.host, "127.0.0.1");
  EXPECT_EQ(config.redis.port, 6390);
  EXPECT_EQ(config.redis.prefix, "fabu");
  EXPECT_EQ(config.redis.password, "");
  EXPECT_EQ(config.api.listen, "127.0.0.1:8780");
  EXPECT_EQ(config.api.max_body_bytes, 1 << 20);
  EXPECT_TRUE(config.api.tokens.empty());
  EXPECT_EQ(config.daemon.log_level, "info");
  EXPECT_EQ(config.daemon.log_file, "");
  EXPECT_EQ(config.daemon.token_warn_days, 7);
  EXPECT_EQ(config.retry.max_attempts, 8);
  EXPECT_EQ(config.retry.cap, std::chrono::minutes(10));
  EXPECT_DOUBLE_EQ(config.retry.jitter, 0.2);
  EXPECT_EQ(config.retry.breaker_failures, 5);
  EXPECT_EQ(config.retry.breaker_cooloff, std::chrono::seconds(60));
  EXPECT_EQ(config.retry.in_doubt_wait, std::chrono::minutes(2));
  EXPECT_EQ(config.http.transport, "beast");
  EXPECT_EQ(config.http.threads, 2);
  EXPECT_EQ(config.http.max_connections_per_host, 4096);

  ASSERT_EQ(config.channels.size(), 2u);
  EXPECT_EQ(config.channels[0].name, "portal");
  EXPECT_EQ(config.channels[0].type, "portal");
  EXPECT_EQ(config.channels[1].name, "microblog");
  const ChannelConfig* microblog = config.channel("microblog");
  ASSERT_NE(microblog, nullptr);
  EXPECT_EQ(microblog->type, "weibo");
  EXPECT_EQ(microblog->table["lead"].value_or(std::string()), "linyi_fabu");
  EXPECT_EQ(microblog->table["api_base"].value_or(std::string()), "http://127.0.0.1:8791/2/");
  EXPECT_EQ(config.channel("nonexistent"), nullptr);

  const toml::array* accounts = microblog->table["accounts"].as_array();
  ASSERT_NE(accounts, nullptr);
  int counties = 0, zones = 0, departments = 0, reposting = 0;
  for (const auto& account : *accounts) {
    const auto& t = *account.as_table();
    const std::string group = t["group"].value_or(std::string());
    counties += group == "county";
    zones += group == "zone";
    departments += group == "department";
    reposting += t["mode"].value_or(std::string()) == "repost";
    EXPECT_EQ(t["token"].value_or(std::string()), "sandbox-" + t["id"].value_or(std::string()));
  }
  EXPECT_EQ(counties, 12);
  EXPECT_EQ(zones, 3);
  EXPECT_GE(departments, 10);
  EXPECT_GE(reposting, 2);

  const toml::array* columns = config.channel("portal")->table["columns"].as_array();
  ASSERT_NE(columns, nullptr);
  EXPECT_EQ(columns->size(), 6u);
  EXPECT_EQ(config.inspection.idle_days, 14);
  EXPECT_EQ(config.inspection.column_days.at("xwfbh"), 14);
  EXPECT_EQ(config.inspection.column_days.at("tzgg"), 180);
}

TEST(ConfigTest, EmptyFileGivesDefaultsAndHostPidInstance) {
  auto loaded = parse_config("", "empty.toml");
  ASSERT_TRUE(loaded.has_value());
  const Config& config = **loaded;
  EXPECT_EQ(config.redis.port, 6379);
  EXPECT_EQ(config.daemon.max_in_flight, 10000);
  EXPECT_TRUE(config.channels.empty());
  const std::string suffix = "-" + std::to_string(getpid());
  ASSERT_GT(config.daemon.instance.size(), suffix.size());
  EXPECT_EQ(config.daemon.instance.substr(config.daemon.instance.size() - suffix.size()), suffix);
}

TEST(ConfigTest, ExplicitValuesOverrideDefaults) {
  auto loaded = parse_config(R"(
[redis]
host = "redis.internal"
port = 6380
db = 3
prefix = "press-office_2"
[daemon]
instance = "press-1"
log_level = "debug"
[retry]
base_ms = 500
cap_ms = 60000
jitter = 0
in_doubt_wait_ms = 0
breaker_failures = 3
breaker_cooloff_seconds = 10
)",
                             "t.toml");
  ASSERT_TRUE(loaded.has_value()) << joined(loaded.error());
  const Config& config = **loaded;
  EXPECT_EQ(config.redis.host, "redis.internal");
  EXPECT_EQ(config.redis.port, 6380);
  EXPECT_EQ(config.redis.db, 3);
  EXPECT_EQ(config.redis.prefix, "press-office_2");
  EXPECT_EQ(config.daemon.instance, "press-1");
  EXPECT_EQ(config.daemon.log_level, "debug");
  EXPECT_EQ(config.retry.base, std::chrono::milliseconds(500));
  EXPECT_EQ(config.retry.cap, std::chrono::milliseconds(60000));
  EXPECT_DOUBLE_EQ(config.retry.jitter, 0.0);  // an integer is accepted where a number is expected
  EXPECT_EQ(config.retry.breaker_failures, 3);
  EXPECT_EQ(config.retry.breaker_cooloff, std::chrono::seconds(10));
  EXPECT_EQ(config.retry.in_doubt_wait, std::chrono::milliseconds(0));
}

TEST(ConfigTest, UnknownKeyReportsLineAndColumnOfTheKey) {
  auto errors = errors_of("[redis]\nhost = \"x\"\n  hots = \"y\"\n");
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_EQ(errors[0].message, "unknown key 'redis.hots'");
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].column, 3);
  EXPECT_EQ(errors[0].to_string(), "t.toml:3:3: unknown key 'redis.hots'");
}

TEST(ConfigTest, UnknownTopLevelKeyAndSection) {
  auto errors = errors_of("colour = 1\n[retyr]\nmax_attempts = 3\n");
  ASSERT_EQ(errors.size(), 2u) << joined(errors);
  EXPECT_EQ(errors[0].message, "unknown key 'colour'");
  EXPECT_EQ(errors[0].line, 1);
  EXPECT_EQ(errors[1].message, "unknown key 'retyr'");
  EXPECT_EQ(errors[1].line, 2);
}

TEST(ConfigTest, WrongTypeSaysWhatWasExpected) {
  auto errors = errors_of("[redis]\nport = \"6379\"\n");
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_EQ(errors[0].message, "redis.port: expected an integer, got a string");
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[0].column, 8);
}

TEST(ConfigTest, SectionThatIsNotATable) {
  auto errors = errors_of("redis = 5\n");
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_EQ(errors[0].message, "redis: expected a table, got an integer");
}

TEST(ConfigTest, RangesAndEnumerationsAreChecked) {
  auto errors = errors_of(R"([redis]
port = 70000
prefix = "Fabu:prod"
[daemon]
log_level = "verbose"
api_listen = "127.0.0.1:8780"
[retry]
jitter = 1.5
base_ms = 5000
cap_ms = 1000
in_doubt_wait_ms = -1
)");
  ASSERT_EQ(errors.size(), 7u) << joined(errors);
  EXPECT_EQ(errors[0].message, "redis.port: 70000 is out of range 1..65535");
  EXPECT_THAT(errors[1].message, HasSubstr("redis.prefix: 'Fabu:prod' must match [a-z0-9_-]+"));
  EXPECT_THAT(errors[2].message, HasSubstr("daemon.log_level: 'verbose' is not one of"));
  EXPECT_THAT(errors[3].message, HasSubstr("daemon.api_listen"));
  EXPECT_THAT(errors[4].message, HasSubstr("retry.jitter: 1.5 is out of range 0..1"));
  EXPECT_THAT(errors[5].message, HasSubstr("retry.cap_ms: 1000 is smaller than retry.base_ms (5000)"));
  EXPECT_THAT(errors[6].message, HasSubstr("retry.in_doubt_wait_ms: -1 is out of range 0..3600000"));
}

TEST(ConfigTest, HttpTableAndTheOlderThreadsKey) {
  auto defaults = parse_config("", "t.toml");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ((*defaults)->http.transport, "beast");
  EXPECT_EQ((*defaults)->http.threads, 2);
  EXPECT_EQ((*defaults)->http.ca_file, "");

  auto old_key = parse_config("[daemon]\nhttp_threads = 6\n", "t.toml");
  ASSERT_TRUE(old_key.has_value()) << joined(old_key.error());
  EXPECT_EQ((*old_key)->http.threads, 6);

  ScratchDir dir;
  const std::string path = dir.write("fabu.toml", R"([http]
transport = "cpprest"
threads = 3
max_connections_per_host = 8
ca_file = "ca.pem"
)");
  auto loaded = load_config(path);
  ASSERT_TRUE(loaded.has_value()) << joined(loaded.error());
  EXPECT_EQ((*loaded)->http.transport, "cpprest");
  EXPECT_EQ((*loaded)->http.threads, 3);
  EXPECT_EQ((*loaded)->http.max_connections_per_host, 8);
  EXPECT_EQ((*loaded)->http.ca_file, (dir.path() / "ca.pem").string());

  auto errors = errors_of("[daemon]\nhttp_threads = 2\n[http]\ntransport = \"curl\"\nthreads = 4\n");
  ASSERT_EQ(errors.size(), 2u) << joined(errors);
  EXPECT_THAT(errors[0].message, HasSubstr("http.transport: 'curl' is not one of beast, cpprest"));
  EXPECT_THAT(errors[1].message, HasSubstr("daemon.http_threads (its older name) is set too"));
}

TEST(ConfigTest, ReachTableWithDurationsAndTheBudget) {
  auto defaults = parse_config("", "t.toml");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ((*defaults)->reach.followers_every, std::chrono::hours(6));
  EXPECT_EQ((*defaults)->reach.calls_per_hour, 1000);

  auto set = parse_config("[reach]\nfollowers_every = \"90m\"\ncalls_per_hour = 0\n", "t.toml");
  ASSERT_TRUE(set.has_value()) << joined(set.error());
  EXPECT_EQ((*set)->reach.followers_every, std::chrono::minutes(90));
  EXPECT_EQ((*set)->reach.calls_per_hour, 0);

  auto errors = errors_of("[reach]\nfollowers_every = \"30s\"\ncalls_per_hour = -1\nevery = 1\n");
  ASSERT_EQ(errors.size(), 3u) << joined(errors);
  EXPECT_THAT(joined(errors), HasSubstr("reach.followers_every: '30s' must be a duration of at least a minute"));
  EXPECT_THAT(joined(errors), HasSubstr("reach.calls_per_hour"));
  EXPECT_THAT(joined(errors), HasSubstr("every"));
}

TEST(ConfigTest, MissingChannelTypeIsReportedAtTheChannelTable) {
  auto errors = errors_of("[redis]\nport = 6379\n\n[channels.portal]\noutput_dir = \"out\"\n");
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_EQ(errors[0].message, "missing required key 'channels.portal.type'");
  EXPECT_EQ(errors[0].line, 4);
}

TEST(ConfigTest, ChannelNamesAndShapesAreChecked) {
  auto errors = errors_of("[channels]\nlist = [1]\n[channels.Portal]\ntype = \"portal\"\n[channels.w]\ntype = 3\n");
  ASSERT_EQ(errors.size(), 3u) << joined(errors);
  EXPECT_THAT(errors[0].message, HasSubstr("channels.list: expected a table"));
  EXPECT_THAT(errors[1].message, HasSubstr("channels.Portal: channel names must match [a-z0-9_]+"));
  EXPECT_EQ(errors[2].message, "channels.w.type: expected a string, got an integer");
}

TEST(ConfigTest, ChannelsKeepFileOrderAndSourcePositions) {
  auto loaded = parse_config("[channels.zeta]\ntype = \"weibo\"\n\n[channels.alpha]\ntype = \"portal\"\nsize = \"big\"\n",
                             "t.toml");
  ASSERT_TRUE(loaded.has_value()) << joined(loaded.error());
  const auto& channels = (*loaded)->channels;
  ASSERT_EQ(channels.size(), 2u);
  EXPECT_EQ(channels[0].name, "zeta");
  EXPECT_EQ(channels[1].name, "alpha");
  // Adapter factories report problems in these tables, so the positions must survive.
  ConfigErrors errors;
  TableReader reader(channels[1].table, "t.toml", "channels.alpha", errors);
  reader.integer("size", 1, 1, 10);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(), "t.toml:6:8: channels.alpha.size: expected an integer, got a string");
}

TEST(ConfigTest, UnsetEnvironmentVariableIsNamed) {
  ::unsetenv("FABU_TEST_UNSET_PASSWORD");
  auto errors = errors_of("[redis]\npassword_env = \"FABU_TEST_UNSET_PASSWORD\"\n");
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_EQ(errors[0].message,
            "redis.password_env: environment variable 'FABU_TEST_UNSET_PASSWORD' is not set");
  EXPECT_EQ(errors[0].line, 2);
}

TEST(ConfigTest, PasswordFromEnvironment) {
  ::setenv("FABU_TEST_SET_PASSWORD", "from-env", 1);
  auto loaded = parse_config("[redis]\npassword_env = \"FABU_TEST_SET_PASSWORD\"\n", "t.toml");
  ::unsetenv("FABU_TEST_SET_PASSWORD");
  ASSERT_TRUE(loaded.has_value()) << joined(loaded.error());
  EXPECT_EQ((*loaded)->redis.password, "from-env");
}

TEST(ConfigTest, PasswordFileIsReadRelativeToTheConfigAndTrimmed) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "secrets");
  dir.write("secrets/redis.pass", "  s3cret-pass \n\n");
  const std::string path = dir.write("fabu.toml",
                                     "[redis]\npassword_file = \"secrets/redis.pass\"\n"
                                     "[daemon]\nlog_file = \"logs/fabud.log\"\n");
  auto loaded = load_config(path);
  ASSERT_TRUE(loaded.has_value()) << joined(loaded.error());
  EXPECT_EQ((*loaded)->redis.password, "s3cret-pass");
  EXPECT_EQ((*loaded)->daemon.log_file, (dir.path() / "logs/fabud.log").string());
}

TEST(ConfigTest, SecretFilesOthersCanReadAreNamedInWarnings) {
  ScratchDir dir;
  dir.write("redis.pass", "s3cret-pass\n");
  const std::string path = dir.write(
      "fabu.toml", "[redis]\npassword_file = \"redis.pass\"\n"
                   "[channels.microblog]\ntype = \"weibo\"\n[[channels.microblog.accounts]]\ntoken_file = \"redis.pass\"\n");
  std::filesystem::permissions(dir.path() / "redis.pass", std::filesystem::perms(0644));
  auto loaded = load_config(path);
  ASSERT_TRUE(loaded.has_value()) << joined(loaded.error());
  EXPECT_THAT((*loaded)->warnings,
              ::testing::UnorderedElementsAre(
                  HasSubstr("redis.pass (redis.password_file) is readable by group or others (mode 0644)"),
                  HasSubstr("redis.pass (channels.microblog.accounts[0].token_file) is readable")));
  for (const auto& w : (*loaded)->warnings) EXPECT_THAT(w, Not(HasSubstr("s3cret")));

  std::filesystem::permissions(dir.path() / "redis.pass", std::filesystem::perms(0600));
  loaded = load_config(path);
  ASSERT_TRUE(loaded.has_value()) << joined(loaded.error());
  EXPECT_TRUE((*loaded)->warnings.empty());
}

TEST(ConfigTest, SentinelsAndMasterNameGoTogether) {
  auto good = parse_config("[redis]\nsentinels = [\"10.0.0.1:26379\", \"sentinel-b:26380\"]\nmaster_name = \"fabu\"\n", "t.toml");
  ASSERT_TRUE(good.has_value()) << joined(good.error());
  ASSERT_EQ((*good)->redis.sentinels.size(), 2u);
  EXPECT_EQ((*good)->redis.sentinels[1], (SentinelAddress{"sentinel-b", 26380}));
  EXPECT_EQ((*good)->redis.master_name, "fabu");

  auto errors = errors_of("[redis]\nsentinels = [\"10.0.0.1:26379\"]\n");
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_THAT(errors[0].message, HasSubstr("redis.sentinels and redis.master_name go together"));
  errors = errors_of("[redis]\nsentinels = [\"10.0.0.1\", \":1\", \"h:99999\"]\nmaster_name = \"m\"\n");
  ASSERT_EQ(errors.size(), 3u) << joined(errors);
  EXPECT_THAT(errors[0].message, HasSubstr("'10.0.0.1' is not host:port"));
}

TEST(ConfigTest, ClusterNodesAreCheckedAndExcludeSentinelsAndOtherDatabases) {
  auto good = parse_config("[redis]\ncluster_nodes = [\"10.0.0.1:7000\", \"node-b:7001\"]\nprefix = \"linyi\"\n", "t.toml");
  ASSERT_TRUE(good.has_value()) << joined(good.error());
  ASSERT_EQ((*good)->redis.cluster_nodes.size(), 2u);
  EXPECT_EQ((*good)->redis.cluster_nodes[1], (SentinelAddress{"node-b", 7001}));

  // Each bad config and the first error it must give.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"cluster_nodes = [\"10.0.0.1\", \"h:0\"]\n", "redis.cluster_nodes: '10.0.0.1' is not host:port"},
      {"cluster_nodes = [\"10.0.0.1:7000\"]\nsentinels = [\"10.0.0.1:26379\"]\nmaster_name = \"m\"\n", "exclude each other"},
      {"cluster_nodes = [\"10.0.0.1:7000\"]\ndb = 2\n", "Redis Cluster has only db 0"}};
  for (const auto& [toml, said] : cases) {
    auto errors = errors_of("[redis]\n" + toml);
    ASSERT_FALSE(errors.empty()) << toml;
    EXPECT_THAT(errors[0].message, HasSubstr(said)) << joined(errors);
  }
  EXPECT_EQ(errors_of("[redis]\n" + cases[0].first).size(), 2u);
}

TEST(ConfigTest, TokenKeyMustBe32BytesOfBase64) {
  ScratchDir dir;
  dir.write("good.key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
  dir.write("short.key", "c2hvcnQ=\n");
  auto good = load_config(dir.write("good.toml", "[redis]\ntoken_key_file = \"good.key\"\n"));
  ASSERT_TRUE(good.has_value()) << joined(good.error());
  EXPECT_TRUE((*good)->redis.token_key.has_value());
  auto bad = load_config(dir.write("bad.toml", "[redis]\ntoken_key_file = \"short.key\"\n"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error()[0].message, HasSubstr("redis.token_key: the key has 5 bytes, AES-256 needs 32"));
  EXPECT_EQ(bad.error()[0].line, 2);
}

TEST(ConfigTest, UnreadablePasswordFileAndConflictingSecrets) {
  ScratchDir dir;
  const std::string path = dir.write("fabu.toml", "[redis]\npassword_file = \"missing.pass\"\n");
  auto loaded = load_config(path);
  ASSERT_FALSE(loaded.has_value());
  ASSERT_EQ(loaded.error().size(), 1u);
  EXPECT_THAT(loaded.error()[0].message, HasSubstr("redis.password_file: cannot read '"));
  EXPECT_THAT(loaded.error()[0].message, HasSubstr("missing.pass"));

  auto errors = errors_of("[redis]\npassword = \"a\"\npassword_env = \"B\"\n");
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_THAT(errors[0].message, HasSubstr("set only one of 'redis.password'"));
}

TEST(ConfigTest, SeveralErrorsAreReportedTogetherInFileOrder) {
  auto errors = errors_of(R"([redis]
port = 0
hots = "x"
[daemon]
max_in_flight = "many"
[channels.portal]
output_dir = "out"
)");
  ASSERT_EQ(errors.size(), 4u) << joined(errors);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[1].line, 3);
  EXPECT_EQ(errors[2].line, 5);
  EXPECT_EQ(errors[3].line, 6);
  EXPECT_THAT(errors[2].message, HasSubstr("daemon.max_in_flight: expected an integer, got a string"));
}

TEST(ConfigTest, SyntaxErrorIsLocated) {
  auto errors = errors_of("[redis]\nport = = 5\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, "t.toml");
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_GT(errors[0].column, 0);
  EXPECT_FALSE(errors[0].message.empty());
}

TEST(ConfigTest, MissingFileIsAnErrorWithoutPosition) {
  ScratchDir dir;
  const std::string path = (dir.path() / "absent.toml").string();
  auto loaded = load_config(path);
  ASSERT_FALSE(loaded.has_value());
  ASSERT_EQ(loaded.error().size(), 1u);
  EXPECT_EQ(loaded.error()[0].to_string(), path + ": cannot open: No such file or directory");
}

TEST(ConfigErrorTest, ToStringOmitsUnknownParts) {
  EXPECT_EQ((ConfigError{"f.toml", 12, 3, "m"}).to_string(), "f.toml:12:3: m");
  EXPECT_EQ((ConfigError{"f.toml", 12, 0, "m"}).to_string(), "f.toml:12: m");
  EXPECT_EQ((ConfigError{"f.toml", 0, 0, "m"}).to_string(), "f.toml: m");
  EXPECT_EQ((ConfigError{"", 4, 2, "m"}).to_string(), "4:2: m");
  EXPECT_EQ((ConfigError{"", 0, 0, "m"}).to_string(), "m");
}

// Debian's toml++ 3.3.0 reaches undefined behaviour on these (upstream tomlplusplus #295, #301):
// under UBSan this test stops if the guard lets one through.
TEST(ConfigTest, DocumentsThatBreakTheTomlParserAreRefusedWithAPosition) {
  for (std::string_view text : {"é", "〔", "[&", "[daemon]\nmax_in_flight = 4〔"}) {
    const ConfigErrors errors = errors_of(text);
    ASSERT_EQ(errors.size(), 1u) << text;
    EXPECT_GE(errors[0].line, 1) << text;
    EXPECT_GE(errors[0].column, 1) << text;
  }
  EXPECT_EQ(errors_of("[daemon]\nmax_in_flight = 4〔")[0].line, 2);
  EXPECT_TRUE(parse_config("# 〔2026〕 comments and strings may hold any character\n[daemon]\ninstance = \"a\"\n",
                           "t.toml"));
  EXPECT_EQ(parse_config("[daemon]\nintake_max_claims = 7\n", "t.toml").value()->daemon.intake_max_claims, 7);
}

}  // namespace
}  // namespace fabu
