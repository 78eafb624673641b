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

    // Attachments and what is unpacked from them (analyzers/).
    /// Containers inside containers; the ZIP -> ISO -> LNK chain of real lures is 3 deep.
    int max_artifact_depth = 8;
    /// Files taken out of one message's attachments, all containers together; rspamd's
    /// 100 000 is for listing names only.
    std::size_t max_archive_entries = 10'000;
    /// One unpacked artifact; bigger ones are cut here and the cut is a finding.
    std::size_t max_artifact_bytes = 64u << 20;
    /// Everything unpacked from one message together: the decompression-bomb bound.
    std::size_t max_total_unpacked_bytes = 256u << 20;
    /// Unpacked / packed size of one entry; real documents stay well under 100.
    std::size_t max_compression_ratio = 100;
    /// Wall-clock time for all analyzers of one message, in milliseconds; 0 means none.
    unsigned max_analysis_ms = 5000;
    /// Passwords taken from the message text and tried on each encrypted archive.
    std::size_t max_password_candidates = 16;
};

}  // namespace kagami
