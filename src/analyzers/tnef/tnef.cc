// SPDX-License-Identifier: Apache-2.0
// TNEF (MS-OXTNEF): a signature, a legacy key, then a flat list of attributes, each
// with a level (message or attachment), an id, a length, its data and a checksum.
// An attachment starts at attAttachRendData; its bytes are in attAttachData and its
// long name in the MAPI property list of attAttachment. The message's own MAPI
// properties may carry the body as compressed RTF (MS-OXRTFCP) or HTML, which are
// handed back as message.rtf / message.html so that RTF exploits inside winmail.dat
// are read like any other RTF file.
#include "analyzers/tnef/tnef.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

constexpr FindingKind kEntriesLimit{
    "limit.tnef.entries",
    "The TNEF stream holds more attachments or attributes than the limit allows; the rest "
    "was not analysed",
    "T1027"};

constexpr std::uint32_t kSignature = 0x223E9F78;
constexpr std::uint8_t kLevelMessage = 1;
constexpr std::uint8_t kLevelAttachment = 2;

// Attribute tags (the low 16 bits of the id; the high 16 bits are the data type).
constexpr std::uint16_t kAttSubject = 0x8004;
constexpr std::uint16_t kAttMessageId = 0x8009;
constexpr std::uint16_t kAttMessageClass = 0x8008;
constexpr std::uint16_t kAttMapiProps = 0x9003;
constexpr std::uint16_t kAttAttachRendData = 0x9002;
constexpr std::uint16_t kAttAttachTitle = 0x8010;
constexpr std::uint16_t kAttAttachData = 0x800F;
constexpr std::uint16_t kAttAttachment = 0x9005;

// MAPI property ids and types (MS-OXPROPS, MS-OXCDATA).
constexpr std::uint16_t kPidMessageClass = 0x001A;
constexpr std::uint16_t kPidSubject = 0x0037;
constexpr std::uint16_t kPidBody = 0x1000;
constexpr std::uint16_t kPidRtfCompressed = 0x1009;
constexpr std::uint16_t kPidHtml = 0x1013;
constexpr std::uint16_t kPidAttachDataBinary = 0x3701;
constexpr std::uint16_t kPidAttachFilename = 0x3704;
constexpr std::uint16_t kPidAttachLongFilename = 0x3707;
constexpr std::uint16_t kPidAttachMimeTag = 0x370E;

constexpr std::uint16_t kPtString8 = 0x001E;
constexpr std::uint16_t kPtUnicode = 0x001F;
constexpr std::uint16_t kPtBinary = 0x0102;
constexpr std::uint16_t kPtObject = 0x000D;
constexpr std::uint16_t kMultiValued = 0x1000;

// IID_IMessage: a PT_OBJECT attachment holding a whole message (itself TNEF-encoded).
constexpr std::string_view kIidMessage{
    "\x07\x03\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16};

constexpr std::size_t kMaxNameBytes = 1024;
constexpr std::size_t kMaxFactBytes = 4096;
constexpr std::size_t kMaxPropsPerList = 100'000;

// TNEF strings are NUL-terminated in the sender's OEM code page: keep UTF-8 as it is,
// read anything else as Latin-1, and drop control characters.
std::string text_value(std::string_view s, std::size_t max = kMaxFactBytes) {
    if (auto nul = s.find('\0'); nul != std::string_view::npos) s = s.substr(0, nul);
    if (s.size() > max) s = s.substr(0, max);
    std::string out;
    if (core::is_valid_utf8(s)) {
        out = s;
    } else {
        for (unsigned char c : s) core::append_utf8(out, c);
    }
    std::string clean;
    for (char c : out)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) clean += c;
    return clean;
}

std::string unicode_value(std::string_view s, std::size_t max = kMaxFactBytes) {
    core::Utf16Options o;
    o.stop_at_nul = true;
    o.max_out = max;
    return text_value(core::utf16_to_utf8(s, o), max);
}

// One MAPI property of interest: its type and the bytes of its first value.
struct Prop {
    std::uint16_t type = 0;
    std::uint16_t id = 0;
    std::string_view value;
};

std::size_t fixed_size(std::uint16_t type) {
    switch (type) {
        case 0x0002:
        case 0x0003:
        case 0x0004:
        case 0x000A:
        case 0x000B:
            return 4;
        case 0x0005:
        case 0x0006:
        case 0x0007:
        case 0x0014:
        case 0x0040:
            return 8;
        case 0x0048:
            return 16;
        default:
            return 0;
    }
}

