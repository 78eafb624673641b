// PST/OST through libpff: the walk, and a message item back to RFC 5322 bytes.
#include "ingest/pst.h"

// Debian's libpff.h includes libbfio.h (from libbfio-dev, which libpff-dev does not pull in)
// for file-handle functions kagami does not use: read the feature flags first and drop it.
#include <libpff/features.h>
#undef LIBPFF_HAVE_BFIO
#include <libpff.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"

namespace kagami::ingest::detail {
namespace {

// MAPI property ids (MS-OXPROPS).
constexpr std::uint32_t kPidSubject = 0x0037;
constexpr std::uint32_t kPidTransportHeaders = 0x007D;
constexpr std::uint32_t kPidSenderName = 0x0C1A;
constexpr std::uint32_t kPidSenderEmail = 0x0C1F;
constexpr std::uint32_t kPidSentRepresentingName = 0x0042;
constexpr std::uint32_t kPidSentRepresentingEmail = 0x0065;
constexpr std::uint32_t kPidDisplayCc = 0x0E03;
constexpr std::uint32_t kPidDisplayTo = 0x0E04;
constexpr std::uint32_t kPidInternetMessageId = 0x1035;
constexpr std::uint32_t kPidInternetCodepage = 0x3FDE;
constexpr std::uint32_t kPidAttachFilename = 0x3704;
constexpr std::uint32_t kPidAttachLongFilename = 0x3707;
constexpr std::uint32_t kPtString8 = 0x001E;
constexpr std::uint32_t kPtUnicode = 0x001F;

/// Header field values longer than this are cut: a header is not where payloads live.
constexpr std::size_t kMaxFieldBytes = 64u << 10;
/// Chunk read from an attachment stream at a time.
constexpr std::size_t kReadChunk = 64u << 10;

// ---- libpff handles -------------------------------------------------------------------------

struct ErrorFree {
    void operator()(libpff_error_t* e) const { libpff_error_free(&e); }
};
struct ItemFree {
    void operator()(libpff_item_t* i) const { libpff_item_free(&i, nullptr); }
};
struct FileFree {
    void operator()(libpff_file_t* f) const {
        libpff_file_close(f, nullptr);
        libpff_file_free(&f, nullptr);
    }
};
struct RecordSetFree {
    void operator()(libpff_record_set_t* r) const { libpff_record_set_free(&r, nullptr); }
};
struct RecordEntryFree {
    void operator()(libpff_record_entry_t* r) const { libpff_record_entry_free(&r, nullptr); }
};
using ItemPtr = std::unique_ptr<libpff_item_t, ItemFree>;
using FilePtr = std::unique_ptr<libpff_file_t, FileFree>;
using RecordSetPtr = std::unique_ptr<libpff_record_set_t, RecordSetFree>;
using RecordEntryPtr = std::unique_ptr<libpff_record_entry_t, RecordEntryFree>;

/// Collects a libpff error and frees it; what() is its last line (the outermost reason).
class PffError {
public:
    PffError() = default;
    PffError(const PffError&) = delete;
    PffError& operator=(const PffError&) = delete;
    ~PffError() { reset(); }
    libpff_error_t** out() {
        reset();
        return &error_;
    }
    std::string what(std::string_view fallback) const {
        if (error_ == nullptr) return std::string(fallback);
        std::array<char, 1024> buf{};
        if (libpff_error_sprint(error_, buf.data(), buf.size()) < 0) return std::string(fallback);
        std::string text(buf.data());
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '.'))
            text.pop_back();
        std::size_t nl = text.find_last_of('\n');
        if (nl != std::string::npos) text.erase(0, nl + 1);
        return text.empty() ? std::string(fallback) : core::sanitize_utf8(text);
    }

private:
    void reset() {
        if (error_ != nullptr) libpff_error_free(&error_);
        error_ = nullptr;
    }
    libpff_error_t* error_ = nullptr;
};

