#include "aws/crypto.h"

#include <gtest/gtest.h>

#include <string>

namespace sentinel::aws {
namespace {

std::string Sha256Hex(std::string_view data) {
  auto digest = Sha256(data);
  EXPECT_TRUE(digest.has_value()) << digest.error().message();
  return digest ? LowerHex(*digest) : "";
}

std::string HmacHex(std::string_view key, std::string_view data) {
  auto mac = HmacSha256(key, data);
  EXPECT_TRUE(mac.has_value()) << mac.error().message();
  return mac ? LowerHex(*mac) : "";
}

// FIPS 180-2's examples.
TEST(CryptoTest, Sha256MatchesThePublishedExamples) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// RFC 4231, test cases 1, 2 and 6 (a key longer than the block, which is hashed first).
TEST(CryptoTest, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(HmacHex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HmacHex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(
      HmacHex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoTest, LowerHexWritesTwoDigitsPerByte) {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(LowerHex(bytes), "000fa0ff");
  EXPECT_EQ(LowerHex({}), "");
}

}  // namespace
}  // namespace sentinel::aws
