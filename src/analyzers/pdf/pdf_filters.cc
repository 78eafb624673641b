#include "analyzers/pdf/pdf_filters.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace kagami::analyzers::detail::pdf {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

// Appends up to what max_out allows; false (and r.cut) when something was left over.
bool append_capped(DecodeResult& r, std::string_view bytes, std::size_t max_out) {
    std::size_t room = max_out - std::min(max_out, r.data.size());
    if (bytes.size() > room) {
        r.data.append(bytes.substr(0, room));
        r.cut = true;
        return false;
    }
    r.data.append(bytes);
    return true;
}

DecodeResult inflate_with(std::string_view in, std::size_t max_out, int window_bits) {
    DecodeResult r;
    z_stream zs{};
    if (inflateInit2(&zs, window_bits) != Z_OK) {
        r.error = "zlib could not start";
        return r;
    }
    std::array<unsigned char, 1 << 16> buf;
    std::size_t fed = 0;
    for (;;) {
        if (zs.avail_in == 0 && fed < in.size()) {
            std::size_t chunk = std::min<std::size_t>(in.size() - fed, 1u << 30);
            // zlib's API takes a non-const pointer but does not write through next_in.
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + fed));
            zs.avail_in = static_cast<uInt>(chunk);
            fed += chunk;
        }
        zs.next_out = buf.data();
        zs.avail_out = static_cast<uInt>(buf.size());
        int ret = inflate(&zs, Z_NO_FLUSH);
        std::size_t got = buf.size() - zs.avail_out;
        if (!append_capped(r, {reinterpret_cast<const char*>(buf.data()), got}, max_out)) break;
        if (ret == Z_STREAM_END) break;
        if (ret == Z_BUF_ERROR || (ret == Z_OK && got == 0 && zs.avail_in == 0)) {
            if (zs.avail_in == 0 && fed == in.size()) {
                r.error = "compressed data ends early";
                break;
            }
            continue;
        }
        if (ret != Z_OK) {
            r.error = zs.msg ? zs.msg : "corrupt compressed data";
            break;
        }
    }
    inflateEnd(&zs);
    return r;
}

}  // namespace

std::string canonical_filter(std::string_view n) {
    if (n == "Fl") return "FlateDecode";
    if (n == "AHx") return "ASCIIHexDecode";
    if (n == "A85") return "ASCII85Decode";
    if (n == "LZW") return "LZWDecode";
    if (n == "RL") return "RunLengthDecode";
    if (n == "CCF") return "CCITTFaxDecode";
    if (n == "DCT") return "DCTDecode";
    return std::string(n);
}

DecodeResult flate_decode(std::string_view in, std::size_t max_out) {
    // zlib or gzip header first (15 + 32 detects either); producers also write raw deflate.
    DecodeResult r = inflate_with(in, max_out, 15 + 32);
    if (r.data.empty() && !r.error.empty() && !r.cut) {
        DecodeResult raw = inflate_with(in, max_out, -15);
        if (!raw.data.empty()) return raw;
    }
    return r;
}

DecodeResult ascii_hex_decode(std::string_view in, std::size_t max_out) {
    DecodeResult r;
    int high = -1;
    for (char c : in) {
        if (c == '>') break;
        if (is_space(c)) continue;
        int v = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (v < 0) {
            r.error = "not a hexadecimal digit";
            return r;
        }
        if (high < 0) {
            high = v;
        } else {
            char b = char(high << 4 | v);
            if (!append_capped(r, {&b, 1}, max_out)) return r;
            high = -1;
        }
    }
    if (high >= 0) {
        char b = char(high << 4);
        append_capped(r, {&b, 1}, max_out);
    }
    return r;
}

