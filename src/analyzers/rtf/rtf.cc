// RTF: the attack surface is the embedded OLE objects (\object ... \objdata, hex of
// an OLE1 object, MS-OLEDS 2.2.4) and fields (\fldinst DDEAUTO). The reader is a
// single linear pass with a depth counter and no stack, tolerant the way Word and
// oletools' rtfobj are: inside \objdata, control words are ignored, {\* ...}
// destinations are skipped, \binN splices raw bytes, non-hex junk is dropped and
// an odd last digit is cut. Exploit documents rely on exactly these tolerances.
#include "analyzers/rtf/rtf.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

constexpr FindingKind kObjUpdate{
    "rtf.objupdate",
    "An embedded object is marked \\objupdate, so Word loads it as soon as the file opens",
    "T1203"};
constexpr FindingKind kEquation{
    "rtf.equation_editor",
    "An embedded Equation Editor object (the CVE-2017-11882 / CVE-2018-0802 exploit vector)",
    "T1203"};
constexpr FindingKind kOle2Link{
    "rtf.ole2link",
    "An embedded OLE2Link/URL moniker object that fetches a remote document (CVE-2017-0199)",
    "T1203"};
constexpr FindingKind kDde{"rtf.dde", "A DDE field that can start a program when updated",
                           "T1559.002"};
constexpr FindingKind kLimitBytes{
    "limit.rtf.bytes", "Embedded object data passed the byte budget and was cut", "T1027.001"};
constexpr FindingKind kLimitObjects{"limit.rtf.objects",
                                    "The document has more embedded objects than the entry "
                                    "limit; the rest were not extracted",
                                    "T1027"};

constexpr std::size_t kMaxCapture = 4096;
constexpr std::size_t kMaxClass = 256;
constexpr std::int64_t kDeepGroups = 1000;
constexpr std::size_t kMaxFactsPerName = 200;

// {79EAC9E0-BAF9-11CE-8C82-00AA004BA90B}: the URL moniker, as stored little-endian.
constexpr std::string_view kUrlMoniker{
    "\xE0\xC9\xEA\x79\xF9\xBA\xCE\x11\x8C\x82\x00\xAA\x00\x4B\xA9\x0B", 16};
// {0002CE02-0000-0000-C000-000000000046}: Microsoft Equation 3.0.
constexpr std::string_view kEquationClsid{
    "\x02\xCE\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16};
constexpr std::string_view kCfbMagic{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8};

bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Bytes in RTF are the document's code page; facts keep ASCII and read the rest as
// Latin-1, which is right for the names exploit kits use and harmless otherwise.
std::string clean(std::string_view s, std::size_t max = 1024) {
    std::string out;
    for (char ch : s.substr(0, std::min(s.size(), max))) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
            out += ' ';
        } else if (c < 0x80) {
            out += char(c);
        } else {
            out += char(0xC0 | (c >> 6));
            out += char(0x80 | (c & 0x3F));
        }
    }
    return out;
}

std::string utf16le_ascii(std::string_view b) {
    std::string out;
    for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
        if (b[i] == 0 && b[i + 1] == 0) break;
        out += b[i + 1] == 0 ? b[i] : '?';
    }
    return out;
}

bool is_dde_code(std::string_view code) {
    std::size_t i = 0;
    while (i < code.size() && (core::is_space(code[i]) || code[i] == '"' || code[i] == '\'')) ++i;
    std::size_t n = i;
    while (n < code.size() && is_letter(code[n])) ++n;
    std::string_view word = code.substr(i, n - i);
    return core::iequals(word, "DDE") || core::iequals(word, "DDEAUTO");
}

// Destinations that, opening a group inside \objdata, take their text elsewhere.
bool is_destination(std::string_view w) {
    for (std::string_view d :
         {"fonttbl",  "colortbl",  "stylesheet", "info",     "pict",      "result",    "objclass",
          "objname",  "objtime",   "objalias",   "objsect",  "objitem",   "objtopic",  "staticval",
          "propname", "userprops", "fldinst",    "fldrslt",  "datafield", "bkmkstart", "bkmkend",
          "field",    "header",    "footer",     "footnote", "shp",       "sp",        "sv"})
        if (w == d) return true;
    return false;
}

struct Object {
    bool open = false;
    std::int64_t depth = 0;
    std::string klass;  ///< from \objclass
    bool objupdate = false;
    std::string link;  ///< "objautlink" / "objlink"
    std::string data;  ///< decoded \objdata
    bool has_data = false;
};

