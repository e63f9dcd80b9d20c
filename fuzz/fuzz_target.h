// A fuzz target: one function that takes arbitrary bytes and checks fabu's promises about them.
//
// Each target is a program of its own (fuzz/driver.cpp is its main): it runs the function over every
// file named on its command line (or every file in a named folder). The same program serves the
// regression test, which replays the seed corpus in every test run, and AFL++, which calls it with
// one generated file at a time (`script/fuzz`). A broken promise aborts with a message on stderr,
// which AFL++ records as a crash and the replay test as a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fabu::fuzz {

// Defined once by each target.
void fuzz_one(std::string_view input);

// Aborts with `what` when `ok` is false.
void require(bool ok, std::string_view what);

}  // namespace fabu::fuzz
