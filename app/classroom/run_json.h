// The JSON half of a run file: spec, summary, lanes and bookmarks as QJsonObjects, and back.
// Readers are strict about types and names (a mutated file gets a sentence, not a crash) and
// lenient about missing optional keys (older files keep opening when fields are added).
#pragma once

#include "run_record.h"

#include <QJsonArray>
#include <QJsonObject>
#include <optional>

namespace clab::classroom {

QJsonObject spec_to_json(const ExperimentSpec& spec);
// Returns an error sentence, or nothing when `out` was filled.
std::optional<QString> spec_from_json(const QJsonObject& object, ExperimentSpec& out);

QJsonObject summary_to_json(const Summary& summary);
std::optional<QString> summary_from_json(const QJsonObject& object, Summary& out);

QJsonArray lanes_to_json(const std::vector<LaneInfo>& lanes);
std::optional<QString> lanes_from_json(const QJsonArray& array, std::vector<LaneInfo>& out);

QJsonArray bookmarks_to_json(const QList<Bookmark>& bookmarks);
std::optional<QString> bookmarks_from_json(const QJsonArray& array, QList<Bookmark>& out);

} // namespace clab::classroom
