// Compiling rule files with libyara: one namespace per file, a file that fails is
// reported and left out, and the compiled set is cached on disk keyed by its sources.
#include "detect/yara/rules.h"

#include <yara.h>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "core/bundled.h"
#include "core/hash.h"
#include "core/text.h"
#include "detect/yara/impl.h"

namespace kagami::detect::yara {
namespace fs = std::filesystem;

namespace {

/// A user rule file larger than this is refused: rule sets are text, a few MiB at most.
constexpr std::uintmax_t kMaxRuleFileBytes = 16u << 20;
/// Problems kept per file: a broken file can make the compiler report many.
constexpr std::size_t kMaxProblemsPerFile = 8;
/// Bumped when the cache layout changes.
constexpr std::string_view kCacheFormat = "kagami-yara-cache 1";

// ---- compiling ------------------------------------------------------------------

/// What the compiler callback writes to; `file` is the file being added.
struct CompileLog {
    const RuleFile* file = nullptr;
    bool record = true;  ///< false while re-adding files already known good
    std::size_t file_errors = 0;
    std::size_t file_warnings = 0;
    std::vector<CompileProblem> errors;
    std::vector<CompileProblem> warnings;
    bool used_include = false;
    std::vector<std::string> include_texts;  ///< kept alive until the compiler is done
};

void on_compile_message(int level, const char* file_name, int line, const YR_RULE*,
                        const char* message, void* user_data) {
    auto* log = static_cast<CompileLog*>(user_data);
    if (!log->record) return;
    bool error = level == YARA_ERROR_LEVEL_ERROR;
    std::size_t& count = error ? log->file_errors : log->file_warnings;
    if (++count > kMaxProblemsPerFile) return;
    CompileProblem p;
    p.file = log->file ? log->file->name : "";
    if (file_name && *file_name && p.file != file_name)
        p.file += std::string(" (include ") + file_name + ")";
    p.line = line;
    p.message = message ? message : "";
    (error ? log->errors : log->warnings).push_back(std::move(p));
}

// `include "x.yar"` is resolved against the directory of the file being compiled.
const char* on_include(const char* include_name, const char*, const char*, void* user_data) {
    auto* log = static_cast<CompileLog*>(user_data);
    if (!log->file || !include_name) return nullptr;
    fs::path p(include_name);
    if (p.is_relative()) p = fs::path(log->file->name).parent_path() / p;
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    if (ec || size > kMaxRuleFileBytes) return nullptr;
    std::ifstream in(p, std::ios::binary);
    if (!in) return nullptr;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find('\0') != std::string::npos) return nullptr;
    log->used_include = true;
    char* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (!copy) return nullptr;
    std::memcpy(copy, text.c_str(), text.size() + 1);
    return copy;
}

void free_include(const char* result, void*) {
    std::free(const_cast<char*>(result));
}

struct CompilerDeleter {
    void operator()(YR_COMPILER* c) const { yr_compiler_destroy(c); }
};
using Compiler = std::unique_ptr<YR_COMPILER, CompilerDeleter>;

Compiler new_compiler(CompileLog* log) {
    YR_COMPILER* c = nullptr;
    if (yr_compiler_create(&c) != ERROR_SUCCESS) return {};
    Compiler compiler(c);
    for (auto name : kStringExternals)
        if (yr_compiler_define_string_variable(c, std::string(name).c_str(), "") != ERROR_SUCCESS)
            return {};
    for (auto name : kBoolExternals)
        if (yr_compiler_define_boolean_variable(c, std::string(name).c_str(), 0) != ERROR_SUCCESS)
            return {};
    yr_compiler_set_callback(c, on_compile_message, log);
    yr_compiler_set_include_callback(c, on_include, free_include, log);
    return compiler;
}

/// Namespace from a file's name without its folders: letters, digits and _ . - kept,
/// the rest as '_' ("rules/lnk.yar" -> "lnk.yar").
std::string sanitise_namespace(std::string_view name) {
    auto slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos && slash + 1 < name.size()) name.remove_prefix(slash + 1);
    std::string out;
    for (char c : name) {
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
        out += keep ? c : '_';
    }
    return out.empty() ? "default_" : out;
}

