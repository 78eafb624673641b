#include "mime/message.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "core/text.h"
#include "mime/charset.h"
#include "mime/lenient.h"

namespace kagami::mime {
namespace {

constexpr FindingKind kDepthLimit{
    "limit.mime.depth", "MIME nesting deeper than the limit; the rest is not analysed", "T1027"};
constexpr FindingKind kPartsLimit{
    "limit.mime.parts", "More MIME parts than the limit; the rest is not analysed", "T1027"};
constexpr FindingKind kHeadersLimit{"limit.mime.headers", "More header fields than the limit",
                                    "T1027"};
constexpr FindingKind kHeaderBytesLimit{
    "limit.mime.header_bytes", "A header field longer than the limit was cut", "T1027.001"};
constexpr FindingKind kDecodedLimit{
    "limit.mime.decoded_bytes",
    "Decoded content larger than the limit; later parts are not decoded", "T1027.001"};
constexpr FindingKind kLinksLimit{"limit.mime.links", "More links than the limit", "T1027"};
constexpr FindingKind kNotMime{"mime.no_headers",
                               "The data has no message header; read as a plain body", "T1566"};
constexpr FindingKind kMalformed{"mime.malformed", "Malformed MIME structure", "T1027"};
constexpr FindingKind kEvasion{"mime.parser_evasion", "MIME structure crafted to confuse parsers",
                               "T1027"};
constexpr FindingKind kCharsetDetected{
    "mime.charset_mislabelled", "Text charset missing or wrong; detected from the bytes", "T1027"};

void init_gmime_once() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

struct GObjectUnref {
    void operator()(void* p) const {
        if (p) g_object_unref(p);
    }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct GFreeDeleter {
    void operator()(void* p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<char, GFreeDeleter>;

struct ParserOptionsFree {
    void operator()(GMimeParserOptions* p) const { g_mime_parser_options_free(p); }
};

// How often `name=` (or `name*=`, RFC 2231) starts a parameter in a raw header value;
// quoted strings are skipped. Two boundary parameters are the classic way to make a
// filter and a mail client see different parts.
int count_param(std::string_view raw, std::string_view name) {
    int count = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '"') quoted = !quoted;
        if (quoted || c != ';') continue;
        std::size_t j = i + 1;
        while (j < raw.size() && core::is_space(raw[j])) ++j;
        if (!core::istarts_with(raw.substr(j), name)) continue;
        j += name.size();
        while (j < raw.size() && core::is_space(raw[j])) ++j;
        if (j < raw.size() && (raw[j] == '=' || raw[j] == '*')) ++count;
    }
    return count;
}

class TreeBuilder {
public:
    TreeBuilder(const Limits& limits, Message& top) : limits_(limits), top_(top) {}

    /// True when the message holds structure that a lenient client reads differently.
    bool lenient_hint() const { return lenient_hint_; }

    /// `headers` holds the message's header fields and `body` is its top MIME entity: for the
    /// top-level message both are the same object (see parse_message), for an attached
    /// message they are the GMimeMessage and its MIME part.
    void build_message(GMimeObject* headers, GMimeObject* body, Message& msg, int depth) {
        read_headers(headers, msg.headers);
        std::string saved = header_charset_;
        header_charset_ = raw_header_charset(msg.headers, body);
        fill_envelope(msg);
        msg.root.path = "1";
        if (body) build_part(body, msg.root, depth + 1);
        header_charset_ = std::move(saved);
    }

private:
    // Unencoded 8-bit header text (Shift_JIS, Big5, EUC-KR subjects and names) is too short
    // to detect one field at a time. All of a message's raw 8-bit header values together,
    // with the first text part's declared charset as the first candidate, say far more.
    static std::string raw_header_charset(const std::vector<Header>& headers, GMimeObject* body) {
        std::string sample;
        for (const auto& h : headers) {
            bool eight_bit =
                std::any_of(h.raw.begin(), h.raw.end(), [](char c) { return (c & 0x80) != 0; });
            if (eight_bit && !core::is_valid_utf8(h.raw)) sample.append(h.raw).append("\n");
            if (sample.size() > 16384) break;
        }
        if (sample.empty()) return "";
        std::string declared;
        for (GMimeObject* obj = body; obj;) {
            if (GMIME_IS_MULTIPART(obj)) {
                obj = g_mime_multipart_get_count(GMIME_MULTIPART(obj)) > 0
                          ? g_mime_multipart_get_part(GMIME_MULTIPART(obj), 0)
                          : nullptr;
                continue;
            }
            const char* cs = g_mime_object_get_content_type_parameter(obj, "charset");
            if (cs) declared = cs;
            break;
        }
        return to_utf8(sample, declared, sample.size() * 4).charset;
    }