// ---- properties -----------------------------------------------------------------------------

/// The entry of `item` (first record set) with property id `id`, any value type.
RecordEntryPtr find_entry(libpff_item_t* item, std::uint32_t id) {
    PffError err;
    libpff_record_set_t* raw_set = nullptr;
    if (libpff_item_get_record_set_by_index(item, 0, &raw_set, err.out()) != 1) return nullptr;
    RecordSetPtr set(raw_set);
    libpff_record_entry_t* raw_entry = nullptr;
    if (libpff_record_set_get_entry_by_type(set.get(), id, 0, &raw_entry,
                                            LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE,
                                            err.out()) != 1)
        return nullptr;
    return RecordEntryPtr(raw_entry);
}

/// Raw value bytes of `entry`, when no larger than `limit`.
std::optional<std::string> entry_bytes(libpff_record_entry_t* entry, std::size_t limit) {
    PffError err;
    std::size_t size = 0;
    if (libpff_record_entry_get_data_size(entry, &size, err.out()) != 1) return std::nullopt;
    if (size > limit) return std::nullopt;
    std::string out(size, '\0');
    if (size > 0 && libpff_record_entry_get_data(entry, reinterpret_cast<std::uint8_t*>(out.data()),
                                                 size, err.out()) != 1)
        return std::nullopt;
    return out;
}

/// A string property as UTF-8: UTF-16LE decoded here, 8-bit strings through libpff's code
/// page. Empty when absent, unreadable or not a string.
std::string string_prop(libpff_item_t* item, std::uint32_t id, std::size_t limit = kMaxFieldBytes) {
    RecordEntryPtr entry = find_entry(item, id);
    if (!entry) return {};
    PffError err;
    std::uint32_t type = 0;
    if (libpff_record_entry_get_value_type(entry.get(), &type, err.out()) != 1) return {};
    if (type == kPtUnicode) {
        std::optional<std::string> raw = entry_bytes(entry.get(), limit * 2);
        if (!raw) return {};
        core::Utf16Options opt;
        opt.stop_at_nul = true;
        opt.max_out = limit;
        return core::utf16_to_utf8(*raw, opt);
    }
    if (type != kPtString8) return {};
    std::size_t size = 0;
    if (libpff_record_entry_get_data_as_utf8_string_size(entry.get(), &size, err.out()) != 1 ||
        size == 0 || size > limit * 4)
        return {};
    std::string out(size, '\0');
    if (libpff_record_entry_get_data_as_utf8_string(
            entry.get(), reinterpret_cast<std::uint8_t*>(out.data()), size, err.out()) != 1)
        return {};
    out.resize(std::min(out.find('\0'), out.size()));
    if (out.size() > limit) out.resize(limit);
    return core::sanitize_utf8(out);
}

std::optional<std::uint32_t> long_prop(libpff_item_t* item, std::uint32_t id) {
    RecordEntryPtr entry = find_entry(item, id);
    if (!entry) return std::nullopt;
    PffError err;
    std::uint32_t v = 0;
    if (libpff_record_entry_get_data_as_32bit_integer(entry.get(), &v, err.out()) != 1)
        return std::nullopt;
    return v;
}

/// MAPI subjects may start with U+0001 and a prefix length; the rest is the subject.
std::string strip_subject_marker(std::string s) {
    if (s.size() >= 2 && s[0] == '\x01') s.erase(0, 2);
    return s;
}

// ---- header text ----------------------------------------------------------------------------

