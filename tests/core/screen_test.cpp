// The privacy screen: a table of texts that must be caught (with kind, offset, length and mask) and
// texts that must not raise an alarm, then the digest and decide_screen.
#include <gtest/gtest.h>

#include "core/screen.h"
#include "core/screen_checks.h"

namespace fabu {
namespace {

ScreenPolicy office_policy() {
  ScreenPolicy p;
  p.sensitive_terms = {"内部资料", "绝密"};
  p.public_numbers = {"12345", "0539-12345", "139-0539-0000"};
  return p;
}

struct Hit {
  const char* text;
  ScreenKind kind;
  std::size_t offset;  // bytes
  std::size_t length;  // bytes
  const char* masked;
};

// Each text holds exactly one match.
const Hit kHits[] = {
    {"11010519491231002X", ScreenKind::resident_id, 0, 18, "110105********002X"},
    {"身份证号11010519491231002X。", ScreenKind::resident_id, 12, 18, "110105********002X"},
    {"身份证号：11010519491231002x", ScreenKind::resident_id, 15, 18, "110105********002X"},
    {"号码 371302198506151237 已登记", ScreenKind::resident_id, 7, 18, "371302********1237"},
    {"闰日出生440304200002295675", ScreenKind::resident_id, 12, 18, "440304********5675"},
    {"ID11010519491231002X", ScreenKind::resident_id, 2, 18, "110105********002X"},
    {"１１０１０５１９４９１２３１００２Ｘ", ScreenKind::resident_id, 0, 54, "110105********002X"},
    {"(11010519491231002X)", ScreenKind::resident_id, 1, 18, "110105********002X"},
    {"11010519491231002X-2026", ScreenKind::resident_id, 0, 18, "110105********002X"},
    {"旧证 110105491231002 仍有效", ScreenKind::resident_id_15, 7, 15, "110105******002"},
    {"371302850615123", ScreenKind::resident_id_15, 0, 15, "371302******123"},
    {"13812345678", ScreenKind::mobile, 0, 11, "138****5678"},
    {"联系电话13812345678。", ScreenKind::mobile, 12, 11, "138****5678"},
    {"手机:19912345678", ScreenKind::mobile, 7, 11, "199****5678"},
    {"call 15012345678 now", ScreenKind::mobile, 5, 11, "150****5678"},
    {"138-1234-5678", ScreenKind::mobile, 0, 13, "138****5678"},
    {"电话 138 1234 5678 转", ScreenKind::mobile, 7, 13, "138****5678"},
    {"+86 13812345678", ScreenKind::mobile, 4, 11, "138****5678"},
    {"+86-13812345678", ScreenKind::mobile, 4, 11, "138****5678"},
    {"86-13812345678", ScreenKind::mobile, 3, 11, "138****5678"},
    {"１３８１２３４５６７８", ScreenKind::mobile, 0, 33, "138****5678"},
    {"电话：17712345678；", ScreenKind::mobile, 9, 11, "177****5678"},
    {"13812345678.", ScreenKind::mobile, 0, 11, "138****5678"},
    {"2026 13812345678", ScreenKind::mobile, 5, 11, "138****5678"},
    {"卡号6222021234567890128", ScreenKind::bank_card, 6, 19, "6222***********0128"},
    {"6228480012345671", ScreenKind::bank_card, 0, 16, "6228********5671"},
    {"card 4111111111111111.", ScreenKind::bank_card, 5, 16, "4111********1111"},
    {"6222 0212 3456 7890 128", ScreenKind::bank_card, 0, 23, "6222***********0128"},
    {"4111-1111-1111-1111", ScreenKind::bank_card, 0, 19, "4111********1111"},
    {"138　1234　5678", ScreenKind::mobile, 0, 17, "138****5678"},
    {"１３８－１２３４－５６７８", ScreenKind::mobile, 0, 39, "138****5678"},
    {"https://example.cn/?tel=13812345678", ScreenKind::mobile, 24, 11, "138****5678"},
    {"请勿外传：内部资料", ScreenKind::sensitive_term, 15, 12, "内部资料"},
    // Characters that show nothing join what they stand between; spaces of any width separate groups.
    {"电话138\u200b1234\u200b5678请联系", ScreenKind::mobile, 6, 17, "138****5678"},
    {"138\u20601234\ufeff5678", ScreenKind::mobile, 0, 17, "138****5678"},
    {"身份证110105\u00ad19491231002X请联系", ScreenKind::resident_id, 9, 20, "110105********002X"},
    {"电话138\u20091234\u20095678", ScreenKind::mobile, 6, 17, "138****5678"},
    {"138\u202f1234\u202f5678", ScreenKind::mobile, 0, 17, "138****5678"},
    {"138\u22121234\u22125678", ScreenKind::mobile, 0, 17, "138****5678"},
    // An ID number in groups: 6-8-4, 6-4-4-4, with its check character X apart or not.
    {"身份证110105 19491231 002X请联系", ScreenKind::resident_id, 9, 20, "110105********002X"},
    {"110105-1949-1231-002X", ScreenKind::resident_id, 0, 21, "110105********002X"},
    {"号码 371302 19850615 1237 已登记", ScreenKind::resident_id, 7, 20, "371302********1237"},
    {"绝密文件", ScreenKind::sensitive_term, 0, 6, "绝密"},
    {"统一社会信用代码：91371300MA3C4XXX1B", ScreenKind::credit_code, 27, 18, "91371300MA3C4XXX1B"},
    {"91110000100011743X", ScreenKind::credit_code, 0, 18, "91110000100011743X"},
};

TEST(Screen, CatchesEachPersonalNumberWithItsPlaceAndMask) {
  const ScreenPolicy policy = office_policy();
  for (const auto& hit : kHits) {
    const auto matches = screen_text(hit.text, "body", policy);
    ASSERT_EQ(matches.size(), 1u) << hit.text;
    EXPECT_EQ(matches[0].kind, hit.kind) << hit.text;
    EXPECT_EQ(matches[0].field, "body");
    EXPECT_EQ(matches[0].offset, hit.offset) << hit.text;
    EXPECT_EQ(matches[0].length, hit.length) << hit.text;
    EXPECT_EQ(matches[0].masked, hit.masked) << hit.text;
    EXPECT_EQ(matches[0].holds, hit.kind != ScreenKind::credit_code) << hit.text;
  }
}

// None of these may hold a release.
const char* const kQuiet[] = {
    "2026-12-05",
    "20261205",
    "2026年12月5日",
    "2026年12月05日 14:30",
    "临政办发〔2026〕12号",
    "鲁政发〔2026〕138号",
    "索引号：01527918X-2026-000001",
    "01527918X-2020-153077",
    "11371300MB2855918E-01-2026-000123-001-01",
    "113713000046246361-A-01-2026-000012-01",
    "市民热线12345",
    "热线 0539-12345",
    "服务电话：139-0539-0000",
    "收到审批件449,614件，办结448,224件",
    "全年 1,381,234,567 元",
    "GDP 5465.4 亿元",
    "12345678901234567",          // 17 digits, no X
    "110105194912310021",         // wrong check character
    "11010519491331002X",         // month 13
    "11010519490230002X",         // 30 February
    "11010518491231002X",         // born 1849
    "99010519491231002X",         // no province 99
    "1381234567",                 // 10 digits
    "138123456789",               // 12 digits
    "12812345678",                // 12x is not a mobile prefix
    "10012345678",
    "413812345678",               // inside a longer run
    "13812345678901234567890",    // a long reference number
    "1234567812345678",           // 16 digits failing Luhn
    "6222021234567890127",        // 19 digits failing Luhn
    "622202123456789012812345",   // 24 digits
    "6222 0212 3456 7890 127",    // grouped, failing Luhn
    "100 200 300 400",
    "110105491331002",            // 15 digits, month 13
    "990105491231002",            // 15 digits, no province
    "91371300MA3C4XXX1C",         // credit code with a wrong check
    "第 1 期 第 2 页",
    "电话（0539）8888888",
    "400-800-1234",
    "1e999",
    "",
    "纯文字的新闻稿，没有号码。",
    "https://www.linyi.gov.cn/art/2026/12/5/art_1234567890123456.html",
    "https://www.linyi.gov.cn/art/2026/12/5/6222021234567890128.html",
    "1764123456789-0",            // a stream entry id
    "1764123456789",              // unix milliseconds
    "2026-12-05T14:30:00+08:00",
};

TEST(Screen, RaisesNoAlarmOnDatesDocumentNumbersIndexNumbersHotlinesAndFigures) {
  const ScreenPolicy policy = office_policy();
  for (const char* text : kQuiet) {
    for (const auto& m : screen_text(text, "body", policy)) {
      EXPECT_FALSE(m.holds) << text << " gave " << to_string(m.kind) << " " << m.masked;
    }
  }
}

// A mobile number is reported whatever touches it and however its digits are grouped: one that only
// looks like part of a code or a figure is rare, and missing one is the worse mistake.
TEST(Screen, AMobileNumberIsReportedWhateverTouchesIt) {
  const ScreenPolicy policy = office_policy();
  for (const char* text : {"A13812345678", "13812345678B", "v2.13812345678", "3.13812345678", "Tel.13812345678",
                           "004220001/2026-13812345678", "1381-234-5678", "138-1234 5678", "138  1234  5678",
                           "+8613812345678", "+86 138 1234 5678", "0086-138-1234-5678", "tel:+8613812345678",
                           "(138)1234.5678", "138.1234.5678", "138·1234·5678", "138、1234、5678", "138_1234_5678",
                           "138#1234#5678", "138\n1234\n5678", "０５３９ 138 1234 5678", "138\u31641234\u31645678",
                           "１３８１２３４５６７８", "\u0661\u0663\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
                           "一三八一二三四五六七八", "①③⑧①②③④⑤⑥⑦⑧", "1\u20e33\u20e38\u20e31234\u03015678",
                           "\U0001D7CF\U0001D7D1\U0001D7D6\U0001D7CF\U0001D7D0\U0001D7D1\U0001D7D2\U0001D7D3"
                           "\U0001D7D4\U0001D7D5\U0001D7D6"}) {
    const auto matches = screen_text(text, "body", policy);
    ASSERT_EQ(matches.size(), 1u) << text;
    EXPECT_EQ(matches[0].kind, ScreenKind::mobile) << text;
    EXPECT_EQ(matches[0].masked, "138****5678") << text;
  }
  const auto two = screen_text("13812345678/13987654321", "body", policy);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].masked, "139****4321");
  for (const char* text : {"110105/19491231/002X", "110105  19491231  002X", "1101 0519 4912 3100 2X",
                           "11010519491231002×", "11010519491231002\u0425", "110105 1949 1231 002 X"}) {
    const auto matches = screen_text(text, "body", policy);
    ASSERT_EQ(matches.size(), 1u) << text;
    EXPECT_EQ(matches[0].kind, ScreenKind::resident_id) << text;
  }
}

