#pragma once

#include <string_view>

namespace kagami {

enum class Verdict { clean, suspicious, malicious };

constexpr std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::clean:
            return "clean";
        case Verdict::suspicious:
            return "suspicious";
        case Verdict::malicious:
            return "malicious";
    }
    return "clean";
}

}  // namespace kagami
