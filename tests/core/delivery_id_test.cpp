#include "core/delivery_id.h"

#include <gtest/gtest.h>

namespace fabu {
namespace {

TEST(DeliveryId, FirstPublishKeepsTheShortSpelling) {
  DeliveryId id{"r-1", "microblog", "linyi_fabu"};
  EXPECT_EQ(id.str(), "r-1|microblog|linyi_fabu");
  EXPECT_EQ(DeliveryId::parse("r-1|microblog|linyi_fabu"), id);
}

TEST(DeliveryId, OtherOperationsAndRevisionsCarryASuffix) {
  DeliveryId retract{"r-1", "portal", "article", Operation::retract, 1};
  EXPECT_EQ(retract.str(), "r-1|portal|article|retract.1");
  EXPECT_EQ(DeliveryId::parse(retract.str()), retract);
  DeliveryId correct{"r-1", "microblog", "a@b", Operation::correct, 12};
  EXPECT_EQ(correct.str(), "r-1|microblog|a@b|correct.12");
  EXPECT_EQ(DeliveryId::parse(correct.str()), correct);
  DeliveryId republish{"r-1", "microblog", "x", Operation::publish, 2};
  EXPECT_EQ(DeliveryId::parse(republish.str()), republish);
  EXPECT_EQ(correct.first_publish().str(), "r-1|microblog|a@b");
}

TEST(DeliveryId, RefusesWhatItDoesNotBuild) {
  for (const char* bad : {"", "r", "r|c", "r||d", "|c|d", "r|c|d|", "r|c|d|retract", "r|c|d|undo.1",
                          "r|c|d|retract.0", "r|c|d|retract.-1", "r|c|d|retract.1x", "r|c|d|publish.1",
                          "r|c|d|retract.1|x"}) {
    EXPECT_FALSE(DeliveryId::parse(bad).has_value()) << bad;
  }
}

TEST(Operation, NamesRoundTrip) {
  for (Operation op : {Operation::publish, Operation::retract, Operation::correct}) {
    EXPECT_EQ(operation_from(to_string(op)), op);
  }
  EXPECT_FALSE(operation_from("delete").has_value());
}

}  // namespace
}  // namespace fabu