bool is_variable(std::uint16_t type) {
    return type == kPtString8 || type == kPtUnicode || type == kPtBinary || type == kPtObject;
}

bool skip_padding(core::ByteReader& r, std::uint64_t n) {
    return r.skip(std::min<std::uint64_t>((4 - n % 4) % 4, r.remaining()));
}

// MS-OXTNEF 2.1.3.5: a count, then properties: type, id, a name for named properties,
// and the value(s), each padded to 4 bytes. Every step consumes at least 4 bytes, so
// counts from the file bound nothing but the loops. Properties after a malformed one
// are lost; `error` says what was wrong.
std::vector<Prop> read_props(std::string_view data, std::string& error) {
    std::vector<Prop> props;
    core::ByteReader r(data);
    auto count = r.u32();
    if (!count) {
        error = "MAPI property list without a count";
        return props;
    }
    for (std::uint32_t i = 0; i < *count && i < kMaxPropsPerList; ++i) {
        auto type = r.u16();
        auto id = r.u16();
        if (!type || !id) {
            error = "MAPI property list cut short";
            break;
        }
        if (*id >= 0x8000) {  // a named property: GUID, kind, then a number or a name
            bool named_ok = r.skip(16);
            auto kind = named_ok ? r.u32() : std::nullopt;
            if (!kind) {
                named_ok = false;
            } else if (*kind == 0) {
                named_ok = r.skip(4);
            } else {
                auto len = r.u32();
                named_ok = len && r.skip(*len) && skip_padding(r, *len);
            }
            if (!named_ok) {
                error = "MAPI property name cut short";
                break;
            }
        }
        std::uint16_t base = *type & ~kMultiValued;
        bool multi = (*type & kMultiValued) != 0;
        if (!is_variable(base) && fixed_size(base) == 0) {
            error = "MAPI property of unknown type " + std::to_string(base);
            break;
        }
        std::uint32_t values = 1;
        if (multi || is_variable(base)) {
            auto n = r.u32();
            if (!n) {
                error = "MAPI property list cut short";
                break;
            }
            values = *n;
        }
        Prop p{base, *id, {}};
        bool ok = true;
        for (std::uint32_t v = 0; v < values && ok; ++v) {
            std::optional<std::string_view> b;
            if (is_variable(base)) {
                auto len = r.u32();
                b = len ? r.bytes(*len) : std::nullopt;
                ok = b && skip_padding(r, *len);
            } else {
                b = r.bytes(fixed_size(base));
                ok = b.has_value();
            }
            if (ok && v == 0) p.value = *b;
        }
        if (!ok) {
            error = "MAPI property value runs past the end of its list";
            break;
        }
        props.push_back(p);
    }
    return props;
}

const Prop* find_prop(const std::vector<Prop>& props, std::uint16_t id) {
    for (const auto& p : props)
        if (p.id == id) return &p;
    return nullptr;
}

std::optional<std::string> string_prop(const std::vector<Prop>& props, std::uint16_t id,
                                       std::size_t max = kMaxFactBytes) {
    const Prop* p = find_prop(props, id);
    if (!p) return std::nullopt;
    if (p->type == kPtUnicode) return unicode_value(p->value, max);
    if (p->type == kPtString8) return text_value(p->value, max);
    return std::nullopt;
}

// MS-OXRTFCP: LZ77 over a 4 KiB ring that starts with a fixed RTF prologue.
constexpr std::string_view kRtfPrologue =
    "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
    "\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
    "\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

std::optional<std::string> decompress_rtf(std::string_view data, std::size_t cap) {
    core::ByteReader r(data);
    auto comp_size = r.u32();
    auto raw_size = r.u32();
    auto comp_type = r.u32();
    if (!comp_size || !raw_size || !comp_type || !r.skip(4)) return std::nullopt;
    std::size_t limit = std::min<std::uint64_t>(*raw_size, cap);
    if (*comp_type == 0x414C454D) {  // "MELA": stored
        auto b = r.bytes(std::min<std::uint64_t>(limit, r.remaining()));
        return std::string(*b);
    }
    if (*comp_type != 0x75465A4C) return std::nullopt;  // "LZFu"
    std::array<char, 4096> dict{};
    std::copy(kRtfPrologue.begin(), kRtfPrologue.end(), dict.begin());
    std::size_t wp = kRtfPrologue.size();
    std::string out;
    while (out.size() < limit) {
        auto control = r.u8();
        if (!control) break;
        for (int bit = 0; bit < 8 && out.size() < limit; ++bit) {
            if ((*control >> bit & 1) == 0) {
                auto c = r.u8();
                if (!c) return out;
                out += static_cast<char>(*c);
                dict[wp] = static_cast<char>(*c);
                wp = (wp + 1) % dict.size();
                continue;
            }
            auto token = r.be<std::uint16_t>();
            if (!token) return out;
            std::size_t offset = *token >> 4;
            std::size_t length = (*token & 0xF) + 2u;
            if (offset == wp) return out;  // the end marker
            for (std::size_t k = 0; k < length && out.size() < limit; ++k) {
                char c = dict[(offset + k) % dict.size()];
                out += c;
                dict[wp] = c;
                wp = (wp + 1) % dict.size();
            }
        }
    }
    return out;
}

