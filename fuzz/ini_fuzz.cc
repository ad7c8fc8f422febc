// libFuzzer target for the AWS INI parser: any input either parses or yields an error
// located at a line of the input; nothing crashes, hangs or reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aws/ini.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sentinel::Result<sentinel::aws::IniDocument> document = sentinel::aws::ParseIni(text, "fuzz");
  if (!document.has_value()) {
    // Every error points at a line of the input.
    if (!document.error().message().starts_with("fuzz: line ")) {
      std::abort();
    }
    return 0;
  }
  for (const sentinel::aws::IniSection& section : document->sections) {
    if (section.line < 1 || section.name.empty()) {
      std::abort();
    }
    for (const auto& [key, value] : section.values) {
      if (key.empty() || value.line < 1) {
        std::abort();
      }
    }
  }
  return 0;
}
