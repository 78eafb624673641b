// Every bound kagami puts on hostile input, in one place. A limit hit is a
// finding named limit.<stage>.<what> plus a partial result, never an error.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kagami {

struct Limits {
    /// Larger messages are cut here; real mail with attachments rarely passes 50 MiB.
    std::size_t max_message_bytes = 64u << 20;
    /// One header field (after unfolding); Zeek's MIME::max_header_bytes.
    std::size_t max_header_bytes = 64u << 10;
    /// Header fields per entity; legitimate mail has well under a thousand.
    std::size_t max_headers = 10'000;
    /// Nesting of multiparts and message/rfc822; rspamd uses 64, Zeek 100.
    int max_mime_depth = 64;
    /// Parts per message, counted over all nesting; rspamd's max_mime_parts.
    std::size_t max_mime_parts = 10'000;
    /// Bytes produced by transfer decoding and charset conversion for one message.
    std::size_t max_decoded_bytes = 128u << 20;
    /// Links kept per message; a page of ten thousand links is itself a finding.
    std::size_t max_links = 10'000;
};

}  // namespace kagami
