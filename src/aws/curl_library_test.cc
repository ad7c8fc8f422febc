#include "aws/curl_library.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace sentinel::aws {
namespace {

using ::testing::HasSubstr;
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

}  // namespace
}  // namespace sentinel::aws
