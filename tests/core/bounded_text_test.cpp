#include "core/bounded_text.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace fabu {
namespace {

TEST(BoundedText, ShortValuesAreKept) { EXPECT_EQ(bounded("abc", 3), "abc"); }

TEST(BoundedText, LongValuesAreCutWithTheirSize) {
  EXPECT_EQ(bounded(std::string(10485760, 'x'), 4), "xxxx… (10485760 bytes, at most 4)");
}

TEST(BoundedText, ACharacterIsNeverSplit) {
  const std::string cut = bounded("政务公开", 4);  // 3 bytes each: only the first fits
  EXPECT_EQ(cut, "政… (12 bytes, at most 4)");
  EXPECT_TRUE(is_valid_utf8(cut));
}

TEST(BoundedText, CuttingAgainToTheSameSizeKeepsTheOriginalSize) {
  const std::string once = bounded(std::string(65, 'x'), 64);
  EXPECT_EQ(once, std::string(64, 'x') + "… (65 bytes, at most 64)");
  EXPECT_EQ(bounded(once, 64), once);
  EXPECT_EQ(bounded(bounded(once, 64), 64), once);
  EXPECT_EQ(bounded(once, 8), "xxxxxxxx… (90 bytes, at most 8)") << "cut smaller, it is a new value";
  const std::string lookalike = std::string(70, 'y') + "… (65 bytes, at most 64)";
  EXPECT_EQ(bounded(lookalike, 64), std::string(64, 'y') + "… (96 bytes, at most 64)")
      << "a text longer than the size before its phrase was not cut by bounded";
}

}  // namespace
}  // namespace fabu
