// YARA through libyara: the bundled rules (rules/) plus the user's rule folders,
// compiled once (and cached on disk), run over every artifact with external
// variables that tell a rule what it is looking at. yara.h stays in yara/*.cc.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kagami/finding.h"

namespace kagami::detect::yara {

/// One rule file's source. `name` is the path shown in errors and the namespace.
struct RuleFile {
    std::string name;
    std::string text;
};

struct CompileProblem {
    std::string file;
    int line = 0;  ///< 0 when the problem is not tied to a line
    std::string message;
};

/// What compiling a set of files gave: every file that fails is left out and named
/// here with the reason; the others are compiled.
struct CompileReport {
    std::size_t files = 0;     ///< files given
    std::size_t compiled = 0;  ///< files whose rules are in the set
    std::size_t rules = 0;     ///< rules in the set
    std::vector<CompileProblem> errors;
    std::vector<CompileProblem> warnings;
    bool from_cache = false;
};

/// What a scanned buffer is; each field is also a YARA external variable.
struct ScanTarget {
    std::string_view bytes;
    std::string_view type;  ///< analyzer type ("lnk", "docm", "zip", "text", "message", ...)
    std::string_view name;  ///< file name, may be empty
    std::string_view path;  ///< artifact path ("a.zip » b.lnk") or MIME part
    bool decoded = false;   ///< the bytes are the artifact's decoded view ("name: value" lines)
};

struct RuleMatch {
    std::string rule;
    std::string ns;  ///< namespace (the rule file)
    std::vector<std::string> tags;
    std::vector<std::pair<std::string, std::string>> meta;  ///< in rule order, values as text
    std::vector<std::string> strings;  ///< "$a at 0x1f: powershell" (first few, printable)
};

class RuleSet {
public:
    /// Compiles `files`, each in its own namespace. A file that does not compile is
    /// reported in `report` and left out; the others still load. With a `cache_dir`,
    /// the compiled set is saved there keyed by a hash of the sources and reused.
    static std::shared_ptr<const RuleSet> compile(const std::vector<RuleFile>& files,
                                                  CompileReport* report,
                                                  const std::filesystem::path& cache_dir = {});

    /// The bundled rules (rules/*.yar compiled into the program).
    static std::vector<RuleFile> bundled_files();

    /// Every *.yar / *.yara file under `dir`, recursively, in path order. Unreadable
    /// files are added to `problems`.
    static std::vector<RuleFile> read_dir(const std::filesystem::path& dir,
                                          std::vector<CompileProblem>* problems);

    ~RuleSet();
    RuleSet(const RuleSet&) = delete;
    RuleSet& operator=(const RuleSet&) = delete;

    std::size_t rule_count() const;

    /// Thread-safe. A scan that times out returns what matched so far.
    std::vector<RuleMatch> scan(const ScanTarget& target, int timeout_ms) const;

    struct Impl;

private:
    explicit RuleSet(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// One finding per match: id "yara.<rule>", title from the rule's description meta,
/// ATT&CK ids from its "attack" (or "mitre_att"/"technique") meta, evidence the rule,
/// its matched strings and the target.
std::vector<Finding> findings_for(const std::vector<RuleMatch>& matches, const ScanTarget& target);

}  // namespace kagami::detect::yara
