// A tolerant static PDF reader in the spirit of pdfid/pdf-parser and ClamAV's pdf.c:
// it finds indirect objects by scanning (the cross-reference table of malicious and
// incrementally updated files cannot be trusted), reads object streams, and reports
// what a reader would run or open: scripts, launch actions, links, attached files.
#include "analyzers/pdf/pdf.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analyzers/pdf/pdf_filters.h"
#include "analyzers/pdf/pdf_object.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

using detail::pdf::Filter;
using detail::pdf::FilterParams;
using detail::pdf::Kind;
using detail::pdf::Object;
using detail::pdf::ParseBudget;
using detail::pdf::Parser;

constexpr FindingKind kJavaScript{"pdf.javascript", "The PDF contains JavaScript", "T1059.007"};
constexpr FindingKind kJavaScriptOnOpen{
    "pdf.javascript_on_open",
    "The PDF runs JavaScript by itself when it is opened (OpenAction, page-open action or "
    "document-level script)",
    "T1059.007,T1204.002"};
constexpr FindingKind kLaunch{"pdf.launch",
                              "The PDF has a Launch action, which starts a program or opens a file",
                              "T1204.002"};
constexpr FindingKind kEmbeddedFile{"pdf.embedded_file", "A file is attached inside the PDF",
                                    "T1027.009"};
constexpr FindingKind kNameObfuscation{
    "pdf.name_obfuscation",
    "PDF keywords are spelled with #xx escapes, which hides them from simple scanners", "T1027"};
constexpr FindingKind kOpenActionUri{"pdf.open_action_uri", "Opening the PDF opens a web address",
                                     "T1204.001"};
constexpr FindingKind kLimitObjects{
    "limit.pdf.objects", "The PDF has more objects than kagami reads; the rest were not analysed",
    "T1027"};
constexpr FindingKind kLimitDepth{
    "limit.pdf.depth",
    "PDF objects are nested deeper than kagami reads; the deeper part was skipped", "T1027"};
constexpr FindingKind kLimitDecoded{
    "limit.pdf.decoded_bytes",
    "A PDF stream decodes to more than the size or compression-ratio limit allows; it was cut",
    "T1027"};
constexpr FindingKind kLimitTime{
    "limit.pdf.time", "The time budget ran out while reading the PDF; the rest was not analysed",
    "T1027"};
constexpr FindingKind kLimitEntries{
    "limit.archive.entries",
    "More files are attached than kagami extracts; the rest were not extracted", "T1027"};

/// Indirect objects read from one file; the largest real documents have tens of thousands.
constexpr std::size_t kMaxObjects = 100'000;
/// Objects built by all parses of one file together: bounds the work of re-parsing.
constexpr std::size_t kMaxParseNodes = 20'000'000;
/// Bytes all parses may read, per byte of the file plus a constant: each object is read
/// about three times (index, walk, references), runaway strings after broken objects more.
constexpr std::size_t kParseBytesPerByte = 16;
constexpr std::size_t kParseBytesExtra = 16u << 20;
/// A script is kept up to this size in its fact.
constexpr std::size_t kMaxScriptBytes = 64u << 10;
/// Facts of one name; a document with more links than this is reported cut.
constexpr std::size_t kMaxFactsPerName = 1000;
/// "1 0 R" pointing at "2 0 R" pointing at ...: real files use one hop.
constexpr int kMaxRefHops = 8;
/// Filters on one stream; pdfid treats chains longer than a few as an evasion tell.
constexpr std::size_t kMaxFilters = 8;
/// "trailer" keywords looked at (one per incremental update).
constexpr std::size_t kMaxTrailers = 64;
/// Actions followed through /Next.
constexpr int kMaxActionSteps = 16;
/// Nodes of the /JavaScript name tree visited.
constexpr std::size_t kMaxNameTreeNodes = 1000;
/// Streams decode to at least this before the compression ratio applies.
constexpr std::size_t kMinDecodeAllowance = 64u << 10;

/// Where one indirect object is: in the file, or in a decoded object stream.
struct ObjLoc {
    std::uint32_t num = 0;
    std::uint32_t gen = 0;
    std::size_t buffer = 0;  ///< 0: the file; k: object-stream buffer k - 1
    std::size_t offset = 0;  ///< where the value starts in its buffer
    std::size_t order = 0;   ///< position in the file: later definitions win
    bool has_stream = false;
    bool object_stream = false;
    std::size_t stream_begin = 0;
    std::size_t stream_end = 0;  ///< by searching "endstream"; /Length may correct it
};

struct Loaded {
    Object value;
    std::string_view stream;
    bool has_stream = false;
    std::uint32_t num = 0;
};

struct ActionSummary {
    std::string text;
    bool javascript = false;
    bool uri = false;
    bool launch = false;
};

bool is_regular(char c) {
    return !detail::pdf::is_pdf_space(c) && !detail::pdf::is_pdf_delimiter(c);
}

std::string name_of(const Object* o) {
    return o && o->kind == Kind::name ? o->text : std::string();
}