    void read_headers(GMimeObject* obj, std::vector<Header>& out) {
        GMimeHeaderList* list = g_mime_object_get_header_list(obj);
        int count = list ? g_mime_header_list_get_count(list) : 0;
        for (int i = 0; i < count; ++i) {
            if (out.size() >= limits_.max_headers) {
                add_once(kHeadersLimit, std::to_string(count) + " header fields", "");
                break;
            }
            GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
            const char* name = g_mime_header_get_name(h);
            const char* raw = g_mime_header_get_raw_value(h);
            Header header{name ? name : "", raw ? std::string(core::trim(raw)) : ""};
            if (header.raw.size() > limits_.max_header_bytes) {
                add_once(kHeaderBytesLimit,
                         header.name + ": " + std::to_string(header.raw.size()) + " bytes",
                         header.name);
                header.raw.resize(limits_.max_header_bytes);
            }
            out.push_back(std::move(header));
        }
    }

    void fill_envelope(Message& msg) {
        auto value = [&](std::string_view name) -> std::string_view {
            const Header* h = msg.header(name);
            return h ? std::string_view(h->raw) : std::string_view();
        };
        const std::string& cs = header_charset_;
        msg.subject = decode_header_text(value("Subject"), cs);
        msg.from = parse_address_list(value("From"), cs);
        msg.sender = parse_address_list(value("Sender"), cs);
        msg.reply_to = parse_address_list(value("Reply-To"), cs);
        msg.to = parse_address_list(value("To"), cs);
        msg.cc = parse_address_list(value("Cc"), cs);
        auto rp = parse_address_list(value("Return-Path"), cs);
        if (!rp.empty()) msg.return_path = rp.front().address;
        msg.date_raw = core::sanitize_utf8(value("Date"));
        msg.header_message_id = core::sanitize_utf8(core::trim(value("Message-ID")));
    }

    /// The Content-* fields of one entity, read in a single pass over its header list.
    struct ContentHeaders {
        std::string type, disposition, encoding, id;  ///< first occurrence of each, trimmed
        std::string conflict;  ///< "two Content-Type headers: a | b" when two disagree
    };

    ContentHeaders content_headers(GMimeObject* obj) {
        ContentHeaders out;
        GMimeHeaderList* list = g_mime_object_get_header_list(obj);
        int count = list ? g_mime_header_list_get_count(list) : 0;
        for (int i = 0; i < count && i < int(limits_.max_headers); ++i) {
            GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
            const char* name = g_mime_header_get_name(h);
            const char* raw = g_mime_header_get_raw_value(h);
            if (!name || !raw || !core::istarts_with(name, "content-")) continue;
            std::string_view suffix = std::string_view(name).substr(8);
            // "Content-Type(x)": a name only a lenient client reads as Content-Type.
            if (suffix.find('(') != std::string_view::npos) lenient_hint_ = true;
            std::string* slot = core::iequals(suffix, "type")                ? &out.type
                                : core::iequals(suffix, "disposition")       ? &out.disposition
                                : core::iequals(suffix, "transfer-encoding") ? &out.encoding
                                : core::iequals(suffix, "id")                ? &out.id
                                                                             : nullptr;
            if (!slot) continue;
            std::string_view value = core::trim(raw);
            if (slot->empty() && !value.empty()) {
                *slot = value;
            } else if (out.conflict.empty() && slot != &out.id && value != *slot) {
                out.conflict =
                    "two " + std::string(name) + " headers: " + *slot + " | " + std::string(value);
            }
        }
        return out;
    }

