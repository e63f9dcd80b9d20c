// The check-digit and date rules behind the screen (core/screen.h): GB 11643 resident ID numbers,
// Luhn for bank cards, GB 32100 unified social credit codes, and the masks shown instead of a match.
// Inputs are ASCII (digits already normalised from full-width). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace fabu::screen_checks {

// 18 characters: 6-digit area code of a real province, a real birth date YYYYMMDD (1900-2099),
// 3 digits, and the GB 11643 check character (0-9 or X).
bool is_resident_id18(std::string_view id);
// 15 digits: area code of a real province, a real birth date YYMMDD (19YY), 3 digits.
bool is_resident_id15(std::string_view id);
// Mainland mobile: 11 digits, 1[3-9] first.
bool is_mobile(std::string_view digits);
// 16-19 digits passing the Luhn check.
bool is_bank_card(std::string_view digits);
// 18 characters of GB 32100's alphabet (digits and upper-case letters but I O S V Z) with a valid
// mod-31 check character.
bool is_credit_code(std::string_view code);

// Masks: ID numbers keep the area code and the last 4 (18) or 3 (15) characters, a mobile its first 3
// and last 4 digits, a bank card its first 4 and last 4 digits; every other character becomes '*'.
std::string mask_keeping(std::string_view value, std::size_t head, std::size_t tail);

}  // namespace fabu::screen_checks
