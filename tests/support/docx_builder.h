// Builders of inert OOXML packages for the OOXML analyzer's tests: a stored
// (uncompressed) ZIP writer, so hostile variants (cut, wrong sizes, missing
// parts) can be made byte by byte, and a minimal docx around it.
#pragma once

#include <string>
#include <vector>

namespace kagami::test::docx {

/// One file in a ZIP.
struct Member {
    std::string name;
    std::string data;
};

/// A ZIP of `members`, stored without compression, with a central directory.
std::string zip(const std::vector<Member>& members);

/// A <Relationship/> element; `type` is the short name appended to the
/// officeDocument/2006/relationships/ namespace ("attachedTemplate", "oleObject").
std::string relationship(const std::string& id, const std::string& type, const std::string& target,
                         bool external);

/// What goes into a minimal Word document.
struct Options {
    std::string body = "<w:p><w:r><w:t>Hello</w:t></w:r></w:p>";  ///< inside <w:body>
    std::vector<std::string> document_rels;  ///< elements of word/_rels/document.xml.rels
    std::vector<std::string> settings_rels;  ///< elements of word/_rels/settings.xml.rels
    std::vector<Member> extra_parts;
    std::vector<std::string> extra_overrides;  ///< <Override .../> elements
    std::string main_content_type =
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    bool content_types = true;  ///< false leaves [Content_Types].xml out
};

/// The parts of a minimal docx for `options` (to alter before zipping).
std::vector<Member> parts(const Options& options);

/// A minimal docx for `options`.
std::string build(const Options& options);

/// A complex field whose instruction is split over `pieces` (one w:instrText run each).
std::string complex_field(const std::vector<std::string>& pieces);

}  // namespace kagami::test::docx
