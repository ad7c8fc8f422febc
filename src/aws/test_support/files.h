// File helpers the tests of sentinel's file-writing code share. Test binary only.
#ifndef SENTINEL_AWS_TEST_SUPPORT_FILES_H_
#define SENTINEL_AWS_TEST_SUPPORT_FILES_H_

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sentinel::aws::test_support {

// The permission bits of `path` (07777); a failed stat fails the test and gives 0.
inline mode_t ModeOf(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

// The whole content of `path`, byte for byte; "" when it cannot be read.
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace sentinel::aws::test_support

#endif  // SENTINEL_AWS_TEST_SUPPORT_FILES_H_
