// Threat intel: indicators from STIX 2.1 bundles, MISP events and plain lists, each
// tied to the feed it came from and the actors, malware and campaigns it belongs to.
// Lookups are hash-set probes, so the cost per message does not grow with the feed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kagami/finding.h"

namespace kagami::detect::intel {

enum class IndicatorType { domain, url, ipv4, ipv6, email, md5, sha1, sha256, file_name };

std::string_view type_name(IndicatorType t);

/// Who an indicator belongs to, as its feed says.
struct Context {
    std::string feed;                    ///< feed name (file name or --intel NAME=)
    std::vector<std::string> actors;     ///< intrusion sets: "MirrorFace", "APT10"
    std::vector<std::string> malware;    ///< "LODEINFO"
    std::vector<std::string> campaigns;  ///< "Operation LiberalFace"
    std::string description;
};

struct Hit {
    IndicatorType type;
    std::string indicator;  ///< as stored (normalised)
    std::string observed;   ///< what the message had
    std::string where;      ///< header, part or artifact path
    const Context* context = nullptr;
};

struct LoadReport {
    std::string format;  ///< "stix", "misp", "list"
    std::size_t indicators = 0;
    std::size_t skipped = 0;            ///< unsupported patterns, types, regexes, invalid values
    std::vector<std::string> problems;  ///< first few reasons, with line or object id
};

/// "hxxps://evil[.]example/x" -> "https://evil.example/x"; also [:], (.), [@], [at], [dot].
std::string refang(std::string_view text);

class IndicatorSet {
public:
    IndicatorSet();
    ~IndicatorSet();
    IndicatorSet(IndicatorSet&&) noexcept;
    IndicatorSet& operator=(IndicatorSet&&) noexcept;

    /// Adds one indicator (refanged and normalised); false when it is not valid for `type`.
    bool add(IndicatorType type, std::string_view value, const Context& context);

    /// Loads a file, its format sniffed from the content. Never throws.
    LoadReport load_file(const std::filesystem::path& path, std::string feed_name = {});
    /// Same for bytes already in memory.
    LoadReport load_text(std::string_view text, std::string feed_name);
    /// STIX 2.x bundle: indicator objects with `pattern_type` stix, tied through
    /// relationships (indicates, attributed-to, uses) to intrusion sets, malware, campaigns.
    LoadReport load_stix(std::string_view json, std::string feed_name);
    /// MISP event JSON: one event, a list of events or {"response": [...]}.
    LoadReport load_misp(std::string_view json, std::string feed_name);
    /// One indicator a line, type inferred; "value;comment", "value,comment" or a tab
    /// before a description; CSV with a header row uses its URL/indicator column.
    LoadReport load_list(std::string_view text, std::string feed_name);

    /// Distinct indicators held (a value two feeds share counts once).
    std::size_t size() const;

    // Lookups; each returns nullptr or the context of the indicator that matched.
    /// Exact host or any parent domain ("a.evil.example" matches "evil.example").
    const Context* find_domain(std::string_view host, std::string* matched = nullptr) const;
    /// After normalisation (scheme and host case, default port, dot segments, fragment).
    const Context* find_url(std::string_view url) const;
    /// Exact address or an enclosing CIDR network (longest prefix wins); `matched` gets the
    /// indicator ("10.0.0.0/8").
    const Context* find_ip(std::string_view ip, std::string* matched = nullptr) const;
    const Context* find_email(std::string_view address) const;
    /// Hex MD5, SHA-1 or SHA-256, type from its length.
    const Context* find_hash(std::string_view hex) const;
    const Context* find_file_name(std::string_view name) const;

    /// True when the set holds indicators of `type`.
    bool has(IndicatorType type) const { return count(type) > 0; }
    /// How many indicators of `type` the set holds (CIDR networks are not counted).
    std::size_t count(IndicatorType type) const;
    /// Calls `fn` with every indicator of `type` in its normalised form.
    void for_each(IndicatorType type,
                  const std::function<void(std::string_view value, const Context&)>& fn) const;
    /// Lookup of a value already in the form normalise() gives (the store's): no parsing
    /// for domains, URLs, addresses, hashes and names. Domains match their parents, IPs
    /// their networks; `matched` gets the indicator.
    const Context* find_normalised(IndicatorType type, std::string_view value,
                                   std::string* matched = nullptr) const;

    /// Every indicator occurring in free text (decoded bodies, VBA source, LNK
    /// arguments, PDF URIs, script layers): domains, URLs, IPs, addresses, hashes and
    /// file names, refanged forms included.
    /// Bounded: the first kMaxScanBytes of the text, at most kMaxHitsPerText hits.
    void scan_text(std::string_view text, std::string_view where, std::vector<Hit>& hits) const;

    static constexpr std::size_t kMaxScanBytes = std::size_t(4) << 20;
    static constexpr std::size_t kMaxHitsPerText = 256;

    struct Impl;
    /// The store itself, for match() and the loaders (detect/intel/internal.h).
    const Impl& impl() const { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

/// What a message offers to the intel: typed observables and free text.
struct Observations {
    struct Item {
        IndicatorType type;
        std::string value;
        std::string where;
    };
    std::vector<Item>
        items;  ///< sender addresses, Received IPs, link URLs, artifact hashes and names
    std::vector<std::pair<std::string_view, std::string>> texts;  ///< text, where
};

/// Every candidate indicator in `text`, whatever feed asks later (the store keeps them
/// to hunt new feeds without parsing again): hits with no context, in text order, with
/// duplicates. File names are kept when their extension is one files travel by mail
/// with. Bounded by IndicatorSet::kMaxScanBytes and `max_hits`.
void extract_text(std::string_view text, std::string_view where, std::vector<Hit>& hits,
                  std::size_t max_hits);

/// The form indicators of `type` are stored and compared in (lower-case host, normalised
/// URL, canonical address, lower-case hex, folded base name); nullopt when not valid.
std::optional<std::string> normalise(IndicatorType type, std::string_view value);

/// Every hit, once per indicator and place.
std::vector<Hit> match(const IndicatorSet& set, const Observations& observations);

/// Findings "intel.<type>" naming the feed, the indicator and its actor or malware.
std::vector<Finding> findings_for(const std::vector<Hit>& hits);

}  // namespace kagami::detect::intel