/// A value fit for one header line: controls (CR, LF, NUL, ...) become spaces.
std::string one_line(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c);
    return std::string(core::trim(out));
}

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void base64_append(std::string& out, std::string_view in, bool wrap) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::size_t line = 0;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        const std::uint32_t b0 = static_cast<unsigned char>(in[i]);
        const std::uint32_t b1 = i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) : 0;
        const std::uint32_t b2 = i + 2 < in.size() ? static_cast<unsigned char>(in[i + 2]) : 0;
        const std::uint32_t v = (b0 << 16) | (b1 << 8) | b2;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
        out.push_back(i + 2 < in.size() ? kAlphabet[v & 63] : '=');
        line += 4;
        if (wrap && line >= 76) {
            out += "\r\n";
            line = 0;
        }
    }
    if (wrap && line > 0) out += "\r\n";
}

/// RFC 2047 B-encoded words for a UTF-8 value, folded; ASCII values stay as they are.
std::string encode_words(std::string_view utf8) {
    std::string value = one_line(utf8);
    if (is_ascii(value)) return value;
    std::string out;
    std::size_t at = 0;
    while (at < value.size()) {
        // 45 bytes make 60 base64 characters: the word stays under 76. Never split a character.
        std::size_t end = std::min(value.size(), at + 45);
        while (end < value.size() && end > at + 1 &&
               (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80)
            --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?";
        base64_append(out, std::string_view(value).substr(at, end - at), false);
        out += "?=";
        at = end;
    }
    return out;
}

/// "quoted string" for a MIME parameter or a display name.
std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

/// A filename parameter: quoted ASCII, or RFC 2231 UTF-8 percent-encoding.
std::string filename_param(std::string_view key, std::string_view name) {
    std::string value = one_line(name);
    if (is_ascii(value)) return std::string(key) + "=" + quoted(value);
    std::string out = std::string(key) + "*=UTF-8''";
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
            c == '.' || c == '-' || c == '_') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 15]);
        }
    }
    return out;
}

/// RFC 5322 date of a FILETIME, in UTC.
std::optional<std::string> filetime_to_date(std::uint64_t filetime) {
    constexpr std::uint64_t kEpochDelta = 116444736000000000ull;  // 1601 -> 1970 in 100 ns
    if (filetime < kEpochDelta) return std::nullopt;
    const auto secs = static_cast<std::time_t>((filetime - kEpochDelta) / 10000000ull);
    if (secs > 253402300799) return std::nullopt;  // past 9999-12-31
    std::tm tm{};
    if (gmtime_r(&secs, &tm) == nullptr) return std::nullopt;
    std::array<char, 64> buf{};
    const std::size_t n = std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    if (n == 0) return std::nullopt;
    return std::string(buf.data(), n);
}

/// Transport headers less the fields that described the original body, CRLF-terminated.
/// Lines that are neither a field nor a continuation (Exchange's "Microsoft Mail Internet
/// Headers Version 2.0" banner) are dropped; the header ends at the first empty line.
std::string clean_transport_headers(std::string_view text) {
    std::string out;
    bool dropping = false;
    bool seen_field = false;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t eol = text.find_first_of("\r\n", at);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(at, eol - at);
        at = eol;
        if (at < text.size() && text[at] == '\r') ++at;
        if (at < text.size() && text[at] == '\n') ++at;
        if (core::trim(line).empty()) {
            if (seen_field) break;
            continue;
        }
        if (line[0] == ' ' || line[0] == '\t') {
            if (seen_field && !dropping) {
                out.append(line);
                out += "\r\n";
            }
            continue;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            dropping = true;  // not a field
            continue;
        }
        std::string_view name = core::trim(line.substr(0, colon));
        seen_field = true;
        dropping = core::iequals(name, "content-type") ||
                   core::iequals(name, "content-transfer-encoding") ||
                   core::iequals(name, "mime-version");
        if (!dropping) {
            out.append(line);
            out += "\r\n";
        }
    }
    return out;
}

