// The organisations a spear-phish pretends to be: Japanese ministries, agencies,
// research institutes, universities and media, with the names people write them by
// and the domains they really send from (data/organisations.toml, editable).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kagami::detect::sender {

struct Organisation {
    std::string id;                    ///< "mofa"
    std::string name;                  ///< "外務省 (Ministry of Foreign Affairs)"
    std::string kind;                  ///< "ministry", "agency", "institute", "media", ...
    std::vector<std::string> names;    ///< every name it is written by, JA and EN
    std::vector<std::string> domains;  ///< registrable domains it sends from: "mofa.go.jp"
};

class Directory {
public:
    /// Parses a directory in the format of data/organisations.toml. On error returns
    /// nullptr and sets `error` ("line 12: ..."). Never throws.
    static std::shared_ptr<const Directory> parse(std::string_view toml, std::string* error);
    /// The bundled directory, parsed once; nullptr only if the bundled file is broken.
    static std::shared_ptr<const Directory> bundled();

    ~Directory();
    std::size_t size() const;
    const std::vector<Organisation>& organisations() const;

    /// The organisations whose names occur in the text (folded for width and case), in
    /// order of first appearance. Ambiguous names count only beside a context word.
    std::vector<const Organisation*> named_in(std::string_view utf8_text) const;
    /// The organisation that owns `domain` (or a parent of it), or nullptr. The most
    /// specific listed domain wins: "nids.mod.go.jp" is 防衛研究所's, "www.mod.go.jp" 防衛省's.
    const Organisation* owner_of(std::string_view domain) const;

    struct Impl;
    /// The indexes behind the lookups, for the analyses in this folder.
    const Impl& impl() const { return *impl_; }

private:
    explicit Directory(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kagami::detect::sender