TEST(Screen, APublicNumberIsOnlyQuietWhenListed) {
  ScreenPolicy policy = office_policy();
  EXPECT_TRUE(screen_text("服务电话：139-0539-0000", "body", policy).empty());
  policy.public_numbers.clear();
  const auto matches = screen_text("服务电话：139-0539-0000", "body", policy);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].masked, "139****0000");
}

TEST(Screen, CreditCodesCanBeIgnoredEntirely) {
  ScreenPolicy policy = office_policy();
  policy.credit_codes = CreditCodeMode::ignore;
  EXPECT_TRUE(screen_text("代码91371300MA3C4XXX1B", "body", policy).empty());
}

TEST(Screen, SeveralMatchesInOneTextComeInOrderOfOffset) {
  const auto matches = screen_text("张三，11010519491231002X，手机138-1234-5678，内部资料", "summary", office_policy());
  ASSERT_EQ(matches.size(), 3u);
  EXPECT_EQ(matches[0].kind, ScreenKind::resident_id);
  EXPECT_EQ(matches[1].kind, ScreenKind::mobile);
  EXPECT_EQ(matches[2].kind, ScreenKind::sensitive_term);
  EXPECT_LT(matches[0].offset, matches[1].offset);
  EXPECT_LT(matches[1].offset, matches[2].offset);
}

