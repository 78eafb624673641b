#include "cli/hunt.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/bundled.h"
#include "core/hash.h"
#include "core/time.h"
#include "detect/detection.h"
#include "kagami/version.h"
#include "store/hunt.h"

namespace kagami::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) {
    g_stop = true;
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

std::string file_digest(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return in ? "sha256:" + core::sha256_hex(text.str()) : "unreadable";
}

// What the verdicts of this run are made with, for the store's scan_config.
store::ScanConfig scan_config(const ScanOptions& o) {
    store::ScanConfig c;
    c.kagami_version = kVersion;
    std::vector<std::string> unreadable;
    std::string all;
    for (const auto& f : detect::rule_files(o.content, unreadable))
        all += f.name + '\n' + core::sha256_hex(f.text) + '\n';
    c.rules = o.content.bundled_rules ? "bundled" : "user only";
    c.rules += " sha256:" + core::sha256_hex(all);
    for (const auto& feed : o.content.intel) {
        auto eq = feed.find('=');
        std::string file = eq == std::string::npos ? feed : feed.substr(eq + 1);
        c.intel += (c.intel.empty() ? "" : ", ") + feed + " " + file_digest(file);
    }
    c.policy = o.policy_file.empty() ? "bundled" : o.policy_file + " " + file_digest(o.policy_file);
    return c;
}

std::optional<std::chrono::seconds> parse_duration(std::string_view s) {
    if (s.empty()) return std::nullopt;
    long long unit = 1;
    switch (s.back()) {
        case 'd':
            unit = 86400;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'm':
            unit = 60;
            break;
        case 's':
            break;
        default:
            if (s.back() < '0' || s.back() > '9') return std::nullopt;
            s = std::string_view(s.data(), s.size() + 1);  // no unit: seconds
    }
    s.remove_suffix(1);
    if (s.empty() || s.size() > 9) return std::nullopt;
    long long n = 0;
    for (char ch : s) {
        if (ch < '0' || ch > '9') return std::nullopt;
        n = n * 10 + (ch - '0');
    }
    return std::chrono::seconds(n * unit);
}

std::string clock(double seconds) {
    long s = long(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
    else
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    return buf;
}

// A bar on a terminal, redrawn in place; otherwise one parseable line every few
// seconds, for logs and scripts.
class ProgressPrinter {
public:
    explicit ProgressPrinter(std::string mode) : mode_(std::move(mode)) {
        if (mode_ == "auto") mode_ = isatty(STDERR_FILENO) ? "bar" : "lines";
    }

    void operator()(const store::HuntProgress& p, bool final = false) {
        if (mode_ == "none") return;
        double secs = std::chrono::duration<double>(p.elapsed).count();
        auto now = std::chrono::steady_clock::now();
        auto every = mode_ == "bar" ? std::chrono::milliseconds(200) : std::chrono::seconds(5);
        if (!final && now - last_ < every) return;
        last_ = now;
        double mbs = secs > 0 ? double(p.bytes) / 1e6 / secs : 0;
        double rate = secs > 0 ? double(p.read) / secs : 0;
        double eta = p.total_bytes > p.bytes && p.bytes > 0
                         ? secs * double(p.total_bytes - p.bytes) / double(p.bytes)
                         : 0;
        if (mode_ == "bar") {
            int pct = p.total_bytes
                          ? int(std::min<std::uint64_t>(100, p.bytes * 100 / p.total_bytes))
                          : 0;
            std::string bar(30, ' ');
            for (int i = 0; i < pct * 30 / 100; ++i) bar[std::size_t(i)] = '=';
            std::fprintf(stderr,
                         "\r[%s] %3d%%  %llu messages (%llu stored, %llu known)  %.0f msg/s  %.1f "
                         "MB/s  ETA %s ",
                         bar.c_str(), pct, (unsigned long long)p.read, (unsigned long long)p.stored,
                         (unsigned long long)p.known, rate, mbs,
                         final ? "0m00s" : clock(eta).c_str());
            if (final) std::fputc('\n', stderr);
        } else {
            std::fprintf(stderr,
                         "progress read=%llu stored=%llu known=%llu errors=%llu bytes=%llu "
                         "total_bytes=%llu elapsed_s=%.1f messages_per_s=%.1f mb_per_s=%.2f "
                         "eta_s=%.0f\n",
                         (unsigned long long)p.read, (unsigned long long)p.stored,
                         (unsigned long long)p.known, (unsigned long long)p.errors,
                         (unsigned long long)p.bytes, (unsigned long long)p.total_bytes, secs, rate,
                         mbs, eta);
        }
        std::fflush(stderr);
    }

private:
    std::string mode_;
    std::chrono::steady_clock::time_point last_{};
};

std::string optional_time(const std::optional<std::int64_t>& t) {
    return t ? core::iso8601_utc(*t) : std::string("-");
}

void print_hit(const store::HuntHit& h, bool json) {
    const auto& m = h.message;
    if (json) {
        nlohmann::json j;
        j["message_id"] = m.sha256;
        // The same shape as `kagami scan --format json`.
        nlohmann::json source{{"path", m.source}};
        if (m.index >= 0) source["index"] = m.index;
        j["source"] = std::move(source);
        j["date"] = m.date ? nlohmann::json(core::iso8601_utc(*m.date)) : nlohmann::json();
        j["sender"] = m.sender;
        j["recipients"] = m.recipients;
        j["subject"] = m.subject;
        j["verdict"] = m.verdict;
        j["indicator"] = h.indicator;
        j["observed"] = h.observed;
        j["type"] = h.type;
        j["feed"] = h.feed;
        j["where"] = h.where;
        j["actors"] = h.actors;
        j["malware"] = h.malware;
        j["campaigns"] = h.campaigns;
        std::printf("%s\n",
                    j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return;
    }
    std::string to;
    for (const auto& r : m.recipients) to += (to.empty() ? "" : ", ") + r;
    std::string who;
    for (const auto& a : h.actors) who += (who.empty() ? "" : ", ") + a;
    for (const auto& a : h.malware) who += (who.empty() ? "" : ", ") + a;
    std::printf("%s  %s  %s %s%s in %s  [feed %s%s]\n    %s%s  from %s  to %s  \"%s\"  %s\n",
                optional_time(m.date ? m.date : m.received).c_str(), m.verdict.c_str(),
                h.type.c_str(), h.indicator.c_str(),
                h.observed != h.indicator ? (" (as " + h.observed + ")").c_str() : "",
                h.where.c_str(), h.feed.c_str(), who.empty() ? "" : ("; " + who).c_str(),
                m.source.c_str(), m.index >= 0 ? (":" + std::to_string(m.index)).c_str() : "",
                m.sender.c_str(), to.c_str(), m.subject.c_str(), m.sha256.c_str());
}

}  // namespace

CLI::App* add_hunt_command(CLI::App& app, HuntOptions& o) {
    auto* cmd = app.add_subcommand(
        "hunt",
        "Scan archives into a store (resumable), then report every stored message a feed "
        "names; with no PATH, only match the feeds against what is stored");
    cmd->add_option("paths", o.scan.paths,
                    "Files or folders: .eml, mbox, Maildir, Outlook .pst (from content)");
    cmd->add_option("--db", o.db, "Store: SQLite file (created) or postgresql://user@host/db")
        ->required();
    cmd->add_option("--format", o.format, "Output of feed hits")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("-j,--jobs", o.scan.threads, "Scanning threads (default: all cores)");
    cmd->add_option("--password-window", o.password_window,
                    "How long after an encrypted archive a separate password mail counts "
                    "(e.g. 24h, 90m, 2d)")
        ->capture_default_str();
    cmd->add_option("--progress", o.progress, "auto: a bar on a terminal, lines otherwise")
        ->check(CLI::IsMember({"auto", "bar", "lines", "none"}))
        ->capture_default_str();
    cmd->add_option("--max-message-bytes", o.scan.engine.limits.max_message_bytes,
                    "Longer messages are cut")
        ->capture_default_str();
    add_content_options(*cmd, o.scan);
    return cmd;
}

int run_hunt(const HuntOptions& given) {
    HuntOptions o = given;
    auto window = parse_duration(o.password_window);
    if (!window) {
        std::fprintf(stderr, "kagami: --password-window %s: give a duration like 24h, 90m or 2d\n",
                     o.password_window.c_str());
        return 2;
    }
    if (o.scan.paths.empty() && o.scan.content.intel.empty()) {
        std::fprintf(stderr, "kagami: hunt needs PATHs to scan, --intel feeds to match, or both\n");
        return 2;
    }
    if (!load_detection(o.scan, o.scan.engine, false)) return 2;
    auto store = store::Store::open(o.db);
    if (!store) {
        std::fprintf(stderr, "kagami: %s\n", store.error().message.c_str());
        return 2;
    }
    auto config = store->config_id(scan_config(o.scan));
    if (!config) {
        std::fprintf(stderr, "kagami: %s\n", config.error().message.c_str());
        return 2;
    }
    Engine engine(o.scan.engine);
    int rc = 0;
    if (!o.scan.paths.empty()) {
        g_stop = false;
        auto previous = std::signal(SIGINT, on_interrupt);
        ProgressPrinter progress(o.progress);
        store::HuntOptions h;
        h.paths = o.scan.paths;
        h.threads = o.scan.threads;
        h.read.max_message_bytes = o.scan.engine.limits.max_message_bytes;
        h.stop = &g_stop;
        h.on_progress = [&](const store::HuntProgress& p) { progress(p); };
        h.on_error = [](const Error& e) {
            std::fprintf(stderr, "\nkagami: %s\n", e.message.c_str());
        };
        auto summary = store::hunt(*store, engine, *config, h);
        std::signal(SIGINT, previous);
        progress(summary.progress, true);
        const auto& p = summary.progress;
        std::fprintf(stderr,
                     "kagami: %llu messages read, %llu stored, %llu already stored, %llu "
                     "unreadable files or mailboxes, in %.1f s\n",
                     (unsigned long long)p.read, (unsigned long long)p.stored,
                     (unsigned long long)p.known, (unsigned long long)p.errors,
                     std::chrono::duration<double>(p.elapsed).count());
        if (summary.failure) {
            std::fprintf(stderr,
                         "kagami: the hunt stopped: %s\nkagami: everything stored so far is "
                         "kept; run the same command again to resume\n",
                         summary.failure->message.c_str());
            return 2;
        }
        if (summary.interrupted) {
            std::fprintf(stderr, "kagami: interrupted; run the same command again to resume\n");
            return 130;
        }
        if (p.errors) rc = 2;
    }
    auto unlocked = store::unlock_split_passwords(*store, engine, *config, *window);
    if (!unlocked) {
        std::fprintf(stderr, "kagami: %s\n", unlocked.error().message.c_str());
        return 2;
    }
    for (const auto& u : *unlocked) {
        auto both = store->summaries({u.message, u.key_from});
        if (both && both->size() == 2)
            std::fprintf(stderr,
                         "kagami: opened the archive of %s (\"%s\") with the password sent in "
                         "%s (\"%s\"): now %s\n",
                         (*both)[0].sha256.c_str(), (*both)[0].subject.c_str(),
                         (*both)[1].sha256.c_str(), (*both)[1].subject.c_str(), u.verdict.c_str());
    }
    if (const auto& feed = o.scan.engine.detection.intel) {
        auto hits = store::hunt_stored(*store, *feed);
        if (!hits) {
            std::fprintf(stderr, "kagami: %s\n", hits.error().message.c_str());
            return 2;
        }
        for (const auto& h : *hits) print_hit(h, o.format == "json");
        std::fflush(stdout);
        if (!hits->empty() && rc == 0) rc = 1;
    }
    return rc;
}

}  // namespace kagami::cli
