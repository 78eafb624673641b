// The engine as a fresh install runs it: bundled rules, lexicon, organisations and
// policy, plus an optional intel feed. Built once per feed and shared by the tests.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "detect/detection.h"
#include "detect/intel/indicators.h"
#include "engine.h"

namespace kagami::test {

/// `stix_feed` is a STIX 2.1 bundle (JSON text) loaded as the feed "test-feed"; empty
/// for none. Aborts the test program when the feed gives no indicator.
inline const Engine& bundled_engine(const std::string& stix_feed = {}) {
    static std::mutex mu;
    static std::map<std::string, std::unique_ptr<Engine>> engines;
    std::lock_guard lock(mu);
    auto& engine = engines[stix_feed];
    if (!engine) {
        EngineOptions options;
        options.detection = detect::bundled_content();
        if (!stix_feed.empty()) {
            auto set = std::make_shared<detect::intel::IndicatorSet>();
            auto report = set->load_stix(stix_feed, "test-feed");
            if (report.indicators == 0) {
                std::fprintf(stderr, "bundled_engine: the test feed gave no indicator\n");
                std::abort();
            }
            options.detection.intel = std::move(set);
        }
        engine = std::make_unique<Engine>(std::move(options));
    }
    return *engine;
}

}  // namespace kagami::test