    // Parameters after the first ';'. The type token itself holds no quotes, so the
    // first ';' is the start of the parameters.
    std::vector<HeaderParam> params_of(const std::string& raw, std::string* head) const {
        auto semi = raw.find(';');
        *head = core::to_lower(core::trim(std::string_view(raw).substr(0, semi)));
        if (semi == std::string::npos) return {};
        return parse_header_params(std::string_view(raw).substr(semi + 1), header_charset_);
    }

    void build_part(GMimeObject* obj, Part& part, int depth) {
        ++top_.part_count;
        std::string ignored;
        GMimeContentType* ct = g_mime_object_get_content_type(obj);
        if (ct) {
            GCharPtr mime(g_mime_content_type_get_mime_type(ct));
            part.content_type = core::to_lower(mime ? mime.get() : "application/octet-stream");
        }
        ContentHeaders fields = content_headers(obj);
        auto ct_params = params_of(fields.type, &ignored);
        part.charset = core::to_lower(find_param(ct_params, "charset"));
        auto cd_params = params_of(fields.disposition, &part.disposition);
        part.filename = find_param(cd_params, "filename");
        if (part.filename.empty()) part.filename = find_param(ct_params, "name");
        part.transfer_encoding = core::to_lower(fields.encoding);
        part.content_id = core::sanitize_utf8(fields.id);

        check_structure(obj, part, fields);
        if (depth > limits_.max_mime_depth) {
            add_once(kDepthLimit, "depth " + std::to_string(depth), part.path);
            return;
        }

        if (GMIME_IS_MULTIPART(obj)) {
            auto* mp = GMIME_MULTIPART(obj);
            int n = g_mime_multipart_get_count(mp);
            for (int i = 0; i < n; ++i) {
                if (top_.part_count >= limits_.max_mime_parts) {
                    add_once(kPartsLimit, std::to_string(top_.part_count) + " parts", part.path);
                    return;
                }
                Part& child = part.children.emplace_back();
                child.path = part.path + "." + std::to_string(i + 1);
                build_part(g_mime_multipart_get_part(mp, i), child, depth + 1);
            }
        } else if (GMIME_IS_MESSAGE_PART(obj)) {
            GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
            if (inner) {
                part.embedded = std::make_unique<Message>();
                Message& m = *part.embedded;
                build_message(GMIME_OBJECT(inner), g_mime_message_get_mime_part(inner), m, depth);
                renumber(m.root, part.path + ".1");
                for (auto& link : m.links) top_.links.push_back(std::move(link));
                m.links.clear();
            }
        } else if (GMIME_IS_PART(obj)) {
            decode_leaf(GMIME_PART(obj), part);
        }
    }

    // Structure that mail clients and filters read differently: two Content-* headers that
    // disagree, a parameter given twice, a multipart without a boundary or without parts.
    void check_structure(GMimeObject* obj, const Part& part, const ContentHeaders& fields) {
        const std::string& content_type_raw = fields.type;
        const std::string& disposition_raw = fields.disposition;
        if (!fields.conflict.empty()) add_structure_finding(kEvasion, fields.conflict, part.path);
        const int boundaries = count_param(content_type_raw, "boundary");
        if (boundaries > 1) lenient_hint_ = true;
        if (boundaries > 1 || count_param(content_type_raw, "charset") > 1 ||
            count_param(content_type_raw, "name") > 1 ||
            count_param(disposition_raw, "filename") > 1)
            add_structure_finding(
                kEvasion,
                "a parameter given twice: " + std::string(content_type_raw) +
                    (disposition_raw.empty() ? "" : " / " + std::string(disposition_raw)),
                part.path);
        if (part.is_multipart() && boundaries == 0)
            add_structure_finding(kEvasion,
                                  "multipart without boundary: " + std::string(content_type_raw),
                                  part.path);
        else if (GMIME_IS_MULTIPART(obj) && g_mime_multipart_get_count(GMIME_MULTIPART(obj)) == 0)
            add_structure_finding(
                kMalformed, "multipart without parts: " + std::string(content_type_raw), part.path);
    }

    // One broken message must not produce a flood of findings.
    void add_structure_finding(const FindingKind& kind, std::string evidence,
                               const std::string& where) {
        if (++structure_findings_ > 20) return;
        if (evidence.size() > 300) evidence.resize(300);
        top_.findings.push_back(make_finding(kind, core::sanitize_utf8(evidence), where));
    }

