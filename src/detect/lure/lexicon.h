// SPDX-License-Identifier: Apache-2.0
// Lures: the themes a targeted spear-phish writes about (U.S.-Japan alliance,
// Taiwan Strait, semiconductors and export control, ...), as an editable lexicon of
// Japanese and English words (data/lures.toml), matched after NFKC and width folding.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kagami/finding.h"

namespace kagami::detect::lure {

/// Longest prefix of a text that match() reads (256 KiB): lures sit at the top of a mail.
inline constexpr std::size_t kMaxScannedBytes = 256 * 1024;

/// One theme the text is about.
struct ThemeHit {
    std::string theme;                ///< theme id, e.g. "taiwan_strait"
    std::string name;                 ///< English display name, e.g. "the Taiwan Strait ..."
    std::string name_ja;              ///< Japanese display name, e.g. "台湾海峡・中台関係"
    std::vector<std::string> attack;  ///< ATT&CK ids of the theme, e.g. {"T1566.001"}
    std::vector<std::string> words;   ///< the lexicon words found, as written in the lexicon
                                      ///< (strong words first, each in lexicon order)
    std::size_t strong = 0;           ///< how many of `words` are strong words
};

class Lexicon {
public:
    /// Parses a lexicon in the format of data/lures.toml (documented in its header) and
    /// compiles its matcher. On error returns nullptr and sets `error` (when not null) to
    /// one sentence starting with "line N: ". Never throws.
    static std::shared_ptr<const Lexicon> parse(std::string_view toml, std::string* error);
    /// The bundled lexicon (data/lures.toml), parsed once; never null unless the bundled
    /// file is broken, which a test guards.
    static std::shared_ptr<const Lexicon> bundled();

    ~Lexicon();
    std::size_t theme_count() const;

    /// Themes the text is about, in lexicon order. Reads the first kMaxScannedBytes of
    /// `utf8_text` (invalid UTF-8 is tolerated). Thread-safe: one Lexicon serves every
    /// scanning thread.
    std::vector<ThemeHit> match(std::string_view utf8_text) const;

    struct Impl;

private:
    explicit Lexicon(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// One "lure.theme" finding per theme, naming the theme in its title and the words, joined
/// by ", ", in its evidence; `where` is copied to each finding.
std::vector<Finding> findings_for(const std::vector<ThemeHit>& hits, std::string_view where);

}  // namespace kagami::detect::lure
