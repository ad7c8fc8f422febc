#include "aws/ini.h"

#include <cstddef>
#include <deque>
#include <utility>

#include "aws/quoted.h"

namespace sentinel::aws {
namespace {

// configparser keeps the keys of [DEFAULT] apart and offers them to every section.
constexpr std::string_view kDefaultSection = "DEFAULT";

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && IsBlank(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view TrimRight(std::string_view text) {
  while (!text.empty() && IsBlank(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// Returns true when `text` is well-formed UTF-8 (no overlongs, surrogates or values
// above U+10FFFF), the check Python's decoder makes before the CLI sees the file.
bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned min = 0;
    unsigned code = 0;
    if ((b0 & 0xe0) == 0xc0) {
      length = 2, min = 0x80, code = b0 & 0x1fu;
    } else if ((b0 & 0xf0) == 0xe0) {
      length = 3, min = 0x800, code = b0 & 0x0fu;
    } else if ((b0 & 0xf8) == 0xf0) {
      length = 4, min = 0x10000, code = b0 & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xc0) != 0x80) {
        return false;
      }
      code = (code << 6) | (b & 0x3fu);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

// Splits on "\n", "\r\n" and "\r", like Python's universal newlines.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') {
      continue;
    }
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
    }
    start = i + 1;
  }
  if (start < text.size()) {
    lines.push_back(text.substr(start));
  }
  return lines;
}

// A value while the file is being read: its lines, each with its line number.
struct PendingValue {
  std::vector<std::pair<std::string, int>> pieces;
  int line = 0;
};

struct PendingSection {
  std::string name;
  int line = 0;
  std::map<std::string, PendingValue> values;
};

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  Result<IniDocument> Parse(std::string_view text);

 private:
  std::unexpected<Error> LineError(int line, std::string_view what) const {
    return Fail(ErrorCode::kInvalidInput,
                std::string(source_) + ": line " + std::to_string(line) + ": " + std::string(what));
  }

  Status ReadLine(std::string_view line, int number);
  Status StartSection(std::string_view name, int number);
  Status AddKey(std::string_view stripped, int number);
  Result<IniValue> Finish(const std::string& key, const PendingValue& pending) const;
  Result<IniSection> Finish(const PendingSection& pending) const;

  std::string_view source_;
  std::deque<PendingSection> sections_;  // a deque, so current_ stays valid as it grows
  std::map<std::string, int, std::less<>> section_lines_;
  PendingSection defaults_{std::string(kDefaultSection), 0, {}};
  PendingSection* current_ = nullptr;  // the section keys go to; null before the first header
  std::string key_;                    // the key continuation lines extend; empty for none
  std::size_t indent_ = 0;             // indentation of the last key or header line
};

Result<IniDocument> Parser::Parse(std::string_view text) {
  const std::vector<std::string_view> lines = SplitLines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int number = static_cast<int>(i + 1);
    if (!IsValidUtf8(lines[i])) {
      return LineError(number, "not valid UTF-8");
    }
    if (auto status = ReadLine(lines[i], number); !status) {
      return std::unexpected(status.error());
    }
  }

  IniDocument document;
  for (PendingSection& pending : sections_) {
    // [DEFAULT] keys join each section before its values are finished, so a malformed
    // [DEFAULT] sub-section is an error only where a section inherits it, as in the CLI.
    for (const auto& [key, value] : defaults_.values) {
      pending.values.try_emplace(key, value);
    }
    Result<IniSection> section = Finish(pending);
    if (!section) {
      return std::unexpected(section.error());
    }
    document.sections.push_back(std::move(*section));
  }
  return document;
}

