#include "cli/scan.h"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "detect/yara/rules.h"
#include "ingest/source.h"
#include "report/report.h"
#include "score/policy.h"

namespace kagami::cli {
namespace {

// Messages are read by one thread, scanned by N, and printed in input order. At most
// `window` messages are in flight (read but not yet printed), which bounds memory
// however large the archive and however slow one message is.
class OrderedScanner {
public:
    OrderedScanner(const ScanOptions& options, unsigned threads)
        : options_(options), engine_(options.engine), window_(threads * 4) {}

    void submit(ingest::RawMessage&& msg) {
        std::unique_lock lock(mu_);
        can_submit_.wait(lock, [&] { return next_seq_ - next_print_ < window_; });
        queue_.push_back({next_seq_++, std::move(msg)});
        has_work_.notify_one();
    }

    void close() {
        std::lock_guard lock(mu_);
        closed_ = true;
        has_work_.notify_all();
    }

    void work() {
        for (;;) {
            std::pair<std::size_t, ingest::RawMessage> item;
            {
                std::unique_lock lock(mu_);
                has_work_.wait(lock, [&] { return closed_ || !queue_.empty(); });
                if (queue_.empty()) return;
                item = std::move(queue_.front());
                queue_.pop_front();
            }
            ScanResult r = engine_.scan(item.second);
            item.second.bytes.clear();
            std::string text = options_.format == OutputFormat::json
                                   ? report::to_json_line(r) + "\n"
                                   : report::to_text(r) + "\n";
            std::lock_guard lock(mu_);
            if (r.verdict != Verdict::clean) found_ = true;
            done_.emplace(item.first, std::move(text));
            flush_locked();
        }
    }

    bool found() const { return found_; }

private:
    void flush_locked() {
        for (auto it = done_.find(next_print_); it != done_.end(); it = done_.find(next_print_)) {
            std::fwrite(it->second.data(), 1, it->second.size(), stdout);
            done_.erase(it);
            ++next_print_;
        }
        std::fflush(stdout);
        can_submit_.notify_all();
    }

    const ScanOptions& options_;
    Engine engine_;
    std::size_t window_;
    std::mutex mu_;
    std::condition_variable can_submit_, has_work_;
    std::deque<std::pair<std::size_t, ingest::RawMessage>> queue_;
    std::map<std::size_t, std::string> done_;
    std::size_t next_seq_ = 0, next_print_ = 0;
    bool closed_ = false;
    bool found_ = false;
};

// Content-addressed, written to a temporary name and renamed, so that two threads
// extracting the same file never leave a half-written one.
analyzers::ArtifactVisitor extractor(const std::filesystem::path& dir) {
    return [dir](const analyzers::Artifact& a, std::string_view bytes) {
        auto target = dir / a.sha256;
        std::error_code ec;
        if (std::filesystem::exists(target, ec)) return;
        std::ostringstream tid;
        tid << std::this_thread::get_id();
        auto tmp = dir / ("." + a.sha256 + "." + tid.str() + ".tmp");
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            if (!out) {
                std::fprintf(stderr, "kagami: cannot write %s\n", tmp.c_str());
                return;
            }
        }
        std::filesystem::rename(tmp, target, ec);
        if (ec) std::filesystem::remove(tmp, ec);
    };
}

}  // namespace

void add_rule_options(CLI::App& cmd, ScanOptions& scan) {
    cmd.add_option("--rules", scan.content.rule_paths,
                   "YARA rule folder (recursive) or file, added to the bundled rules; repeatable");
    cmd.add_flag("!--no-bundled-rules", scan.content.bundled_rules,
                 "Run only the rules given with --rules");
    cmd.add_option("--rules-cache", scan.content.rule_cache,
                   "Folder for compiled rules (default ~/.cache/kagami; \"none\" for no cache)");
}

void add_content_options(CLI::App& cmd, ScanOptions& scan) {
    add_rule_options(cmd, scan);
    cmd.add_option("--intel", scan.content.intel,
                   "Threat-intel feed: STIX 2.1 bundle, MISP event JSON or a list of "
                   "indicators; NAME=FILE names the feed; repeatable");
    cmd.add_option("--policy", scan.policy_file,
                   "Scoring policy (TOML) overriding data/scores.toml entry by entry");
    cmd.add_option("--lures", scan.content.lures, "Lure lexicon (TOML) replacing the bundled one");
    cmd.add_option("--organisations", scan.content.organisations,
                   "Organisation directory (TOML) replacing the bundled one");
}

bool load_detection(const ScanOptions& options, EngineOptions& engine, bool verbose) {
    auto load = detect::load_content(options.content);
    for (const auto& w : load.warnings) std::fprintf(stderr, "kagami: %s\n", w.c_str());
    if (verbose)
        for (const auto& n : load.notes) std::fprintf(stderr, "kagami: %s\n", n.c_str());
    for (const auto& e : load.errors) std::fprintf(stderr, "kagami: %s\n", e.c_str());
    if (!load.errors.empty()) return false;
    engine.detection = std::move(load.content);
    engine.policy = score::Policy::bundled();
    if (!options.policy_file.empty()) {
        std::ifstream in(options.policy_file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        std::string error = in ? "" : "cannot read the file";
        if (in) engine.policy = score::Policy::parse(text.str(), &error, engine.policy.get());
        if (!in || !engine.policy) {
            std::fprintf(stderr, "kagami: --policy %s: %s\n", options.policy_file.c_str(),
                         error.c_str());
            return false;
        }
    }
    return true;
}

int run_rules_check(const ScanOptions& options) {
    std::vector<std::string> unreadable;
    auto files = detect::rule_files(options.content, unreadable);
    detect::yara::CompileReport report;
    auto rules = detect::yara::RuleSet::compile(files, &report);
    for (const auto& u : unreadable) std::printf("unreadable  %s\n", u.c_str());
    for (const auto& e : report.errors)
        std::printf("left out    %s:%d: %s\n", e.file.c_str(), e.line, e.message.c_str());
    for (const auto& w : report.warnings)
        std::printf("warning     %s:%d: %s\n", w.file.c_str(), w.line, w.message.c_str());
    std::printf("%zu of %zu rule files compiled, %zu rules\n", report.compiled, report.files,
                report.rules);
    if (!rules) return 2;
    return report.errors.empty() && unreadable.empty() ? 0 : 1;
}

int run_scan(const ScanOptions& given) {
    ScanOptions options = given;
    if (!load_detection(options, options.engine, false)) return 2;
    if (!options.extract_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(options.extract_dir, ec);
        if (ec) {
            std::fprintf(stderr, "kagami: cannot create %s: %s\n", options.extract_dir.c_str(),
                         ec.message().c_str());
            return 2;
        }
        options.engine.on_artifact = extractor(options.extract_dir);
    }
    unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    OrderedScanner scanner(options, threads);
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < threads; ++i) workers.emplace_back([&] { scanner.work(); });

    bool error = false;
    ingest::ReadOptions read_options;
    read_options.max_message_bytes = options.engine.limits.max_message_bytes;
    for (const auto& path : options.paths) {
        ingest::read_path(
            path, read_options, [&](ingest::RawMessage&& msg) { scanner.submit(std::move(msg)); },
            [&](const Error& e) {
                error = true;
                std::fprintf(stderr, "kagami: %s\n", e.message.c_str());
            });
    }
    scanner.close();
    for (auto& t : workers) t.join();
    if (error) return 2;
    return scanner.found() ? 1 : 0;
}

}  // namespace kagami::cli