TEST(Screen, NoMatchEverCarriesTheRawNumber) {
  const auto matches = screen_text("11010519491231002X 13812345678 6222021234567890128", "body", office_policy());
  ASSERT_EQ(matches.size(), 3u);
  for (const auto& m : matches) {
    EXPECT_EQ(m.masked.find("19491231"), std::string::npos);
    EXPECT_EQ(m.masked.find("1234"), std::string::npos) << m.masked;
  }
}

TEST(Screen, ChecksFollowTheStandards) {
  using namespace screen_checks;
  EXPECT_TRUE(is_resident_id18("11010519491231002X"));
  EXPECT_FALSE(is_resident_id18("11010519491231002"));
  EXPECT_FALSE(is_resident_id18("11010519000229002X")) << "1900 was not a leap year";
  EXPECT_TRUE(is_resident_id15("110105491231002"));
  EXPECT_TRUE(is_bank_card("4111111111111111"));
  EXPECT_FALSE(is_bank_card("4111111111111112"));
  EXPECT_FALSE(is_bank_card("411111111111111")) << "15 digits";
  EXPECT_TRUE(is_credit_code("91371300MA3C4XXX1B"));
  EXPECT_FALSE(is_credit_code("91371300MA3C4XXXIB")) << "I is not in GB 32100's alphabet";
  EXPECT_EQ(mask_keeping("13812345678", 3, 4), "138****5678");
  EXPECT_EQ(mask_keeping("123", 3, 4), "***");
}