Status Parser::ReadLine(std::string_view line, int number) {
  const std::string_view stripped = Trim(line);
  if (!stripped.empty() && (stripped.front() == '#' || stripped.front() == ';')) {
    return {};  // a comment neither ends nor extends a value
  }
  if (stripped.empty()) {
    // A blank line inside a value is kept (trailing ones are trimmed at the end).
    if (current_ != nullptr && !key_.empty()) {
      current_->values[key_].pieces.emplace_back("", number);
    }
    return {};
  }

  std::size_t indent = 0;
  while (indent < line.size() && IsBlank(line[indent])) {
    ++indent;
  }
  if (current_ != nullptr && !key_.empty() && indent > indent_) {
    current_->values[key_].pieces.emplace_back(std::string(stripped), number);
    return {};
  }
  indent_ = indent;

  if (number == 1 && stripped.starts_with("\xef\xbb\xbf")) {
    return LineError(number,
                     "the file starts with a byte order mark; save it as UTF-8 without one");
  }
  const std::size_t close = stripped.rfind(']');
  if (stripped.front() == '[' && close != std::string_view::npos && close >= 2) {
    return StartSection(stripped.substr(1, close - 1), number);
  }
  if (current_ == nullptr) {
    return LineError(number, "expected a section header such as [default] before the first key");
  }
  return AddKey(stripped, number);
}

Status Parser::StartSection(std::string_view name, int number) {
  key_.clear();
  if (name == kDefaultSection) {
    current_ = &defaults_;
    return {};
  }
  if (const auto it = section_lines_.find(name); it != section_lines_.end()) {
    return LineError(number, "section " + Quoted(name) + " appears twice (first on line " +
                                 std::to_string(it->second) + ")");
  }
  section_lines_.emplace(std::string(name), number);
  sections_.push_back(PendingSection{std::string(name), number, {}});
  current_ = &sections_.back();
  return {};
}

Status Parser::AddKey(std::string_view stripped, int number) {
  const std::size_t delimiter = stripped.find_first_of("=:");
  if (delimiter == std::string_view::npos) {
    return LineError(number, "expected 'key = value'");
  }
  const std::string key = Lower(TrimRight(stripped.substr(0, delimiter)));
  if (key.empty()) {
    return LineError(number, "expected a key before '" + std::string(1, stripped[delimiter]) + "'");
  }
  if (const auto it = current_->values.find(key); it != current_->values.end()) {
    return LineError(number, "key " + Quoted(key) + " appears twice in section " +
                                 Quoted(current_->name) + " (first on line " +
                                 std::to_string(it->second.line) + ")");
  }
  PendingValue& value = current_->values[key];
  value.line = number;
  value.pieces.emplace_back(std::string(Trim(stripped.substr(delimiter + 1))), number);
  key_ = key;
  return {};
}

Result<IniValue> Parser::Finish(const std::string& key, const PendingValue& pending) const {
  // Trailing blank lines belong to no value.
  std::size_t count = pending.pieces.size();
  while (count > 1 && pending.pieces[count - 1].first.empty()) {
    --count;
  }

  IniValue value;
  value.line = pending.line;
  const bool sub_section = count > 1 && pending.pieces[0].first.empty();
  if (!sub_section) {
    for (std::size_t i = 0; i < count; ++i) {
      if (i > 0) {
        value.text += '\n';
      }
      value.text += pending.pieces[i].first;
    }
    return value;
  }

  std::map<std::string, std::string> entries;
  for (std::size_t i = 1; i < count; ++i) {
    const auto& [text, line] = pending.pieces[i];
    if (text.empty()) {
      continue;
    }
    const std::size_t equals = text.find('=');
    if (equals == std::string::npos) {
      return LineError(line,
                       "expected 'name = value' in the indented block under key " + Quoted(key));
    }
    const std::string_view whole(text);
    entries[std::string(Trim(whole.substr(0, equals)))] =
        std::string(Trim(whole.substr(equals + 1)));
  }
  value.sub_section = std::move(entries);
  return value;
}

Result<IniSection> Parser::Finish(const PendingSection& pending) const {
  IniSection section;
  section.name = pending.name;
  section.line = pending.line;
  for (const auto& [key, pending_value] : pending.values) {
    Result<IniValue> value = Finish(key, pending_value);
    if (!value) {
      return std::unexpected(value.error());
    }
    section.values.emplace(key, std::move(*value));
  }
  return section;
}

}  // namespace

Result<IniDocument> ParseIni(std::string_view text, std::string_view source) {
  return Parser(source).Parse(text);
}

}  // namespace sentinel::aws
