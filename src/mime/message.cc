#include "mime/message.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "core/text.h"
#include "mime/charset.h"

namespace kagami::mime {
namespace {

constexpr FindingKind kDepthLimit{
    "limit.mime.depth", "MIME nesting deeper than the limit; the rest is not analysed", 2.0, ""};
constexpr FindingKind kPartsLimit{
    "limit.mime.parts", "More MIME parts than the limit; the rest is not analysed", 2.0, ""};
constexpr FindingKind kHeadersLimit{"limit.mime.headers", "More header fields than the limit", 1.0,
                                    ""};
constexpr FindingKind kHeaderBytesLimit{"limit.mime.header_bytes",
                                        "A header field longer than the limit was cut", 1.0, ""};
constexpr FindingKind kDecodedLimit{
    "limit.mime.decoded_bytes",
    "Decoded content larger than the limit; later parts are not decoded", 1.0, ""};
constexpr FindingKind kLinksLimit{"limit.mime.links", "More links than the limit", 1.0, ""};
constexpr FindingKind kNotMime{"mime.no_headers",
                               "The data has no message header; read as a plain body", 1.0, ""};
constexpr FindingKind kMalformed{"mime.malformed", "Malformed MIME structure", 0.5, ""};
constexpr FindingKind kEvasion{"mime.parser_evasion", "MIME structure crafted to confuse parsers",
                               3.0, "T1027"};
constexpr FindingKind kCharsetDetected{
    "mime.charset_mislabelled", "Text charset missing or wrong; detected from the bytes", 0.2, ""};

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
using GString_ = std::unique_ptr<char, GFreeDeleter>;

struct ParserOptionsFree {
    void operator()(GMimeParserOptions* p) const { g_mime_parser_options_free(p); }
};

// GMime reports what it had to repair; the critical ones are what parser-evasion
// tricks look like (two boundaries, parts without headers), the rest is ordinary breakage.
struct WarningSink {
    std::vector<Finding>* findings;
    int count = 0;
};

const char* warning_name(GMimeParserWarning w) {
    switch (w) {
        case GMIME_WARN_DUPLICATED_HEADER:
            return "duplicated header";
        case GMIME_WARN_DUPLICATED_PARAMETER:
            return "duplicated parameter";
        case GMIME_WARN_UNENCODED_8BIT_HEADER:
            return "unencoded 8-bit header";
        case GMIME_WARN_INVALID_CONTENT_TYPE:
            return "invalid Content-Type";
        case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
            return "invalid RFC 2047 header value";
        case GMIME_WARN_MALFORMED_MULTIPART:
            return "multipart without parts";
        case GMIME_WARN_TRUNCATED_MESSAGE:
            return "truncated message";
        case GMIME_WARN_MALFORMED_MESSAGE:
            return "malformed message";
        case GMIME_CRIT_INVALID_HEADER_NAME:
            return "invalid header name";
        case GMIME_CRIT_CONFLICTING_HEADER:
            return "conflicting header";
        case GMIME_CRIT_CONFLICTING_PARAMETER:
            return "conflicting parameter";
        case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
            return "multipart without boundary";
        case GMIME_WARN_INVALID_PARAMETER:
            return "invalid parameter";
        case GMIME_WARN_INVALID_ADDRESS_LIST:
            return "invalid address list";
        case GMIME_CRIT_NESTING_OVERFLOW:
            return "nesting overflow";
        case GMIME_WARN_PART_WITHOUT_CONTENT:
            return "part without content";
        case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
            return "part without headers or content";
    }
    return "unknown";
}

void on_gmime_warning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer data) {
    auto* sink = static_cast<WarningSink*>(data);
    // Only the structural problems matter to an analyst; 8-bit headers and duplicates
    // are everyday breakage and have their own analyses.
    // Repeated trace headers are normal; two different Content-* headers are the classic
    // trick to make the filter and the mail client read different structures.
    bool conflicting_content = code == GMIME_CRIT_CONFLICTING_HEADER && item &&
                               (core::istarts_with(item, "Content-") || core::istarts_with(item, "MIME-"));
    bool evasion = code == GMIME_CRIT_CONFLICTING_PARAMETER || conflicting_content ||
                   code == GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT ||
                   code == GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY;
    bool malformed = code == GMIME_WARN_MALFORMED_MULTIPART ||
                     code == GMIME_WARN_TRUNCATED_MESSAGE || code == GMIME_WARN_MALFORMED_MESSAGE ||
                     code == GMIME_CRIT_INVALID_HEADER_NAME || code == GMIME_CRIT_NESTING_OVERFLOW;
    if (code == GMIME_CRIT_CONFLICTING_HEADER && !conflicting_content) return;
    if (!evasion && !malformed) return;
    if (++sink->count > 20) return;  // one broken message must not produce a flood
    std::string evidence = warning_name(code);
    if (item) {
        std::string_view it(item);
        evidence += ": ";
        evidence += core::sanitize_utf8(it.substr(0, 200));
    }
    if (offset >= 0) evidence += " (offset " + std::to_string(offset) + ")";
    sink->findings->push_back(
        make_finding(evasion ? kEvasion : kMalformed, std::move(evidence), ""));
}

class TreeBuilder {
public:
    TreeBuilder(const Limits& limits, Message& top) : limits_(limits), top_(top) {}

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

    static std::string raw_header(GMimeObject* obj, const char* name) {
        GMimeHeaderList* list = g_mime_object_get_header_list(obj);
        GMimeHeader* h = list ? g_mime_header_list_get_header(list, name) : nullptr;
        const char* raw = h ? g_mime_header_get_raw_value(h) : nullptr;
        return raw ? std::string(core::trim(raw)) : std::string();
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
            GString_ mime(g_mime_content_type_get_mime_type(ct));
            part.content_type = core::to_lower(mime ? mime.get() : "application/octet-stream");
        }
        auto ct_params = params_of(raw_header(obj, "Content-Type"), &ignored);
        part.charset = core::to_lower(find_param(ct_params, "charset"));
        std::string disposition_raw = raw_header(obj, "Content-Disposition");
        auto cd_params = params_of(disposition_raw, &part.disposition);
        part.filename = find_param(cd_params, "filename");
        if (part.filename.empty()) part.filename = find_param(ct_params, "name");
        part.transfer_encoding = core::to_lower(raw_header(obj, "Content-Transfer-Encoding"));
        part.content_id = core::sanitize_utf8(raw_header(obj, "Content-ID"));

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
        // memory stream is bounded by the message size.
        GPtr<GMimeStream> out(g_mime_stream_mem_new());
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

Message parse_message(std::string_view raw, const Limits& limits) {
    init_gmime_once();
    Message msg;
    std::string lf_copy;
    if (has_cr_only_line_ends(raw)) {
        lf_copy = bare_cr_to_lf(raw);
        raw = lf_copy;
    }
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    std::unique_ptr<GMimeParserOptions, ParserOptionsFree> options(g_mime_parser_options_new());
    g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    WarningSink sink{&msg.findings};
    g_mime_parser_options_set_warning_callback(options.get(), on_gmime_warning, &sink);

    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    // The top level is read as a MIME entity, not a GMimeMessage: GMime would otherwise parse
    // and decode every address and date header with its own rules, work we do ourselves.
    GPtr<GMimeObject> top(g_mime_parser_construct_part(parser.get(), options.get()));
    TreeBuilder builder(limits, msg);
    if (top && g_mime_header_list_get_count(g_mime_object_get_header_list(top.get())) > 0) {
        builder.build_message(top.get(), top.get(), msg, 0);
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

}  // namespace kagami::mime
