// Dropping the last reference to a big replay result (millions of result rows) frees it for a
// few hundred milliseconds; on the GUI thread that is a stall a person feels. releaseLater()
// hands the reference to a background thread (low priority) that drops it there, and
// runInBackground() runs other such work there (copying or comparing a run's results), in
// the order given. Thread-safe.
#pragma once

#include <functional>
#include <memory>

namespace streamlab::ui {

void releaseLater(std::shared_ptr<const void> p);

// Runs `task` on the background thread, after what was queued before it. The task must not
// touch widgets: it hands its result back with postToGui.
void runInBackground(std::function<void()> task);

// From a background task: runs `f` on the GUI thread, queued. Dropped when the application is
// already gone (a task that ends while the process exits).
void postToGui(std::function<void()> f);

// Moves `p` out (leaving it empty) and releases it later.
template <class T>
void releaseLater(std::shared_ptr<T>& p)
{
    releaseLater(std::shared_ptr<const void>(std::move(p)));
}

} // namespace streamlab::ui