/// Escapes control characters so that a fact prints on one line (or keeps its lines).
std::string printable(std::string_view utf8, bool multiline) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        auto c = static_cast<unsigned char>(utf8[i]);
        if (multiline && c == '\r') {
            if (i + 1 < utf8.size() && utf8[i + 1] == '\n') continue;
            out += '\n';
        } else if (multiline && (c == '\n' || c == '\t')) {
            out += char(c);
        } else if (c < 0x20 || c == 0x7F) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += char(c);
        }
    }
    return core::sanitize_utf8(out);
}

/// Cuts UTF-8 text at a character boundary, saying how long it was.
std::string capped(std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    std::string total = std::to_string(s.size());
    s.resize(n);
    return s + "… [" + total + " bytes]";
}

/// Acrobat's own form helpers, e.g. `AFNumber_Format(2, 0, 0, 0, "", true);`, which
/// every form with formatted fields carries in its field actions: not worth a finding.
bool is_form_builtin(std::string_view s) {
    std::size_t i = 0;
    bool any = false;
    auto skip = [&] {
        while (i < s.size() && core::is_space(s[i])) ++i;
    };
    for (;;) {
        skip();
        if (i == s.size()) return any;
        if (s.substr(i, 2) != "AF") return false;
        i += 2;
        while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
        skip();
        if (i == s.size() || s[i] != '(') return false;
        ++i;
        char quote = 0;
        while (i < s.size() && (quote || s[i] != ')')) {
            if (quote && s[i] == '\\')
                ++i;
            else if (quote && s[i] == quote)
                quote = 0;
            else if (!quote && (s[i] == '"' || s[i] == '\''))
                quote = s[i];
            else if (!quote && s[i] == '(')
                return false;
            ++i;
        }
        if (i >= s.size()) return false;
        ++i;
        skip();
        if (i < s.size() && s[i] == ';') ++i;
        any = true;
    }
}

/// Names that matter to a scanner; spelling one with #xx escapes is an evasion.
bool is_keyword_name(std::string_view n) {
    static constexpr std::string_view kKeywords[] = {"JavaScript",
                                                     "JS",
                                                     "OpenAction",
                                                     "AA",
                                                     "Launch",
                                                     "EmbeddedFile",
                                                     "EmbeddedFiles",
                                                     "URI",
                                                     "S",
                                                     "Type",
                                                     "Subtype",
                                                     "Filter",
                                                     "FlateDecode",
                                                     "ASCIIHexDecode",
                                                     "ASCII85Decode",
                                                     "LZWDecode",
                                                     "RunLengthDecode",
                                                     "ObjStm",
                                                     "AcroForm",
                                                     "XFA",
                                                     "RichMedia",
                                                     "Names",
                                                     "Action",
                                                     "SubmitForm",
                                                     "GoToR",
                                                     "GoToE",
                                                     "ImportData",
                                                     "Encrypt",
                                                     "Page",
                                                     "Pages",
                                                     "Catalog",
                                                     "Filespec",
                                                     "EF",
                                                     "F",
                                                     "UF",
                                                     "Win",
                                                     "P",
                                                     "Next",
                                                     "JBIG2Decode",
                                                     "Length",
                                                     "Root",
                                                     "Annot",
                                                     "Annots",
                                                     "Rendition",
                                                     "XObject",
                                                     "Font"};
    for (auto k : kKeywords)
        if (n == k) return true;
    return false;
}

std::string trigger_meaning(std::string_view key) {
    static constexpr std::pair<std::string_view, std::string_view> kTriggers[] = {
        {"O", "page opened"},
        {"C", "page closed or field calculated"},
        {"E", "pointer enters"},
        {"X", "pointer leaves"},
        {"D", "mouse pressed"},
        {"U", "mouse released"},
        {"Fo", "focus"},
        {"Bl", "focus lost"},
        {"PO", "its page opened"},
        {"PC", "its page closed"},
        {"PV", "its page shown"},
        {"PI", "its page hidden"},
        {"K", "keystroke"},
        {"F", "field formatted"},
        {"V", "field validated"},
        {"WC", "document closing"},
        {"WS", "document saving"},
        {"DS", "document saved"},
        {"WP", "document printing"},
        {"DP", "document printed"}};
    for (auto [k, meaning] : kTriggers)
        if (k == key) return std::string(meaning);
    return "unknown trigger";
}

class PdfReader {
public:
    PdfReader(std::string_view data, Output& out) : data_(data), out_(out), ctx_(out.context()) {
        budget_.nodes_left = kMaxParseNodes;
        budget_.bytes_left = data.size() * kParseBytesPerByte + kParseBytesExtra;
        decode_left_ = ctx_.bytes_left();
    }

    void run() {
        header();
        index_file();
        scan_trailers();
        index_object_streams();
        walk_all();
        extract_embedded();
        report();
    }

private:
    // ---- reading objects -------------------------------------------------------------

