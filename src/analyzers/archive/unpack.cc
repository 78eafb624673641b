#include "analyzers/archive/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <iconv.h>
#include <locale.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "core/text.h"

namespace kagami::analyzers::archive {
namespace {

struct ArchiveFree {
    void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchiveHandle = std::unique_ptr<struct archive, ArchiveFree>;

// Past this many unpacked bytes an entry is judged by its ratio: small files
// compress far beyond 100:1 legitimately (a run of zeros), bombs only matter big.
constexpr std::size_t kRatioFloor = 1u << 20;

// libarchive converts names to the current locale's charset and drops an entry whose
// name does not convert (in the "C" locale every non-ASCII name). A UTF-8 locale for
// this thread only, for the length of one walk, keeps such names; uselocale() leaves
// the process locale and other threads alone.
class Utf8Locale {
public:
    Utf8Locale() {
        static const locale_t utf8 = [] {
            locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
            if (l == locale_t{}) l = newlocale(LC_CTYPE_MASK, "C.utf8", locale_t{});
            return l;
        }();
        if (utf8 != locale_t{}) previous_ = uselocale(utf8);
    }
    ~Utf8Locale() {
        if (previous_ != locale_t{}) uselocale(previous_);
    }
    Utf8Locale(const Utf8Locale&) = delete;
    Utf8Locale& operator=(const Utf8Locale&) = delete;

private:
    locale_t previous_{};
};

// Strict conversion through glibc iconv (part of libc): nullopt on any invalid byte.
std::optional<std::string> convert(std::string_view s, const char* from) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    std::string out(s.size() * 4 + 8, '\0');
    char* in = const_cast<char*>(s.data());
    std::size_t in_left = s.size();
    char* o = out.data();
    std::size_t o_left = out.size();
    std::size_t rc = iconv(cd, &in, &in_left, &o, &o_left);
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1) || in_left != 0) return std::nullopt;
    out.resize(out.size() - o_left);
    return out;
}

std::string latin1_to_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size() * 2);
    for (unsigned char c : s) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

// Undoes latin1_to_utf8 (libarchive decoded LHa names as ISO-8859-1 on our request):
// the archive's own bytes again. Code points past U+00FF cannot come from that.
std::string utf8_to_latin1(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
            out += static_cast<char>(((c & 0x1F) << 6) |
                                     (static_cast<unsigned char>(s[i + 1]) & 0x3F));
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// LHa names: level 0/1 headers separate directories with 0xFF, and the CAP convention
// (Columbia AppleTalk) writes bytes as ":xx". Both become plain bytes and '/'.
std::string lha_name(std::string_view latin1_utf8) {
    std::string raw = utf8_to_latin1(latin1_utf8);
    std::string out;
    out.reserve(raw.size());
    bool cap = raw.find(':') != std::string::npos;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (cap && c == ':' && i + 2 < raw.size()) {
            int hi = core::hex_value(raw[i + 1]), lo = core::hex_value(raw[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = static_cast<char>(hi * 16 + lo);
                i += 2;
            }
        }
        out += c == '\xFF' ? '/' : c;
    }
    return out;
}

// EUC-JP text uses only bytes 0xA1-0xFE past ASCII (and 0x8E/0x8F as leads); Shift_JIS
// kana and common kanji use lead bytes 0x81-0x9F, so their presence rules EUC out.
bool euc_shaped(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80 && c < 0xA1 && c != 0x8E && c != 0x8F) return false;
    return true;
}

std::string entry_name(struct archive_entry* e, bool lha) {
    const char* raw = archive_entry_pathname(e);
    if (raw == nullptr) raw = archive_entry_pathname_utf8(e);
    if (raw == nullptr) return {};
    if (lha) return decode_name(lha_name(raw));
    return decode_name(raw);
}

std::string base_name(int format) {
    switch (format & ARCHIVE_FORMAT_BASE_MASK) {
        case ARCHIVE_FORMAT_ZIP:
            return "zip";
        case ARCHIVE_FORMAT_7ZIP:
            return "7z";
        case ARCHIVE_FORMAT_RAR:
        case ARCHIVE_FORMAT_RAR_V5:
            return "rar";
        case ARCHIVE_FORMAT_TAR:
            return "tar";
        case ARCHIVE_FORMAT_CPIO:
            return "cpio";
        case ARCHIVE_FORMAT_CAB:
            return "cab";
        case ARCHIVE_FORMAT_ISO9660:
            return "iso9660";
        case ARCHIVE_FORMAT_LHA:
            return "lzh";
        case ARCHIVE_FORMAT_XAR:
            return "xar";
        case ARCHIVE_FORMAT_AR:
            return "ar";
        case ARCHIVE_FORMAT_RAW:
            return "raw";
        case ARCHIVE_FORMAT_MTREE:
            return "mtree";
        case ARCHIVE_FORMAT_WARC:
            return "warc";
        default:
            return {};
    }
}

