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
    /// What the team says the model is for and not for (`PUT …/card`).
    public var intendedUse: String?
    public var limitations: String?
    /// Mean |SHAP| per raw input column over the training background (exact explainers only).
    public var importance: [(column: String, value: Double)]?
    /// Endpoints serving this version, with the features drifting there.
    public var drift: [(endpoint: String, rowsSeen: Int, drifted: [String])] = []

    var fairness: [EvaluationRecord] { evaluations.filter { $0.kind == "fairness" } }
    var promotions: [EvaluationRecord] { evaluations.filter { $0.kind == "promotion" } }

    static let documentKind = "card"

    /// Builds the card of `name`@`number` in the project (erased versions have none).
    public static func load(project: String, name: String, version number: Int, registry: ModelRegistry,
                            store: any MetadataStore) async throws -> ModelCard {
        guard let version = try await registry.versions(project: project, name: name).first(where: { $0.version == number }) else {
            throw PlatformError.notFound(kind: "version", name: "\(name)@\(number)")
        }
        let aliases = try await registry.aliases(project: project, model: name).filter { $0.value == number }.keys.sorted()
        let reference = "\(name)@\(number)"
        let evaluations = try await store.evaluations(project: project).filter { $0.model == reference }
        var card = ModelCard(version: version, aliases: aliases, evaluations: evaluations)
        if let text = try await store.document(project: project, kind: documentKind, name: reference),
           let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] {
            card.intendedUse = object["intended_use"] as? String
            card.limitations = object["limitations"] as? String
        }
        return card
    }

    /// Records the team's statement of intended use and limitations for a version.
    public static func setIntendedUse(project: String, name: String, version number: Int, text: String, registry: ModelRegistry,
                                      store: any MetadataStore) async throws -> String {
        guard try await registry.versions(project: project, name: name).contains(where: { $0.version == number }) else {
            throw PlatformError.notFound(kind: "version", name: "\(name)@\(number)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PlatformError.invalid(field: "body", message: "expected a JSON object {\"intended_use\": \"…\", \"limitations\": \"…\"}")
        }
        for key in object.keys where !["intended_use", "limitations"].contains(key) {
            throw PlatformError.invalid(field: key, message: "unknown field; allowed: intended_use, limitations")
        }
        var kept: [String: String] = [:]
        for key in ["intended_use", "limitations"] {
            guard let value = object[key] else { continue }
            guard let text = value as? String, !text.isEmpty, text.count <= 8000 else {
                throw PlatformError.invalid(field: key, message: "must be text of 1 to 8,000 characters")
            }
            kept[key] = text
        }
        guard kept["intended_use"] != nil else { throw PlatformError.invalid(field: "intended_use", message: "is required (text)") }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]), as: UTF8.self)
        try await store.putDocument(project: project, kind: documentKind, name: "\(name)@\(number)", body: body)
        return body
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

    var unmeasured: [String] {
        (intendedUse == nil ? ["intended_use"] : []) + (importance == nil ? ["global_feature_importance"] : [])
            + (drift.isEmpty ? ["drift"] : []) + (promotions.isEmpty ? ["promotion_history"] : [])
    }

    public var json: String {
        let v = version
        let metrics = v.metrics.keys.sorted().map { "\(JSONText.quote($0)):\(jsonNumber(v.metrics[$0]!))" }.joined(separator: ",")
        let lineage = v.lineage.keys.sorted().map { "\(JSONText.quote($0)):\(JSONText.quote(v.lineage[$0]!))" }.joined(separator: ",")
        var text = "{\"model\":\(JSONText.quote(v.name)),\"version\":\(v.version),\"kind\":\(JSONText.quote(v.kind)),"
        text += "\"artifact_sha256\":\(JSONText.quote(v.artifact)),\"created_at\":\(JSONText.quote(v.createdAt.formatted(.iso8601))),"
        text += "\"aliases\":[" + aliases.map(JSONText.quote).joined(separator: ",") + "],"
        text += "\"training_data\":{\"dataset\":\(v.lineage["dataset"].map(JSONText.quote) ?? "null"),"
        text += "\"dataset_version\":\(v.lineage["dataset_version"] ?? "null"),\"dataset_sha256\":\(v.lineage["dataset_sha256"].map(JSONText.quote) ?? "null"),"
        text += "\"column_policies\":\(v.lineage["column_policies"].map(JSONText.quote) ?? "null"),\"trained_on_erased_data\":\(v.trainedOnErasedData),"
        text += "\"reweighed_by\":" + (v.lineage["reweighed_by"].map { "[" + $0.split(separator: ",").map { JSONText.quote(String($0)) }.joined(separator: ",") + "]" } ?? "null") + "},"
        text += "\"validation\":\(JSONText.quote(validation)),\"metrics\":{\(metrics)},"
        text += "\"privacy\":" + (privacyEpsilon.map { "{\"differentially_private\":true,\"epsilon\":\(jsonNumber($0))}" } ?? "{\"differentially_private\":false}") + ","
        text += "\"fairness\":[" + fairness.map { $0.report }.joined(separator: ",") + "],"
        text += "\"intended_use\":\(intendedUse.map(JSONText.quote) ?? "null"),\"limitations\":\(limitations.map(JSONText.quote) ?? "null"),"
        text += "\"global_feature_importance\":" + (importance.map { "[" + $0.map { "{\"column\":\(JSONText.quote($0.column)),\"mean_abs_shap\":\(jsonNumber($0.value))}" }.joined(separator: ",") + "]" } ?? "null") + ","
        text += "\"drift\":[" + drift.map { "{\"endpoint\":\(JSONText.quote($0.endpoint)),\"rows_seen\":\($0.rowsSeen),\"drifted\":[" + $0.drifted.map(JSONText.quote).joined(separator: ",") + "]}" }.joined(separator: ",") + "],"
        text += "\"promotion_history\":[" + promotions.map { $0.report }.joined(separator: ",") + "],"
        text += "\"lineage\":{\(lineage)},\"not_yet_recorded\":[" + unmeasured.map(JSONText.quote).joined(separator: ",") + "]}"
        return text
    }

    public var markdown: String {
        let v = version
        var lines = ["# \(v.name) version \(v.version)", ""]
        lines.append("- Kind: \(v.kind)")
        lines.append("- Created: \(v.createdAt.formatted(.iso8601))")
        lines.append("- Artifact SHA-256: `\(v.artifact)`")
        lines.append("- Aliases: \(aliases.isEmpty ? "none" : aliases.joined(separator: ", "))")
        lines += ["", "## Intended use", "", intendedUse.map(Self.cell) ?? "Not recorded yet (`PUT /v1/models/\(v.name)/versions/\(v.version)/card`)."]
        if let limitations { lines += ["", "Limitations: \(Self.cell(limitations))"] }
        lines += ["", "## Training data", ""]
        if let dataset = v.lineage["dataset"] {
            lines.append("- Dataset: \(Self.cell(dataset)), version \(v.lineage["dataset_version"] ?? "?"), SHA-256 `\(v.lineage["dataset_sha256"] ?? "?")`")
        } else {
            lines.append("- Dataset: not recorded (an imported artifact)")
        }
        if let policies = v.lineage["column_policies"] { lines.append("- Column policies: \(Self.cell(policies))") }
        if let groups = v.lineage["reweighed_by"] {
            lines.append("- Reweighed (Kamiran–Calders) so the label is independent of: \(Self.cell(groups.replacingOccurrences(of: ",", with: ", ")))")
        }
        if v.trainedOnErasedData { lines.append("- **Trained on data that was later erased**: retrain without it.") }
        lines += ["", "## Evaluation", "", "Validation: \(validation).", ""]
        if !v.metrics.isEmpty {
            lines += ["| metric | value |", "|---|---|"]
            for key in v.metrics.keys.sorted() { lines.append("| \(Self.cell(key)) | \(String(format: "%.4f", v.metrics[key]!)) |") }
        }
        lines += ["", "## Fairness", ""]
        if fairness.isEmpty { lines.append("No fairness evaluation yet (`POST /v1/evaluations`).") }
        for evaluation in fairness {
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
        lines += ["", "## Global feature importance", ""]
        if let importance {
            lines += ["Mean |SHAP| over the training background:", "", "| column | mean abs SHAP |", "|---|---|"]
            for item in importance { lines.append("| \(Self.cell(item.column)) | \(String(format: "%.4f", item.value)) |") }
        } else {
            lines.append("Not computed (needs a tree or linear model whose artifact records a training profile).")
        }
        lines += ["", "## Drift", ""]
        if drift.isEmpty { lines.append("No endpoint serves this version.") }
        for d in drift {
            lines.append("- \(Self.cell(d.endpoint)): \(d.rowsSeen) rows seen; " + (d.drifted.isEmpty ? "no feature over its threshold" : "drifting: \(d.drifted.map(Self.cell).joined(separator: ", "))"))
        }
        lines += ["", "## Promotion history", ""]
        if promotions.isEmpty { lines.append("No promotion evaluated.") }
        for p in promotions {
            let report = (try? JSONSerialization.jsonObject(with: Data(p.report.utf8))) as? [String: Any]
            let outcome = (report?["passed"] as? Bool) == true ? "passed" : "refused"
            lines.append("- \(p.createdAt.formatted(.iso8601)): to \(Self.cell(report?["alias"] as? String ?? "?")) \(outcome) (evaluation \(p.id))")
        }
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
