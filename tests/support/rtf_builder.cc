#include "support/rtf_builder.h"

namespace kagami::test::rtf {
namespace {

void put32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += char((v >> (8 * i)) & 0xFF);
}

void lpstr(std::string& out, const std::string& s) {
    put32(out, static_cast<std::uint32_t>(s.size() + 1));
    out += s;
    out += '\0';
}

}  // namespace

std::string ole1(const std::string& klass, const std::string& native, std::uint32_t format) {
    std::string o;
    put32(o, 0x00000501);
    put32(o, format);
    lpstr(o, klass);
    put32(o, 0);  // topic name
    put32(o, 0);  // item name
    put32(o, static_cast<std::uint32_t>(native.size()));
    o += native;
    return o;
}

std::string package(const std::string& file_name, const std::string& contents) {
    std::string p;
    p += std::string("\x02\x00", 2);
    p += file_name + '\0';
    std::string source = "C:\\Users\\user\\Desktop\\" + file_name;
    p += source + '\0';
    p += std::string("\x00\x00\x03\x00", 4);
    std::string temp = "C:\\Users\\user\\AppData\\Local\\Temp\\" + file_name;
    put32(p, static_cast<std::uint32_t>(temp.size() + 1));
    p += temp + '\0';
    put32(p, static_cast<std::uint32_t>(contents.size()));
    p += contents;
    return p;
}

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string h;
    for (unsigned char c : bytes) {
        h += digits[c >> 4];
        h += digits[c & 15];
    }
    return h;
}

std::string object(const std::string& klass, const std::string& objdata, const std::string& flags) {
    return "{\\object" + flags + "\\objw100\\objh100{\\*\\objclass " + klass + "}{\\*\\objdata " +
           objdata + "}{\\result {\\pict\\wmetafile8 0100}}}";
}

std::string document(const std::string& body) {
    return "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}\n"
           "\\pard\\plain Inert test document.\\par\n" +
           body + "\n\\par}";
}

}  // namespace kagami::test::rtf