    void header() {
        std::size_t at = data_.substr(0, 1023 + 5).find("%PDF-");
        if (at == std::string_view::npos) {
            violation("no %PDF- header in the first 1024 bytes");
            return;
        }
        std::size_t i = at + 5, end = i;
        while (end < data_.size() && end - i < 8 &&
               ((data_[end] >= '0' && data_[end] <= '9') || data_[end] == '.'))
            ++end;
        if (end > i) fact("pdf.version", std::string(data_.substr(i, end - i)));
        if (at > 0) fact("pdf.header_offset", std::to_string(at));
    }

    /// "N G obj" ending at data_[p] == 'o' of "obj": the object and generation numbers.
    std::optional<std::pair<std::uint32_t, std::uint32_t>> object_header(std::size_t p) const {
        if (p + 3 < data_.size() && is_regular(data_[p + 3])) return std::nullopt;
        std::size_t i = p;
        auto digits_back = [&](std::uint64_t& value) {
            std::size_t end = i;
            while (i > 0 && end - i < 10 && data_[i - 1] >= '0' && data_[i - 1] <= '9') --i;
            if (i == end) return false;
            value = 0;
            for (std::size_t k = i; k < end; ++k)
                value = value * 10 + std::uint64_t(data_[k] - '0');
            return value <= std::numeric_limits<std::uint32_t>::max();
        };
        auto space_back = [&] {
            std::size_t end = i;
            while (i > 0 && detail::pdf::is_pdf_space(data_[i - 1])) --i;
            return i < end;
        };
        std::uint64_t num = 0, gen = 0;
        if (!space_back() || !digits_back(gen) || !space_back() || !digits_back(num))
            return std::nullopt;
        if (i > 0 && ((data_[i - 1] >= '0' && data_[i - 1] <= '9') || data_[i - 1] == '.'))
            return std::nullopt;
        return std::pair{static_cast<std::uint32_t>(num), static_cast<std::uint32_t>(gen)};
    }

    bool endstream_at(std::size_t at) const {
        while (at < data_.size() && detail::pdf::is_pdf_space(data_[at])) ++at;
        return data_.substr(at, 9) == "endstream";
    }

    // Pass 1: every "N G obj" in the file, stepping over stream data.
    void index_file() {
        std::size_t pos = 0;
        while (pos < data_.size()) {
            if (ctx_.out_of_time()) return time_up();
            if (budget_.exhausted) return;
            std::size_t p = data_.find("obj", pos);
            if (p == std::string_view::npos) break;
            pos = p + 3;
            auto head = object_header(p);
            if (!head) continue;
            if (locs_.size() >= kMaxObjects) {
                limit(objects_reported_, kLimitObjects,
                      "more than " + std::to_string(kMaxObjects) + " objects");
                break;
            }
            Parser parser(data_, p + 3, budget_);
            Object v = parser.parse();
            note_parse(parser, head->first);
            ObjLoc loc;
            loc.num = head->first;
            loc.gen = head->second;
            loc.offset = p + 3;
            loc.order = p;
            if (v.is_dict() && parser.take_keyword("stream")) {
                std::size_t b = parser.pos();
                if (b < data_.size() && data_[b] == '\r') ++b;
                if (b < data_.size() && data_[b] == '\n') ++b;
                loc.has_stream = true;
                loc.stream_begin = b;
                std::size_t k = data_.find("endstream", b);
                if (k == std::string_view::npos) {
                    violation("object " + std::to_string(loc.num) + ": stream without endstream");
                    loc.stream_end = data_.size();
                    pos = data_.size();
                } else {
                    loc.stream_end = k;
                    if (loc.stream_end > b && data_[loc.stream_end - 1] == '\n') --loc.stream_end;
                    if (loc.stream_end > b && data_[loc.stream_end - 1] == '\r') --loc.stream_end;
                    pos = k + 9;
                }
                // A direct /Length that lands on "endstream" is right even when the data
                // itself contains that word; then scanning resumes after the real end.
                if (auto len = v.get("Length") ? v.get("Length")->integer() : std::nullopt;
                    len && *len >= 0 && std::uint64_t(*len) <= data_.size() - b &&
                    endstream_at(b + std::size_t(*len)))
                    pos = std::max(pos, b + std::size_t(*len));
                loc.object_stream = name_of(v.get("Type")) == "ObjStm";
                if (name_of(v.get("Type")) == "XRef" && v.get("Encrypt"))
                    encryption(*v.get("Encrypt"));
            } else if (parser.unterminated()) {
                violation("object " + std::to_string(loc.num) + " is not terminated");
            } else {
                pos = std::max(pos, parser.pos());
            }
            add_loc(loc);
        }
    }

    void add_loc(const ObjLoc& loc) {
        locs_.push_back(loc);
        auto [it, fresh] = latest_.try_emplace(loc.num, locs_.size() - 1);
        if (!fresh && locs_[it->second].order <= loc.order) it->second = locs_.size() - 1;
    }

    void scan_trailers() {
        std::size_t pos = 0;
        for (std::size_t n = 0; n < kMaxTrailers; ++n) {
            std::size_t p = data_.find("trailer", pos);
            if (p == std::string_view::npos) break;
            pos = p + 7;
            Parser parser(data_, pos, budget_);
            Object t = parser.parse();
            note_parse(parser, 0);
            if (t.is_dict() && t.get("Encrypt")) encryption(*t.get("Encrypt"));
        }
    }

