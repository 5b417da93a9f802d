#include "startup_probe.h"

#include <QCoreApplication>
#include <QEvent>
#include <QTimer>
#include <QWidget>
#include <QWindow>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace clab::gui {

namespace {
std::vector<std::pair<const char*, int64_t>>& marks() {
    static std::vector<std::pair<const char*, int64_t>> list;
    return list;
}

class ExposeWatcher : public QObject {
public:
    ExposeWatcher(QWidget* window, int64_t main_ns, int64_t built_ns)
        : QObject(window)
        , window_(window)
        , main_ns_(main_ns)
        , built_ns_(built_ns) {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        // The QWindow behind the widget exists only once it is shown, so the whole application is
        // watched (only while probing) and the window recognised when its expose comes.
        if (event->type() == QEvent::Expose && exposed_ns_ == 0 && watched == window_->windowHandle() &&
            window_->windowHandle()->isExposed()) {
            exposed_ns_ = monotonic_now_ns();
            // Qt paints the exposed window while it handles this event; the next turn of the event
            // loop comes after that frame went to the window system.
            QTimer::singleShot(0, this, [this] {
                std::string extra;
                for (const auto& [name, ns] : marks())
                    extra += " " + std::string(name) + "_ns=" + std::to_string(ns);
                std::printf("clab-startup main_ns=%lld built_ns=%lld exposed_ns=%lld painted_ns=%lld%s\n",
                            static_cast<long long>(main_ns_), static_cast<long long>(built_ns_),
                            static_cast<long long>(exposed_ns_), static_cast<long long>(monotonic_now_ns()),
                            extra.c_str());
                std::fflush(stdout);
                QCoreApplication::quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QWidget* window_;
    int64_t main_ns_;
    int64_t built_ns_;
    int64_t exposed_ns_ = 0;
};
} // namespace

int64_t monotonic_now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool startup_probe_requested() {
    static const bool requested = qEnvironmentVariableIsSet("CLAB_STARTUP_PROBE");
    return requested;
}

void startup_mark(const char* name) {
    if (startup_probe_requested()) marks().emplace_back(name, monotonic_now_ns());
}

void install_startup_probe(QWidget* window, int64_t main_ns, int64_t built_ns) {
    QCoreApplication::instance()->installEventFilter(new ExposeWatcher(window, main_ns, built_ns));
}

} // namespace clab::gui
