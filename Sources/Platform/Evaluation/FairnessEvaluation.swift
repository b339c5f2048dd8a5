import Datasets
import Foundation
import Tensor

/// A fairness evaluation: a registered model version over a dataset, its predictions compared
/// with the target group by group (`GroupFairness`, fairlearn's definitions).
/// `{"model": "credit@2", "dataset": "applicants", "target": "approved", "sensitive": ["sex", "race"]}`
public struct FairnessRequest: Sendable {
    public var model: String
    public var dataset: String
    public var target: String
    public var sensitive: [String]
    /// The label counted as selected (binary classifiers); inferred for 0/1, no/yes and false/true.
    public var positiveLabel: String?
    /// Groups with fewer rows are refused: their rates would be noise.
    public var minimumGroupSize = 10
    /// Post-processing to fit and report: `{"method": "threshold_optimizer", "constraint":
    /// "demographic_parity" | "equalized_odds", "grid_size": 1000}` (binary classifiers).
    public var mitigation: Mitigation?

    public struct Mitigation: Sendable {
        public var constraint: ThresholdOptimizer.Constraint
        public var gridSize = 1000
    }

    static let fields = ["model", "dataset", "target", "sensitive", "positive_label", "min_group_size", "mitigate"]

    public static func parse(_ text: String) throws -> FairnessRequest {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PlatformError.invalid(field: "body", message: "expected a JSON object")
        }
        for key in object.keys where !fields.contains(key) {
            throw PlatformError.invalid(field: key, message: "unknown field; allowed: \(fields.joined(separator: ", "))")
        }
        func required(_ name: String) throws -> String {
            guard let value = object[name] as? String, !value.isEmpty else { throw PlatformError.invalid(field: name, message: "is required (a string)") }
            return value
        }
        guard let sensitive = object["sensitive"] as? [String], !sensitive.isEmpty, sensitive.count <= 4, Set(sensitive).count == sensitive.count else {
            throw PlatformError.invalid(field: "sensitive", message: "is required: 1 to 4 distinct column names, e.g. [\"sex\", \"race\"]")
        }
        var request = FairnessRequest(model: try required("model"), dataset: try required("dataset"), target: try required("target"), sensitive: sensitive)
        if let value = object["positive_label"] {
            guard let label = value as? String else { throw PlatformError.invalid(field: "positive_label", message: "must be a string") }
            request.positiveLabel = label
        }
        if let value = object["min_group_size"] {
            guard let size = jsonInteger(value), (1...1_000_000).contains(size) else {
                throw PlatformError.invalid(field: "min_group_size", message: "must be an integer from 1 to 1000000")
            }
            request.minimumGroupSize = size
        }
        if let value = object["mitigate"] { request.mitigation = try Self.mitigation(value) }
        guard !request.sensitive.contains(request.target) else {
            throw PlatformError.invalid(field: "sensitive", message: "'\(request.target)' is the target, not a sensitive column")
        }
        return request
    }

    static func mitigation(_ value: Any) throws -> Mitigation {
        let allowed = ["method", "constraint", "grid_size"]
        guard let object = value as? [String: Any] else {
            throw PlatformError.invalid(field: "mitigate", message: "must be an object: {\"method\": \"threshold_optimizer\", \"constraint\": \"demographic_parity\"}")
        }
        for key in object.keys where !allowed.contains(key) {
            throw PlatformError.invalid(field: "mitigate.\(key)", message: "unknown field; allowed: \(allowed.joined(separator: ", "))")
        }
        switch object["method"] as? String {
        case "threshold_optimizer": break
        case "reweighing":
            throw PlatformError.invalid(field: "mitigate.method", message: "reweighing changes training: give \"reweigh\" in the training job's spec; evaluations post-process with threshold_optimizer")
        default: throw PlatformError.invalid(field: "mitigate.method", message: "must be \"threshold_optimizer\"")
        }
        let constraints = ThresholdOptimizer.Constraint.allCases.map(\.rawValue)
        guard let name = object["constraint"] as? String, let constraint = ThresholdOptimizer.Constraint(rawValue: name) else {
            throw PlatformError.invalid(field: "mitigate.constraint", message: "must be one of \(constraints.joined(separator: ", "))")
        }
        var mitigation = Mitigation(constraint: constraint)
        if let size = object["grid_size"] {
            guard let grid = jsonInteger(size), (10...100_000).contains(grid) else {
                throw PlatformError.invalid(field: "mitigate.grid_size", message: "must be an integer from 10 to 100000")
            }
            mitigation.gridSize = grid
        }
        return mitigation
    }
}

