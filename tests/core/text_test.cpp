#include "core/text.h"

#include <gtest/gtest.h>

#include <string>

namespace fabu {
namespace {

std::string repeat(std::string_view piece, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += piece;
  return s;
}

constexpr std::string_view ellipsis = "…";
constexpr std::string_view family = "👨‍👩‍👧";  // man ZWJ woman ZWJ girl: one grapheme
constexpr std::string_view flag_cn = "🇨🇳";     // two regional indicators: one grapheme

// `result` minus a trailing ellipsis.
std::string_view without_ellipsis(std::string_view result) {
  if (result.ends_with(ellipsis)) result.remove_suffix(ellipsis.size());
  return result;
}

TEST(Utf8, StrictValidation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("临沂发布 abc 😀"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE4\xB8"));          // truncated 临
  EXPECT_FALSE(is_valid_utf8("a\x80"));             // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(Utf8, CountsCodePoints) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("临沂a😀"), 4u);
  EXPECT_EQ(count_code_points(family), 5u);
}

TEST(WeiboLength, AsciiCountsHalf) {
  EXPECT_EQ(weibo_length(""), 0u);
  EXPECT_EQ(weibo_length("abcd"), 2u);
  EXPECT_EQ(weibo_length("hello"), 3u);  // 5 units, rounded up
}

TEST(WeiboLength, CjkCountsOneEach) {
  EXPECT_EQ(weibo_length("临沂发布"), 4u);
  EXPECT_EQ(weibo_length("【通知】，"), 5u);  // full-width punctuation is not ASCII
}

TEST(WeiboLength, Mixed) {
  EXPECT_EQ(weibo_length("临沂ab"), 3u);
  EXPECT_EQ(weibo_length("临沂a"), 3u);  // 5 units
}

TEST(WeiboLength, EveryUrlCountsTen) {
  EXPECT_EQ(weibo_length("http://t.cn/A6"), 10u);
  EXPECT_EQ(weibo_length("https://www.linyi.gov.cn/art/2026/12/10/art_1234_567890.html?from=weibo&x=1"), 10u);
  // 2 + 1 + 20 + 1 + 2 units.
  EXPECT_EQ(weibo_length("看 https://www.linyi.gov.cn/a 了"), 13u);
  // A URL stops at CJK and at full-width punctuation.
  EXPECT_EQ(weibo_length("https://a.cn/x临沂"), 12u);
  EXPECT_EQ(weibo_length("https://a.cn/x，好"), 12u);
  EXPECT_EQ(weibo_length("HTTPS://A.CN/X"), 10u);
  // Two URLs count twice.
  EXPECT_EQ(weibo_length("http://a.cn https://b.cn"), 21u);
  // A bare scheme is just text.
  EXPECT_EQ(weibo_length("http://"), 4u);
}

TEST(WeiboLength, MalformedBytesCountAsTwoUnitsEachAndSchemesAnyCase) {
  EXPECT_EQ(weibo_length("\xFF"), 1u);             // 2 units
  EXPECT_EQ(weibo_length("\xFF\xFE" "ab"), 3u);   // 2 + 2 + 1 + 1
  EXPECT_EQ(weibo_length("\xE4\xB8"), 2u);         // a cut sequence: each byte 2 units
  EXPECT_EQ(weibo_length("HTTPS://A.CN/x"), 10u);
  EXPECT_EQ(weibo_length("hTtP://a.cn"), 10u);
  EXPECT_EQ(weibo_length("https://"), 4u);           // a bare scheme is 8 ASCII units
  EXPECT_EQ(weibo_length("hhttp://a.cn"), 11u);      // 1 + 20 units
}

TEST(WeiboLength, EmojiCountPerCodePoint) {
  EXPECT_EQ(weibo_length("😀"), 1u);
  EXPECT_EQ(weibo_length(family), 5u);
  EXPECT_EQ(weibo_length(flag_cn), 2u);
}

TEST(TruncateWeibo, FittingTextIsUnchanged) {
  const std::string text = "【暴雨预警】请注意防范 https://www.linyi.gov.cn/a";
  EXPECT_EQ(truncate_weibo(text, 140), text);
}

TEST(TruncateWeibo, Cjk) {
  const std::string text = repeat("沂", 200);
  const std::string result = truncate_weibo(text, 140);
  EXPECT_EQ(result, repeat("沂", 139) + "…");
  EXPECT_EQ(weibo_length(result), 140u);
}

TEST(TruncateWeibo, Ascii) {
  const std::string result = truncate_weibo(std::string(400, 'a'), 140);
  EXPECT_EQ(result, std::string(278, 'a') + "…");
  EXPECT_LE(weibo_length(result), 140u);
}

TEST(TruncateWeibo, UrlAtTheCutIsDroppedWhole) {
  const std::string url = "https://www.linyi.gov.cn/art/2026/12/10/art_1234_567890.html";
  // 260 units of text, then the URL (20) would overshoot the 280-unit budget with the ellipsis.
  const std::string text = repeat("沂", 130) + " " + url + " 后续内容";
  const std::string result = truncate_weibo(text, 140);
  EXPECT_EQ(result, repeat("沂", 130) + "…");
  EXPECT_EQ(result.find("http"), std::string::npos);
}

TEST(TruncateWeibo, UrlThatFitsIsKeptWhole) {
  const std::string url = "https://www.linyi.gov.cn/art/2026/12/10/art_1234_567890.html";
  const std::string text = repeat("沂", 120) + " " + url + repeat("后", 40);
  const std::string result = truncate_weibo(text, 140);
  EXPECT_NE(result.find(url), std::string::npos) << result;
  EXPECT_LE(weibo_length(result), 140u);
  EXPECT_TRUE(result.ends_with("…"));
}

TEST(TruncateWeibo, NeverSplitsZwjSequences) {
  const std::string text = repeat(family, 40);
  for (std::size_t max = 0; max <= 60; ++max) {
    const std::string result = truncate_weibo(text, max);
    EXPECT_LE(weibo_length(result), max);
    EXPECT_EQ(without_ellipsis(result).size() % family.size(), 0u) << "max " << max << ": " << result;
  }
  EXPECT_EQ(truncate_weibo(text, 12), repeat(family, 2) + "…");
}

TEST(TruncateWeibo, NeverSplitsFlags) {
  const std::string text = repeat(flag_cn, 100);
  for (std::size_t max = 0; max <= 60; ++max) {
    const std::string result = truncate_weibo(text, max);
    EXPECT_LE(weibo_length(result), max);
    EXPECT_EQ(without_ellipsis(result).size() % flag_cn.size(), 0u) << "max " << max << ": " << result;
  }
}

TEST(TruncateWeibo, NeverSplitsCombiningMarks) {
  const std::string e_acute = "e\xCC\x81";  // e + U+0301
  const std::string text = repeat(e_acute, 100);
  for (std::size_t max = 1; max <= 40; ++max) {
    EXPECT_EQ(without_ellipsis(truncate_weibo(text, max)).size() % e_acute.size(), 0u) << max;
  }
}

TEST(TruncateWeibo, AlwaysFitsAndIsAPrefix) {
  const std::string text = "【临沂发布】" + std::string(family) + "今天 http://t.cn/A6abc 的🇨🇳消息，" +
                           repeat("abc 临沂 ", 40) + "https://www.linyi.gov.cn/x";
  for (std::size_t max = 0; max <= 160; ++max) {
    const std::string result = truncate_weibo(text, max);
    EXPECT_LE(weibo_length(result), max) << max;
    EXPECT_TRUE(text.starts_with(without_ellipsis(result))) << max << ": " << result;
  }
}

TEST(TruncateWeibo, CustomEllipsisAndTinyLimits) {
  EXPECT_EQ(truncate_weibo(repeat("沂", 10), 0), "");
  EXPECT_EQ(truncate_weibo(repeat("沂", 10), 1), "…");
  EXPECT_EQ(truncate_weibo(repeat("沂", 10), 5, "..."), "沂沂沂...");  // 6 + 3 units = 5
}

TEST(HtmlEscape, EscapesTheFiveCharacters) {
  EXPECT_EQ(html_escape("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("临沂"), "临沂");
}

TEST(Markdown, RendersHeadingsListsEmphasis) {
  const std::string html = render_markdown("# 标题\n\n- 一\n- 二\n\n*强调* 和 **加粗**\n");
  EXPECT_NE(html.find("<h1>标题</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<ul>"), std::string::npos);
  EXPECT_NE(html.find("<li>一</li>"), std::string::npos);
  EXPECT_NE(html.find("<em>强调</em>"), std::string::npos);
  EXPECT_NE(html.find("<strong>加粗</strong>"), std::string::npos);
}

TEST(Markdown, BlockHtmlIsShownEscaped) {
  const std::string html = render_markdown("前文\n\n<script>alert(1)</script>\n\n后文\n");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << html;
  EXPECT_EQ(html.find("raw HTML omitted"), std::string::npos);
  EXPECT_NE(html.find("<p>后文</p>"), std::string::npos);
}

TEST(Markdown, InlineHtmlIsShownEscaped) {
  const std::string html = render_markdown("点击 <script>alert(1)</script> 这里 <b onclick=\"x()\">粗</b>\n");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b "), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;b onclick=&quot;x()&quot;&gt;"), std::string::npos) << html;
}

TEST(Markdown, UnsafeLinksAreDroppedKeepingTheirText) {
  for (const char* md : {"[点我](javascript:alert(1))", "[点我](JaVaScRiPt:alert(1))", "[点我](vbscript:msgbox)",
                         "[点我](data:text/html;base64,PHNjcmlwdD4=)", "[点我](<java\tscript:alert(1)>)"}) {
    const std::string html = render_markdown(md);
    EXPECT_EQ(html.find("<a"), std::string::npos) << md << " -> " << html;
    EXPECT_EQ(html.find("script:"), std::string::npos) << md << " -> " << html;
    EXPECT_NE(html.find("点我"), std::string::npos) << md << " -> " << html;
  }
  const std::string image = render_markdown("![图](javascript:alert(1))");
  EXPECT_EQ(image.find("<img"), std::string::npos) << image;
}

TEST(Markdown, PipeTablesRenderAsTables) {
  const std::string html = render_markdown(
      "| 指标 | 数量 |\n|:---|---:|\n| 受理审批 | 449,614 |\n| 办结 | 448,224 |\n\n"
      "~~旧数据~~ 见 https://www.linyi.gov.cn/\n");
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th align=\"left\">指标</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td align=\"right\">449,614</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<del>旧数据</del>"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"https://www.linyi.gov.cn/\">https://www.linyi.gov.cn/</a>"), std::string::npos)
      << html;
}

TEST(Markdown, RawHtmlInsideATableCellIsShownEscaped) {
  const std::string html =
      render_markdown("| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:y) |\n");
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
}

TEST(Markdown, ShownTextIsWhatAReaderSees) {
  EXPECT_EQ(markdown_shown_text("# 标题\n\n*强调*和**加粗**，`代码`，~~删去~~ &amp; &#49;&#x32;\n"),
            "标题\n强调和加粗，代码，删去 & 12\n");
  EXPECT_EQ(markdown_shown_text("[临沂市人民政府](https://www.linyi.gov.cn/138)"), "临沂市人民政府\n")
      << "a link's target is not shown";
  EXPECT_EQ(markdown_shown_text("第一行\n第二行  \n第三行"), "第一行 第二行\n第三行\n")
      << "a soft break shows as a space, a hard one as a new line";
  EXPECT_EQ(markdown_shown_text("| a | b |\n|---|---|\n| 138 | 1234 |\n"), "a\nb\n138\n1234\n\n")
      << "table cells stand apart";
  EXPECT_EQ(markdown_shown_text("前文\n\n<b>粗</b>\n"), "前文\n<b>粗</b>\n") << "raw HTML is shown as it is written";
}

TEST(Markdown, SafeLinksStay) {
  const std::string html = render_markdown("[临沂市人民政府](https://www.linyi.gov.cn/)");
  EXPECT_NE(html.find("<a href=\"https://www.linyi.gov.cn/\">临沂市人民政府</a>"), std::string::npos) << html;
}

}  // namespace
}  // namespace fabu
