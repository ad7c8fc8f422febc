// Text from configuration files and the environment, made safe to show in a message.
#ifndef SENTINEL_AWS_QUOTED_H_
#define SENTINEL_AWS_QUOTED_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace sentinel::aws {

// Returns `text` in single quotes, with every byte outside printable ASCII written as
// \xNN (and ' and \ escaped), cut at `max_length` input bytes with "..." appended when
// cut. Used for names and values (never secrets) that go into error messages, so that a
// broken file cannot write control sequences to the terminal.
std::string Quoted(std::string_view text, std::size_t max_length = 200);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_QUOTED_H_