/// Runs fairness evaluations and keeps them; compute runs on a thread of its own, never on
/// the event loops.
public struct FairnessEvaluations: Sendable {
    let store: any MetadataStore
    let registry: ModelRegistry
    let artifacts: any ArtifactStore
    let datasets: DatasetStore

    /// Evaluates and stores: the record's report is the JSON answer, by each sensitive column
    /// and, with several, by their intersection.
    public func evaluate(project: String, keyID: String, request text: String) async throws -> EvaluationRecord {
        let (report, model, dataset) = try await compute(project: project, request: text)
        let id = "eval_" + APIKeyToken.randomBase62(16)
        let createdAt = Date()
        let head = "{\"id\":\(JSONText.quote(id)),\"kind\":\"fairness\",\"created_at\":\(JSONText.quote(createdAt.formatted(.iso8601))),"
        let record = EvaluationRecord(id: id, project: project, kind: "fairness", model: model, dataset: dataset.name, datasetVersion: dataset.version,
                                      keyID: keyID, createdAt: createdAt, report: head + report.dropFirst())
        try await store.insertEvaluation(record)
        return record
    }

    /// The project's evaluations, newest first.
    public func list(project: String) async throws -> [EvaluationRecord] { try await store.evaluations(project: project) }

    public func evaluation(project: String, id: String) async throws -> EvaluationRecord {
        guard let record = try await store.evaluation(id: id), record.project == project else { throw PlatformError.notFound(kind: "evaluation", name: id) }
        return record
    }

    func compute(project: String, request text: String) async throws -> (report: String, model: String, dataset: DatasetRecord) {
        let request = try FairnessRequest.parse(text)
        let version = try await registry.resolve(project: project, reference: request.model)
        let record = try await datasets.record(project: project, name: request.dataset)
        guard TableFormat(rawValue: record.format) != nil else {
            throw PlatformError.invalid(field: "dataset", message: "'\(record.name)' holds \(record.format) tensors; fairness is measured on tables with the sensitive columns")
        }
        let files = try await artifacts.open(version.artifact)
        let pseudonyms = try await datasets.pseudonyms(project: project)
        let prepared = try await datasets.preparedTable(record)
        let model = "\(version.name)@\(version.version)"
        let report = try await TrainingJobs.onTrainingThread {
            var source = prepared
            let table = try invalidAsField("dataset") { try source.read() }
            let loaded = try LoadedModel.load(files: files, pseudonyms: pseudonyms)
            return try Self.report(request, table: table, model: loaded, modelName: model, dataset: record)
        }
        return (report, model, record)
    }