    // Paths of an embedded message continue the outer numbering.
    static void renumber(Part& p, const std::string& path) {
        p.path = path;
        for (std::size_t i = 0; i < p.children.size(); ++i)
            renumber(p.children[i], path + "." + std::to_string(i + 1));
        if (p.embedded) renumber(p.embedded->root, path + ".1");
    }

    void decode_leaf(GMimePart* gp, Part& part) {
        GMimeDataWrapper* content = g_mime_part_get_content(gp);
        if (!content) return;
        GMimeStream* raw_stream = g_mime_data_wrapper_get_stream(content);
        if (raw_stream) {
            gint64 len = g_mime_stream_length(raw_stream);
            part.raw_size = len > 0 ? static_cast<std::size_t>(len) : 0;
        }
        if (decoded_total_ >= limits_.max_decoded_bytes) {
            add_once(kDecodedLimit, std::to_string(decoded_total_) + " bytes decoded", part.path);
            return;
        }
        // Transfer decoding never grows the data (base64, QP, uuencode all shrink), so the
        // memory stream is bounded by the message size, and sizing it to the encoded
        // content up front spares the reallocations of a growing buffer.
        GByteArray* buffer = g_byte_array_sized_new(
            static_cast<guint>(std::min<std::size_t>(part.raw_size, 1u << 30)));
        GPtr<GMimeStream> out(g_mime_stream_mem_new_with_byte_array(buffer));
        g_mime_data_wrapper_write_to_stream(content, out.get());
        GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
        std::size_t room = limits_.max_decoded_bytes - decoded_total_;
        std::size_t n = bytes ? bytes->len : 0;
        if (n > room) {
            add_once(kDecodedLimit, std::to_string(decoded_total_ + n) + " bytes decoded",
                     part.path);
            n = room;
        }
        if (n) part.body.assign(reinterpret_cast<const char*>(bytes->data), n);
        decoded_total_ += n;

        bool is_text = part.content_type.rfind("text/", 0) == 0;
        if (!is_text || part.disposition == "attachment") return;
        room = limits_.max_decoded_bytes - decoded_total_;
        Utf8Text text = to_utf8(part.body, part.charset, room);
        decoded_total_ += text.text.size();
        part.text_charset = text.charset;
        part.charset_detected = text.detected;
        if (text.detected && !part.charset.empty())
            top_.findings.push_back(
                make_finding(kCharsetDetected, part.charset + " -> " + text.charset, part.path));
        if (text.truncated)
            add_once(kDecodedLimit, std::to_string(decoded_total_) + " bytes decoded", part.path);

        std::size_t link_room =
            limits_.max_links > top_.links.size() ? limits_.max_links - top_.links.size() : 0;
        if (part.content_type == "text/html") {
            HtmlView view = html_view(text.text, room, link_room);
            part.text = std::move(view.text);
            for (auto& l : view.links)
                top_.links.push_back(
                    Link{std::move(l.href), std::move(l.text), part.path, l.hidden});
            if (view.truncated)
                add_once(kLinksLimit, std::to_string(top_.links.size()) + " links", part.path);
        } else {
            part.text = std::move(text.text);
            for (auto& url : text_urls(part.text, link_room))
                top_.links.push_back(Link{std::move(url), "", part.path, false});
        }
    }

    void add_once(const FindingKind& kind, std::string evidence, std::string where) {
        for (const auto& f : top_.findings)
            if (f.id == kind.id) return;
        top_.findings.push_back(make_finding(kind, std::move(evidence), std::move(where)));
    }

