#include "detect/detection.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/text.h"
#include "detect/intel/indicators.h"
#include "detect/link/link_analysis.h"
#include "detect/lure/lexicon.h"
#include "detect/sender/sender_analysis.h"
#include "detect/yara/rules.h"

namespace kagami::detect {
namespace {

// Enough for every fact a rule or feed looks at; a huge VBA project is cut here.
constexpr std::size_t kMaxDecodedView = 1 << 20;
// Lures are in what the reader sees first: the subject, names and the opening text.
constexpr std::size_t kMaxLureText = 256 << 10;

// An artifact as the analyzers read it: one "name: value" line per fact. YARA rules see
// it with kagami_decoded set, so they can match a macro's source or a shortcut's
// command line whatever the file's encoding was.
std::string decoded_view(const analyzers::Artifact& a) {
    std::string out;
    for (const auto& f : a.facts) {
        if (out.size() >= kMaxDecodedView) break;
        out += f.name;
        out += ": ";
        out.append(f.value, 0, kMaxDecodedView - std::min(out.size(), kMaxDecodedView));
        out += '\n';
    }
    return out;
}

bool is_media(std::string_view type) {
    static constexpr std::string_view kMedia[] = {"png",  "jpeg", "gif", "bmp", "ico", "tiff",
                                                  "webp", "mp3",  "mp4", "ogg", "ftyp"};
    return std::find(std::begin(kMedia), std::end(kMedia), type) != std::end(kMedia);
}

int timeout_ms(const Limits& limits) {
    return limits.max_analysis_ms ? static_cast<int>(limits.max_analysis_ms) : 60000;
}

// A rule that matches an artifact's raw bytes and its decoded view is one finding.
void scan_yara(const yara::RuleSet& rules, const yara::ScanTarget& target, const Limits& limits,
               std::vector<Finding>& out) {
    if (target.bytes.empty()) return;
    auto matches = rules.scan(target, timeout_ms(limits));
    if (matches.empty()) return;
    for (auto& f : yara::findings_for(matches, target)) {
        bool seen = std::any_of(out.begin(), out.end(), [&](const Finding& o) {
            return o.id == f.id && o.where == f.where;
        });
        if (!seen) out.push_back(std::move(f));
    }
}

std::string read_text_file(const std::filesystem::path& path, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = "cannot read " + path.string();
        return {};
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::filesystem::path default_cache() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
        return std::filesystem::path(x) / "kagami";
    if (const char* h = std::getenv("HOME"); h && *h)
        return std::filesystem::path(h) / ".cache" / "kagami";
    return {};
}

}  // namespace

std::vector<yara::RuleFile> rule_files(const ContentOptions& options,
                                       std::vector<std::string>& unreadable) {
    std::vector<yara::RuleFile> files;
    if (options.bundled_rules) files = yara::RuleSet::bundled_files();
    for (const auto& path : options.rule_paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            std::vector<yara::CompileProblem> problems;
            auto found = yara::RuleSet::read_dir(path, &problems);
            for (const auto& p : problems) unreadable.push_back(p.file + ": " + p.message);
            if (found.empty()) unreadable.push_back(path.string() + ": no .yar or .yara files");
            files.insert(files.end(), std::make_move_iterator(found.begin()),
                         std::make_move_iterator(found.end()));
        } else {
            std::string error;
            std::string text = read_text_file(path, &error);
            if (!error.empty())
                unreadable.push_back(error);
            else
                files.push_back({path.string(), std::move(text)});
        }
    }
    return files;
}

ContentLoad load_content(const ContentOptions& options) {
    ContentLoad load;
    auto& c = load.content;

    std::vector<std::string> unreadable;
    std::vector<yara::RuleFile> files = rule_files(options, unreadable);
    for (auto& u : unreadable) load.errors.push_back("--rules " + std::move(u));
    if (!files.empty()) {
        std::filesystem::path cache = options.rule_cache;
        if (cache.empty())
            cache = default_cache();
        else if (cache == "none")
            cache.clear();
        if (!cache.empty()) cache /= "yara";
        yara::CompileReport report;
        c.rules = yara::RuleSet::compile(files, &report, cache);
        c.rules_on_message = !options.rule_paths.empty();
        for (const auto& e : report.errors)
            load.warnings.push_back("rule file " + e.file +
                                    (e.line ? ":" + std::to_string(e.line) : std::string()) +
                                    " left out: " + e.message);
        load.notes.push_back(std::to_string(report.rules) + " YARA rules from " +
                             std::to_string(report.compiled) + " of " +
                             std::to_string(report.files) + " files" +
                             (report.from_cache ? " (cached)" : ""));
        if (!c.rules) load.errors.push_back("the YARA rules could not be loaded");
    }

    if (!options.intel.empty()) {
        auto set = std::make_shared<intel::IndicatorSet>();
        for (const auto& spec : options.intel) {
            std::string name, file = spec;
            if (auto eq = spec.find('='); eq != std::string::npos && eq > 0) {
                name = spec.substr(0, eq);
                file = spec.substr(eq + 1);
            }
            std::error_code ec;
            if (!std::filesystem::is_regular_file(file, ec)) {
                load.errors.push_back("--intel: cannot read " + file);
                continue;
            }
            auto r = set->load_file(file, name);
            for (const auto& p : r.problems) load.warnings.push_back(file + ": " + p);
            load.notes.push_back(file + ": " + std::to_string(r.indicators) + " indicators (" +
                                 r.format + ")" +
                                 (r.skipped ? ", " + std::to_string(r.skipped) + " left out" : ""));
        }
        c.intel = std::move(set);
    }

    if (options.lures.empty()) {
        c.lures = lure::Lexicon::bundled();
    } else {
        std::string error;
        std::string text = read_text_file(options.lures, &error);
        if (error.empty()) c.lures = lure::Lexicon::parse(text, &error);
        if (!c.lures) load.errors.push_back("--lures " + options.lures.string() + ": " + error);
    }
    if (options.organisations.empty()) {
        c.organisations = sender::Directory::bundled();
    } else {
        std::string error;
        std::string text = read_text_file(options.organisations, &error);
        if (error.empty()) c.organisations = sender::Directory::parse(text, &error);
        if (!c.organisations)
            load.errors.push_back("--organisations " + options.organisations.string() + ": " +
                                  error);
    }
    return load;
}