Release sample() {
  Release r;
  r.id = "2026-press-001";
  r.title = "关于走失老人的寻人启事";
  r.summary = "家属电话13812345678";
  r.body = "老人身份证号11010519491231002X。";
  r.issuer = "临沂市公安局";
  r.doc_number = "临政办发〔2026〕12号";
  return r;
}

TEST(Screen, ScreensEveryTextFieldOfARelease) {
  const ScreenResult result = screen_release(sample(), office_policy());
  ASSERT_EQ(result.matches.size(), 2u);
  EXPECT_EQ(result.matches[0].field, "summary");
  EXPECT_EQ(result.matches[1].field, "body");
  EXPECT_EQ(result.content_digest, content_digest(sample()));
  EXPECT_TRUE(result.holds());
  Release titled = sample();
  titled.summary = "请联系家属";
  titled.body = "";
  titled.abstract = "电话13812345678";
  titled.issuer = "内部资料室";
  const ScreenResult other = screen_release(titled, office_policy());
  ASSERT_EQ(other.matches.size(), 2u);
  EXPECT_EQ(other.matches[0].field, "issuer");
  EXPECT_EQ(other.matches[1].field, "abstract");
}

TEST(Screen, ADisabledPolicyFindsNothing) {
  ScreenPolicy policy = office_policy();
  policy.enabled = false;
  EXPECT_TRUE(screen_release(sample(), policy).matches.empty());
}

TEST(Screen, ReadsTheBodyAlsoAsItsMarkdownIsShown) {
  const ScreenPolicy policy = office_policy();
  const auto shown = [&](const char* body) {
    Release r = sample();
    r.summary = "请联系家属";
    r.body = body;
    return screen_release(r, policy).matches;
  };
  for (const char* body : {"联系电话：138**1234**5678。", "联系电话：138&#49;2345678。", "联系电话：138&#x31;2345678。",
                           "联系电话：`138`12345678。", "联系电话：~~138~~12345678"}) {
    const auto matches = shown(body);
    ASSERT_EQ(matches.size(), 1u) << body;
    EXPECT_EQ(matches[0].kind, ScreenKind::mobile) << body;
    EXPECT_EQ(matches[0].field, "body as shown") << body;
    EXPECT_EQ(matches[0].masked, "138****5678") << body;
    EXPECT_TRUE(matches[0].holds);
  }
  const auto id = shown("身份证：110105*1949*1231002X。");
  ASSERT_EQ(id.size(), 1u);
  EXPECT_EQ(id[0].kind, ScreenKind::resident_id);
  EXPECT_EQ(id[0].field, "body as shown");
  const auto term = shown("请勿外传：**内部**资料");
  ASSERT_EQ(term.size(), 1u);
  EXPECT_EQ(term[0].kind, ScreenKind::sensitive_term);
  EXPECT_EQ(term[0].field, "body as shown");
}