DecodeResult ascii85_decode(std::string_view in, std::size_t max_out) {
    DecodeResult r;
    if (in.substr(0, 2) == "<~") in.remove_prefix(2);
    std::uint64_t tuple = 0;
    int count = 0;
    auto emit = [&](int n) {
        char b[4] = {char(tuple >> 24), char(tuple >> 16), char(tuple >> 8), char(tuple)};
        return append_capped(r, {b, std::size_t(n)}, max_out);
    };
    for (char c : in) {
        if (is_space(c)) continue;
        if (c == '~') break;
        if (c == 'z' && count == 0) {
            if (!append_capped(r, {"\0\0\0\0", 4}, max_out)) return r;
            continue;
        }
        if (c < '!' || c > 'u') {
            r.error = "not an ASCII85 character";
            return r;
        }
        tuple = tuple * 85 + std::uint64_t(c - '!');
        if (++count == 5) {
            if (tuple > 0xFFFFFFFFull) {
                r.error = "ASCII85 group out of range";
                return r;
            }
            if (!emit(4)) return r;
            tuple = 0;
            count = 0;
        }
    }
    if (count == 1) {
        r.error = "ASCII85 data ends with a single character";
    } else if (count > 1) {
        for (int i = count; i < 5; ++i) tuple = tuple * 85 + 84;
        if (tuple <= 0xFFFFFFFFull) emit(count - 1);
    }
    return r;
}

DecodeResult lzw_decode(std::string_view in, std::size_t max_out, bool early_change) {
    DecodeResult r;
    constexpr std::size_t kTable = 4096;
    std::vector<std::uint16_t> prefix(kTable), length(kTable);
    std::vector<unsigned char> suffix(kTable), first(kTable);
    for (std::size_t i = 0; i < 256; ++i) {
        suffix[i] = first[i] = static_cast<unsigned char>(i);
        length[i] = 1;
    }
    std::size_t next = 258;
    int code_len = 9;
    std::uint32_t bits = 0;
    int nbits = 0;
    std::size_t pos = 0;
    int prev = -1;
    std::array<char, kTable> word;
    auto put = [&](std::size_t code) {
        std::size_t n = length[code];
        for (std::size_t i = n; i-- > 0;) {
            word[i] = static_cast<char>(suffix[code]);
            code = prefix[code];
        }
        return append_capped(r, {word.data(), n}, max_out);
    };
    for (;;) {
        while (nbits < code_len && pos < in.size()) {
            bits = (bits << 8) | static_cast<unsigned char>(in[pos++]);
            nbits += 8;
        }
        if (nbits < code_len) break;
        std::size_t code = (bits >> (nbits - code_len)) & ((1u << code_len) - 1);
        nbits -= code_len;
        if (code == 256) {
            next = 258;
            code_len = 9;
            prev = -1;
            continue;
        }
        if (code == 257) break;
        if (prev < 0) {
            if (code > 255) {
                r.error = "LZW code before any string";
                break;
            }
            if (!put(code)) break;
            prev = int(code);
            continue;
        }
        unsigned char head;
        if (code < next) {
            head = first[code];
        } else if (code == next) {
            head = first[std::size_t(prev)];
        } else {
            r.error = "LZW code out of range";
            break;
        }
        if (next < kTable) {
            prefix[next] = static_cast<std::uint16_t>(prev);
            suffix[next] = head;
            first[next] = first[std::size_t(prev)];
            length[next] = static_cast<std::uint16_t>(length[std::size_t(prev)] + 1);
            ++next;
        }
        if (!put(code)) break;
        prev = int(code);
        std::size_t at = next + (early_change ? 1 : 0);
        code_len = at >= 2048 ? 12 : at >= 1024 ? 11 : at >= 512 ? 10 : 9;
    }
    return r;
}

DecodeResult run_length_decode(std::string_view in, std::size_t max_out) {
    DecodeResult r;
    std::size_t i = 0;
    while (i < in.size()) {
        auto len = static_cast<unsigned char>(in[i++]);
        if (len == 128) break;
        if (len < 128) {
            std::size_t n = std::size_t(len) + 1;
            if (n > in.size() - i) {
                r.error = "run-length data ends early";
                append_capped(r, in.substr(i), max_out);
                break;
            }
            if (!append_capped(r, in.substr(i, n), max_out)) break;
            i += n;
        } else {
            if (i >= in.size()) {
                r.error = "run-length data ends early";
                break;
            }
            std::string run(257 - std::size_t(len), in[i++]);
            if (!append_capped(r, run, max_out)) break;
        }
    }
    return r;
}