class Reader {
public:
    Reader(std::string_view rtf, Output& out) : rtf_(rtf), out_(out) {}
    void run();

private:
    void control_word(std::string_view word, std::optional<std::int64_t> param);
    void close_group();
    void nibble(int v);
    void raw_byte(unsigned char b) {
        nibble(b >> 4);
        nibble(b & 0xF);
    }
    void start_object(std::int64_t depth);
    void finish_object();
    void decode(const std::string& klass, std::string_view data, int index);
    void package(std::string_view native, int index);
    void emit_child(std::string name, std::string_view bytes);
    void fact(const std::string& name, std::string value) {
        if (fact_counts_[name]++ < kMaxFactsPerName) out_.fact(name, std::move(value));
    }
    void flag(const FindingKind& kind, std::string evidence);

    std::string_view rtf_;
    Output& out_;
    std::size_t i_ = 0;
    std::int64_t depth_ = 0;
    bool group_start_ = false;
    bool star_ = false;
    bool deep_reported_ = false;
    std::size_t extra_closes_ = 0;

    // \objdata collection.
    bool in_objdata_ = false;
    std::int64_t objdata_depth_ = 0;
    std::int64_t skip_depth_ = 0;  ///< >0: inside a destination group within \objdata
    int pending_nibble_ = -1;
    std::size_t budget_ = 0;
    bool cut_reported_ = false;

    // Text capture of \objclass (to the next control) and \fldinst (to its group's end).
    enum class Capture { None, Class, Field };
    Capture capture_ = Capture::None;
    std::int64_t capture_depth_ = 0;
    std::string captured_;

    Object obj_;
    int objects_ = 0;
    bool children_stopped_ = false;
    std::vector<std::pair<const FindingKind*, std::pair<std::string, int>>> findings_;
    struct Counts {
        std::size_t& operator[](const std::string& k) {
            for (auto& [name, n] : v)
                if (name == k) return n;
            v.emplace_back(k, 0);
            return v.back().second;
        }
        std::vector<std::pair<std::string, std::size_t>> v;
    } fact_counts_;
};

void Reader::flag(const FindingKind& kind, std::string evidence) {
    for (auto& [k, e] : findings_)
        if (k == &kind) {
            ++e.second;
            return;
        }
    findings_.push_back({&kind, {std::move(evidence), 0}});
}

void Reader::nibble(int v) {
    if (pending_nibble_ < 0) {
        pending_nibble_ = v;
        return;
    }
    if (obj_.data.size() < budget_) {
        obj_.data += char((pending_nibble_ << 4) | v);
    } else if (!cut_reported_) {
        cut_reported_ = true;
        out_.finding(kLimitBytes, "object " + std::to_string(objects_) + ": " +
                                      std::to_string(obj_.data.size()) + " bytes");
    }
    pending_nibble_ = -1;
}

void Reader::start_object(std::int64_t depth) {
    if (obj_.open) finish_object();
    obj_ = Object{};
    obj_.open = true;
    obj_.depth = depth;
    ++objects_;
}

void Reader::emit_child(std::string name, std::string_view bytes) {
    if (children_stopped_ || bytes.empty()) return;
    if (out_.entries_exhausted()) {
        out_.finding(kLimitObjects, std::to_string(objects_) + " objects");
        children_stopped_ = true;
        return;
    }
    if (!out_.child(std::move(name), std::string(bytes))) children_stopped_ = true;
}

