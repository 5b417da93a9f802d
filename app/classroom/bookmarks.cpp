#include "bookmarks.h"

#include <cmath>

namespace clab::classroom {

QList<Bookmark> bookmarks_from_notices(const QList<lessons::Notice>& notices) {
    QList<Bookmark> out;
    for (const lessons::Notice& n : notices) {
        if (n.from_s < 0) continue; // a notice without a time is lesson text, not a marker
        Bookmark b;
        b.t_s = n.from_s;
        b.to_s = n.to_s >= n.from_s ? n.to_s : -1;
        b.label = n.text.simplified();
        b.lane = n.lane;
        b.from_lesson = true;
        out.append(b);
    }
    return out;
}

int merge_lesson_bookmarks(RunRecord& run, const QList<Bookmark>& lesson_bookmarks) {
    int added = 0;
    for (const Bookmark& b : lesson_bookmarks) {
        if (run.bookmarks.contains(b)) continue;
        add_bookmark(run, b);
        ++added;
    }
    return added;
}

int add_bookmark(RunRecord& run, const Bookmark& bookmark) {
    qsizetype at = 0;
    while (at < run.bookmarks.size() && run.bookmarks[at].t_s <= bookmark.t_s)
        ++at;
    run.bookmarks.insert(at, bookmark);
    return int(at);
}

int bookmark_near(const RunRecord& run, double t_s, double tolerance_s) {
    int best = -1;
    double best_distance = tolerance_s;
    for (qsizetype i = 0; i < run.bookmarks.size(); ++i) {
        const double d = std::abs(run.bookmarks[i].t_s - t_s);
        if (d <= best_distance) {
            best_distance = d;
            best = int(i);
        }
    }
    return best;
}

} // namespace clab::classroom