const Content& bundled_content() {
    static const Content content = [] {
        ContentOptions options;
        options.rule_cache = "none";
        return load_content(options).content;
    }();
    return content;
}

void MessageDetection::on_artifact(const analyzers::Artifact& a, std::string_view bytes) {
    if (!content_.rules && !content_.intel) return;
    std::string view = decoded_view(a);
    if (content_.rules) {
        // The bundled rules have nothing to say about pictures and sound; a user's may.
        if (content_.rules_on_message || !is_media(a.type)) {
            yara::ScanTarget raw{bytes, a.type, a.name, a.path, false};
            scan_yara(*content_.rules, raw, limits_, findings_);
        }
        yara::ScanTarget decoded{view, a.type, a.name, a.path, true};
        scan_yara(*content_.rules, decoded, limits_, findings_);
    }
    if (content_.intel) views_.emplace_back(a.path, std::move(view));
}

std::vector<Finding> MessageDetection::finish(std::string_view raw, const mime::Message& message,
                                              const HeaderAnalysis& headers,
                                              const std::vector<analyzers::Artifact>& artifacts) {
    std::vector<Finding> out = std::move(findings_);
    auto append = [&](std::vector<Finding>&& found) {
        out.insert(out.end(), std::make_move_iterator(found.begin()),
                   std::make_move_iterator(found.end()));
    };

    // The text a reader sees: subject, the text parts, and the names of the files.
    std::string text = message.subject;
    mime::for_each_part(message, [&](const mime::Part& p) {
        if (p.text.empty() || text.size() >= kMaxLureText) return;
        text += '\n';
        text.append(p.text, 0, kMaxLureText - text.size());
    });
    std::string names;
    for (const auto& a : artifacts)
        if (!a.name.empty()) names += a.name + '\n';

    if (content_.rules && content_.rules_on_message) {
        scan_yara(*content_.rules, {raw, "message", "", "message", false}, limits_, out);
        scan_yara(*content_.rules, {text, "text", "", "text", true}, limits_, out);
    }
    append(link::analyze(message));
    if (content_.organisations) append(sender::analyze(message, headers, *content_.organisations));
    if (content_.lures) {
        auto hits = content_.lures->match(names + text);  // text starts with the subject
        append(lure::findings_for(hits, "text"));
    }
    if (content_.intel) {
        using intel::IndicatorType;
        intel::Observations obs;
        auto address = [&](const std::string& a, const char* where) {
            if (a.empty()) return;
            obs.items.push_back({IndicatorType::email, a, where});
            std::string domain = mime::address_domain(a);
            if (!domain.empty()) obs.items.push_back({IndicatorType::domain, domain, where});
        };
        for (const auto& a : message.from) address(a.address, "From");
        for (const auto& a : message.sender) address(a.address, "Sender");
        for (const auto& a : message.reply_to) address(a.address, "Reply-To");
        address(message.return_path, "Return-Path");
        for (const auto& hop : headers.hops) {
            if (!hop.from_ip.empty())
                obs.items.push_back({hop.from_ip.find(':') == std::string::npos
                                         ? IndicatorType::ipv4
                                         : IndicatorType::ipv6,
                                     hop.from_ip, "Received"});
            for (const auto* host : {&hop.from_host, &hop.from_rdns})
                if (!host->empty()) obs.items.push_back({IndicatorType::domain, *host, "Received"});
        }
        for (const auto& l : message.links)
            obs.items.push_back({IndicatorType::url, l.url, l.where.empty() ? "link" : l.where});
        for (const auto& a : artifacts) {
            if (!a.md5.empty()) obs.items.push_back({IndicatorType::md5, a.md5, a.path});
            if (!a.sha1.empty()) obs.items.push_back({IndicatorType::sha1, a.sha1, a.path});
            if (!a.sha256.empty()) obs.items.push_back({IndicatorType::sha256, a.sha256, a.path});
            if (!a.name.empty()) obs.items.push_back({IndicatorType::file_name, a.name, a.path});
        }
        obs.texts.emplace_back(text, "text");
        for (const auto& [path, view] : views_)
            if (!view.empty()) obs.texts.emplace_back(view, path);
        append(intel::findings_for(intel::match(*content_.intel, obs)));
    }
    return out;
}

}  // namespace kagami::detect