// MS-OLEDS 2.3.6 / oleobj's OleNativeStream: the Package object's native data.
void Reader::package(std::string_view native, int index) {
    core::ByteReader r(native);
    // A copy of the CFB stream keeps its 4-byte size prefix; the OLE1 form has none.
    if (auto size = core::le_at<std::uint32_t>(native, 0);
        size && *size == native.size() - 4 && native.size() >= 4)
        r.skip(4);
    auto cstr = [&]() -> std::optional<std::string_view> {
        std::string_view rest = r.data().substr(r.pos());
        auto nul = rest.find('\0');
        if (nul == std::string_view::npos) return std::nullopt;
        r.skip(nul + 1);
        return rest.substr(0, nul);
    };
    auto type = r.u16();
    auto file = type ? cstr() : std::nullopt;
    auto source = file ? cstr() : std::nullopt;
    bool ok = source && r.skip(4);
    auto temp_len = ok ? r.u32() : std::nullopt;
    auto temp = temp_len ? r.bytes(*temp_len) : std::nullopt;
    auto size = temp ? r.u32() : std::nullopt;
    if (!size) {
        out_.violation("object " + std::to_string(index) + ": Package data is cut");
        emit_child("object-" + std::to_string(index) + ".bin", native);
        return;
    }
    std::string_view body = r.data().substr(r.pos());
    if (*size > body.size())
        out_.violation("object " + std::to_string(index) + ": Package file size " +
                       std::to_string(*size) + " beyond the data");
    body = body.substr(0, std::min<std::uint64_t>(*size, body.size()));
    std::string_view t = *temp;
    if (!t.empty() && t.back() == '\0') t.remove_suffix(1);
    fact("rtf.package.name", clean(*file));
    fact("rtf.package.source", clean(*source));
    fact("rtf.package.temp", clean(t));
    // The child is named like the file Word would drop; path separators are cut.
    std::string name = clean(*file);
    auto sep = name.find_last_of("/\\");
    if (sep != std::string::npos) name.erase(0, sep + 1);
    if (name.empty()) name = "object-" + std::to_string(index) + ".bin";
    emit_child(name, body);
}

// One OLE1 object (MS-OLEDS 2.2.4 ObjectHeader + embedded or linked object).
void Reader::decode(const std::string& klass, std::string_view data, int index) {
    std::string where = "object " + std::to_string(index);
    core::ByteReader r(data);
    auto version = r.u32();
    auto format = r.u32();
    auto lpstr = [&]() -> std::optional<std::string_view> {
        auto n = r.u32();
        if (!n) return std::nullopt;
        auto s = r.bytes(*n);
        if (!s) return std::nullopt;
        std::string_view v = *s;
        while (!v.empty() && v.back() == '\0') v.remove_suffix(1);
        return v;
    };
    std::string ole_class = klass;
    std::string_view native;
    if (!version || !format || (*format != 1 && *format != 2)) {
        out_.violation(where + ": the object data is not an OLE1 object");
    } else {
        auto cls = lpstr();
        auto topic = cls ? lpstr() : std::nullopt;
        auto item = topic ? lpstr() : std::nullopt;
        if (!item) {
            out_.violation(where + ": OLE1 header is cut");
        } else {
            if (!cls->empty()) ole_class = std::string(*cls);
            if (*format == 1) {
                fact("rtf.object.link", clean(*topic));
            } else {
                auto size = r.u32();
                std::string_view rest = data.substr(r.pos());
                if (!size) {
                    out_.violation(where + ": no native data size");
                } else {
                    if (*size > rest.size())
                        out_.violation(where + ": native data size " + std::to_string(*size) +
                                       " beyond the " + std::to_string(rest.size()) +
                                       " bytes present");
                    native = rest.substr(0, std::min<std::uint64_t>(*size, rest.size()));
                }
            }
        }
    }
    if (!ole_class.empty() && ole_class != klass) fact("rtf.object.class", clean(ole_class));
    fact("rtf.object.size", std::to_string(native.size()));

    if (core::ifind(ole_class, "Equation") != std::string::npos ||
        data.find(kEquationClsid) != std::string_view::npos)
        flag(kEquation, where + ": " + clean(ole_class));
    bool ole2link = core::iequals(ole_class, "OLE2Link");
    if (auto at = data.find(kUrlMoniker); at != std::string_view::npos) {
        ole2link = true;
        core::ByteReader u(data);
        u.seek(at + kUrlMoniker.size());
        auto len = u.u32();
        if (len) {
            std::string_view rest = data.substr(u.pos());
            std::string url =
                utf16le_ascii(rest.substr(0, std::min<std::uint64_t>(*len, rest.size())));
            if (!url.empty()) fact("rtf.object.url", clean(url));
        }
    }
    if (ole2link) flag(kOle2Link, where + ": " + clean(ole_class));

    if (native.starts_with(kCfbMagic))
        emit_child("object-" + std::to_string(index) + ".bin", native);
    else if (core::iequals(ole_class, "Package") && !native.empty())
        package(native, index);
    else if (!native.empty())
        emit_child("object-" + std::to_string(index) + ".bin", native);
}

