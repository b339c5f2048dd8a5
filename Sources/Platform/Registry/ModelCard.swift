import Foundation
import Tensor

/// A model version's card, from what the platform recorded about it: where it came from (data,
/// spec, seed, job, tuning), how it was validated and what it scored, the aliases that point at
/// it, its fairness evaluations and its differential-privacy budget. Parts nothing has measured
/// yet are listed as such rather than left out silently.
public struct ModelCard: Sendable {
    public var version: ModelVersion
    public var aliases: [String]
    public var evaluations: [EvaluationRecord]

    /// Builds the card of `name`@`number` in the project (erased versions have none).
    public static func load(project: String, name: String, version number: Int, registry: ModelRegistry,
                            store: any MetadataStore) async throws -> ModelCard {
        guard let version = try await registry.versions(project: project, name: name).first(where: { $0.version == number }) else {
            throw PlatformError.notFound(kind: "version", name: "\(name)@\(number)")
        }
        let aliases = try await registry.aliases(project: project, model: name).filter { $0.value == number }.keys.sorted()
        let reference = "\(name)@\(number)"
        let evaluations = try await store.evaluations(project: project).filter { $0.model == reference }
        return ModelCard(version: version, aliases: aliases, evaluations: evaluations)
    }

    /// How the version was validated, read from its metrics (k-fold scores carry a `cv_` prefix).
    var validation: String {
        if version.metrics.keys.contains(where: { $0.hasPrefix("cv_") }) { return "k-fold cross-validation (mean over folds)" }
        if version.metrics.isEmpty { return "not recorded" }
        return "held-out rows"
    }

    /// The ε of a differentially private training run, from the spec in the lineage.
    var privacyEpsilon: Double? {
        guard let spec = version.lineage["spec"],
              let object = (try? JSONSerialization.jsonObject(with: Data(spec.utf8))) as? [String: Any],
              let privacy = object["privacy"] as? [String: Any] else { return nil }
        return (privacy["epsilon"] as? NSNumber)?.doubleValue
    }

    static let unmeasured = ["intended_use", "global_feature_importance", "drift", "promotion_history"]

    public var json: String {
        let v = version
        let metrics = v.metrics.keys.sorted().map { "\(JSONText.quote($0)):\(jsonNumber(v.metrics[$0]!))" }.joined(separator: ",")
        let lineage = v.lineage.keys.sorted().map { "\(JSONText.quote($0)):\(JSONText.quote(v.lineage[$0]!))" }.joined(separator: ",")
        var text = "{\"model\":\(JSONText.quote(v.name)),\"version\":\(v.version),\"kind\":\(JSONText.quote(v.kind)),"
        text += "\"artifact_sha256\":\(JSONText.quote(v.artifact)),\"created_at\":\(JSONText.quote(v.createdAt.formatted(.iso8601))),"
        text += "\"aliases\":[" + aliases.map(JSONText.quote).joined(separator: ",") + "],"
        text += "\"training_data\":{\"dataset\":\(v.lineage["dataset"].map(JSONText.quote) ?? "null"),"
        text += "\"dataset_version\":\(v.lineage["dataset_version"] ?? "null"),\"dataset_sha256\":\(v.lineage["dataset_sha256"].map(JSONText.quote) ?? "null"),"
        text += "\"column_policies\":\(v.lineage["column_policies"].map(JSONText.quote) ?? "null"),\"trained_on_erased_data\":\(v.trainedOnErasedData)},"
        text += "\"validation\":\(JSONText.quote(validation)),\"metrics\":{\(metrics)},"
        text += "\"privacy\":" + (privacyEpsilon.map { "{\"differentially_private\":true,\"epsilon\":\(jsonNumber($0))}" } ?? "{\"differentially_private\":false}") + ","
        text += "\"fairness\":[" + evaluations.map { $0.report }.joined(separator: ",") + "],"
        text += "\"lineage\":{\(lineage)},\"not_yet_recorded\":[" + Self.unmeasured.map(JSONText.quote).joined(separator: ",") + "]}"
        return text
    }

    public var markdown: String {
        let v = version
        var lines = ["# \(v.name) version \(v.version)", ""]
        lines.append("- Kind: \(v.kind)")
        lines.append("- Created: \(v.createdAt.formatted(.iso8601))")
        lines.append("- Artifact SHA-256: `\(v.artifact)`")
        lines.append("- Aliases: \(aliases.isEmpty ? "none" : aliases.joined(separator: ", "))")
        lines += ["", "## Intended use", "", "Not recorded yet.", "", "## Training data", ""]
        if let dataset = v.lineage["dataset"] {
            lines.append("- Dataset: \(Self.cell(dataset)), version \(v.lineage["dataset_version"] ?? "?"), SHA-256 `\(v.lineage["dataset_sha256"] ?? "?")`")
        } else {
            lines.append("- Dataset: not recorded (an imported artifact)")
        }
        if let policies = v.lineage["column_policies"] { lines.append("- Column policies: \(Self.cell(policies))") }
        if v.trainedOnErasedData { lines.append("- **Trained on data that was later erased**: retrain without it.") }
        lines += ["", "## Evaluation", "", "Validation: \(validation).", ""]
        if !v.metrics.isEmpty {
            lines += ["| metric | value |", "|---|---|"]
            for key in v.metrics.keys.sorted() { lines.append("| \(Self.cell(key)) | \(String(format: "%.4f", v.metrics[key]!)) |") }
        }
        lines += ["", "## Fairness", ""]
        if evaluations.isEmpty { lines.append("No fairness evaluation yet (`POST /v1/evaluations`).") }
        for evaluation in evaluations {
            lines.append("Evaluation \(evaluation.id) on \(Self.cell(evaluation.dataset)) (version \(evaluation.datasetVersion)), \(evaluation.createdAt.formatted(.iso8601)):")
            lines.append("")
            guard let report = (try? JSONSerialization.jsonObject(with: Data(evaluation.report.utf8))) as? [String: Any],
                  let views = report["by"] as? [[String: Any]] else { continue }
            lines += ["| sensitive | groups | demographic parity difference | equalized odds difference |", "|---|---|---|---|"]
            for view in views {
                let names = (view["sensitive"] as? [String] ?? []).map(Self.cell).joined(separator: " × ")
                let groups = (view["groups"] as? [Any])?.count ?? 0
                func figure(_ key: String) -> String { (view[key] as? NSNumber).map { String(format: "%.4f", $0.doubleValue) } ?? "—" }
                lines.append("| \(names) | \(groups) | \(figure("demographic_parity_difference")) | \(figure("equalized_odds_difference")) |")
            }
            lines.append("")
        }
        lines += ["", "## Privacy", ""]
        lines.append(privacyEpsilon.map { "Trained with differential privacy: ε = \(String(format: "%.3f", $0))." } ?? "Not trained with differential privacy.")
        lines += ["", "## Lineage", ""]
        for key in v.lineage.keys.sorted() where key != "spec" && !key.hasPrefix("tuning_trials") {
            lines.append("- \(Self.cell(key)): \(Self.cell(v.lineage[key]!))")
        }
        if let spec = v.lineage["spec"] { lines += ["", "Spec:", "", "```json", spec.replacingOccurrences(of: "```", with: "'''"), "```"] }
        lines += ["", "## Not recorded yet", "", "Global feature importance, drift of its endpoints, and promotion history."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A value shown in Markdown text or a table cell: pipes, backticks and line breaks escaped,
    /// HTML-significant characters as entities (a card may be rendered).
    static func cell(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "|": out += "\\|"
            case "`": out += "\\`"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }
}
