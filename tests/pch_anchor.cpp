// Anchor for the precompiled <catch2/catch.hpp> that every test binary reuses.
