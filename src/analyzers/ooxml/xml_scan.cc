#include "analyzers/ooxml/xml_scan.h"

#include <cstdint>

#include "core/text.h"

namespace kagami::analyzers::ooxml_detail {
namespace {

bool is_xml_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view local_name(std::string_view qname) {
    auto colon = qname.rfind(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// Numeric reference body ("#65", "#x41") to a code point; nullopt if not one.
std::optional<std::uint32_t> numeric_ref(std::string_view body) {
    if (body.size() < 2 || body[0] != '#') return std::nullopt;
    bool hex = body[1] == 'x' || body[1] == 'X';
    std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return std::nullopt;
    std::uint32_t v = 0;
    for (char c : digits) {
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return std::nullopt;
        v = v * (hex ? 16u : 10u) + std::uint32_t(d);
        if (v > 0x10FFFF) v = 0x110000;  // stays out of range, no overflow
    }
    return v;
}

}  // namespace

std::optional<Tag> XmlScanner::next() {
    while (pos_ < xml_.size()) {
        auto lt = xml_.find('<', pos_);
        if (lt == std::string_view::npos) {
            pos_ = xml_.size();
            return std::nullopt;
        }
        std::string_view rest = xml_.substr(lt);
        // Comments, CDATA, declarations and processing instructions carry nothing we read.
        auto skip_to = [&](std::string_view end) {
            auto e = xml_.find(end, lt + 2);
            pos_ = e == std::string_view::npos ? xml_.size() : e + end.size();
        };
        if (rest.starts_with("<!--")) {
            skip_to("-->");
            continue;
        }
        if (rest.starts_with("<![CDATA[")) {
            skip_to("]]>");
            continue;
        }
        if (rest.starts_with("<?")) {
            skip_to("?>");
            continue;
        }
        if (rest.starts_with("<!")) {
            skip_to(">");
            continue;
        }
        Tag tag;
        std::size_t i = lt + 1;
        if (i < xml_.size() && xml_[i] == '/') {
            tag.closing = true;
            ++i;
        }
        std::size_t name_start = i;
        while (i < xml_.size() && !is_xml_space(xml_[i]) && xml_[i] != '>' && xml_[i] != '/' &&
               xml_[i] != '<')
            ++i;
        tag.local = local_name(xml_.substr(name_start, i - name_start));
        std::size_t attrs_start = i;
        // The tag ends at the first '>' outside quotes; a stray '<' ends it too (tolerance).
        char quote = 0;
        while (i < xml_.size()) {
            char c = xml_[i];
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>' || c == '<') {
                break;
            }
            ++i;
        }
        if (i >= xml_.size()) {
            pos_ = xml_.size();
            return std::nullopt;
        }
        std::size_t attrs_end = i;
        if (xml_[i] == '>') ++i;
        if (attrs_end > attrs_start && xml_[attrs_end - 1] == '/') {
            tag.empty = true;
            --attrs_end;
        }
        tag.attrs = xml_.substr(attrs_start, attrs_end - attrs_start);
        auto text_end = xml_.find('<', i);
        if (text_end == std::string_view::npos) text_end = xml_.size();
        tag.text = xml_.substr(i, text_end - i);
        pos_ = text_end;
        if (tag.local.empty()) continue;
        return tag;
    }
    return std::nullopt;
}

std::optional<std::string> attribute(std::string_view attrs, std::string_view name) {
    std::size_t i = 0;
    while (i < attrs.size()) {
        while (i < attrs.size() && (is_xml_space(attrs[i]) || attrs[i] == '/')) ++i;
        std::size_t ns = i;
        while (i < attrs.size() && attrs[i] != '=' && !is_xml_space(attrs[i])) ++i;
        std::string_view qname = attrs.substr(ns, i - ns);
        while (i < attrs.size() && is_xml_space(attrs[i])) ++i;
        if (i >= attrs.size() || attrs[i] != '=') {
            if (i == ns) ++i;  // always consume
            continue;
        }
        ++i;
        while (i < attrs.size() && is_xml_space(attrs[i])) ++i;
        std::string_view value;
        if (i < attrs.size() && (attrs[i] == '"' || attrs[i] == '\'')) {
            char q = attrs[i++];
            auto e = attrs.find(q, i);
            if (e == std::string_view::npos) e = attrs.size();
            value = attrs.substr(i, e - i);
            i = e + 1;
        } else {
            std::size_t vs = i;
            while (i < attrs.size() && !is_xml_space(attrs[i])) ++i;
            value = attrs.substr(vs, i - vs);
        }
        if (local_name(qname) == name) return decode_entities(value);
    }
    return std::nullopt;
}

std::string decode_entities(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (c != '&') {
            out += c;
            ++i;
            continue;
        }
        auto semi = s.find(';', i + 1);
        if (semi == std::string_view::npos || semi - i > 12) {
            out += c;
            ++i;
            continue;
        }
        std::string_view body = s.substr(i + 1, semi - i - 1);
        if (body == "amp")
            out += '&';
        else if (body == "lt")
            out += '<';
        else if (body == "gt")
            out += '>';
        else if (body == "quot")
            out += '"';
        else if (body == "apos")
            out += '\'';
        else if (auto cp = numeric_ref(body))
            core::append_utf8(out, *cp == 0 ? 0xFFFD : *cp);  // no NULs in XML text
        else {
            out += c;
            ++i;
            continue;
        }
        i = semi + 1;
    }
    return out;
}

}  // namespace kagami::analyzers::ooxml_detail
