#include "analyzers/dispatch.h"

#include <algorithm>
#include <exception>
#include <tuple>
#include <unordered_map>

#include "analyzers/file_name.h"
#include "analyzers/file_type.h"
#include "core/hash.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

constexpr FindingKind kDepth{"limit.artifact.depth",
                             "Files are nested deeper than the depth limit; the innermost "
                             "were not unpacked",
                             "T1027"};
constexpr FindingKind kEntries{"limit.artifact.entries",
                               "The attachments hold more files than the entry limit; the "
                               "rest were not analysed",
                               "T1027"};
constexpr FindingKind kTime{"limit.artifact.time",
                            "Analysing the attachments took longer than the time limit; the "
                            "rest were only hashed",
                            "T1027"};
constexpr FindingKind kAnalyzerFailed{
    "internal.analyzer_failed", "An analyzer failed on this file; it was only hashed", "T1027"};

// Fuzzy hashes mean nothing on tiny files (ssdeep degenerates, TLSH refuses).
constexpr std::size_t kFuzzyHashMin = 512;

struct Pending {
    bool unpacked = false;  // bytes are `owned` (from a parent), else a view of a mail part
    std::string owned;
    std::string_view bytes;
    std::string name;
    std::string path;
    std::string part;
    int depth = 0;
};

const Analyzer* recognise(std::string_view bytes, std::span<const Analyzer* const> registry) {
    for (const Analyzer* a : registry)
        if (a->sniff(bytes)) return a;
    return nullptr;
}

}  // namespace

Analysis analyze(const std::vector<Attachment>& attachments, std::vector<std::string> passwords,
                 const Limits& limits, const ArtifactVisitor& visit,
                 std::span<const Analyzer* const> registry) {
    Analysis result;
    Context ctx(limits, std::move(passwords));
    auto add = [&](const FindingKind& kind, std::string evidence, std::string where) {
        result.findings.push_back(make_finding(kind, std::move(evidence), std::move(where)));
    };

    // Depth first, containers before their contents, in the order files appear.
    std::vector<Pending> stack;
    for (auto it = attachments.rbegin(); it != attachments.rend(); ++it) {
        Pending p;
        p.bytes = it->bytes;
        p.name = core::sanitize_utf8(it->name);
        p.path = p.name.empty() ? "part " + it->part : p.name;
        p.part = it->part;
        stack.push_back(std::move(p));
    }

    std::unordered_map<std::string, std::tuple<std::string, std::string, std::string, std::string>>
        digests;  // by SHA-256: md5, sha1, ssdeep, tlsh
    bool time_reported = false, entries_reported = false, depth_reported = false;
    while (!stack.empty()) {
        Pending p = std::move(stack.back());
        stack.pop_back();
        if (result.artifacts.size() >= limits.max_archive_entries) {
            if (!entries_reported) add(kEntries, std::to_string(result.artifacts.size()), p.path);
            entries_reported = true;
            continue;
        }
        if (p.unpacked) p.bytes = p.owned;  // the view went stale when the string moved

        Artifact a;
        a.path = p.path;
        a.name = p.name;
        a.part = p.part;
        a.depth = p.depth;
        a.size = p.bytes.size();
        a.sha256 = core::sha256_hex(p.bytes);
        // An archive of many copies of one file hashes it once: fuzzy hashes are the
        // dearest step of the whole analysis.
        if (auto known = digests.find(a.sha256); known != digests.end()) {
            std::tie(a.md5, a.sha1, a.ssdeep, a.tlsh) = known->second;
        } else {
            a.md5 = core::md5_hex(p.bytes);
            a.sha1 = core::sha1_hex(p.bytes);
            if (a.size >= kFuzzyHashMin) {
                a.ssdeep = core::ssdeep(p.bytes);
                a.tlsh = core::tlsh(p.bytes);
            }
            digests.emplace(a.sha256, std::tuple(a.md5, a.sha1, a.ssdeep, a.tlsh));
        }

        const Analyzer* analyzer = recognise(p.bytes, registry);
        std::vector<Child> children;
        std::vector<std::string> unread;
        if (analyzer == nullptr) {
            a.type = identify_type(p.bytes);
        } else if (ctx.out_of_time()) {
            a.type = analyzer->name();
            if (!time_reported) add(kTime, std::to_string(limits.max_analysis_ms) + " ms", a.path);
            time_reported = true;
        } else {
            Output out(analyzer->name(), a.path, ctx);
            try {
                analyzer->analyze(Input{p.bytes, a.name, a.path, a.depth}, out);
            } catch (const std::exception& e) {
                // Analyzers report bad input as findings; a throw is a bug or bad_alloc,
                // and it must cost the analysis of this file only.
                out.findings().push_back(make_finding(
                    kAnalyzerFailed, std::string(analyzer->name()) + ": " + e.what(), a.path));
            }
            a.type = out.type().empty() ? std::string(analyzer->name()) : out.type();
            a.facts = std::move(out.facts());
            for (auto& f : out.findings()) result.findings.push_back(std::move(f));
            children = std::move(out.children());
            unread = std::move(out.unread_children());
        }
        check_file_name(a.name, a.type, a.path, a.facts, result.findings);
        // An encrypted entry's name is all there is to judge it by.
        for (const auto& name : unread) {
            bool opened = std::any_of(children.begin(), children.end(),
                                      [&](const Child& c) { return c.name == name; });
            std::vector<Fact> ignored;
            if (!opened)
                check_file_name(name, "", a.path + std::string(kPathSeparator) + name, ignored,
                                result.findings);
        }

        if (!children.empty() && a.depth + 1 > limits.max_artifact_depth) {
            if (!depth_reported)
                add(kDepth, std::to_string(limits.max_artifact_depth) + " levels", a.path);
            depth_reported = true;
            children.clear();
        }
        if (visit) visit(a, p.bytes);

        for (std::size_t i = children.size(); i-- > 0;) {
            auto& c = children[i];
            Pending q;
            q.name = core::sanitize_utf8(c.name);
            q.path = a.path;
            q.path += kPathSeparator;
            q.path += q.name.empty() ? "#" + std::to_string(i + 1) : q.name;
            q.part = a.part;
            q.depth = a.depth + 1;
            q.unpacked = true;
            q.owned = std::move(c.bytes);
            stack.push_back(std::move(q));
        }
        result.artifacts.push_back(std::move(a));
    }
    return result;
}

}  // namespace kagami::analyzers