    void encryption(const Object& e) {
        if (encrypted_) return;
        encrypted_ = true;
        Object holder;
        const Object& d = resolve(e, holder);
        std::string how = "yes";
        if (d.is_dict()) {
            how = "/" + name_of(d.get("Filter"));
            for (const char* key : {"V", "R", "Length"})
                if (auto* v = d.get(key); v && v->integer())
                    how += std::string(" ") + key + "=" + std::to_string(*v->integer());
        }
        fact("pdf.encrypted",
             how +
                 "; strings and streams are encrypted and were not decrypted, so scripts, "
                 "links and attached files could not be read");
    }

    // Pass 1b: the objects inside /Type /ObjStm streams.
    void index_object_streams() {
        std::size_t count = locs_.size();
        for (std::size_t i = 0; i < count; ++i) {
            if (!locs_[i].object_stream) continue;
            if (ctx_.out_of_time()) return time_up();
            if (encrypted_) {
                fact("pdf.object_streams", "encrypted, not read");
                return;
            }
            std::size_t order = locs_[i].order;
            Loaded l = load_loc(i);
            auto decoded = decode_stream(l);
            if (!decoded || decoded->empty()) continue;
            std::int64_t n =
                l.value.get("N") && l.value.get("N")->integer() ? *l.value.get("N")->integer() : 0;
            std::int64_t first = l.value.get("First") && l.value.get("First")->integer()
                                     ? *l.value.get("First")->integer()
                                     : -1;
            if (first < 0 || std::uint64_t(first) > decoded->size()) {
                violation("object stream " + std::to_string(l.num) + ": /First out of range");
                continue;
            }
            buffers_.push_back(std::move(*decoded));
            std::string_view buf = buffers_.back();
            Parser header(buf, 0, budget_);
            for (std::int64_t k = 0; k < n; ++k) {
                auto num = header.take_unsigned();
                auto off = header.take_unsigned();
                if (!num || !off) {
                    violation("object stream " + std::to_string(l.num) + ": /N says " +
                              std::to_string(n) + " objects, the index has " + std::to_string(k));
                    break;
                }
                if (locs_.size() >= kMaxObjects) {
                    limit(objects_reported_, kLimitObjects,
                          "more than " + std::to_string(kMaxObjects) + " objects");
                    return;
                }
                if (*off >= buf.size() - std::size_t(first) ||
                    *num > std::numeric_limits<std::uint32_t>::max())
                    continue;
                ObjLoc loc;
                loc.num = static_cast<std::uint32_t>(*num);
                loc.buffer = buffers_.size();
                loc.offset = std::size_t(first) + std::size_t(*off);
                loc.order = order;
                add_loc(loc);
            }
        }
    }

    Loaded load_loc(std::size_t index) {
        const ObjLoc loc = locs_[index];
        std::string_view buf = loc.buffer == 0 ? data_ : std::string_view(buffers_[loc.buffer - 1]);
        Parser parser(buf, loc.offset, budget_);
        Loaded l;
        l.value = parser.parse();
        l.num = loc.num;
        note_parse(parser, loc.num);
        if (loc.has_stream) {
            l.has_stream = true;
            l.stream = data_.substr(loc.stream_begin, loc.stream_end - loc.stream_begin);
            // /Length corrects the searched end when it lands on "endstream".
            if (const Object* len_obj = l.value.get("Length")) {
                Object holder;
                const Object& len = len_obj->kind == Kind::ref && ref_depth_ < kMaxRefHops
                                        ? resolve(*len_obj, holder)
                                        : *len_obj;
                if (auto n = len.integer(); n && *n >= 0 &&
                                            std::uint64_t(*n) <= data_.size() - loc.stream_begin &&
                                            endstream_at(loc.stream_begin + std::size_t(*n)))
                    l.stream = data_.substr(loc.stream_begin, std::size_t(*n));
            }
        }
        return l;
    }

    std::optional<Loaded> load(std::uint32_t num) {
        auto it = latest_.find(num);
        if (it == latest_.end()) return std::nullopt;
        return load_loc(it->second);
    }

    /// `v`, or what the reference `v` points to (following at most kMaxRefHops).
    const Object& resolve(const Object& v, Object& holder) {
        const Object* cur = &v;
        ++ref_depth_;
        for (int hop = 0; cur->kind == Kind::ref && hop < kMaxRefHops; ++hop) {
            auto l = load(cur->num);
            if (!l) {
                cur = nullptr;
                break;
            }
            holder = std::move(l->value);
            cur = &holder;
        }
        --ref_depth_;
        if (!cur || cur->kind == Kind::ref) {
            holder = Object{};
            return holder;
        }
        return *cur;
    }

    /// The object `v` refers to with its stream, or nullopt when `v` is not a reference.
    std::optional<Loaded> resolve_loaded(const Object& v) {
        if (v.kind != Kind::ref) return std::nullopt;
        std::uint32_t num = v.num;
        for (int hop = 0; hop < kMaxRefHops; ++hop) {
            auto l = load(num);
            if (!l || l->value.kind != Kind::ref) return l;
            num = l->value.num;
        }
        return std::nullopt;
    }

