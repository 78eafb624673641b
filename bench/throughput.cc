// Corpus throughput of one core: loads every message under the given paths into
// memory, checks that each one parses, then times the parse-and-decode stage (mime)
// and the whole per-message pipeline (mime + header analyses + attachment analyzers +
// score + JSON report).
//
//   throughput [--rounds N] [--mime-only] PATH...   (--mime-only: for profilers)
//   throughput [--rounds N] --attach DIR...         every file under DIR is mailed as an
//                                                   attachment: attachment-heavy mail
//
// The pipeline runs with the bundled rules, lexicon and organisations, and with a
// threat-intel feed of --indicators N made-up indicators (default 100,000: domains,
// URLs, IPs, addresses and hashes, none of which occur in real mail) or --intel FILE.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "detect/intel/indicators.h"
#include "engine.h"
#include "ingest/source.h"
#include "report/report.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Stats {
    double seconds = 0;
    std::vector<double> latencies_us;
};

template <typename Fn>
Stats run(const std::vector<kagami::ingest::RawMessage>& messages, int rounds, Fn&& fn) {
    Stats s;
    s.latencies_us.reserve(messages.size() * rounds);
    auto start = Clock::now();
    for (int r = 0; r < rounds; ++r) {
        for (const auto& m : messages) {
            auto t0 = Clock::now();
            fn(m);
            s.latencies_us.push_back(
                std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        }
    }
    s.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::sort(s.latencies_us.begin(), s.latencies_us.end());
    return s;
}

void print(const char* stage, const Stats& s, std::size_t messages, std::size_t bytes, int rounds) {
    double n = double(messages) * rounds, mb = double(bytes) * rounds / 1e6;
    auto pct = [&](double p) {
        return s.latencies_us[std::min(s.latencies_us.size() - 1,
                                       std::size_t(p * s.latencies_us.size()))];
    };
    std::printf("%-10s %10.0f messages/s  %8.1f MB/s per core  p50 %7.1f us  p99 %8.1f us\n", stage,
                n / s.seconds, mb / s.seconds, pct(0.50), pct(0.99));
}

std::string base64_lines(std::string_view in) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t col = 0;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
        if ((col += 4) == 76) {
            out += "\r\n";
            col = 0;
        }
    }
    return out + "\r\n";
}

// A message that carries `file` as its one attachment, the way mail clients send it.
kagami::ingest::RawMessage mail_with_attachment(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string name = file.filename().string();
    kagami::ingest::RawMessage m;
    m.path = file.string();
    m.bytes =
        "From: sender@example.org\r\nTo: user@example.jp\r\nSubject: document\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease see the attachment."
        "\r\n--b\r\nContent-Type: application/octet-stream; name=\"" +
        name + "\"\r\nContent-Disposition: attachment; filename=\"" + name +
        "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(bytes) + "--b--\r\n";
    return m;
}

