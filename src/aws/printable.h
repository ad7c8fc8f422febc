// Text received from the network, made safe to show in an error message.
#ifndef SENTINEL_AWS_PRINTABLE_H_
#define SENTINEL_AWS_PRINTABLE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace sentinel::aws {

// Returns `text` with every byte outside printable ASCII (0x20..0x7E) replaced by '?',
// cut to at most `max_length` bytes with "..." appended when cut. Use it on any text a
// server sent before putting it in an Error, so a hostile or broken server cannot write
// control sequences to the user's terminal or flood it.
std::string Printable(std::string_view text, std::size_t max_length = 512);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_PRINTABLE_H_
