#include "sandbox/content_rules.h"

#include <gtest/gtest.h>

namespace fabu::sandbox {
namespace {

TEST(ContentRules, FindsUrlsAndTheirHosts) {
  const auto urls = find_urls("看 https://WWW.Linyi.gov.cn:443/a/b.html?x=1（全文）和 http://user@evil.example/p end");
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[0].host, "www.linyi.gov.cn");
  EXPECT_EQ(urls[1].host, "evil.example");
}

TEST(ContentRules, UrlStopsAtChinesePunctuation) {
  const std::string text = "链接http://www.linyi.gov.cn/a。";
  const auto urls = find_urls(text);
  ASSERT_EQ(urls.size(), 1u);
  EXPECT_EQ(text.substr(urls[0].begin, urls[0].end - urls[0].begin), "http://www.linyi.gov.cn/a");
}

TEST(ContentRules, SafeDomainAcceptsTheDomainAndItsSubdomainsOnly) {
  EXPECT_TRUE(host_is_on_domain("www.linyi.gov.cn", "www.linyi.gov.cn"));
  EXPECT_TRUE(host_is_on_domain("m.www.linyi.gov.cn", "www.linyi.gov.cn"));
  EXPECT_FALSE(host_is_on_domain("evilwww.linyi.gov.cn", "www.linyi.gov.cn"));
  EXPECT_FALSE(host_is_on_domain("www.linyi.gov.cn.evil.com", "www.linyi.gov.cn"));
  EXPECT_TRUE(has_safe_domain_url("【通知】内容 http://www.linyi.gov.cn/x.html", "www.linyi.gov.cn"));
  EXPECT_FALSE(has_safe_domain_url("【通知】内容 www.linyi.gov.cn/x.html", "www.linyi.gov.cn"));
  EXPECT_FALSE(has_safe_domain_url("http://example.com/?u=www.linyi.gov.cn", "www.linyi.gov.cn"));
}

TEST(ContentRules, TopicNeedsTwoHashesAroundSomething) {
  EXPECT_TRUE(has_topic("今天 #临沂发布# 开始"));
  EXPECT_TRUE(has_topic("## #a#"));
  EXPECT_FALSE(has_topic("单个 # 号"));
  EXPECT_FALSE(has_topic("空的 ## 一对"));
  EXPECT_FALSE(has_topic("换行 #a\nb# 不算"));
  EXPECT_FALSE(has_topic("片段 http://www.linyi.gov.cn/a#b 与 http://www.linyi.gov.cn/c#d"));
}

}  // namespace
}  // namespace fabu::sandbox
