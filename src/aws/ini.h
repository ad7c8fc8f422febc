// The INI dialect of the AWS shared config and credentials files, read the way the
// AWS CLI reads it (Python's configparser in strict mode, plus botocore's indented
// sub-sections).
#ifndef SENTINEL_AWS_INI_H_
#define SENTINEL_AWS_INI_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace sentinel::aws {

// The value of one `key = value` entry.
struct IniValue {
  // The text after the delimiter with surrounding whitespace removed. Indented
  // continuation lines are appended, each after a '\n'. Empty for a sub-section.
  std::string text;

  // Set when the entry is a sub-section: `key =` with nothing after it, followed by
  // indented `name = value` lines (`s3 =` / `  max_concurrent_requests = 10`). Names
  // keep their case; a repeated name replaces the earlier one.
  std::optional<std::map<std::string, std::string>> sub_section;

  int line = 0;  // 1-based line of the key
};

// One `[name]` section.
struct IniSection {
  std::string name;  // the header between '[' and the last ']', as written: "profile  x "
  int line = 0;      // 1-based line of the header
  std::map<std::string, IniValue> values;  // keys lower-cased, as the CLI does
};

// A parsed file: its sections in file order. A `[DEFAULT]` section is not listed; its
// keys are copied into every section that does not set them itself (configparser's rule).
struct IniDocument {
  std::vector<IniSection> sections;
};

// Parses `text`, the contents of the file called `source` (used only in messages).
//
// The dialect, as the AWS CLI accepts it:
//  - lines end in "\n", "\r\n" or "\r"; the text must be UTF-8;
//  - `[name]` starts a section (leading and trailing whitespace on the line is ignored,
//    the name is everything up to the last ']', text after it is ignored);
//  - `key = value` or `key: value`: split at the first '=' or ':'; the key is
//    lower-cased and the value trimmed (so `Region` and `region` are the same key);
//  - lines whose first non-blank character is '#' or ';' are comments; a '#' or ';'
//    after a value is part of the value, as it is for the CLI;
//  - a line indented deeper than the key line before it continues that key's value;
//    when the key had no value of its own, the continuation lines are a sub-section
//    of `name = value` lines.
//
// Fails with kInvalidInput and a message "<source>: line N: <what>" for: a key before
// any section, a line that is neither header, comment nor `key = value`, an empty key,
// a repeated section or a repeated key within a section, a malformed sub-section line,
// or invalid UTF-8. Messages never quote a value.
[[nodiscard]] Result<IniDocument> ParseIni(std::string_view text, std::string_view source);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_INI_H_