// N indicators of every kind, deterministic, under names no real mail uses.
std::shared_ptr<kagami::detect::intel::IndicatorSet> synthetic_feed(std::size_t n) {
    using kagami::detect::intel::IndicatorType;
    auto set = std::make_shared<kagami::detect::intel::IndicatorSet>();
    kagami::detect::intel::Context context{"synthetic", {"Bench Actor"}, {}, {}, ""};
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    auto next = [&] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    char buf[80];
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t r = next();
        switch (i % 5) {
            case 0:
                std::snprintf(buf, sizeof buf, "c2-%016llx.bench.invalid",
                              static_cast<unsigned long long>(r));
                set->add(IndicatorType::domain, buf, context);
                break;
            case 1:
                std::snprintf(buf, sizeof buf, "http://dl-%016llx.invalid/a/%llu",
                              static_cast<unsigned long long>(r),
                              static_cast<unsigned long long>(i));
                set->add(IndicatorType::url, buf, context);
                break;
            case 2:
                std::snprintf(buf, sizeof buf, "10.%llu.%llu.%llu",
                              static_cast<unsigned long long>(r & 255),
                              static_cast<unsigned long long>((r >> 8) & 255),
                              static_cast<unsigned long long>((r >> 16) & 255));
                set->add(IndicatorType::ipv4, buf, context);
                break;
            case 3:
                std::snprintf(buf, sizeof buf, "x%016llx@bench.invalid",
                              static_cast<unsigned long long>(r));
                set->add(IndicatorType::email, buf, context);
                break;
            default:
                std::snprintf(buf, sizeof buf, "%016llx%016llx%016llx%016llx",
                              static_cast<unsigned long long>(r),
                              static_cast<unsigned long long>(next()),
                              static_cast<unsigned long long>(next()),
                              static_cast<unsigned long long>(next()));
                set->add(IndicatorType::sha256, buf, context);
        }
    }
    return set;
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 3;
    bool mime_only = false, attach = false;
    std::vector<std::string> paths;
    std::size_t indicators = 100000;
    std::string intel_file;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--indicators") == 0 && i + 1 < argc)
            indicators = std::strtoull(argv[++i], nullptr, 10);
        else if (std::strcmp(argv[i], "--intel") == 0 && i + 1 < argc)
            intel_file = argv[++i];
        else if (std::strcmp(argv[i], "--mime-only") == 0)
            mime_only = true;
        else if (std::strcmp(argv[i], "--attach") == 0)
            attach = true;
        else
            paths.emplace_back(argv[i]);
    }
    if (paths.empty()) {
        std::fprintf(stderr,
                     "usage: throughput [--rounds N] [--mime-only] [--indicators N | --intel "
                     "FILE] PATH...\n"
                     "       throughput [--rounds N] --attach DIR...\n");
        return 2;
    }
    std::vector<kagami::ingest::RawMessage> messages;
    std::size_t bytes = 0;
    for (const auto& p : paths) {
        if (attach) {
            std::vector<std::filesystem::path> files;
            for (const auto& e : std::filesystem::recursive_directory_iterator(p))
                if (e.is_regular_file() && e.file_size() > 0) files.push_back(e.path());
            std::sort(files.begin(), files.end());
            for (const auto& f : files) {
                messages.push_back(mail_with_attachment(f));
                bytes += messages.back().bytes.size();
            }
            continue;
        }
        kagami::ingest::read_path(
            p, {},
            [&](kagami::ingest::RawMessage&& m) {
                bytes += m.bytes.size();
                messages.push_back(std::move(m));
            },
            [](const kagami::Error& e) {
                std::fprintf(stderr, "skipped: %s\n", e.message.c_str());
            });
    }
    if (messages.empty()) {
        std::fprintf(stderr, "no messages found\n");
        return 2;
    }

    kagami::EngineOptions options;
    options.detection = kagami::detect::bundled_content();
    auto load_start = Clock::now();
    if (!intel_file.empty()) {
        auto set = std::make_shared<kagami::detect::intel::IndicatorSet>();
        set->load_file(intel_file);
        options.detection.intel = std::move(set);
    } else if (indicators > 0) {
        options.detection.intel = synthetic_feed(indicators);
    }
    if (options.detection.intel)
        std::printf("intel      %zu indicators loaded in %.2f s\n", options.detection.intel->size(),
                    std::chrono::duration<double>(Clock::now() - load_start).count());
    kagami::Engine engine{std::move(options)};
    // Check the answer before timing it: every message yields a tree with a root part.
    std::size_t parts = 0;
    for (const auto& m : messages) {
        auto msg = kagami::mime::parse_message(m.bytes, engine.options().limits);
        if (msg.root.path != "1") {
            std::fprintf(stderr, "%s: no root part\n", m.path.c_str());
            return 1;
        }
        parts += msg.part_count;
    }
    std::size_t artifacts = 0;
    for (const auto& m : messages) artifacts += engine.scan(m).artifacts.size();
    std::printf(
        "corpus     %zu messages, %.1f MB, %zu MIME parts, %zu files in attachments, %d rounds, "
        "1 thread\n",
        messages.size(), bytes / 1e6, parts, artifacts, rounds);

    auto mime = run(messages, rounds, [&](const kagami::ingest::RawMessage& m) {
        auto msg = kagami::mime::parse_message(m.bytes, engine.options().limits);
        if (msg.part_count == 0) std::abort();
    });
    print("mime", mime, messages.size(), bytes, rounds);
    if (mime_only) return 0;

    std::size_t out_bytes = 0;
    if (attach) {
        // The analyzers alone on the decoded attachments (MB/s of attachment bytes): what
        // unpacking, parsing and hashing cost without MIME and reporting.
        std::vector<kagami::mime::Message> parsed;
        std::vector<std::vector<kagami::analyzers::Attachment>> inputs;
        std::size_t attachment_bytes = 0;
        parsed.reserve(messages.size());
        for (const auto& m : messages) {
            parsed.push_back(kagami::mime::parse_message(m.bytes, engine.options().limits));
            auto& list = inputs.emplace_back();
            kagami::mime::for_each_part(parsed.back(), [&](const kagami::mime::Part& p) {
                if (!p.is_attachment() || p.body.empty()) return;
                list.push_back({p.body, p.filename, p.path});
                attachment_bytes += p.body.size();
            });
        }
        std::size_t index = 0;
        auto analyzers = run(messages, rounds, [&](const kagami::ingest::RawMessage&) {
            auto a = kagami::analyzers::analyze(inputs[index++ % inputs.size()], {},
                                                engine.options().limits);
            if (a.artifacts.empty()) std::abort();
        });
        print("analyzers", analyzers, messages.size(), attachment_bytes, rounds);
    }

    auto full = run(messages, rounds, [&](const kagami::ingest::RawMessage& m) {
        out_bytes += kagami::report::to_json_line(engine.scan(m)).size();
    });
    print("pipeline", full, messages.size(), bytes, rounds);

    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("peak RSS   %.1f MB\n", ru.ru_maxrss / 1024.0);
    return out_bytes > 0 ? 0 : 1;
}