    static func report(_ request: FairnessRequest, table: DataTable, model: LoadedModel, modelName: String, dataset: DatasetRecord) throws -> String {
        guard let target = table.column(named: request.target) else {
            throw PlatformError.invalid(field: "target", message: "no column named '\(request.target)'; columns: \(table.columnNames.joined(separator: ", "))")
        }
        var sensitive: [[String]] = []
        for (i, name) in request.sensitive.enumerated() {
            guard let column = table.column(named: name) else {
                throw PlatformError.invalid(field: "sensitive[\(i)]", message: "no column named '\(name)'; columns: \(table.columnNames.joined(separator: ", "))")
            }
            sensitive.append((0..<table.rowCount).map { column.data.string(at: $0) ?? "(missing)" })
        }
        var predictions: [Prediction] = []
        for start in stride(from: 0, to: table.rowCount, by: 1024) {
            predictions += try model.predict(.table(table.rows(Array(start..<min(table.rowCount, start + 1024)))))
        }
        // Each sensitive column alone, then all of them together (their intersections).
        var views = request.sensitive.indices.map { [$0] }
        if request.sensitive.count > 1 { views.append(Array(request.sensitive.indices)) }
        var sections: [String] = []
        let classification = predictions.first?.label != nil
        var positive: String?
        var truthLabels: [String] = []
        if classification {
            truthLabels = (0..<table.rowCount).map { target.data.string(at: $0) ?? "" }
            let labels = Set(truthLabels).union(predictions.compactMap(\.label)).sorted()
            guard labels.count <= 2 else {
                throw PlatformError.invalid(field: "model", message: "\(modelName) predicts \(labels.count) classes; fairness metrics here are for binary classifiers and regressors")
            }
            positive = try Self.positive(request.positiveLabel, labels: labels)
        }
        for view in views {
            let columns = view.map { sensitive[$0] }
            let groups = GroupFairness.grouped(rows: table.rowCount, sensitive: columns)
            if let small = groups.first(where: { $0.rows.count < request.minimumGroupSize }) {
                throw PlatformError.invalid(field: "sensitive", message: "group \(Self.describe(small.key, view.map { request.sensitive[$0] })) has \(small.rows.count) rows, under the minimum of \(request.minimumGroupSize) (min_group_size)")
            }
            let report: GroupFairness.Report
            if let positive {
                report = GroupFairness.classification(truth: truthLabels, predicted: predictions.map { $0.label ?? "" }, positive: positive, sensitive: columns)
            } else {
                guard case .numeric(let truth) = target.data else {
                    throw PlatformError.invalid(field: "target", message: "'\(request.target)' is not numeric, but \(modelName) is a regressor")
                }
                report = GroupFairness.regression(truth: truth, predicted: predictions.map { $0.values.first ?? .nan }, sensitive: columns)
            }
            sections.append(Self.json(report, names: view.map { request.sensitive[$0] }))
        }
        var mitigationSection = ""
        if let mitigation = request.mitigation {
            guard let positive else {
                throw PlatformError.invalid(field: "mitigate", message: "\(modelName) is a regressor; the threshold optimizer post-processes binary classifiers")
            }
            mitigationSection = try Self.mitigate(mitigation, request: request, model: model, modelName: modelName, predictions: predictions,
                                                  truth: truthLabels.map { $0 == positive }, positive: positive, sensitive: sensitive)
        }
        var text = "{\"model\":\(JSONText.quote(modelName)),\"dataset\":\(JSONText.quote(dataset.name)),\"dataset_version\":\(dataset.version),"
        text += "\"target\":\(JSONText.quote(request.target)),\"task\":\"\(classification ? "classification" : "regression")\","
        if let positive { text += "\"positive_label\":\(JSONText.quote(positive)),"}
        text += "\"rows\":\(table.rowCount),\"min_group_size\":\(request.minimumGroupSize),\"by\":[" + sections.joined(separator: ",") + "]" + mitigationSection + "}"
        return text
    }

