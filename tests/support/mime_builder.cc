#include "support/mime_builder.h"

namespace kagami::test {

std::string MimeBuilder::str() const {
    std::string out;
    for (const auto& [name, value] : headers_) out += name + ": " + value + "\r\n";
    out += "\r\n";
    out += body_;
    return out;
}

std::string nested_multipart(int depth) {
    std::string open, close;
    for (int i = 0; i < depth; ++i) {
        std::string b = "b" + std::to_string(i);
        open += "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\n";
        close = "\r\n--" + b + "--\r\n" + close;
    }
    return "From: a@example.com\r\nSubject: nested\r\nMIME-Version: 1.0\r\n" + open +
           "Content-Type: text/plain\r\n\r\ninnermost\r\n" + close;
}

std::string many_parts(int count) {
    std::string out =
        "From: a@example.com\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n";
    for (int i = 0; i < count; ++i)
        out += "--p\r\nContent-Type: text/plain\r\n\r\npart " + std::to_string(i) + "\r\n";
    return out + "--p--\r\n";
}

std::string many_headers(int count) {
    std::string out = "From: a@example.com\r\n";
    for (int i = 0; i < count; ++i) out += "X-Filler-" + std::to_string(i) + ": x\r\n";
    return out + "Subject: headers\r\n\r\nbody\r\n";
}

}  // namespace kagami::test
