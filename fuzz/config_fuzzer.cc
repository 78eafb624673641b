// The TOML files users write: a scoring policy (over the bundled one) and an
// organisation directory. Bad files must give an error, never a crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "detect/sender/organisations.h"
#include "score/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string error;
    static const auto base = kagami::score::Policy::bundled();
    if (auto p = kagami::score::Policy::parse(in, &error, base.get()))
        (void)p->weight_of("lnk.target.script_host");
    if (auto d = kagami::detect::sender::Directory::parse(in, &error))
        (void)d->named_in("外務省 JAXA");
    return 0;
}