/// Charset name of a Windows code page, for the HTML part; empty when unknown.
std::string_view charset_of(std::uint32_t codepage) {
    switch (codepage) {
        case 65001:
            return "utf-8";
        case 20127:
            return "us-ascii";
        case 28591:
            return "iso-8859-1";
        case 1252:
            return "windows-1252";
        case 932:
            return "shift_jis";
        case 50220:
        case 50221:
        case 50222:
            return "iso-2022-jp";
        case 51932:
            return "euc-jp";
        case 936:
            return "gb2312";
        case 54936:
            return "gb18030";
        case 950:
            return "big5";
        case 949:
            return "ks_c_5601-1987";
        case 1251:
            return "windows-1251";
        case 1200:
            return "utf-16le";
        default:
            return {};
    }
}

// ---- message building -----------------------------------------------------------------------

/// Builds the RFC 5322 bytes of one message item, within a byte budget.
class MessageBuilder {
public:
    explicit MessageBuilder(std::size_t budget) : budget_(budget) {}

    /// The message. Properties that cannot be read are left out.
    std::string build(libpff_item_t* message, int depth) {
        std::vector<std::string> notes;
        std::string header = header_of(message);
        std::vector<std::string> parts;  // each a complete body part (its header + body)

        std::string text = plain_text(message);
        std::string html = html_body(message);
        std::string html_type = "text/html";
        if (auto cp = long_prop(message, kPidInternetCodepage); cp && !charset_of(*cp).empty())
            html_type += "; charset=" + std::string(charset_of(*cp));
        if (text.empty() && html.empty() && has_rtf(message))
            notes.push_back("RTF-only body left out");

        const std::string alt_boundary = boundary("alt", depth);
        std::string body_part;
        if (!text.empty() && !html.empty()) {
            body_part = "Content-Type: multipart/alternative; boundary=\"" + alt_boundary +
                        "\"\r\n\r\n--" + alt_boundary + "\r\n" +
                        leaf("text/plain; charset=utf-8", "", text) + "--" + alt_boundary + "\r\n" +
                        leaf(html_type, "", html) + "--" + alt_boundary + "--\r\n";
        } else if (!html.empty()) {
            body_part = leaf(html_type, "", html);
        } else {
            body_part = leaf("text/plain; charset=utf-8", "", text);
        }

        attachments(message, depth, parts, notes);

        std::string out = header;
        if (!notes.empty()) {
            out += "X-Kagami-PST-Note: ";
            for (std::size_t i = 0; i < notes.size(); ++i) out += (i ? "; " : "") + notes[i];
            out += "\r\n";
        }
        out += "MIME-Version: 1.0\r\n";
        if (parts.empty()) {
            out += body_part;
            return out;
        }
        const std::string mixed = boundary("mixed", depth);
        out += "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n";
        out += "--" + mixed + "\r\n" + body_part;
        for (const auto& p : parts) out += "--" + mixed + "\r\n" + p;
        out += "--" + mixed + "--\r\n";
        return out;
    }

    bool truncated() const { return truncated_; }

private:
    static std::string boundary(std::string_view kind, int depth) {
        // '_' and '.' are not base64 characters: no encoded line can look like a delimiter, and
        // the depth keeps nested messages' boundaries apart.
        return "=_kagami.pst." + std::string(kind) + "." + std::to_string(depth);
    }

    /// A body part: type, optional disposition, base64 body. Charges the budget.
    std::string leaf(const std::string& type, const std::string& disposition,
                     std::string_view data) {
        std::string out = "Content-Type: " + type + "\r\nContent-Transfer-Encoding: base64\r\n";
        if (!disposition.empty()) out += "Content-Disposition: " + disposition + "\r\n";
        out += "\r\n";
        base64_append(out, data, true);
        charge(out.size());
        return out;
    }

    void charge(std::size_t n) { used_ += std::min(n, budget_ - used_); }
    std::size_t room() const { return budget_ > used_ ? budget_ - used_ : 0; }
    /// Raw bytes that still fit once base64-encoded.
    std::size_t raw_room() const { return room() / 4 * 3; }