    std::vector<Filter> filters_of(const Object& dict) {
        std::vector<Filter> filters;
        const Object* f = dict.get("Filter");
        if (!f) return filters;
        Object hf, hp;
        const Object& fv = resolve(*f, hf);
        const Object* p = dict.get("DecodeParms");
        if (!p) p = dict.get("DP");
        const Object& pv = p ? resolve(*p, hp) : hp;
        auto params_of = [&](const Object& o) {
            FilterParams params;
            Object h;
            const Object& d = resolve(o, h);
            auto get = [&](const char* key, long& field) {
                if (const Object* v = d.get(key); v && v->integer()) {
                    auto n = *v->integer();
                    field = long(std::clamp<std::int64_t>(n, -1, std::int64_t(1) << 31));
                }
            };
            get("Predictor", params.predictor);
            get("Colors", params.colors);
            get("BitsPerComponent", params.bits_per_component);
            get("Columns", params.columns);
            get("EarlyChange", params.early_change);
            return params;
        };
        if (fv.kind == Kind::name) {
            filters.push_back({fv.text, {}});
            if (pv.is_dict())
                filters.back().params = params_of(pv);
            else if (pv.kind == Kind::array && !pv.items.empty())
                filters.back().params = params_of(pv.items[0]);
        } else if (fv.kind == Kind::array) {
            for (std::size_t i = 0; i < fv.items.size() && filters.size() <= kMaxFilters; ++i) {
                Object h;
                const Object& item = resolve(fv.items[i], h);
                if (item.kind != Kind::name) continue;
                filters.push_back({item.text, {}});
                if (pv.kind == Kind::array && i < pv.items.size())
                    filters.back().params = params_of(pv.items[i]);
                else if (pv.is_dict() && fv.items.size() == 1)
                    filters.back().params = params_of(pv);
            }
        }
        return filters;
    }

    /// The decoded data of a stream object, within the byte and ratio limits.
    std::optional<std::string> decode_stream(const Loaded& l) {
        if (!l.has_stream) return std::nullopt;
        std::vector<Filter> filters = filters_of(l.value);
        std::string where = "object " + std::to_string(l.num);
        if (filters.size() > kMaxFilters) {
            fact("pdf.filter_chain", where + ": more than " + std::to_string(kMaxFilters) +
                                         " filters; the first ones were applied");
            filters.resize(kMaxFilters);
        } else if (filters.size() >= 3) {
            std::string chain;
            for (const auto& f : filters) chain += "/" + f.name + " ";
            fact("pdf.filter_chain", where + ": " + chain.substr(0, chain.size() - 1));
        }
        std::size_t ratio = std::max<std::size_t>(1, ctx_.limits().max_compression_ratio);
        std::size_t base = std::max(l.stream.size(), kMinDecodeAllowance);
        std::size_t by_ratio = base > std::numeric_limits<std::size_t>::max() / ratio
                                   ? std::numeric_limits<std::size_t>::max()
                                   : base * ratio;
        std::size_t cap = std::min(decode_left_, by_ratio);
        auto r = detail::pdf::decode(l.stream, filters, cap);
        decode_left_ -= std::min(decode_left_, r.data.size());
        if (r.cut)
            limit(decoded_reported_, kLimitDecoded,
                  where + ": cut at " + std::to_string(r.data.size()) + " bytes (" +
                      (cap < by_ratio ? std::string("unpacked-bytes budget")
                                      : "compression ratio " + std::to_string(ratio)) +
                      ")");
        if (!r.error.empty() && !encrypted_) violation(where + ": " + r.error);
        if (r.unknown) fact("pdf.unknown_filter", where + ": /" + printable(r.undecoded, false));
        return std::move(r.data);
    }

    void note_parse(const Parser& parser, std::uint32_t num) {
        for (const auto& o : parser.obfuscated()) {
            std::string text = "/" + printable(o.raw, false) + " = /" + printable(o.decoded, false);
            fact("pdf.name_obfuscation", text);
            if (is_keyword_name(o.decoded) && obfuscation_evidence_.empty())
                obfuscation_evidence_ = text;
        }
        if (parser.too_deep())
            limit(depth_reported_, kLimitDepth,
                  "object " + std::to_string(num) + " nests deeper than " +
                      std::to_string(Parser::kMaxDepth));
        if (parser.too_many_nodes())
            limit(objects_reported_, kLimitObjects,
                  "object " + std::to_string(num) + " has more than " +
                      std::to_string(Parser::kMaxNodesPerObject) + " elements");
        if (budget_.exhausted)
            limit(objects_reported_, kLimitObjects,
                  "parse budget spent (" + std::to_string(kMaxParseNodes) + " elements or " +
                      std::to_string(kParseBytesPerByte) + " bytes read per byte of the file)");
    }

    // ---- what the objects say --------------------------------------------------------

