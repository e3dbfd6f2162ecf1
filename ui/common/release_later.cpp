#include "common/release_later.h"

#include <QCoreApplication>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace streamlab::ui {

namespace {

    // One thread for the life of the process, detached: at exit whatever is left is reclaimed
    // with the process.
    class Releaser {
    public:
        Releaser()
        {
            std::thread([this] { loop(); }).detach();
        }
        void push(std::function<void()> task)
        {
            {
                std::lock_guard lock(m_mutex);
                m_queue.push_back(std::move(task));
            }
            m_cv.notify_one();
        }

    private:
        void loop()
        {
            (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
            for (;;) {
                std::function<void()> task;
                {
                    std::unique_lock lock(m_mutex);
                    m_cv.wait(lock, [this] { return !m_queue.empty(); });
                    task = std::move(m_queue.front());
                    m_queue.pop_front();
                }
                task();
            }
        }
        std::mutex m_mutex;
        std::condition_variable m_cv;
        std::deque<std::function<void()>> m_queue;
    };

    Releaser& releaser()
    {
        static Releaser* r = new Releaser; // never destroyed: its thread outlives main
        return *r;
    }

} // namespace

void releaseLater(std::shared_ptr<const void> p)
{
    if (!p)
        return;
    if (p.use_count() > 1)
        return; // someone else still holds it: dropping this reference frees nothing
    releaser().push([p = std::move(p)]() mutable { p.reset(); });
}

void runInBackground(std::function<void()> task) { releaser().push(std::move(task)); }

void postToGui(std::function<void()> f)
{
    if (QCoreApplication* app = QCoreApplication::instance())
        QMetaObject::invokeMethod(app, std::move(f), Qt::QueuedConnection);
}

} // namespace streamlab::ui
