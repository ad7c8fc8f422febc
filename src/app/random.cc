#include "app/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace sentinel::app {

Status SystemRandomSource::Fill(std::span<std::uint8_t> out) {
  // getrandom may return fewer bytes than asked (over 256 bytes, or on a signal): loop.
  std::size_t filled = 0;
  while (filled < out.size()) {
    const ssize_t got = getrandom(out.data() + filled, out.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Fail(ErrorCode::kUnavailable,
                  std::string("reading random bytes from the kernel: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(got);
  }
  return {};
}

}  // namespace sentinel::app