// Reads the entry's data in blocks, stopping at the byte and ratio bounds.
void read_data(struct archive* a, Entry& entry, std::size_t archive_size, std::size_t limit,
               const UnpackOptions& options) {
    char block[64 * 1024];
    std::size_t ratio_cap =
        options.max_ratio == 0 ? SIZE_MAX : std::max(kRatioFloor, archive_size * options.max_ratio);
    if (archive_size != 0 && ratio_cap / archive_size < options.max_ratio) ratio_cap = SIZE_MAX;
    for (;;) {
        if (options.stop && options.stop()) return;
        la_ssize_t n = archive_read_data(a, block, sizeof block);
        if (n == 0) return;
        if (n < 0) {
            const char* why = archive_error_string(a);
            entry.error = why ? why : "read error";
            return;
        }
        std::size_t room = limit - std::min(limit, entry.data.size());
        std::size_t take = std::min(static_cast<std::size_t>(n), room);
        entry.data.append(block, take);
        if (take < static_cast<std::size_t>(n) || entry.data.size() >= limit) {
            entry.truncated = true;
            return;
        }
        if (entry.data.size() > ratio_cap) {
            entry.truncated = true;
            entry.ratio_exceeded = true;
            return;
        }
    }
}

}  // namespace

std::string decode_name(std::string_view raw) {
    if (core::is_valid_utf8(raw)) return std::string(raw);
    if (euc_shaped(raw)) {
        if (auto s = convert(raw, "EUC-JP-MS")) return *s;
        if (auto s = convert(raw, "EUC-JP")) return *s;
    }
    if (auto s = convert(raw, "CP932")) return *s;
    return latin1_to_utf8(raw);
}

UnpackResult unpack(std::string_view bytes, const UnpackOptions& options,
                    const std::function<bool(Entry&)>& on_entry, bool raw_streams) {
    UnpackResult result;
    Utf8Locale locale;
    ArchiveHandle a(archive_read_new());
    if (!a) {
        result.error = "libarchive: out of memory";
        return result;
    }
    archive_read_support_filter_all(a.get());
    archive_read_support_format_all(a.get());
    if (raw_streams) archive_read_support_format_raw(a.get());
    // LHa names are in the archiver's code page (CP932, EUC-JP) with no marker; take
    // them byte for byte (as Latin-1) and decode them in entry_name().
    archive_read_set_options(a.get(), "lha:hdrcharset=ISO-8859-1");
    if (!options.format_options.empty())
        archive_read_set_options(a.get(), options.format_options.c_str());
    for (const auto& p : options.passwords) archive_read_add_passphrase(a.get(), p.c_str());
    if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
        const char* why = archive_error_string(a.get());
        result.error = why ? why : "not an archive";
        return result;
    }
    auto finish = [&] {
        if (const char* f = archive_filter_name(a.get(), 0); f && std::string_view(f) != "none")
            result.filter = f;
        if (archive_read_has_encrypted_entries(a.get()) > 0) result.encrypted = true;
    };
    for (;;) {
        if (options.stop && options.stop()) {
            result.stopped = true;
            break;
        }
        struct archive_entry* e = nullptr;
        int rc = archive_read_next_header(a.get(), &e);
        if (rc == ARCHIVE_EOF) break;
        if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY || e == nullptr) {
            const char* why = archive_error_string(a.get());
            result.error = why ? why : "corrupt archive";
            break;
        }
        if (result.format.empty()) {
            if (const char* f = archive_format_name(a.get())) result.format = f;
            result.base = base_name(archive_format(a.get()));
            // The raw reader takes any bytes; without a decompressor in front of it the
            // "stream" was not one (a bad gzip header), and its entry would be the input.
            if (result.base == "raw" && archive_filter_count(a.get()) <= 1) {
                result.error = "no compressed stream could be read";
                break;
            }
        }
        if (result.entries >= options.max_entries) {
            result.entries_exceeded = true;
            break;
        }
        ++result.entries;
        Entry entry;
        entry.name = entry_name(
            e, (archive_format(a.get()) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_LHA);
        entry.directory = archive_entry_filetype(e) == AE_IFDIR;
        entry.encrypted = archive_entry_is_encrypted(e) != 0;
        if (entry.encrypted) result.encrypted = true;
        if (archive_entry_size_is_set(e)) entry.size = archive_entry_size(e);
        if (rc == ARCHIVE_WARN) {
            const char* why = archive_error_string(a.get());
            if (why) entry.error = why;
        }
        bool wanted = options.read_data && !entry.directory &&
                      (!options.want_data || options.want_data(entry));
        if (wanted) {
            std::size_t limit =
                options.entry_limit ? options.entry_limit() : options.max_entry_bytes;
            read_data(a.get(), entry, bytes.size(), limit, options);
        }
        if (!on_entry(entry)) break;
    }
    finish();
    const std::string& why = result.error;
    if (why.find("ncrypt") != std::string::npos || why.find("assphrase") != std::string::npos)
        result.encrypted = true;
    return result;
}

}  // namespace kagami::analyzers::archive