/// Adds `file` to `c` under `ns`; true when it compiled.
bool add_file(YR_COMPILER* c, const RuleFile& file, const std::string& ns, CompileLog& log,
              bool record) {
    log.file = &file;
    log.record = record;
    log.file_errors = log.file_warnings = 0;
    if (file.text.find('\0') != std::string::npos) {
        if (record)
            log.errors.push_back({file.name, 0, "the file holds a NUL byte: not a rule file"});
        return false;
    }
    int errors = yr_compiler_add_string(c, file.text.c_str(), ns.c_str());
    if (errors > 0 && record && log.file_errors == 0)
        log.errors.push_back({file.name, 0, "does not compile"});
    return errors == 0;
}

std::size_t count_rules(YR_RULES* rules) {
    std::size_t n = 0;
    const YR_RULE* rule;
    yr_rules_foreach(rules, rule)++ n;
    return n;
}

// ---- cache ----------------------------------------------------------------------

std::string escape_field(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out;
}

std::string unescape_field(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        char n = s[++i];
        out += n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n;
    }
    return out;
}

std::string cache_key(const std::vector<RuleFile>& files) {
    std::string material;
    material += kCacheFormat;
    material += '\0';
    material += YR_VERSION;
    material += '\0';
    for (auto name : kStringExternals) (material += name) += "=s;";
    for (auto name : kBoolExternals) (material += name) += "=b;";
    for (const auto& f : files) {
        material += '\0';
        material += f.name;
        material += '\0';
        material += std::to_string(f.text.size());
        material += '\0';
        material += f.text;
    }
    return core::sha256_hex(material);
}

std::string report_text(const CompileReport& r, const std::string& rules_sha) {
    std::ostringstream o;
    o << kCacheFormat << "\nrules_sha256\t" << rules_sha << "\nfiles\t" << r.files << "\ncompiled\t"
      << r.compiled << "\nrules\t" << r.rules << "\n";
    for (const auto& [kind, list] :
         {std::pair{"error", &r.errors}, std::pair{"warning", &r.warnings}})
        for (const auto& p : *list)
            o << kind << '\t' << p.line << '\t' << escape_field(p.file) << '\t'
              << escape_field(p.message) << '\n';
    return o.str();
}

/// Parses a report written by report_text; false when it is not one.
bool parse_report(const std::string& text, CompileReport& r, std::string& rules_sha) {
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line) || line != kCacheFormat) return false;
    bool have_sha = false;
    while (std::getline(in, line)) {
        std::vector<std::string_view> fields;
        std::string_view rest(line);
        while (true) {
            auto tab = rest.find('\t');
            fields.push_back(rest.substr(0, tab));
            if (tab == std::string_view::npos) break;
            rest.remove_prefix(tab + 1);
        }
        auto number = [](std::string_view s, std::size_t& v) {
            if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != s.npos)
                return false;
            v = std::stoull(std::string(s));
            return true;
        };
        if (fields[0] == "rules_sha256" && fields.size() == 2) {
            rules_sha = fields[1];
            have_sha = true;
        } else if ((fields[0] == "files" || fields[0] == "compiled" || fields[0] == "rules") &&
                   fields.size() == 2) {
            std::size_t& v = fields[0] == "files"      ? r.files
                             : fields[0] == "compiled" ? r.compiled
                                                       : r.rules;
            if (!number(fields[1], v)) return false;
        } else if ((fields[0] == "error" || fields[0] == "warning") && fields.size() == 4) {
            std::size_t l = 0;
            if (!number(fields[1], l)) return false;
            CompileProblem p{unescape_field(fields[2]),
                             static_cast<int>(std::min<std::size_t>(l, 1u << 30)),
                             unescape_field(fields[3])};
            (fields[0] == "error" ? r.errors : r.warnings).push_back(std::move(p));
        } else {
            return false;
        }
    }
    return have_sha;
}

