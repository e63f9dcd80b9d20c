// DeliveryId: the name of one delivery, built and read in one place.
//
// A delivery is one operation (publish, retract, correct) of one revision of a release on one
// destination of one channel. Its id is the key the queue stores it under and the name operators see:
//
//   <release>|<channel>|<destination>                 publish, revision 1 (the common case)
//   <release>|<channel>|<destination>|<op>.<revision>  anything else, e.g. "…|retract.1", "…|correct.2"
//
// Release ids, channel names and destinations cannot contain '|' (their validation allows letters,
// digits and a few punctuation marks), so the parts never blur. The queue's Lua scripts build the same
// text from the same parts (queue/lua_prelude.h, `delivery_id`). Plain value; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/delivery.h"

namespace fabu {

struct DeliveryId {
  std::string release;
  std::string channel;
  std::string destination;
  Operation operation = Operation::publish;
  int revision = 1;

  std::string str() const;
  // nullopt when `text` is not an id of the form above.
  static std::optional<DeliveryId> parse(std::string_view text);

  // The publish delivery of revision 1 this one belongs to (the same release, channel and destination).
  DeliveryId first_publish() const { return {release, channel, destination, Operation::publish, 1}; }

  friend bool operator==(const DeliveryId&, const DeliveryId&) = default;
};

}  // namespace fabu