    const Limits& limits_;
    Message& top_;
    std::size_t decoded_total_ = 0;
    std::string header_charset_;  ///< charset of the current message's raw 8-bit headers
    int structure_findings_ = 0;
    bool lenient_hint_ = false;
};

// Classic Mac OS mail ends lines with a bare CR, which GMime does not take for a line
// end. Such a message is read with its bare CRs as LFs; the id stays the raw bytes' hash.
bool has_cr_only_line_ends(std::string_view raw) {
    std::string_view head = raw.substr(0, 8192);
    return head.find('\n') == std::string_view::npos && head.find('\r') != std::string_view::npos;
}

std::string bare_cr_to_lf(std::string_view raw) {
    std::string out(raw);
    for (std::size_t i = 0; i < out.size(); ++i)
        if (out[i] == '\r' && (i + 1 == out.size() || out[i + 1] != '\n')) out[i] = '\n';
    return out;
}

}  // namespace

bool Part::is_attachment() const {
    if (disposition == "attachment") return true;
    if (!filename.empty()) return true;
    return !is_multipart() && !embedded && content_type.rfind("text/", 0) != 0 &&
           content_type.rfind("multipart/", 0) != 0 && !content_type.empty();
}

const Header* Message::header(std::string_view name) const {
    for (const auto& h : headers)
        if (core::iequals(h.name, name)) return &h;
    return nullptr;
}

std::vector<const Header*> Message::headers_named(std::string_view name) const {
    std::vector<const Header*> out;
    for (const auto& h : headers)
        if (core::iequals(h.name, name)) out.push_back(&h);
    return out;
}

namespace {

/// `lenient_hint` (may be null) is set when a lenient reading could differ.
Message parse_once(std::string_view raw, const Limits& limits, bool* lenient_hint) {
    Message msg;
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    std::unique_ptr<GMimeParserOptions, ParserOptionsFree> options(g_mime_parser_options_new());
    g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    // No GMime warning callback: with one set, GMime decodes every repeated header to
    // compare values, which costs it 40% of its speed. check_structure() finds what matters.

    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    // The top level is read as a MIME entity, not a GMimeMessage: GMime would otherwise parse
    // and decode every address and date header with its own rules, work we do ourselves.
    GPtr<GMimeObject> top(g_mime_parser_construct_part(parser.get(), options.get()));
    TreeBuilder builder(limits, msg);
    if (top && g_mime_header_list_get_count(g_mime_object_get_header_list(top.get())) > 0) {
        builder.build_message(top.get(), top.get(), msg, 0);
        if (lenient_hint) *lenient_hint = builder.lenient_hint();
        return msg;
    }
    // No header block at all: keep the bytes as a plain body so nothing is lost.
    msg.findings.push_back(make_finding(kNotMime, std::to_string(raw.size()) + " bytes", ""));
    msg.root.path = "1";
    msg.root.content_type = "text/plain";
    msg.root.body.assign(raw.substr(0, limits.max_decoded_bytes));
    auto text = to_utf8(msg.root.body, "", limits.max_decoded_bytes);
    msg.root.text = std::move(text.text);
    msg.root.text_charset = text.charset;
    msg.part_count = 1;
    return msg;
}

// Views into the parts' bodies: the two readings are compared without copying content.
std::multiset<std::string_view> leaf_bodies(const Part& root) {
    std::multiset<std::string_view> out;
    for_each_part(root, [&](const Part& p) {
        if (!p.is_multipart() && !p.embedded) out.insert(p.body);
    });
    return out;
}

}  // namespace

Message parse_message(std::string_view raw, const Limits& limits) {
    init_gmime_once();
    std::string lf_copy;
    if (has_cr_only_line_ends(raw)) {
        lf_copy = bare_cr_to_lf(raw);
        raw = lf_copy;
    }
    bool lenient_hint = false;
    Message msg = parse_once(raw, limits, &lenient_hint);
    // Read the message again as a lenient client would when its structure invites it; keep
    // that reading only when it finds content the strict one does not.
    std::optional<std::string> rewritten;
    if (lenient_hint) rewritten = lenient_rewrite(raw);
    if (rewritten) {
        auto lenient = std::make_unique<Message>(parse_once(*rewritten, limits, nullptr));
        auto strict = leaf_bodies(msg.root);
        std::size_t hidden = 0;
        for (const auto& body : leaf_bodies(lenient->root)) hidden += strict.count(body) == 0;
        if (hidden > 0) {
            msg.findings.push_back(make_finding(
                kEvasion, std::to_string(hidden) + " part(s) that only a lenient mail client reads",
                "lenient"));
            for (auto& link : lenient->links) msg.links.push_back(std::move(link));
            lenient->links.clear();
            msg.lenient = std::move(lenient);
        }
    }
    return msg;
}

}  // namespace kagami::mime