std::string read_small_file(const fs::path& p, std::uintmax_t max_bytes, bool* ok) {
    *ok = false;
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    if (ec || size > max_bytes) return {};
    std::ifstream in(p, std::ios::binary);
    if (!in) return {};
    std::string text(size, '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uintmax_t>(in.gcount()) != size) return {};
    *ok = true;
    return text;
}

/// A name next to `final_path` no other writer uses.
fs::path temp_name(const fs::path& final_path) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return final_path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rng());
}

bool write_atomically(const fs::path& path, std::string_view data) {
    fs::path tmp = temp_name(path);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            return false;
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) fs::remove(tmp, ec);
    return !ec;
}

/// The cached set for `key`, or nullptr (missing, corrupt or from another build).
YR_RULES* load_cached(const fs::path& dir, const std::string& key, CompileReport& report) {
    bool ok = false;
    std::string text = read_small_file(dir / (key + ".report"), 64u << 20, &ok);
    if (!ok) return nullptr;
    CompileReport cached;
    std::string sha;
    if (!parse_report(text, cached, sha)) return nullptr;
    fs::path rules_path = dir / (key + ".yarc");
    // libyara checks the header only: a digest of the whole file guards against a
    // truncated or altered body, which it would trust.
    std::string bytes = read_small_file(rules_path, 1u << 30, &ok);
    if (!ok || core::sha256_hex(bytes) != sha) return nullptr;
    YR_RULES* rules = nullptr;
    if (yr_rules_load(rules_path.c_str(), &rules) != ERROR_SUCCESS) return nullptr;
    report = std::move(cached);
    report.from_cache = true;
    return rules;
}

void save_cached(const fs::path& dir, const std::string& key, YR_RULES* rules,
                 const CompileReport& report) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::path rules_path = dir / (key + ".yarc");
    fs::path tmp = temp_name(rules_path);
    if (yr_rules_save(rules, tmp.c_str()) != ERROR_SUCCESS) {
        fs::remove(tmp, ec);
        return;
    }
    bool ok = false;
    std::string bytes = read_small_file(tmp, 1u << 30, &ok);
    if (!ok) {
        fs::remove(tmp, ec);
        return;
    }
    // The report names the digest of the rules file: write the rules first, so that a
    // reader never pairs a new report with an old rules file.
    fs::rename(tmp, rules_path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return;
    }
    write_atomically(dir / (key + ".report"), report_text(report, core::sha256_hex(bytes)));
}

bool has_rule_extension(const fs::path& p) {
    std::string ext = core::to_lower(p.extension().string());
    return ext == ".yar" || ext == ".yara";
}

}  // namespace

bool ensure_initialized() {
    static const bool ok = [] {
        if (yr_initialize() != ERROR_SUCCESS) return false;
        // Matched data is only shown as a short excerpt: keep no more of it per match.
        yr_set_configuration_uint32(YR_CONFIG_MAX_MATCH_DATA, kMaxExcerpt);
        return true;
    }();
    return ok;
}

RuleSet::Impl::~Impl() {
    for (auto* s : idle) yr_scanner_destroy(s);
    if (rules) yr_rules_destroy(rules);
}

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;

std::size_t RuleSet::rule_count() const {
    return impl_->rule_count;
}