TEST(Screen, ANumberTheSourceShowsIsReportedOnceUnderTheBody) {
  Release r = sample();
  r.summary = "请联系家属";
  r.body = "**寻人启事**：联系电话13812345678，或 `13912345678`。";
  const auto matches = screen_release(r, office_policy()).matches;
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].field, "body");
  EXPECT_EQ(matches[1].field, "body");
  r.body = "**重要**通知：2026年12月5日 14:30，[详情](https://www.linyi.gov.cn/a/20261205.html) &amp; 附件";
  EXPECT_TRUE(screen_release(r, office_policy()).matches.empty()) << "markup, a date and a link target hold nothing";
}

TEST(Screen, ScreensEveryTextThatIsPublished) {
  Release r = sample();
  r.summary = "请联系家属";
  r.body = "老人已找到。";
  r.abstract = r.summary;  // the default: reported once, under summary
  r.change_note = "第二段联系电话更正为13812345678";
  r.subjects = {"综合政务", "热线13912345678"};
  r.link = "https://www.linyi.gov.cn/a?tel=13712345678";
  ConferenceDetails c;
  c.organiser = "市政府新闻办";
  c.venue = "新闻发布厅";
  c.topic = "寻人";
  c.registration = "报名请联系王老师，电话15012345678";
  c.livestream = {"临沂发布", "https://live.example.cn/15112345678"};
  c.live_text = "https://www.linyi.gov.cn/live?m=15212345678";
  r.conference = c;
  std::vector<std::string> fields;
  for (const auto& m : screen_release(r, office_policy()).matches) fields.push_back(m.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"change_note", "link", "subjects[1]", "conference.registration",
                                              "conference.livestream.url", "conference.live_text"}));
  r.summary = "电话13612345678";
  r.abstract = r.summary;
  EXPECT_EQ(screen_release(r, office_policy()).matches.front().field, "summary");
  EXPECT_EQ(screen_release(r, office_policy()).matches.size(), 7u) << "the abstract that is the summary is not counted twice";
}

TEST(Screen, ATextPublishedOutsideAReleaseIsRefusedWithItsMatchesMasked) {
  const auto refusal = screen_refusal("标题有误，详询王先生13812345678", "reason", office_policy());
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("mobile in reason at byte 30: 138****5678"), std::string::npos) << *refusal;
  EXPECT_EQ(refusal->find("13812345678"), std::string::npos) << "the number itself is never repeated";
  EXPECT_FALSE(screen_refusal("标题有误，详询热线12345", "reason", office_policy()));
  ScreenPolicy off = office_policy();
  off.enabled = false;
  EXPECT_FALSE(screen_refusal("详询13812345678", "reason", off));
}

TEST(Screen, TakesTheContentDigestOnlyWhenSomethingMatched) {
  Release clean = sample();
  clean.summary = "请联系家属";
  clean.body = "老人已找到。";
  const ScreenResult nothing = screen_release(clean, office_policy());
  EXPECT_TRUE(nothing.matches.empty());
  EXPECT_TRUE(nothing.content_digest.empty()) << "nothing to override or record";
  Release warned = clean;
  warned.body = "统一社会信用代码91371300MA3C4XXX1B。";
  const ScreenResult warning = screen_release(warned, office_policy());
  ASSERT_FALSE(warning.matches.empty());
  EXPECT_FALSE(warning.holds());
  EXPECT_EQ(warning.content_digest, content_digest(warned)) << "a warning is described with its digest";
}

