#include "step_spec.h"

#include <QDir>
#include <QFileInfo>

namespace clab::lessons {

bool find_step_experiment(const QString&, const QString&, int, StepExperiment&, QString& error) {
    error = QStringLiteral("lessons are not available yet"); // replaced by the lesson loader
    return false;
}

QString default_lessons_dir() {
    const QString from_env = qEnvironmentVariable("CLAB_LESSONS_DIR");
    if (!from_env.isEmpty()) return from_env;
    if (QFileInfo(QStringLiteral(CLAB_INSTALLED_LESSONS_DIR)).isDir()) return QStringLiteral(CLAB_INSTALLED_LESSONS_DIR);
    return QStringLiteral(CLAB_SOURCE_LESSONS_DIR);
}

} // namespace clab::lessons