    void walk_all() {
        for (const auto& [num, index] : latest_) {
            if (ctx_.out_of_time()) return time_up();
            if (budget_.exhausted) return;
            Loaded l = load_loc(index);
            if (l.value.is_dict()) {
                std::string type = name_of(l.value.get("Type"));
                if (type == "Page") ++pages_;
                if (type == "EmbeddedFile" && l.has_stream) embedded_streams_.insert(num);
            }
            walk(l.value, 0);
        }
    }

    void walk(const Object& o, int depth) {
        if (depth > Parser::kMaxDepth) return;
        if (o.kind == Kind::array) {
            for (const auto& item : o.items) walk(item, depth + 1);
        } else if (o.is_dict()) {
            inspect(o);
            for (const auto& e : o.entries) walk(e.value, depth + 1);
        }
    }

    void inspect(const Object& d) {
        std::string s = name_of(d.get("S"));
        if (const Object* js = d.get("JS")) script(*js);
        if (const Object* uri = d.get("URI")) {
            Object h;
            const Object& u = resolve(*uri, h);
            if (u.kind == Kind::string)
                fact("pdf.uri", printable(detail::pdf::bytes_to_utf8(u.text), false));
        }
        if (s == "Launch") {
            std::string what = launch_text(d);
            fact("pdf.launch", what);
            if (launch_evidence_.empty()) launch_evidence_ = what.empty() ? "(no file)" : what;
        } else if (s == "SubmitForm" || s == "GoToR" || s == "GoToE" || s == "ImportData") {
            static const std::map<std::string, std::string> kFact{
                {"SubmitForm", "pdf.submit_form"},
                {"GoToR", "pdf.gotor"},
                {"GoToE", "pdf.gotoe"},
                {"ImportData", "pdf.import_data"}};
            std::string target = d.get("F") ? file_spec_name(*d.get("F")) : "";
            if (s == "GoToE" && d.get("T")) {
                Object h;
                const Object& t = resolve(*d.get("T"), h);
                if (t.is_dict() && t.get("N"))
                    target += (target.empty() ? "" : " ") + std::string("-> ") +
                              file_spec_name(*t.get("N"));
            }
            fact(kFact.at(s), target.empty() ? "(no target)" : target);
        }
        if (const Object* open = d.get("OpenAction")) {
            ActionSummary a = describe(*open);
            if (!a.text.empty()) fact("pdf.open_action", a.text);
            if (a.javascript && open_js_evidence_.empty())
                open_js_evidence_ = "OpenAction: " + a.text;
            if (a.uri && open_uri_evidence_.empty()) open_uri_evidence_ = a.text;
        }
        if (const Object* aa = d.get("AA")) additional_actions(*aa);
        if (const Object* names = d.get("Names")) document_scripts(*names);
        if (const Object* form = d.get("AcroForm")) {
            fact("pdf.acroform", "present");
            Object h;
            const Object& f = resolve(*form, h);
            if (f.is_dict() && f.get("XFA")) fact("pdf.xfa", "present");
        }
        if (d.get("XFA")) fact("pdf.xfa", "present");
        if (name_of(d.get("Type")) == "RichMedia" || name_of(d.get("Subtype")) == "RichMedia" ||
            d.get("RichMediaContent") || s == "RichMediaExecute")
            fact("pdf.richmedia", "present");
        if (const Object* ef = d.get("EF")) filespec(d, *ef);
    }

    std::string text_of(const Object& v) {
        Object h;
        const Object& o = resolve(v, h);
        if (o.kind == Kind::string)
            return printable(detail::pdf::text_string_to_utf8(o.text), false);
        if (o.kind == Kind::name) return printable(o.text, false);
        return "";
    }

    /// The file a file specification names: a string, or a dictionary's /UF, /F, ...
    std::string file_spec_name(const Object& v) {
        Object h;
        const Object& o = resolve(v, h);
        if (o.kind == Kind::string) return text_of(o);
        if (!o.is_dict()) return "";
        for (const char* key : {"UF", "F", "Unix", "DOS", "Mac"})
            if (const Object* f = o.get(key); f) {
                std::string name = text_of(*f);
                if (!name.empty()) return name;
            }
        return "";
    }

    std::string launch_text(const Object& a) {
        std::string file = a.get("F") ? file_spec_name(*a.get("F")) : "";
        std::string params, dir, op;
        Object h;
        if (const Object* w = a.get("Win")) {
            const Object& win = resolve(*w, h);
            if (win.is_dict()) {
                if (win.get("F")) file = text_of(*win.get("F"));
                if (win.get("P")) params = text_of(*win.get("P"));
                if (win.get("D")) dir = text_of(*win.get("D"));
                if (win.get("O")) op = text_of(*win.get("O"));
            }
        }
        for (const char* key : {"Unix", "Mac"})
            if (file.empty() && a.get(key)) file = file_spec_name(*a.get(key));
        std::string text = file;
        if (!params.empty()) text += " " + params;
        if (!dir.empty()) text += " (in " + dir + ")";
        if (!op.empty() && op != "open") text += " (" + op + ")";
        return capped(text, 4096);
    }