// A line break or NULs after the last attribute, as mail tools leave them: not worth a
// violation (an attribute needs at least 11 bytes).
bool is_padding(std::string_view rest) {
    return rest.size() < 11 && std::all_of(rest.begin(), rest.end(),
                                           [](char c) { return c == '\0' || core::is_space(c); });
}

struct Attachment {
    std::string title;
    std::string long_name;
    std::string mime;
    std::optional<std::string_view> data;
    std::optional<std::string_view> embedded_message;  // a TNEF stream of its own
};

struct Walk {
    Output& out;
    bool stop_children = false;
    bool limit_reported = false;
    int violations = 0;

    // A stream of broken attachments reports its first few faults, not thousands.
    void malformed(std::string what) {
        if (violations++ < 8) out.violation(std::move(what));
    }

    void limit(std::string evidence) {
        if (!limit_reported) out.finding(kEntriesLimit, std::move(evidence));
        limit_reported = true;
    }

    void child(std::string name, std::string_view bytes) {
        if (stop_children) return;
        if (out.entries_exhausted()) {
            limit("children: " + std::to_string(out.children().size()));
            stop_children = true;
            return;
        }
        // Refused when the message's byte budget is spent (child() records the limit).
        if (!out.child(std::move(name), std::string(bytes))) stop_children = true;
    }
};

void finish_attachment(Walk& w, Attachment& a, std::size_t index) {
    std::string name = !a.long_name.empty() ? a.long_name
                       : !a.title.empty()   ? a.title
                                            : "attachment " + std::to_string(index);
    if (a.data) {
        w.out.fact("tnef.attachment", name + " (" + std::to_string(a.data->size()) + " bytes)");
        if (!a.mime.empty()) w.out.fact("tnef.attachment_mime", a.mime);
        w.child(name, *a.data);
    }
    // An attached message is itself TNEF; the dispatcher reads it within its depth
    // bound (its attAttachData is only a "not supported" placeholder text).
    if (a.embedded_message) {
        w.out.fact("tnef.embedded_message",
                   name + " (" + std::to_string(a.embedded_message->size()) + " bytes)");
        w.child(std::move(name), *a.embedded_message);
    }
}

void read_attachment_props(Walk& w, std::string_view data, Attachment& a) {
    std::string error;
    auto props = read_props(data, error);
    if (!error.empty()) w.malformed("attachment: " + error);
    if (auto s = string_prop(props, kPidAttachLongFilename, kMaxNameBytes); s && !s->empty())
        a.long_name = *s;
    else if (auto s2 = string_prop(props, kPidAttachFilename, kMaxNameBytes);
             s2 && !s2->empty() && a.title.empty())
        a.title = *s2;
    if (auto s = string_prop(props, kPidAttachMimeTag, 256)) a.mime = *s;
    if (const Prop* p = find_prop(props, kPidAttachDataBinary)) {
        if (p->type == kPtObject) {
            // The value starts with the interface id: a message, or an OLE storage.
            if (p->value.substr(0, 16) == kIidMessage)
                a.embedded_message = p->value.substr(16);
            else if (!a.data && p->value.size() > 16)
                a.data = p->value.substr(16);
        } else if (p->type == kPtBinary && !a.data) {
            a.data = p->value;
        }
    }
}

