// Window tests keep their QSettings (progress, saved code, window state) in a temporary folder, so
// they never read or change the developer's own, and one test's settings never leak into another's.
#pragma once

#include "core/builtin_engines.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSettings>
#include <QString>
#include <QTemporaryDir>

inline void use_private_settings(const QString& dir, const QString& test_name) {
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir);
    QCoreApplication::setOrganizationName(QStringLiteral("ConcurrencyLabTests"));
    QCoreApplication::setApplicationName(test_name);
}

// What every window test sets up once: the engines a window can run, and private settings named
// after the test program. A member of the test object; its initTestCase does
// `QVERIFY(window_test_.set_up());`.
class WindowTestSetup {
public:
    bool set_up() {
        clab::register_builtin_engines();
        if (!settings_dir_.isValid()) return false;
        use_private_settings(settings_dir_.path(),
                             QFileInfo(QCoreApplication::applicationFilePath()).completeBaseName());
        return true;
    }

private:
    QTemporaryDir settings_dir_;
};
