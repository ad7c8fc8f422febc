// Checks on free text that users attach to records (justifications, comments, reasons).
#ifndef SENTINEL_CORE_TEXT_H_
#define SENTINEL_CORE_TEXT_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/error.h"

namespace sentinel {

// Returns the number of characters (Unicode code points) in `utf8`, or nullopt when it
// is not well-formed UTF-8 (overlong forms, surrogates and values past U+10FFFF count
// as malformed).
std::optional<std::size_t> CountCharacters(std::string_view utf8);

// Succeeds when `text` is well-formed UTF-8 of `min_chars` to `max_chars` characters with
// no control characters (they would corrupt one-line logs and terminals). Otherwise fails
// with kInvalidInput naming `what`: "justification must be 10 to 500 characters, got 4".
[[nodiscard]] Status CheckText(std::string_view what, std::string_view text, std::size_t min_chars,
                               std::size_t max_chars);

}  // namespace sentinel

#endif  // SENTINEL_CORE_TEXT_H_