DecodeResult unpredict(std::string_view in, const FilterParams& p) {
    DecodeResult r;
    if (p.predictor < 2) {
        r.data = std::string(in);
        return r;
    }
    if (p.colors < 1 || p.colors > 32 || p.columns < 1 || p.columns > (1 << 24) ||
        (p.bits_per_component != 1 && p.bits_per_component != 2 && p.bits_per_component != 4 &&
         p.bits_per_component != 8 && p.bits_per_component != 16)) {
        r.error = "predictor parameters out of range";
        r.data = std::string(in);
        return r;
    }
    std::uint64_t bits_per_pixel = std::uint64_t(p.colors) * std::uint64_t(p.bits_per_component);
    std::uint64_t row_bytes = (bits_per_pixel * std::uint64_t(p.columns) + 7) / 8;
    std::size_t bpp = std::max<std::size_t>(1, std::size_t(bits_per_pixel / 8));
    if (row_bytes > in.size() + 1) {
        r.error = "predictor row longer than the data";
        r.data = std::string(in);
        return r;
    }
    std::size_t row = std::size_t(row_bytes);
    if (p.predictor == 2) {
        if (p.bits_per_component != 8) {  // only the common 8-bit TIFF case
            r.data = std::string(in);
            return r;
        }
        r.data = std::string(in);
        for (std::size_t start = 0; start < r.data.size(); start += row)
            for (std::size_t i = start + bpp; i < std::min(start + row, r.data.size()); ++i)
                r.data[i] = char(r.data[i] + r.data[i - bpp]);
        return r;
    }
    // PNG predictors (10-15): every row starts with its filter type.
    std::vector<unsigned char> prev(row, 0), cur(row, 0);
    r.data.reserve(in.size());
    std::size_t i = 0;
    while (i < in.size()) {
        auto type = static_cast<unsigned char>(in[i++]);
        std::size_t n = std::min(row, in.size() - i);
        for (std::size_t k = 0; k < row; ++k)
            cur[k] = k < n ? static_cast<unsigned char>(in[i + k]) : 0;
        i += n;
        for (std::size_t k = 0; k < row; ++k) {
            unsigned a = k >= bpp ? cur[k - bpp] : 0, b = prev[k], c = k >= bpp ? prev[k - bpp] : 0;
            switch (type) {
                case 0:
                    break;
                case 1:
                    cur[k] = static_cast<unsigned char>(cur[k] + a);
                    break;
                case 2:
                    cur[k] = static_cast<unsigned char>(cur[k] + b);
                    break;
                case 3:
                    cur[k] = static_cast<unsigned char>(cur[k] + (a + b) / 2);
                    break;
                case 4: {
                    int pa = std::abs(int(b) - int(c)), pb = std::abs(int(a) - int(c)),
                        pc = std::abs(int(a) + int(b) - 2 * int(c));
                    unsigned pred = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
                    cur[k] = static_cast<unsigned char>(cur[k] + pred);
                    break;
                }
                default:
                    if (r.error.empty()) r.error = "unknown PNG predictor type";
            }
        }
        r.data.append(reinterpret_cast<const char*>(cur.data()), n);
        std::swap(prev, cur);
    }
    return r;
}

DecodeResult decode(std::string_view raw, std::span<const Filter> filters, std::size_t max_out) {
    DecodeResult r;
    append_capped(r, raw, max_out);
    for (const auto& f : filters) {
        std::string name = canonical_filter(f.name);
        DecodeResult step;
        if (name == "FlateDecode" || name == "LZWDecode") {
            step = name == "FlateDecode" ? flate_decode(r.data, max_out)
                                         : lzw_decode(r.data, max_out, f.params.early_change != 0);
            if (f.params.predictor > 1) {
                DecodeResult un = unpredict(step.data, f.params);
                step.data = std::move(un.data);
                if (step.error.empty()) step.error = un.error;
                if (step.data.size() > max_out) {
                    step.data.resize(max_out);
                    step.cut = true;
                }
            }
        } else if (name == "ASCIIHexDecode") {
            step = ascii_hex_decode(r.data, max_out);
        } else if (name == "ASCII85Decode") {
            step = ascii85_decode(r.data, max_out);
        } else if (name == "RunLengthDecode") {
            step = run_length_decode(r.data, max_out);
        } else if (name == "Crypt") {
            continue;  // /Identity; real crypt filters need the key, which we do not derive
        } else {
            r.undecoded = name;
            r.unknown = name != "DCTDecode" && name != "JPXDecode" && name != "JBIG2Decode" &&
                        name != "CCITTFaxDecode";
            break;
        }
        r.data = std::move(step.data);
        r.cut = r.cut || step.cut;
        if (!step.error.empty() && r.error.empty()) r.error = name + ": " + step.error;
    }
    return r;
}

}  // namespace kagami::analyzers::detail::pdf
