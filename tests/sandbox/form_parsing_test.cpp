#include "sandbox/form_parsing.h"

#include <gtest/gtest.h>

namespace fabu::sandbox {
namespace {

TEST(FormParsing, DecodesUrlencodedBodies) {
  Params params;
  parse_urlencoded("access_token=tok&status=%E4%B8%AD+a%2Bb&empty=&flag&status=second", params);
  EXPECT_EQ(params.at("access_token"), "tok");
  EXPECT_EQ(params.at("status"), "中 a+b");  // the first value of a repeated name wins
  EXPECT_EQ(params.at("empty"), "");
  EXPECT_EQ(params.at("flag"), "");
}

TEST(FormParsing, KeepsMalformedEscapes) {
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode("%41%62"), "Ab");
}

TEST(FormParsing, FindsTheMultipartBoundary) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(multipart_boundary("multipart/form-data; charset=utf-8; boundary=\"a b\""), "a b");
  EXPECT_EQ(multipart_boundary("application/x-www-form-urlencoded"), "");
}

TEST(FormParsing, ParsesMultipartFieldsAndFileParts) {
  const std::string binary("\xFF\xD8\x00\r\n--not-the-boundary", 22);
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"access_token\"\r\n\r\ntok\r\n"
      "--XyZ\r\ncontent-disposition: form-data; name=\"status\"\r\nContent-Type: text/plain\r\n\r\n"
      "第一行\r\n第二行\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"pic\"; filename=\"a.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n" + binary + "\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n\r\n"
      "--XyZ--\r\n";
  const auto form = parse_multipart(body, "XyZ");
  EXPECT_EQ(form.fields.at("access_token"), "tok");
  EXPECT_EQ(form.fields.at("status"), "第一行\r\n第二行");
  EXPECT_TRUE(form.files.contains("pic"));
  EXPECT_FALSE(form.files.contains("empty"));  // an empty file part is no file
  EXPECT_FALSE(form.fields.contains("pic"));
}

TEST(FormParsing, StopsAtATruncatedMultipartBody) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nno closing delimiter";
  const auto form = parse_multipart(body, "b");
  EXPECT_EQ(form.fields.at("a"), "1");
  EXPECT_FALSE(form.fields.contains("status"));
}

}  // namespace
}  // namespace fabu::sandbox