    /// Reads a /JS value (string or stream) and records it.
    std::string script(const Object& js) {
        std::string text;
        bool readable = true;
        if (js.kind == Kind::ref) {
            if (auto it = script_cache_.find(js.num); it != script_cache_.end()) return it->second;
        }
        if (encrypted_) {
            text = "(encrypted)";
            readable = false;
        } else if (js.kind == Kind::string) {
            text = detail::pdf::bytes_to_utf8(js.text);
        } else if (auto l = resolve_loaded(js)) {
            if (l->value.kind == Kind::string)
                text = detail::pdf::bytes_to_utf8(l->value.text);
            else if (auto data = decode_stream(*l))
                text = detail::pdf::bytes_to_utf8(*data);
        }
        if (readable) text = printable(text, true);
        std::string shown = capped(text, kMaxScriptBytes);
        if (!text.empty()) fact("pdf.javascript", shown);
        if (!readable || !is_form_builtin(text)) {
            if (script_evidence_.empty()) script_evidence_ = capped(text, 200);
            if (script_evidence_.empty()) script_evidence_ = "(empty or unreadable /JS)";
        }
        if (js.kind == Kind::ref && script_cache_.size() < kMaxObjects)
            script_cache_.emplace(js.num, text);
        return text;
    }

    ActionSummary describe(const Object& v) {
        ActionSummary sum;
        int steps = 0;
        describe_into(v, sum, steps);
        return sum;
    }

    void describe_into(const Object& v, ActionSummary& sum, int& steps) {
        if (steps++ >= kMaxActionSteps) return;
        Object h;
        const Object& a = resolve(v, h);
        std::string part;
        if (a.kind == Kind::array) {
            part = "go to a page";
        } else if (a.kind == Kind::string || a.kind == Kind::name) {
            part = "go to " + text_of(a);
        } else if (a.is_dict()) {
            std::string s = name_of(a.get("S"));
            if (s == "JavaScript" || a.get("JS")) {
                sum.javascript = true;
                part = "JavaScript: " + capped(a.get("JS") ? script(*a.get("JS")) : "", 200);
            } else if (s == "URI") {
                sum.uri = true;
                part = "URI: " + (a.get("URI") ? text_of(*a.get("URI")) : "");
            } else if (s == "Launch") {
                sum.launch = true;
                part = "Launch: " + launch_text(a);
            } else if (s == "GoToR" || s == "GoToE" || s == "SubmitForm" || s == "ImportData") {
                part = s + ": " + (a.get("F") ? file_spec_name(*a.get("F")) : "");
            } else if (s == "Named") {
                part = "Named: " + name_of(a.get("N"));
            } else {
                part = s.empty() ? "(no action type)" : s;
            }
        } else {
            return;
        }
        if (!sum.text.empty()) sum.text += "; then ";
        sum.text += part;
        if (!a.is_dict()) return;
        if (const Object* next = a.get("Next")) {
            Object hn;
            const Object& n = resolve(*next, hn);
            if (n.kind == Kind::array) {
                for (const auto& item : n.items) describe_into(item, sum, steps);
            } else {
                describe_into(n, sum, steps);
            }
        }
    }

    void additional_actions(const Object& v) {
        Object h;
        const Object& aa = resolve(v, h);
        if (!aa.is_dict()) return;
        for (const auto& e : aa.entries) {
            ActionSummary a = describe(e.value);
            if (a.text.empty()) continue;
            std::string text =
                "/" + printable(e.key, false) + " (" + trigger_meaning(e.key) + "): " + a.text;
            fact("pdf.aa", text);
            if (a.javascript && (e.key == "O" || e.key == "PO" || e.key == "PV") &&
                open_js_evidence_.empty())
                open_js_evidence_ = "/AA " + text;
        }
    }

    /// Scripts in the /Names /JavaScript tree run when the document opens.
    void document_scripts(const Object& v) {
        Object h;
        const Object& names = resolve(v, h);
        if (!names.is_dict() || !names.get("JavaScript")) return;
        std::vector<Object> todo{*names.get("JavaScript")};
        std::set<std::uint32_t> seen;
        std::size_t visited = 0;
        while (!todo.empty() && visited++ < kMaxNameTreeNodes) {
            Object node_ref = std::move(todo.back());
            todo.pop_back();
            if (node_ref.kind == Kind::ref && !seen.insert(node_ref.num).second) continue;
            Object hn;
            const Object& node = resolve(node_ref, hn);
            if (!node.is_dict()) continue;
            if (const Object* pairs = node.get("Names"); pairs && pairs->kind == Kind::array) {
                for (std::size_t i = 0; i + 1 < pairs->items.size(); i += 2) {
                    ActionSummary a = describe(pairs->items[i + 1]);
                    std::string text = text_of(pairs->items[i]) + ": " + a.text;
                    fact("pdf.document_javascript", text);
                    if (a.javascript && open_js_evidence_.empty())
                        open_js_evidence_ = "document-level script " + text;
                }
            }
            if (const Object* kids = node.get("Kids"); kids && kids->kind == Kind::array)
                for (const auto& kid : kids->items)
                    if (todo.size() < kMaxNameTreeNodes) todo.push_back(kid);
        }
    }

