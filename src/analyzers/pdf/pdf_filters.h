// Stream filters (ISO 32000-1 §7.4): the ones a static reader needs to see scripts,
// object streams and attached files. Every decoder writes at most `max_out` bytes.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace kagami::analyzers::detail::pdf {

/// /DecodeParms of one filter, already read from the dictionary.
struct FilterParams {
    long predictor = 1;
    long colors = 1;
    long bits_per_component = 8;
    long columns = 1;
    long early_change = 1;
};

struct Filter {
    std::string name;  ///< full name without '/'; abbreviations are expanded by canonical_filter
    FilterParams params;
};

/// Expands the inline-image abbreviations (Fl, AHx, A85, LZW, RL, ...).
std::string canonical_filter(std::string_view name);

struct DecodeResult {
    std::string data;
    /// Output stopped at max_out: the data is cut.
    bool cut = false;
    /// What went wrong (corrupt data, unknown filter); the data holds what came before.
    std::string error;
    /// The first filter that was not applied (image codecs, unknown names); empty if all were.
    std::string undecoded;
    /// The undecoded filter is not one of the standard ones.
    bool unknown = false;
};

/// Applies `filters` in order to `raw`. Image codecs (DCT, JPX, JBIG2, CCITT) and unknown
/// names stop the chain and leave the data as it is at that point.
DecodeResult decode(std::string_view raw, std::span<const Filter> filters, std::size_t max_out);

/// The single decoders, exposed for tests.
DecodeResult flate_decode(std::string_view in, std::size_t max_out);
DecodeResult ascii_hex_decode(std::string_view in, std::size_t max_out);
DecodeResult ascii85_decode(std::string_view in, std::size_t max_out);
DecodeResult lzw_decode(std::string_view in, std::size_t max_out, bool early_change);
DecodeResult run_length_decode(std::string_view in, std::size_t max_out);
/// Undoes a PNG (10-15) or TIFF (2, 8-bit) predictor; other values return `in` unchanged.
DecodeResult unpredict(std::string_view in, const FilterParams& params);

}  // namespace kagami::analyzers::detail::pdf
