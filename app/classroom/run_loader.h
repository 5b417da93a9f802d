// RunLoader: opens a run file off the GUI thread. A large file takes a while to read, inflate and
// check (20 million events are half a gigabyte), and the window must keep drawing the runs that
// stream meanwhile; the load reports its progress and can be cancelled at any chunk.
#pragma once

#include "run_file.h"

#include <QObject>
#include <QTimer>
#include <atomic>
#include <memory>
#include <thread>

namespace clab::classroom {

class RunLoader : public QObject {
    Q_OBJECT
public:
    explicit RunLoader(QObject* parent = nullptr);
    ~RunLoader() override; // cancels and joins

    // Starts loading `path`; false if a load is still under way.
    bool start(const QString& path);
    void cancel();
    bool busy() const { return thread_.joinable(); }
    QString path() const { return path_; }
    // What the last load gave (after finished()); moved out, so ask once.
    DecodeResult take() { return std::move(result_); }

signals:
    void progressed(double done); // 0..1, on the GUI thread
    void finished();              // on the GUI thread; take() has the result

private:
    void poll();

    struct Shared {
        std::atomic<bool> cancel{false};
        std::atomic<double> done{0.0};
        std::atomic<bool> ended{false};
        DecodeResult result; // written by the loading thread before `ended`
    };
    std::shared_ptr<Shared> shared_;
    std::thread thread_;
    QTimer poll_;
    QString path_;
    DecodeResult result_;
};

} // namespace clab::classroom