    void filespec(const Object& d, const Object& ef_value) {
        std::string name = file_spec_name(d);
        Object h;
        const Object& ef = resolve(ef_value, h);
        if (!ef.is_dict()) return;
        for (const auto& e : ef.entries)
            if (e.value.kind == Kind::ref) {
                auto [it, fresh] = embedded_names_.try_emplace(e.value.num, name);
                if (!fresh && it->second.empty()) it->second = name;
            }
    }

    void extract_embedded() {
        std::set<std::uint32_t> nums = embedded_streams_;
        for (const auto& [num, name] : embedded_names_) nums.insert(num);
        for (std::uint32_t num : nums) {
            if (ctx_.out_of_time()) return time_up();
            auto l = load(num);
            if (!l || !l->has_stream) continue;
            auto it = embedded_names_.find(num);
            std::string given = it != embedded_names_.end() ? it->second : "";
            std::string name = given.empty() ? "object " + std::to_string(num) : given;
            if (!embedded_evidence_.empty()) embedded_evidence_ += ", ";
            if (embedded_evidence_.size() < 1000) embedded_evidence_ += name;
            if (encrypted_) {
                fact("pdf.embedded_file", name + " (encrypted, not extracted)");
                continue;
            }
            auto data = decode_stream(*l);
            if (!data) continue;
            fact("pdf.embedded_file", name + " (" + std::to_string(data->size()) + " bytes)");
            if (children_stopped_) continue;
            if (out_.entries_exhausted()) {
                children_stopped_ = true;
                out_.finding(kLimitEntries, name);
                continue;
            }
            if (!out_.child(given, std::move(*data))) children_stopped_ = true;
        }
    }

    void report() {
        fact("pdf.objects", std::to_string(locs_.size()));
        fact("pdf.pages", std::to_string(pages_));
        if (!script_evidence_.empty()) out_.finding(kJavaScript, script_evidence_);
        if (!open_js_evidence_.empty()) out_.finding(kJavaScriptOnOpen, open_js_evidence_);
        if (!launch_evidence_.empty()) out_.finding(kLaunch, launch_evidence_);
        if (!embedded_evidence_.empty()) out_.finding(kEmbeddedFile, embedded_evidence_);
        if (!obfuscation_evidence_.empty()) out_.finding(kNameObfuscation, obfuscation_evidence_);
        if (!open_uri_evidence_.empty()) out_.finding(kOpenActionUri, open_uri_evidence_);
        if (!violations_.empty()) {
            std::string all;
            for (std::size_t i = 0; i < violations_.size() && i < 5; ++i)
                all += (i ? "; " : "") + violations_[i];
            if (violations_.size() > 5)
                all += " (and " + std::to_string(violations_.size() - 5) + " more)";
            out_.violation(all);
        }
    }

    // ---- output helpers ----------------------------------------------------------------

    void fact(const std::string& name, std::string value) {
        if (!seen_facts_.emplace(name, value).second) return;
        std::size_t max = name == "pdf.uri" ? std::min(kMaxFactsPerName, ctx_.limits().max_links)
                                            : kMaxFactsPerName;
        if (fact_counts_[name]++ >= max) return;
        out_.fact(name, std::move(value));
    }

    void violation(std::string what) {
        if (violations_.size() < 100) violations_.push_back(std::move(what));
    }

    void limit(bool& reported, const FindingKind& kind, std::string evidence) {
        if (reported) return;
        reported = true;
        out_.finding(kind, std::move(evidence));
    }

    void time_up() {
        limit(time_reported_, kLimitTime,
              "stopped after " + std::to_string(locs_.size()) + " objects");
    }

    std::string_view data_;
    Output& out_;
    Context& ctx_;
    ParseBudget budget_;
    std::size_t decode_left_ = 0;
    int ref_depth_ = 0;

    std::vector<ObjLoc> locs_;
    std::map<std::uint32_t, std::size_t> latest_;  // ordered: attacker numbers, no hash flooding
    std::deque<std::string> buffers_;              // decoded object streams; stable addresses

    bool encrypted_ = false;
    std::size_t pages_ = 0;
    std::map<std::uint32_t, std::string> embedded_names_;
    std::set<std::uint32_t> embedded_streams_;
    std::map<std::uint32_t, std::string> script_cache_;

    std::string script_evidence_, open_js_evidence_, open_uri_evidence_, launch_evidence_,
        embedded_evidence_, obfuscation_evidence_;
    std::vector<std::string> violations_;
    std::set<std::pair<std::string, std::string>> seen_facts_;
    std::map<std::string, std::size_t> fact_counts_;
    bool objects_reported_ = false, depth_reported_ = false, decoded_reported_ = false,
         time_reported_ = false, children_stopped_ = false;
};

}  // namespace

bool PdfAnalyzer::sniff(std::string_view bytes) const {
    // Acrobat accepts the header anywhere in the first 1024 bytes.
    return bytes.substr(0, 1023 + 5).find("%PDF-") != std::string_view::npos;
}

void PdfAnalyzer::analyze(const Input& in, Output& out) const {
    PdfReader reader(in.bytes, out);
    reader.run();
}

}  // namespace kagami::analyzers