TEST(Screen, TheDigestNamesTheContentAndTheHoldingMatches) {
  const ScreenPolicy policy = office_policy();
  const ScreenResult a = screen_release(sample(), policy);
  EXPECT_EQ(a.digest().size(), 64u);
  EXPECT_EQ(a.digest(), screen_release(sample(), policy).digest()) << "stable";
  Release changed = sample();
  changed.title = "关于走失老人的寻人启事（更新）";
  EXPECT_NE(screen_release(changed, policy).digest(), a.digest()) << "other content, other digest";
  ScreenResult warned = a;
  warned.matches.push_back({ScreenKind::credit_code, "body", 99, 18, "91371300MA3C4XXX1B", false});
  EXPECT_EQ(warned.digest(), a.digest()) << "warnings are not part of the digest";
  ScreenResult moved = a;
  moved.matches[0].offset += 1;
  EXPECT_NE(moved.digest(), a.digest());
}

TEST(Screen, KindNamesRoundTrip) {
  for (auto kind : {ScreenKind::resident_id, ScreenKind::resident_id_15, ScreenKind::mobile, ScreenKind::bank_card,
                    ScreenKind::credit_code, ScreenKind::sensitive_term}) {
    EXPECT_EQ(screen_kind_from(to_string(kind)), kind);
  }
  EXPECT_FALSE(screen_kind_from("phone"));
}

TEST(DecideScreen, AdmitsWhatHasNoHoldingMatch) {
  ScreenResult clean;
  clean.content_digest = "abc";
  EXPECT_EQ(decide_screen(clean, {}, office_policy()).verdict, ScreenVerdict::admit);
  clean.matches.push_back({ScreenKind::credit_code, "body", 0, 18, "91371300MA3C4XXX1B", false});
  EXPECT_EQ(decide_screen(clean, {}, office_policy()).verdict, ScreenVerdict::admit) << "a warning does not hold";
}

TEST(DecideScreen, HoldsAHitWithoutOverride) {
  const ScreenResult result = screen_release(sample(), office_policy());
  const ScreenDecision d = decide_screen(result, {}, office_policy());
  EXPECT_EQ(d.verdict, ScreenVerdict::held);
  EXPECT_NE(d.reason.find(result.digest()), std::string::npos) << d.reason;
  EXPECT_FALSE(d.override_by);
}

TEST(DecideScreen, AnOverrideByAnAllowedRoleNamingTheDigestAdmits) {
  const ScreenResult result = screen_release(sample(), office_policy());
  const ScreenDecision d = decide_screen(result, {{"k1", "保密审查", result.digest()}}, office_policy());
  EXPECT_EQ(d.verdict, ScreenVerdict::admit);
  ASSERT_TRUE(d.override_by);
  EXPECT_EQ(d.override_by->key_id, "k1");
}

TEST(DecideScreen, AnOverrideByAnotherRoleOrForAnotherDigestDoesNot) {
  const ScreenPolicy policy = office_policy();
  const ScreenResult result = screen_release(sample(), policy);
  const ScreenDecision wrong_role = decide_screen(result, {{"k2", "内容审核", result.digest()}}, policy);
  EXPECT_EQ(wrong_role.verdict, ScreenVerdict::held);
  EXPECT_NE(wrong_role.reason.find("may not override"), std::string::npos) << wrong_role.reason;
  const ScreenDecision stale = decide_screen(result, {{"k1", "保密审查", std::string(64, '0')}}, policy);
  EXPECT_EQ(stale.verdict, ScreenVerdict::held);
  EXPECT_NE(stale.reason.find("not the current one"), std::string::npos) << stale.reason;
  ScreenPolicy nobody = policy;
  nobody.override_roles.clear();
  EXPECT_EQ(decide_screen(result, {{"k1", "保密审查", result.digest()}}, nobody).verdict, ScreenVerdict::held);
}

TEST(DecideScreen, ADisabledScreenAdmits) {
  ScreenPolicy off = office_policy();
  const ScreenResult result = screen_release(sample(), off);
  off.enabled = false;
  EXPECT_EQ(decide_screen(result, {}, off).verdict, ScreenVerdict::admit);
}

}  // namespace
}  // namespace fabu
