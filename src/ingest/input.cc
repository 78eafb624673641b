#include "ingest/input.h"

#include <algorithm>
#include <cstring>

namespace kagami::ingest::detail {

Input::Input(std::FILE* file, std::vector<char>& buffer, std::size_t capacity)
    : file_(file), buf_(buffer) {
    // At least a few KiB so that a From_ line or a header block can always be looked at whole.
    buf_.resize(std::max<std::size_t>(capacity, 64u << 10));
}

std::string_view Input::peek(std::size_t n) {
    n = std::min(n, buf_.size());
    if (end_ - pos_ < n && !eof_) {
        if (pos_ > 0) {
            std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
            base_ += pos_;
            end_ -= pos_;
            pos_ = 0;
        }
        while (end_ < n && !eof_) {
            std::size_t got = std::fread(buf_.data() + end_, 1, buf_.size() - end_, file_);
            if (got == 0) {
                eof_ = true;
                failed_ = std::ferror(file_) != 0;
            }
            end_ += got;
        }
    }
    return {buf_.data() + pos_, end_ - pos_};
}

}  // namespace kagami::ingest::detail
