// SPDX-License-Identifier: Apache-2.0
// Lure lexicon: cost of one match() on a typical mail body, and of its NFKC folding.
#include <benchmark/benchmark.h>

#include <string>

#include "core/normalize.h"
#include "detect/lure/lexicon.h"

namespace {

// About 5 KB of ordinary Japanese business mail with one lure theme in it.
std::string japanese_body() {
    const std::string paragraph =
        "いつもお世話になっております。先日の打ち合わせでは貴重なお時間をいただき、誠にありがとう"
        "ございました。ご相談いただいた件につきまして、社内で検討した結果を添付のとおりお送りいたし"
        "ます。ご不明な点がございましたら、お気軽にお問い合わせください。\r\n";
    std::string body = "関係者各位\r\n\r\n台湾海峡の情勢に関する勉強会の資料を送付いたします。\r\n";
    while (body.size() < 5000) body += paragraph;
    return body;
}

// About 30 KB of English text without a lure.
std::string english_body() {
    const std::string paragraph =
        "Thank you for your order. Your package will ship within two business days and you "
        "will receive a tracking number by email once it leaves our warehouse.\r\n";
    std::string body;
    while (body.size() < 30000) body += paragraph;
    return body;
}

void BM_LureMatch(benchmark::State& state, std::string (*make)(), std::size_t expected) {
    auto lexicon = kagami::detect::lure::Lexicon::bundled();
    const std::string body = make();
    if (!lexicon || lexicon->match(body).size() != expected) {
        state.SkipWithError("unexpected lexicon result");
        return;
    }
    for (auto _ : state) benchmark::DoNotOptimize(lexicon->match(body));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_LureMatch, japanese_5k, japanese_body, 1);
BENCHMARK_CAPTURE(BM_LureMatch, english_30k, english_body, 0);

void BM_FoldJapanese(benchmark::State& state) {
    const std::string body = japanese_body();
    for (auto _ : state) benchmark::DoNotOptimize(kagami::core::fold_for_match(body));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_FoldJapanese);

}  // namespace

BENCHMARK_MAIN();
