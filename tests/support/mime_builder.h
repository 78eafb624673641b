// Builds inert messages for tests: ordinary ones and the hostile shapes the limits
// exist for (deep nesting, thousands of parts, endless headers).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kagami::test {

class MimeBuilder {
public:
    MimeBuilder& header(std::string name, std::string value) {
        headers_.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    MimeBuilder& body(std::string body) {
        body_ = std::move(body);
        return *this;
    }
    /// Headers, a blank line, then the body; CRLF line ends.
    std::string str() const;

private:
    std::vector<std::pair<std::string, std::string>> headers_;
    std::string body_;
};

/// A message whose body is `depth` multiparts nested in each other around one text part.
std::string nested_multipart(int depth);

/// A multipart/mixed message with `count` small text parts.
std::string many_parts(int count);

/// A message with `count` header fields named X-Filler-N.
std::string many_headers(int count);

}  // namespace kagami::test
