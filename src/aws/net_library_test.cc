#include "aws/net_library.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace sentinel::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(CurlLibraryTest, LoadsOnceAndResolvesEveryEntry) {
  auto first = LoadCurlLibrary();
  ASSERT_TRUE(first.has_value()) << first.error().message();
  auto second = LoadCurlLibrary();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*first, *second);

  const CurlLibrary& curl = **first;
  for (const void* entry : {reinterpret_cast<const void*>(curl.global_init),
                            reinterpret_cast<const void*>(curl.easy_init),
                            reinterpret_cast<const void*>(curl.easy_cleanup),
                            reinterpret_cast<const void*>(curl.easy_reset),
                            reinterpret_cast<const void*>(curl.easy_setopt),
                            reinterpret_cast<const void*>(curl.easy_perform),
                            reinterpret_cast<const void*>(curl.easy_getinfo),
                            reinterpret_cast<const void*>(curl.easy_strerror),
                            reinterpret_cast<const void*>(curl.slist_append),
                            reinterpret_cast<const void*>(curl.slist_free_all)}) {
    EXPECT_NE(entry, nullptr);
  }

  // The entries are libcurl's own: they behave as documented.
  EXPECT_STREQ(curl.easy_strerror(CURLE_OK), "No error");
  CURL* easy = curl.easy_init();
  ASSERT_NE(easy, nullptr);
  EXPECT_EQ(curl.easy_setopt(easy, CURLOPT_URL, "http://127.0.0.1:1/"), CURLE_OK);
  curl.easy_cleanup(easy);
  curl_slist* list = curl.slist_append(nullptr, "X-A: 1");
  ASSERT_NE(list, nullptr);
  EXPECT_STREQ(list->data, "X-A: 1");
  curl.slist_free_all(list);
}

TEST(CurlLibraryTest, MissingLibraryIsUnavailableWithTheLoadersReason) {
  auto curl = OpenCurlLibrary("libsentinel-no-such-library.so.4");
  ASSERT_FALSE(curl.has_value());
  EXPECT_EQ(curl.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(curl.error().message(), StartsWith("loading libsentinel-no-such-library.so.4: "));
  EXPECT_THAT(curl.error().message(), HasSubstr("cannot open shared object file"));
}

TEST(CurlLibraryTest, LibraryWithoutCurlSymbolsNamesTheMissingOne) {
  // libc loads fine but has no curl_* entry: the first one looked up is reported.
  auto curl = OpenCurlLibrary("libc.so.6");
  ASSERT_FALSE(curl.has_value());
  EXPECT_EQ(curl.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(curl.error().message(),
              StartsWith("loading libc.so.6: no symbol curl_global_init: "));
}

TEST(NetModuleTest, CandidatesAreBesideTheExecutableThenInLibSentinel) {
  EXPECT_EQ(NetModuleCandidates("/usr/local/bin/sentinel"),
            (std::vector<std::string>{"/usr/local/bin/libsentinel-net.so",
                                      "/usr/local/lib/sentinel/libsentinel-net.so"}));
  EXPECT_EQ(
      NetModuleCandidates("sentinel"),
      (std::vector<std::string>{"./libsentinel-net.so", "../lib/sentinel/libsentinel-net.so"}));
}

TEST(NetModuleTest, MissingModuleNamesThePath) {
  auto net = OpenNetModule("/nonexistent/libsentinel-net.so");
  ASSERT_FALSE(net.has_value());
  EXPECT_EQ(net.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(net.error().message(),
            "loading /nonexistent/libsentinel-net.so: No such file or directory");
}

TEST(NetModuleTest, ModuleOthersCanWriteIsRefusedBeforeLoading) {
  const std::filesystem::path dir = testing::TempDir();
  const std::string path = (dir / "libsentinel-net-mode-test.so").string();
  { std::ofstream(path) << "not even an ELF file"; }
  for (const mode_t mode : {0664, 0646}) {
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
    auto net = OpenNetModule(path);
    ASSERT_FALSE(net.has_value());
    EXPECT_EQ(net.error().code(), ErrorCode::kUnavailable);
    EXPECT_THAT(net.error().message(), HasSubstr(": writable by other users (mode 6"));
  }
  // With the mode fixed, the loader gets to see it, and says what it found.
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto net = OpenNetModule(path);
  ASSERT_FALSE(net.has_value());
  EXPECT_THAT(net.error().message(), StartsWith("loading " + path + ": "));
  EXPECT_THAT(net.error().message(), Not(HasSubstr("writable")));
  std::remove(path.c_str());
}

TEST(NetModuleTest, LibraryWithoutTheEntryPointIsRefused) {
  // libc is a fine shared object, owned by root, but no sentinel module.
  const std::string libc = "/lib/x86_64-linux-gnu/libc.so.6";
  if (access(libc.c_str(), R_OK) != 0) {
    GTEST_SKIP() << libc << " is not here";
  }
  auto net = OpenNetModule(libc);
  ASSERT_FALSE(net.has_value());
  EXPECT_THAT(net.error().message(),
              StartsWith("loading " + libc + ": no symbol sentinel_net_open: "));
}

TEST(NetLibraryTest, DigestsComeFromTheLoadedLibrary) {
  auto net = LoadNetLibrary();
  ASSERT_TRUE(net.has_value()) << net.error().message();
  unsigned char digest[32] = {};
  ASSERT_EQ((*net)->sha256("abc", 3, digest), 1);
  EXPECT_EQ(digest[0], 0xba);
  EXPECT_EQ(digest[31], 0xad);
  unsigned char mac[32] = {};
  ASSERT_EQ((*net)->hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac), 1);
  EXPECT_EQ(mac[0], 0x5b);
  EXPECT_EQ(mac[31], 0x43);
}

}  // namespace
}  // namespace sentinel::aws
