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

}  // namespace
}  // namespace fabu
