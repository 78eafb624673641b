// Corpus throughput of one core: loads every message under the given paths into
// memory, checks that each one parses, then times the parse-and-decode stage (mime)
// and the whole per-message pipeline (mime + header analyses + score + JSON report).
//
//   throughput [--rounds N] [--mime-only] PATH...   (--mime-only: for profilers)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

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

}  // namespace

int main(int argc, char** argv) {
    int rounds = 3;
    bool mime_only = false;
    std::vector<std::string> paths;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--mime-only") == 0)
            mime_only = true;
        else
            paths.emplace_back(argv[i]);
    }
    if (paths.empty()) {
        std::fprintf(stderr, "usage: throughput [--rounds N] [--mime-only] PATH...\n");
        return 2;
    }
    std::vector<kagami::ingest::RawMessage> messages;
    std::size_t bytes = 0;
    for (const auto& p : paths) {
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

    kagami::Engine engine{kagami::EngineOptions{}};
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
    std::printf("corpus     %zu messages, %.1f MB, %zu MIME parts, %d rounds, 1 thread\n",
                messages.size(), bytes / 1e6, parts, rounds);

    auto mime = run(messages, rounds, [&](const kagami::ingest::RawMessage& m) {
        auto msg = kagami::mime::parse_message(m.bytes, engine.options().limits);
        if (msg.part_count == 0) std::abort();
    });
    print("mime", mime, messages.size(), bytes, rounds);
    if (mime_only) return 0;

    std::size_t out_bytes = 0;
    auto full = run(messages, rounds, [&](const kagami::ingest::RawMessage& m) {
        out_bytes += kagami::report::to_json_line(engine.scan(m)).size();
    });
    print("pipeline", full, messages.size(), bytes, rounds);

    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("peak RSS   %.1f MB\n", ru.ru_maxrss / 1024.0);
    return out_bytes > 0 ? 0 : 1;
}