    std::string header_of(libpff_item_t* m) {
        std::string transport = string_prop(m, kPidTransportHeaders, budget_cap(1u << 20));
        if (!core::trim(transport).empty()) {
            std::string h = clean_transport_headers(transport);
            if (!h.empty()) {
                charge(h.size());
                return h;
            }
        }
        std::string h;
        std::string name = string_prop(m, kPidSenderName);
        std::string email = string_prop(m, kPidSenderEmail);
        if (name.empty() && email.empty()) {
            name = string_prop(m, kPidSentRepresentingName);
            email = string_prop(m, kPidSentRepresentingEmail);
        }
        email = one_line(email);
        if (!name.empty() || !email.empty()) {
            h += "From: ";
            if (!name.empty()) h += is_ascii(name) ? quoted(one_line(name)) : encode_words(name);
            if (email.find('@') != std::string::npos)
                h += (name.empty() ? "<" : " <") + email + ">";
            else if (name.empty())
                h += quoted(email);  // an Exchange DN, not an address
            h += "\r\n";
        }
        if (std::string to = string_prop(m, kPidDisplayTo); !to.empty())
            h += "To: " + encode_words(to) + "\r\n";
        if (std::string cc = string_prop(m, kPidDisplayCc); !cc.empty())
            h += "Cc: " + encode_words(cc) + "\r\n";
        if (std::string subject = strip_subject_marker(string_prop(m, kPidSubject));
            !subject.empty())
            h += "Subject: " + encode_words(subject) + "\r\n";
        PffError err;
        std::uint64_t ft = 0;
        std::optional<std::string> date;
        if (libpff_message_get_client_submit_time(m, &ft, err.out()) == 1)
            date = filetime_to_date(ft);
        if (!date && libpff_message_get_delivery_time(m, &ft, err.out()) == 1)
            date = filetime_to_date(ft);
        if (date) h += "Date: " + *date + "\r\n";
        if (std::string id = one_line(string_prop(m, kPidInternetMessageId)); !id.empty())
            h += "Message-ID: " + id + "\r\n";
        charge(h.size());
        return h;
    }

    std::size_t budget_cap(std::size_t n) const { return std::min(n, budget_); }

    /// A body read through one of libpff's size/get pairs, bounded by the budget.
    template <typename SizeFn, typename GetFn>
    std::string bounded_body(libpff_item_t* m, SizeFn size_fn, GetFn get_fn) {
        PffError err;
        std::size_t size = 0;
        if (size_fn(m, &size, err.out()) != 1 || size == 0) return {};
        if (size > raw_room() + 1) {
            truncated_ = true;  // too large for what is left: the part is left out
            return {};
        }
        std::string out(size, '\0');
        if (get_fn(m, reinterpret_cast<std::uint8_t*>(out.data()), size, err.out()) != 1) return {};
        out.resize(std::min(out.find('\0'), out.size()));
        return out;
    }

    std::string plain_text(libpff_item_t* m) {
        return core::sanitize_utf8(bounded_body(m, libpff_message_get_plain_text_body_size,
                                                libpff_message_get_plain_text_body));
    }

    std::string html_body(libpff_item_t* m) {
        return bounded_body(m, libpff_message_get_html_body_size, libpff_message_get_html_body);
    }

    static bool has_rtf(libpff_item_t* m) {
        PffError err;
        std::size_t size = 0;
        return libpff_message_get_rtf_body_size(m, &size, err.out()) == 1 && size > 0;
    }

