// Parse-and-decode of the bundled examples, per message shape.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "mime/message.h"

namespace {

std::string example(const char* name) {
    std::ifstream in(std::string(KAGAMI_SOURCE_DIR) + "/examples/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void BM_ParseMessage(benchmark::State& state, const char* name) {
    std::string bytes = example(name);
    kagami::Limits limits;
    if (bytes.empty() || kagami::mime::parse_message(bytes, limits).part_count == 0) {
        state.SkipWithError("example missing or unparsable");
        return;
    }
    for (auto _ : state) benchmark::DoNotOptimize(kagami::mime::parse_message(bytes, limits));
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes.size()));
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_ParseMessage, iso2022jp_plain, "01-ordinary-ja-meeting.eml");
BENCHMARK_CAPTURE(BM_ParseMessage, alternative_html, "02-ordinary-en-newsletter.eml");
BENCHMARK_CAPTURE(BM_ParseMessage, mixed_attachment, "03-lure-ja-alliance.eml");
BENCHMARK_CAPTURE(BM_ParseMessage, unlabelled_sjis, "05-unlabelled-shift-jis.eml");
BENCHMARK_CAPTURE(BM_ParseMessage, forwarded_rfc822, "06-forwarded-report.eml");

}  // namespace

BENCHMARK_MAIN();
