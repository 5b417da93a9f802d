#include "run_loader.h"

namespace clab::classroom {

namespace {
constexpr int kPollMs = 50;
}

RunLoader::RunLoader(QObject* parent)
    : QObject(parent) {
    poll_.setInterval(kPollMs);
    connect(&poll_, &QTimer::timeout, this, &RunLoader::poll);
}

RunLoader::~RunLoader() {
    cancel();
    if (thread_.joinable()) thread_.join(); // the decoder checks the flag at every chunk
}

bool RunLoader::start(const QString& path) {
    if (busy()) return false;
    path_ = path;
    result_ = DecodeResult{};
    shared_ = std::make_shared<Shared>();
    thread_ = std::thread([shared = shared_, path] {
        shared->result = load_run_file(path, [&shared = *shared](double done) {
            shared.done.store(done, std::memory_order_relaxed);
            return !shared.cancel.load(std::memory_order_relaxed);
        });
        shared->ended.store(true, std::memory_order_release);
    });
    poll_.start();
    return true;
}

void RunLoader::cancel() {
    if (shared_) shared_->cancel.store(true, std::memory_order_relaxed);
}

void RunLoader::poll() {
    if (!shared_) return;
    if (!shared_->ended.load(std::memory_order_acquire)) {
        emit progressed(shared_->done.load(std::memory_order_relaxed));
        return;
    }
    poll_.stop();
    thread_.join();
    result_ = std::move(shared_->result);
    shared_.reset();
    emit finished();
}

} // namespace clab::classroom
