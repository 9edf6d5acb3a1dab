#include "nerve_test.hpp"

#include "nerve/core/result.hpp"

namespace {
nerve::result<int> parse_digit(char c) {
    if (c < '0' || c > '9') return {nerve::errc::parse_error, "not a digit"};
    return c - '0';
}
}  // namespace

TEST_CASE("result carries a value or an error with a message", "[result]") {
    auto ok = parse_digit('7');
    REQUIRE(ok.ok());
    CHECK(ok.value() == 7);
    auto bad = parse_digit('x');
    CHECK_FALSE(bad);
    CHECK(bad.code() == nerve::errc::parse_error);
    CHECK(std::string(bad.message()) == "not a digit");
    CHECK(bad.value_or(-1) == -1);
    CHECK(std::string(nerve::to_string(nerve::errc::checksum_mismatch)) == "checksum mismatch");
    nerve::result<void> v;
    CHECK(v.ok());
}