void read_message_props(Walk& w, std::string_view data) {
    Output& out = w.out;
    std::string error;
    auto props = read_props(data, error);
    if (!error.empty()) w.malformed("message: " + error);
    if (auto s = string_prop(props, kPidMessageClass)) out.fact("tnef.message_class", *s);
    if (auto s = string_prop(props, kPidSubject)) out.fact("tnef.mapi_subject", *s);
    if (auto s = string_prop(props, kPidBody, 64 * 1024); s && !s->empty())
        out.fact("tnef.body", *s);
    if (const Prop* p = find_prop(props, kPidHtml); p && !p->value.empty()) {
        out.fact("tnef.body_html", std::to_string(p->value.size()) + " bytes");
        w.child("message.html", p->value);
    }
    if (const Prop* p = find_prop(props, kPidRtfCompressed); p && p->type == kPtBinary) {
        out.fact("tnef.body_rtf", std::to_string(p->value.size()) + " bytes compressed");
        auto rtf = decompress_rtf(p->value, out.context().bytes_left());
        if (!rtf)
            w.malformed("compressed RTF body of unknown format");
        else if (!rtf->empty())
            w.child("message.rtf", *rtf);
    }
}

}  // namespace

bool TnefAnalyzer::sniff(std::string_view bytes) const {
    return core::le_at<std::uint32_t>(bytes, 0) == kSignature;
}

void TnefAnalyzer::analyze(const Input& in, Output& out) const {
    out.set_type("tnef");
    core::ByteReader r(in.bytes);
    if (r.u32() != kSignature || !r.u16()) {
        out.violation("not a TNEF stream (no signature)");
        return;
    }
    Walk w{out};
    // Attributes are few per attachment (about ten); the bound keeps a stream of
    // tiny attributes from costing more than a large archive listing.
    const std::uint64_t max_attributes =
        static_cast<std::uint64_t>(out.context().limits().max_archive_entries) * 16 + 64;
    std::optional<Attachment> current;
    std::size_t attachment_count = 0;
    std::size_t bad_checksums = 0;
    std::uint64_t attributes = 0;
    auto flush = [&] {
        if (current) finish_attachment(w, *current, attachment_count);
        current.reset();
    };
    while (!r.empty()) {
        if (out.context().out_of_time()) break;
        if (is_padding(r.data().substr(r.pos()))) break;
        if (++attributes > max_attributes) {
            w.limit("attributes: " + std::to_string(max_attributes));
            break;
        }
        auto level = r.u8();
        auto id = r.u32();
        auto length = r.u32();
        if (!level || !id || !length) {
            out.violation("attribute header cut short at offset " + std::to_string(r.pos()));
            break;
        }
        auto data = r.bytes(*length);
        if (!data) {
            out.violation("attribute length " + std::to_string(*length) + " runs past the end");
            break;
        }
        auto checksum = r.u16();
        if (!checksum) {
            out.violation("attribute checksum cut short");
        } else {
            std::uint16_t sum = 0;
            for (unsigned char c : *data) sum = static_cast<std::uint16_t>(sum + c);
            if (sum != *checksum && bad_checksums++ == 0)
                w.malformed("attribute checksum mismatch at offset " + std::to_string(r.pos() - 2));
        }
        std::uint16_t tag = *id & 0xFFFF;
        if (*level == kLevelMessage) {
            switch (tag) {
                case kAttSubject:
                    out.fact("tnef.subject", text_value(*data));
                    break;
                case kAttMessageClass:
                    out.fact("tnef.message_class", text_value(*data));
                    break;
                case kAttMessageId:
                    out.fact("tnef.message_id", text_value(*data, 256));
                    break;
                case kAttMapiProps:
                    read_message_props(w, *data);
                    break;
                default:
                    break;
            }
        } else if (*level == kLevelAttachment) {
            if (tag == kAttAttachRendData) {
                flush();
                if (attachment_count >= out.context().limits().max_archive_entries) {
                    w.limit("attachments: " + std::to_string(attachment_count));
                    break;
                }
                ++attachment_count;
                current.emplace();
                continue;
            }
            if (!current) {  // an attachment attribute before any attRendData
                ++attachment_count;
                current.emplace();
            }
            switch (tag) {
                case kAttAttachTitle:
                    current->title = text_value(*data, kMaxNameBytes);
                    break;
                case kAttAttachData:
                    current->data = *data;
                    break;
                case kAttAttachment:
                    read_attachment_props(w, *data, *current);
                    break;
                default:
                    break;
            }
        } else {
            out.violation("attribute of unknown level " + std::to_string(*level));
            break;
        }
    }
    flush();
    if (bad_checksums > 1) out.fact("tnef.bad_checksums", std::to_string(bad_checksums));
    out.fact("tnef.attachments", std::to_string(attachment_count));
}

}  // namespace kagami::analyzers
