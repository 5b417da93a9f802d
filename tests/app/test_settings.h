// Window tests keep their QSettings (progress, saved code, window state) in a temporary folder, so
// they never read or change the developer's own, and one test's settings never leak into another's.
#pragma once

#include <QCoreApplication>
#include <QSettings>
#include <QString>

inline void use_private_settings(const QString& dir, const QString& test_name) {
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir);
    QCoreApplication::setOrganizationName(QStringLiteral("ConcurrencyLabTests"));
    QCoreApplication::setApplicationName(test_name);
}