    /// Fits the threshold optimizer on the model's scores for the positive label, with groups
    /// the intersections of every sensitive column, and reports its rules and the metrics
    /// before (the model's own decisions) and after (the expected randomized decisions).
    static func mitigate(_ mitigation: FairnessRequest.Mitigation, request: FairnessRequest, model: LoadedModel, modelName: String,
                         predictions: [Prediction], truth: [Bool], positive: String, sensitive: [[String]]) throws -> String {
        guard let index = model.labels?.firstIndex(of: positive) else {
            throw PlatformError.invalid(field: "positive_label", message: "\(modelName) never predicts '\(positive)'; its labels: \((model.labels ?? []).joined(separator: ", "))")
        }
        var scores: [Double] = []
        scores.reserveCapacity(predictions.count)
        for prediction in predictions {
            guard let probabilities = prediction.probabilities, index < probabilities.count else {
                throw PlatformError.invalid(field: "mitigate", message: "\(modelName) gives no class probabilities; the threshold optimizer needs scores to threshold")
            }
            scores.append(probabilities[index])
        }
        let groups = truth.indices.map { r in sensitive.map { $0[r] } }
        let optimizer: ThresholdOptimizer
        do {
            optimizer = try ThresholdOptimizer.fit(scores: scores, labels: truth, groups: groups, constraint: mitigation.constraint, gridSize: mitigation.gridSize)
        } catch let failure as ThresholdOptimizer.Failure {
            throw PlatformError.invalid(field: "mitigate", message: failure.description)
        }
        let decided = zip(scores, groups).map { optimizer.positiveProbability(score: $0, group: $1)! }
        let before = GroupFairness.classification(truth: truth, positiveProbability: predictions.map { $0.label == positive ? 1 : 0 }, sensitive: sensitive)
        let after = GroupFairness.classification(truth: truth, positiveProbability: decided, sensitive: sensitive)
        // ±∞ thresholds (select nobody, select everybody) have no JSON number: written as strings.
        func threshold(_ t: Double) -> String { t.isFinite ? "\(t)" : (t > 0 ? "\"inf\"" : "\"-inf\"") }
        let rules = optimizer.rules.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, rule in
            "{\"group\":{" + zip(request.sensitive, key).map { "\(JSONText.quote($0)):\(JSONText.quote($1))" }.joined(separator: ",") + "},"
                + "\"p0\":\(jsonNumber(rule.p0)),\"threshold0\":\(threshold(rule.threshold0)),\"p1\":\(jsonNumber(rule.p1)),"
                + "\"threshold1\":\(threshold(rule.threshold1)),\"p_ignore\":\(jsonNumber(rule.ignore)),\"constant\":\(jsonNumber(rule.constant))}"
        }
        return ",\"mitigation\":{\"method\":\"threshold_optimizer\",\"constraint\":\"\(mitigation.constraint.rawValue)\",\"objective\":\"accuracy\","
            + "\"grid_size\":\(mitigation.gridSize),\"best_x\":\(jsonNumber(optimizer.bestX)),\"rules\":[" + rules.joined(separator: ",") + "],"
            + "\"before\":" + json(before, names: request.sensitive) + ",\"after\":" + json(after, names: request.sensitive) + "}"
    }

    /// The selected label: as asked, or the usual positive of a 0/1, no/yes or false/true pair.
    static func positive(_ asked: String?, labels: [String]) throws -> String {
        if let asked {
            guard labels.contains(asked) else {
                throw PlatformError.invalid(field: "positive_label", message: "'\(asked)' is not a label; labels: \(labels.joined(separator: ", "))")
            }
            return asked
        }
        for (negative, positive) in [("0", "1"), ("no", "yes"), ("false", "true"), ("0.0", "1.0")] where Set(labels.map { $0.lowercased() }).isSubset(of: [negative, positive]) {
            if let match = labels.first(where: { $0.lowercased() == positive }) { return match }
        }
        throw PlatformError.invalid(field: "positive_label", message: "is required to say which label counts as selected; labels: \(labels.joined(separator: ", "))")
    }

    static func describe(_ key: [String], _ names: [String]) -> String {
        zip(names, key).map { "\($0)=\($1)" }.joined(separator: ", ")
    }

    static func json(_ report: GroupFairness.Report, names: [String]) -> String {
        func metrics(_ m: GroupFairness.GroupMetrics) -> String {
            var fields = ["\"count\":\(m.count)"]
            for (name, value) in [("selection_rate", m.selectionRate), ("accuracy", m.accuracy), ("precision", m.precision), ("recall", m.recall),
                                  ("false_positive_rate", m.falsePositiveRate), ("mean_prediction", m.meanPrediction),
                                  ("mean_absolute_error", m.meanAbsoluteError)] {
                if let value { fields.append("\"\(name)\":\(jsonNumber(value))") }
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        var text = "{\"sensitive\":[" + names.map(JSONText.quote).joined(separator: ",") + "],\"groups\":["
        text += report.groups.map { group in
            "{\"group\":{" + zip(names, group.group).map { "\(JSONText.quote($0)):\(JSONText.quote($1))" }.joined(separator: ",") + "},\"metrics\":" + metrics(group.metrics) + "}"
        }.joined(separator: ",")
        text += "],\"overall\":" + metrics(report.overall)
        for (name, value) in [("demographic_parity_difference", report.demographicParityDifference), ("demographic_parity_ratio", report.demographicParityRatio),
                              ("equalized_odds_difference", report.equalizedOddsDifference), ("equal_opportunity_difference", report.equalOpportunityDifference)] {
            if let value { text += ",\"\(name)\":\(jsonNumber(value))" }
        }
        return text + "}"
    }
}