    void attachments(libpff_item_t* m, int depth, std::vector<std::string>& parts,
                     std::vector<std::string>& notes) {
        PffError err;
        int count = 0;
        if (libpff_message_get_number_of_attachments(m, &count, err.out()) != 1) {
            notes.push_back("attachments unreadable: " + err.what("unknown error"));
            return;
        }
        int skipped = 0, failed = 0, references = 0;
        for (int i = 0; i < count; ++i) {
            if (i >= kMaxAttachments) {
                skipped = count - i;
                break;
            }
            libpff_item_t* raw = nullptr;
            if (libpff_message_get_attachment(m, i, &raw, err.out()) != 1) {
                ++failed;
                continue;
            }
            ItemPtr att(raw);
            int type = 0;
            if (libpff_attachment_get_type(att.get(), &type, err.out()) != 1) {
                ++failed;
                continue;
            }
            if (type == LIBPFF_ATTACHMENT_TYPE_DATA) {
                if (!data_attachment(att.get(), parts)) ++failed;
            } else if (type == LIBPFF_ATTACHMENT_TYPE_ITEM) {
                if (!item_attachment(att.get(), depth, parts, notes)) ++failed;
            } else {
                ++references;
            }
        }
        if (skipped)
            notes.push_back(std::to_string(skipped) + " attachments past the limit left out");
        if (failed) notes.push_back(std::to_string(failed) + " attachments unreadable");
        if (references)
            notes.push_back(std::to_string(references) + " reference attachments (no data)");
    }

    std::string attachment_name(libpff_item_t* att) {
        std::string name = string_prop(att, kPidAttachLongFilename, 1024);
        if (name.empty()) name = string_prop(att, kPidAttachFilename, 1024);
        return name;
    }

    bool data_attachment(libpff_item_t* att, std::vector<std::string>& parts) {
        PffError err;
        size64_t size = 0;
        if (libpff_attachment_get_data_size(att, &size, err.out()) == -1) return false;
        std::string data;
        const std::size_t want = static_cast<std::size_t>(std::min<size64_t>(size, raw_room()));
        if (want < size) truncated_ = true;
        data.reserve(want);
        if (want > 0 && libpff_attachment_data_seek_offset(att, 0, SEEK_SET, err.out()) == -1)
            return false;
        std::vector<std::uint8_t> chunk;
        while (data.size() < want) {
            chunk.resize(std::min(kReadChunk, want - data.size()));
            const ssize_t n =
                libpff_attachment_data_read_buffer(att, chunk.data(), chunk.size(), err.out());
            if (n < 0) return false;
            if (n == 0) break;
            data.append(reinterpret_cast<const char*>(chunk.data()), static_cast<std::size_t>(n));
        }
        const std::string name = attachment_name(att);
        std::string type = "application/octet-stream";
        std::string disposition = "attachment";
        if (!name.empty()) {
            type += "; " + filename_param("name", name);
            disposition += "; " + filename_param("filename", name);
        }
        parts.push_back(leaf(type, disposition, data));
        return true;
    }

    bool item_attachment(libpff_item_t* att, int depth, std::vector<std::string>& parts,
                         std::vector<std::string>& notes) {
        if (depth + 1 > kMaxEmbedDepth) {
            notes.push_back("attached message nested too deep, left out");
            return true;
        }
        PffError err;
        libpff_item_t* raw = nullptr;
        if (libpff_attachment_get_item(att, &raw, err.out()) != 1) return false;
        ItemPtr inner(raw);
        MessageBuilder nested(room());
        std::string bytes = nested.build(inner.get(), depth + 1);
        if (nested.truncated()) truncated_ = true;
        std::string part = "Content-Type: message/rfc822\r\nContent-Disposition: attachment";
        if (std::string name = attachment_name(att); !name.empty())
            part += "; " + filename_param("filename", name);
        part += "\r\n\r\n" + bytes + "\r\n";
        charge(part.size());
        parts.push_back(std::move(part));
        return true;
    }

    std::size_t budget_;
    std::size_t used_ = 0;
    bool truncated_ = false;
};

// ---- the walk -------------------------------------------------------------------------------

class Walker {
public:
    Walker(const std::string& path, std::size_t max_bytes, const MessageSink& emit,
           const ErrorSink& on_error)
        : path_(path), max_bytes_(max_bytes), emit_(emit), on_error_(on_error) {}