std::shared_ptr<const RuleSet> RuleSet::compile(const std::vector<RuleFile>& files,
                                                CompileReport* report_out,
                                                const fs::path& cache_dir) {
    CompileReport report;
    report.files = files.size();
    auto finish = [&](YR_RULES* rules) -> std::shared_ptr<const RuleSet> {
        auto impl = std::make_unique<Impl>();
        impl->rules = rules;
        impl->rule_count = count_rules(rules);
        report.rules = impl->rule_count;
        if (report_out) *report_out = report;
        return std::shared_ptr<const RuleSet>(new RuleSet(std::move(impl)));
    };
    auto fail = [&](std::string why) -> std::shared_ptr<const RuleSet> {
        report.errors.push_back({"", 0, std::move(why)});
        if (report_out) *report_out = report;
        return nullptr;
    };
    if (!ensure_initialized()) return fail("libyara did not initialise");

    std::string key;
    if (!cache_dir.empty()) {
        key = cache_key(files);
        if (YR_RULES* rules = load_cached(cache_dir, key, report)) return finish(rules);
    }

    // One compiler takes every file; a libyara compiler cannot go on after an error, so
    // at the first failing file it is rebuilt from the good files and from then on each
    // file is first tried in a throwaway compiler. Sets without errors compile once.
    CompileLog log;
    std::vector<std::string> namespaces;
    std::vector<std::size_t> good;
    {
        std::vector<std::string> seen;
        for (const auto& f : files) {
            std::string ns = sanitise_namespace(f.name);
            std::string unique = ns;
            for (int n = 2; std::find(seen.begin(), seen.end(), unique) != seen.end(); ++n)
                unique = ns + "#" + std::to_string(n);
            seen.push_back(unique);
            namespaces.push_back(unique);
        }
    }
    Compiler main = new_compiler(&log);
    if (!main) return fail("libyara could not create a compiler");
    bool probing = false;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!probing) {
            if (add_file(main.get(), files[i], namespaces[i], log, true)) {
                good.push_back(i);
                continue;
            }
            probing = true;
            main = new_compiler(&log);
            if (!main) return fail("libyara could not create a compiler");
            std::vector<std::size_t> kept;
            for (auto g : good)
                if (add_file(main.get(), files[g], namespaces[g], log, false)) kept.push_back(g);
            good = std::move(kept);
            continue;
        }
        Compiler probe = new_compiler(&log);
        if (!probe) return fail("libyara could not create a compiler");
        if (!add_file(probe.get(), files[i], namespaces[i], log, true)) continue;
        probe.reset();
        if (add_file(main.get(), files[i], namespaces[i], log, false)) {
            good.push_back(i);
            continue;
        }
        // It compiled alone but not with the others: leave it out and start over.
        log.errors.push_back({files[i].name, 0, "does not compile together with the other files"});
        main = new_compiler(&log);
        if (!main) return fail("libyara could not create a compiler");
        std::vector<std::size_t> kept;
        for (auto g : good)
            if (add_file(main.get(), files[g], namespaces[g], log, false)) kept.push_back(g);
        good = std::move(kept);
    }
    YR_RULES* rules = nullptr;
    if (yr_compiler_get_rules(main.get(), &rules) != ERROR_SUCCESS || !rules)
        return fail("libyara could not build the rule set");
    main.reset();

    report.compiled = good.size();
    report.errors = std::move(log.errors);
    report.warnings = std::move(log.warnings);
    report.rules = count_rules(rules);
    // Included files are not part of the key: a set that used include is not cached.
    if (!cache_dir.empty() && !log.used_include) save_cached(cache_dir, key, rules, report);
    return finish(rules);
}

std::vector<RuleFile> RuleSet::bundled_files() {
    std::vector<RuleFile> out;
    for (const auto& f : bundled::files()) {
        fs::path p(f.name);
        if (f.name.substr(0, 6) == "rules/" && has_rule_extension(p))
            out.push_back({std::string(f.name), std::string(f.text)});
    }
    return out;
}

std::vector<RuleFile> RuleSet::read_dir(const fs::path& dir,
                                        std::vector<CompileProblem>* problems) {
    auto problem = [&](std::string file, std::string message) {
        if (problems) problems->push_back({std::move(file), 0, std::move(message)});
    };
    std::vector<fs::path> paths;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        problem(dir.string(), "cannot read the folder: " + ec.message());
        return {};
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) {
            problem(dir.string(), "cannot list the folder: " + ec.message());
            break;
        }
        std::error_code type_ec;
        if (it->is_regular_file(type_ec) && has_rule_extension(it->path()))
            paths.push_back(it->path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<RuleFile> out;
    for (const auto& p : paths) {
        std::error_code size_ec;
        auto size = fs::file_size(p, size_ec);
        if (!size_ec && size > kMaxRuleFileBytes) {
            problem(p.string(), "larger than " + std::to_string(kMaxRuleFileBytes >> 20) + " MiB");
            continue;
        }
        bool ok = false;
        std::string text = read_small_file(p, kMaxRuleFileBytes, &ok);
        if (!ok) {
            problem(p.string(), "cannot be read");
            continue;
        }
        out.push_back({p.string(), std::move(text)});
    }
    return out;
}

}  // namespace kagami::detect::yara
