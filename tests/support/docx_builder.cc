#include "support/docx_builder.h"

#include <cstdint>

namespace kagami::test::docx {
namespace {

std::uint32_t crc32(const std::string& data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char c : data) {
        crc ^= c;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void put16(std::string& out, std::uint32_t v) {
    out += char(v & 0xFF);
    out += char((v >> 8) & 0xFF);
}

void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}

const char* kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

std::string rels_part(const std::vector<std::string>& items) {
    std::string x =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
    for (const auto& i : items) x += i;
    return x + "</Relationships>";
}

}  // namespace

std::string zip(const std::vector<Member>& members) {
    std::string out, central;
    for (const auto& m : members) {
        std::uint32_t offset = static_cast<std::uint32_t>(out.size());
        std::uint32_t crc = crc32(m.data);
        auto size = static_cast<std::uint32_t>(m.data.size());
        auto name_len = static_cast<std::uint32_t>(m.name.size());
        put32(out, 0x04034b50);
        put16(out, 20);    // version needed
        put16(out, 0);     // flags
        put16(out, 0);     // stored
        put16(out, 0);     // time
        put16(out, 0x21);  // date 1980-01-01
        put32(out, crc);
        put32(out, size);
        put32(out, size);
        put16(out, name_len);
        put16(out, 0);
        out += m.name;
        out += m.data;

        put32(central, 0x02014b50);
        put16(central, 20);
        put16(central, 20);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0x21);
        put32(central, crc);
        put32(central, size);
        put32(central, size);
        put16(central, name_len);
        put16(central, 0);  // extra
        put16(central, 0);  // comment
        put16(central, 0);  // disk
        put16(central, 0);  // internal attributes
        put32(central, 0);  // external attributes
        put32(central, offset);
        central += m.name;
    }
    auto cd_offset = static_cast<std::uint32_t>(out.size());
    out += central;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(members.size()));
    put16(out, static_cast<std::uint32_t>(members.size()));
    put32(out, static_cast<std::uint32_t>(central.size()));
    put32(out, cd_offset);
    put16(out, 0);
    return out;
}

std::string relationship(const std::string& id, const std::string& type, const std::string& target,
                         bool external) {
    std::string r =
        "<Relationship Id=\"" + id + "\" Type=\"" + kRelNs + type + "\" Target=\"" + target + "\"";
    if (external) r += " TargetMode=\"External\"";
    return r + "/>";
}

std::vector<Member> parts(const Options& o) {
    std::vector<Member> m;
    if (o.content_types) {
        std::string ct =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            "<Default Extension=\"rels\" "
            "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            "<Override PartName=\"/word/document.xml\" ContentType=\"" +
            o.main_content_type + "\"/>";
        for (const auto& e : o.extra_overrides) ct += e;
        m.push_back({"[Content_Types].xml", ct + "</Types>"});
    }
    m.push_back({"_rels/.rels",
                 rels_part({relationship("rId1", "officeDocument", "word/document.xml", false)})});
    std::vector<std::string> doc_rels = o.document_rels;
    doc_rels.insert(doc_rels.begin(), relationship("rIdS", "settings", "settings.xml", false));
    m.push_back({"word/_rels/document.xml.rels", rels_part(doc_rels)});
    m.push_back({"word/document.xml",
                 "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                 "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
                 "main\"><w:body>" +
                     o.body + "</w:body></w:document>"});
    m.push_back({"word/settings.xml",
                 "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                 "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
                 "main\"/>"});
    if (!o.settings_rels.empty())
        m.push_back({"word/_rels/settings.xml.rels", rels_part(o.settings_rels)});
    for (const auto& e : o.extra_parts) m.push_back(e);
    return m;
}

std::string build(const Options& options) {
    return zip(parts(options));
}

std::string complex_field(const std::vector<std::string>& pieces) {
    std::string x = "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>";
    for (const auto& p : pieces)
        x += "<w:r><w:instrText xml:space=\"preserve\">" + p + "</w:instrText></w:r>";
    x += "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>"
         "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>";
    return x;
}

}  // namespace kagami::test::docx