void Reader::finish_object() {
    if (!obj_.open) return;
    obj_.open = false;
    if (!obj_.klass.empty()) fact("rtf.object.class", clean(obj_.klass, kMaxClass));
    if (!obj_.link.empty()) fact("rtf.object.link_kind", obj_.link);
    std::string where = "object " + std::to_string(objects_);
    if (obj_.objupdate) flag(kObjUpdate, where + ": " + clean(obj_.klass, kMaxClass));
    if (obj_.has_data) {
        decode(obj_.klass, obj_.data, objects_);
    } else if (core::ifind(obj_.klass, "Equation") != std::string::npos) {
        flag(kEquation, where + ": " + clean(obj_.klass, kMaxClass));
    } else if (core::iequals(obj_.klass, "OLE2Link")) {
        flag(kOle2Link, where + ": " + clean(obj_.klass, kMaxClass));
    }
    budget_ -= std::min(budget_, obj_.data.size());
    obj_.data.clear();
}

void Reader::close_group() {
    if (depth_ == 0) {
        ++extra_closes_;
        return;
    }
    if (skip_depth_ > 0 && depth_ == skip_depth_) skip_depth_ = 0;
    if (capture_ != Capture::None && depth_ == capture_depth_) {
        if (capture_ == Capture::Field && is_dde_code(captured_)) {
            std::string code = clean(core::trim(captured_));
            fact("rtf.dde", code);
            flag(kDde, code);
        } else if (capture_ == Capture::Class && obj_.open && obj_.klass.empty()) {
            obj_.klass = std::string(core::trim(captured_));
        }
        capture_ = Capture::None;
    }
    if (in_objdata_ && depth_ == objdata_depth_) {
        in_objdata_ = false;
        pending_nibble_ = -1;  // Word drops an odd last digit
        obj_.has_data = true;
    }
    if (obj_.open && depth_ == obj_.depth) finish_object();
    --depth_;
}

void Reader::control_word(std::string_view w, std::optional<std::int64_t> param) {
    if (w == "bin") {
        // Raw bytes follow; rtfobj reads a missing length as 0 and a negative one as |n|.
        std::uint64_t n = param ? static_cast<std::uint64_t>(*param < 0 ? -*param : *param) : 0;
        n = std::min<std::uint64_t>(n, rtf_.size() - i_);
        if (in_objdata_ && skip_depth_ == 0)
            for (std::uint64_t k = 0; k < n; ++k)
                raw_byte(static_cast<unsigned char>(rtf_[i_ + k]));
        i_ += static_cast<std::size_t>(n);
        return;
    }
    if (skip_depth_ > 0) return;
    if (in_objdata_) {
        // Like rtfobj, a destination word anywhere in a nested group takes the group
        // (issue_251 hides "abc" in {\proptype\staticval abc} between hex digits).
        if (depth_ > objdata_depth_ && (star_ || is_destination(w))) skip_depth_ = depth_;
        return;  // other control words inside object data are noise
    }
    if (capture_ == Capture::Class) capture_ = Capture::None;  // the name ended
    if (w == "object") {
        // \object inside an open object is noise (issue_251 scatters it in footers).
        if (!obj_.open) start_object(depth_);
    } else if (w == "objclass") {
        capture_ = Capture::Class;
        capture_depth_ = depth_;
        captured_.clear();
    } else if (w == "objdata") {
        if (!obj_.open) start_object(depth_);
        if (obj_.has_data) {
            // A second \objdata in one object: report the first as its own object.
            std::string klass = obj_.klass;
            std::int64_t d = obj_.depth;
            finish_object();
            start_object(d);
            obj_.klass = klass;
        }
        in_objdata_ = true;
        objdata_depth_ = depth_;
        pending_nibble_ = -1;
    } else if (w == "objupdate") {
        if (obj_.open) obj_.objupdate = true;
    } else if (w == "objautlink" || w == "objlink") {
        if (obj_.open) obj_.link = std::string(w.substr(3));
    } else if (w == "fldinst") {
        if (capture_ == Capture::None) {
            capture_ = Capture::Field;
            capture_depth_ = depth_;
            captured_.clear();
        }
    }
}

