// Dropping the last reference to a big replay result (millions of result rows) frees it for a
// few hundred milliseconds; on the GUI thread that is a stall a person feels. releaseLater()
// hands the reference to a background thread (low priority) that drops it there. Thread-safe.
#pragma once

#include <memory>

namespace streamlab::ui {

void releaseLater(std::shared_ptr<const void> p);

// Moves `p` out (leaving it empty) and releases it later.
template <class T>
void releaseLater(std::shared_ptr<T>& p)
{
    releaseLater(std::shared_ptr<const void>(std::move(p)));
}

} // namespace streamlab::ui