    void folder(libpff_item_t* folder, int depth) {
        PffError err;
        int messages = 0;
        if (libpff_folder_get_number_of_sub_messages(folder, &messages, err.out()) != 1) {
            fail(Errc::format, path_ + ": folder unreadable: " + err.what("unknown error"));
        }
        for (int i = 0; i < messages; ++i) message_at(folder, i);

        int folders = 0;
        if (libpff_folder_get_number_of_sub_folders(folder, &folders, err.out()) != 1) {
            fail(Errc::format, path_ + ": subfolders unreadable: " + err.what("unknown error"));
            return;
        }
        if (folders > 0 && depth >= kMaxFolderDepth) {
            fail(Errc::format, path_ + ": folders nested too deep, skipped");
            return;
        }
        for (int i = 0; i < folders; ++i) {
            libpff_item_t* raw = nullptr;
            if (libpff_folder_get_sub_folder(folder, i, &raw, err.out()) != 1) {
                fail(Errc::format, path_ + ": subfolder " + std::to_string(i) +
                                       " unreadable: " + err.what("unknown error"));
                continue;
            }
            ItemPtr sub(raw);
            this->folder(sub.get(), depth + 1);
        }
    }

private:
    void message_at(libpff_item_t* folder, int i) {
        const long index = next_index_++;
        PffError err;
        libpff_item_t* raw = nullptr;
        if (libpff_folder_get_sub_message(folder, i, &raw, err.out()) != 1) {
            fail(Errc::format,
                 path_ + ": message " + std::to_string(index) + ": " + err.what("unreadable item"));
            return;
        }
        ItemPtr item(raw);
        RawMessage msg;
        msg.path = path_;
        msg.index = index;
        try {
            MessageBuilder builder(max_bytes_);
            msg.bytes = builder.build(item.get(), 0);
            msg.truncated = builder.truncated();
        } catch (const std::exception& e) {
            fail(Errc::internal, path_ + ": message " + std::to_string(index) + ": " + e.what());
            return;
        }
        if (msg.bytes.size() > max_bytes_) {
            msg.bytes.resize(max_bytes_);
            msg.truncated = true;
        }
        emit_(std::move(msg));
    }

    void fail(Errc code, std::string text) { on_error_(Error{code, std::move(text)}); }

    const std::string& path_;
    std::size_t max_bytes_;
    const MessageSink& emit_;
    const ErrorSink& on_error_;
    long next_index_ = 0;
};

}  // namespace

bool looks_like_pst(std::string_view head) {
    return head.substr(0, 4) == "!BDN";
}

void read_pst(const std::string& path, std::size_t max_message_bytes, const MessageSink& emit,
              const ErrorSink& on_error) {
    PffError err;
    libpff_file_t* raw_file = nullptr;
    if (libpff_file_initialize(&raw_file, err.out()) != 1) {
        on_error(Error{Errc::internal, path + ": " + err.what("libpff initialisation failed")});
        return;
    }
    std::unique_ptr<libpff_file_t, void (*)(libpff_file_t*)> unopened(
        raw_file, [](libpff_file_t* f) { libpff_file_free(&f, nullptr); });
    if (libpff_file_open(raw_file, path.c_str(), LIBPFF_OPEN_READ, err.out()) != 1) {
        on_error(
            Error{Errc::format, path + ": not a readable PST/OST: " + err.what("open failed")});
        return;
    }
    FilePtr file(unopened.release());
    libpff_item_t* raw_root = nullptr;
    const int found = libpff_file_get_root_folder(file.get(), &raw_root, err.out());
    if (found != 1) {
        on_error(Error{Errc::format, path + ": no root folder: " + err.what("missing")});
        return;
    }
    ItemPtr root(raw_root);
    Walker walker(path, max_message_bytes, emit, on_error);
    walker.folder(root.get(), 0);
}

}  // namespace kagami::ingest::detail