void Reader::run() {
    budget_ = out_.context().bytes_left();
    const std::size_t n = rtf_.size();
    while (i_ < n) {
        if ((i_ & 0xFFF) == 0 && out_.context().out_of_time()) break;
        char c = rtf_[i_];
        if (c == '{') {
            ++i_;
            ++depth_;
            group_start_ = true;
            star_ = false;
            if (depth_ > kDeepGroups && !deep_reported_) {
                deep_reported_ = true;
                out_.violation("groups nested deeper than " + std::to_string(kDeepGroups));
            }
            if (capture_ == Capture::Class) capture_ = Capture::None;
            continue;
        }
        if (c == '}') {
            ++i_;
            close_group();
            group_start_ = star_ = false;
            continue;
        }
        if (c == '\\') {
            if (i_ + 1 >= n) {
                ++i_;
                break;
            }
            char d = rtf_[i_ + 1];
            if (is_letter(d)) {
                std::size_t s = i_ + 1, e = s;
                while (e < n && is_letter(rtf_[e])) ++e;
                std::string_view word = rtf_.substr(s, e - s);
                std::optional<std::int64_t> param;
                std::size_t p = e;
                bool neg = p < n && rtf_[p] == '-' && p + 1 < n && is_digit(rtf_[p + 1]);
                if (neg) ++p;
                if (p < n && is_digit(rtf_[p])) {
                    std::int64_t v = 0;
                    while (p < n && is_digit(rtf_[p])) {
                        if (v < 1'000'000'000'000) v = v * 10 + (rtf_[p] - '0');
                        ++p;
                    }
                    param = neg ? -v : v;
                    e = p;
                }
                if (e < n && rtf_[e] == ' ') ++e;
                i_ = e;
                control_word(word, param);
                group_start_ = star_ = false;
                continue;
            }
            if (d == '*') {
                star_ = true;
                i_ += 2;
                continue;
            }
            if (d == '\'') {
                // \'hh. In object data Word keeps only the second digit (rtfobj #235).
                char h1 = i_ + 2 < n ? rtf_[i_ + 2] : '\0';
                char h2 = i_ + 3 < n ? rtf_[i_ + 3] : '\0';
                i_ = std::min(n, i_ + 4);
                if (skip_depth_ > 0) continue;
                if (in_objdata_) {
                    if (core::hex_value(h2) >= 0) nibble(core::hex_value(h2));
                } else if (capture_ != Capture::None && core::hex_value(h1) >= 0 &&
                           core::hex_value(h2) >= 0) {
                    if (captured_.size() < kMaxCapture)
                        captured_ += char(core::hex_value(h1) * 16 + core::hex_value(h2));
                }
                group_start_ = star_ = false;
                continue;
            }
            // Other control symbols: \\ \{ \} are literal text, the rest (\~ \- \_) ignored.
            i_ += 2;
            if (skip_depth_ == 0 && !in_objdata_ && capture_ != Capture::None &&
                (d == '\\' || d == '{' || d == '}') && captured_.size() < kMaxCapture)
                captured_ += d;
            group_start_ = star_ = false;
            continue;
        }
        ++i_;
        if (c == '\r' || c == '\n') continue;  // not text in RTF
        if (skip_depth_ > 0) continue;
        if (in_objdata_) {
            if (int v = core::hex_value(c); v >= 0) nibble(v);
            continue;
        }
        group_start_ = star_ = false;
        if (capture_ != Capture::None && captured_.size() < kMaxCapture) captured_ += c;
    }
    // End of input: close what is open, as if the groups ended here.
    if (depth_ > 0 || in_objdata_) {
        out_.violation("file ends inside " + std::to_string(depth_) + " open group(s)" +
                       (in_objdata_ ? " within object data" : ""));
        while (depth_ > 0) close_group();
    }
    if (obj_.open) finish_object();
    if (extra_closes_ > 0)
        out_.violation(std::to_string(extra_closes_) + " unbalanced closing brace(s)");
    out_.fact("rtf.objects", std::to_string(objects_));
    for (auto& [kind, e] : findings_) {
        std::string ev = std::move(e.first);
        if (e.second > 0) ev += " (+" + std::to_string(e.second) + " more)";
        out_.finding(*kind, std::move(ev));
    }
}

}  // namespace

bool RtfAnalyzer::sniff(std::string_view bytes) const {
    // Word only checks "{\rt" (rtfobj's note), so "{\rtvpn" and "{\rt0" open as RTF too.
    return bytes.starts_with("{\\rt");
}

void RtfAnalyzer::analyze(const Input& in, Output& out) const {
    out.set_type("rtf");
    Reader(in.bytes, out).run();
}

}  // namespace kagami::analyzers
