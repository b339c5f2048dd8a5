import Datasets
import Foundation
import Learners
import Tensor

/// A team's policy for one alias of a model: the checks a version must pass before the alias
/// may point at it. Stored as the JSON the team wrote (documents of kind `policy`).
public struct PromotionPolicy: Sendable {
    public enum Check: Sendable {
        /// A metric on a dataset (`holdout`: the version's own held-out metrics) within bounds.
        case metric(name: String, dataset: String, min: Double?, max: Double?)
        /// A fairness metric (fairlearn's definitions) by sensitive columns on a dataset.
        case fairness(metric: String, sensitive: [String], dataset: String?, positiveLabel: String?, max: Double?, min: Double?)
        /// p99 latency of the model's predictions at a batch size, measured now on this node.
        case latency(maxMilliseconds: Double, batch: Int)
        /// The candidate's metric beats the version the alias points at now by at least `by`.
        case beatsCurrent(metric: String, by: Double, dataset: String)
    }

    public var checks: [Check]
    public var raw: [String]

    static let classificationMetrics = ["accuracy", "precision_macro", "recall_macro", "f1_macro", "roc_auc", "log_loss"]
    static let regressionMetrics = ["r2", "rmse", "mae"]
    static let lowerIsBetter: Set<String> = ["log_loss", "rmse", "mae"]
    static let fairnessMetrics = ["demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference", "equal_opportunity_difference"]
    static let kinds = "metric, fairness, latency_p99_ms, beats_current"

    public static func parse(_ text: String) throws -> PromotionPolicy {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PlatformError.invalid(field: "body", message: "expected a JSON object {\"checks\": [...]}")
        }
        for key in object.keys where key != "checks" { throw PlatformError.invalid(field: key, message: "unknown field; allowed: checks") }
        guard let items = object["checks"] as? [Any], !items.isEmpty, items.count <= 32 else {
            throw PlatformError.invalid(field: "checks", message: "is required: 1 to 32 checks, each one of \(kinds)")
        }
        var checks: [Check] = [], raw: [String] = []
        let metrics = classificationMetrics + regressionMetrics
        for (i, item) in items.enumerated() {
            let path = "checks[\(i)]"
            guard let check = item as? [String: Any] else { throw PlatformError.invalid(field: path, message: "must be an object, one of \(kinds)") }
            func number(_ key: String) throws -> Double? {
                guard let value = check[key] else { return nil }
                guard let n = value as? Double, n.isFinite else { throw PlatformError.invalid(field: "\(path).\(key)", message: "must be a number") }
                return n
            }
            func allowed(_ keys: Set<String>) throws {
                for key in check.keys where !keys.contains(key) {
                    throw PlatformError.invalid(field: "\(path).\(key)", message: "unknown field; allowed: \(keys.sorted().joined(separator: ", "))")
                }
            }
            if let name = check["metric"] {
                try allowed(["metric", "dataset", "min", "max"])
                guard let name = name as? String, metrics.contains(name) else {
                    throw PlatformError.invalid(field: "\(path).metric", message: "must be one of \(metrics.joined(separator: ", ")), got \(name)")
                }
                let (low, high) = (try number("min"), try number("max"))
                guard low != nil || high != nil else { throw PlatformError.invalid(field: "\(path).min", message: "a metric check needs min, max or both") }
                checks.append(.metric(name: name, dataset: check["dataset"] as? String ?? "holdout", min: low, max: high))
            } else if let name = check["fairness"] {
                try allowed(["fairness", "sensitive", "dataset", "positive_label", "min", "max"])
                guard let name = name as? String, fairnessMetrics.contains(name) else {
                    throw PlatformError.invalid(field: "\(path).fairness", message: "must be one of \(fairnessMetrics.joined(separator: ", ")), got \(name)")
                }
                let sensitive = (check["sensitive"] as? String).map { [$0] } ?? (check["sensitive"] as? [String]) ?? []
                guard !sensitive.isEmpty, sensitive.count <= 4 else {
                    throw PlatformError.invalid(field: "\(path).sensitive", message: "is required: a column name or a list of up to 4")
                }
                let (low, high) = (try number("min"), try number("max"))
                guard low != nil || high != nil else { throw PlatformError.invalid(field: "\(path).max", message: "a fairness check needs max, min or both") }
                checks.append(.fairness(metric: name, sensitive: sensitive, dataset: check["dataset"] as? String,
                                        positiveLabel: check["positive_label"] as? String, max: high, min: low))
            } else if let latency = check["latency_p99_ms"] {
                try allowed(["latency_p99_ms"])
                guard let settings = latency as? [String: Any], let limit = settings["max"] as? Double, limit > 0 else {
                    throw PlatformError.invalid(field: "\(path).latency_p99_ms", message: "must be {\"max\": milliseconds, \"batch\": rows}")
                }
                let batch = settings["batch"] as? Int ?? 1
                guard batch >= 1 && batch <= 1024 else { throw PlatformError.invalid(field: "\(path).latency_p99_ms.batch", message: "must be 1 to 1024") }
                checks.append(.latency(maxMilliseconds: limit, batch: batch))
            } else if let beats = check["beats_current"] {
                try allowed(["beats_current"])
                guard let settings = beats as? [String: Any], let name = settings["metric"] as? String, metrics.contains(name) else {
                    throw PlatformError.invalid(field: "\(path).beats_current.metric", message: "must be one of \(metrics.joined(separator: ", "))")
                }
                checks.append(.beatsCurrent(metric: name, by: settings["by"] as? Double ?? 0, dataset: settings["dataset"] as? String ?? "holdout"))
            } else {
                throw PlatformError.invalid(field: path, message: "unknown check; each check is one of \(kinds)")
            }
            raw.append(String(decoding: try JSONSerialization.data(withJSONObject: check, options: [.sortedKeys]), as: UTF8.self))
        }
        return PromotionPolicy(checks: checks, raw: raw)
    }
}

/// Runs a policy's checks on a candidate version and records the outcome as an evaluation
/// (kind `promotion`): the alias moves only when every check passes.
public struct PromotionGates: Sendable {
    let store: any MetadataStore
    let registry: ModelRegistry
    let artifacts: any ArtifactStore
    let datasets: DatasetStore
    let fairness: FairnessEvaluations

    static let documentKind = "policy"

    public struct CheckResult: Sendable {
        public var check: String
        public var passed: Bool
        public var value: Double?
        public var limit: String
        public var detail: String?
    }

    public struct Outcome: Sendable {
        public var passed: Bool
        public var results: [CheckResult]
        public var evaluation: EvaluationRecord
    }

    public func setPolicy(project: String, model: String, alias: String, text: String) async throws -> PromotionPolicy {
        try ModelRegistry.checkAlias(alias)
        let policy = try PromotionPolicy.parse(text)
        _ = try await registry.versions(project: project, name: model)
        try await store.putDocument(project: project, kind: Self.documentKind, name: "\(model)/\(alias)", body: text)
        return policy
    }

    public func policy(project: String, model: String, alias: String) async throws -> String? {
        try ModelRegistry.checkAlias(alias)
        return try await store.document(project: project, kind: Self.documentKind, name: "\(model)/\(alias)")
    }

    public func deletePolicy(project: String, model: String, alias: String) async throws {
        try ModelRegistry.checkAlias(alias)
        try await store.deleteDocument(project: project, kind: Self.documentKind, name: "\(model)/\(alias)")
    }

    /// Evaluates `version` against the alias's policy (nil when the alias has none).
    public func evaluate(project: String, keyID: String, model: String, alias: String, version: Int) async throws -> Outcome? {
        guard let text = try await policy(project: project, model: model, alias: alias) else { return nil }
        let policy = try PromotionPolicy.parse(text)
        let candidate = try await registry.resolve(project: project, reference: "\(model)@\(version)")
        let current = try await registry.aliases(project: project, model: model)[alias]
        var results: [CheckResult] = []
        var datasetsUsed: [String] = []
        var cache: [String: Scores] = [:]
        func scores(_ version: ModelVersion, _ dataset: String) async throws -> Scores {
            if dataset == "holdout" { return version.metrics }
            let key = "\(version.version)|\(dataset)"
            if let cached = cache[key] { return cached }
            datasetsUsed.append(dataset)
            let computed = try await self.scores(project: project, version: version, dataset: dataset)
            cache[key] = computed
            return computed
        }
        for (check, raw) in zip(policy.checks, policy.raw) {
            switch check {
            case let .metric(name, dataset, low, high):
                let value = try await Self.metric(name, in: scores(candidate, dataset), dataset: dataset)
                let passed = value.map { v in (low.map { v >= $0 } ?? true) && (high.map { v <= $0 } ?? true) } ?? false
                results.append(CheckResult(check: raw, passed: passed, value: value, limit: Self.bounds(low, high),
                                           detail: value == nil ? "\(candidate.name)@\(candidate.version) has no \(name) on \(dataset)" : nil))
            case let .fairness(metric, sensitive, dataset, positive, high, low):
                guard let datasetName = dataset ?? candidate.lineage["dataset"] else {
                    throw PlatformError.invalid(field: "checks", message: "a fairness check needs a dataset (the version's lineage names none)")
                }
                datasetsUsed.append(datasetName)
                let value = try await fairnessValue(project: project, version: candidate, dataset: datasetName, metric: metric, sensitive: sensitive, positive: positive)
                let passed = value.map { v in (low.map { v >= $0 } ?? true) && (high.map { v <= $0 } ?? true) } ?? false
                results.append(CheckResult(check: raw, passed: passed, value: value, limit: Self.bounds(low, high), detail: nil))
            case let .latency(limit, batch):
                let value = try await latencyP99(project: project, version: candidate, batch: batch)
                results.append(CheckResult(check: raw, passed: value <= limit, value: value, limit: "max \(limit)",
                                           detail: "p99 of 200 predictions of \(batch) row\(batch == 1 ? "" : "s") on this node"))
            case let .beatsCurrent(metric, by, dataset):
                guard let current, current != candidate.version else {
                    results.append(CheckResult(check: raw, passed: true, value: nil, limit: "no current version", detail: "the alias points at no other version yet"))
                    continue
                }
                let incumbent = try await registry.resolve(project: project, reference: "\(model)@\(current)")
                let mine = try await Self.metric(metric, in: scores(candidate, dataset), dataset: dataset)
                let theirs = try await Self.metric(metric, in: scores(incumbent, dataset), dataset: dataset)
                let lower = PromotionPolicy.lowerIsBetter.contains(metric)
                var passed = false
                if let mine, let theirs { passed = lower ? mine <= theirs - by : mine >= theirs + by }
                let bound = theirs.map { lower ? "max \($0 - by)" : "min \($0 + by)" } ?? "unknown"
                results.append(CheckResult(check: raw, passed: passed, value: mine, limit: bound,
                                           detail: "version \(current) has \(theirs.map { "\($0)" } ?? "no value") on \(dataset)"))
            }
        }
        let passed = results.allSatisfy(\.passed)
        let id = "eval_" + APIKeyToken.randomBase62(16)
        let createdAt = Date()
        var report = "{\"id\":\(JSONText.quote(id)),\"kind\":\"promotion\",\"created_at\":\(JSONText.quote(createdAt.formatted(.iso8601))),"
        report += "\"model\":\(JSONText.quote("\(model)@\(version)")),\"alias\":\(JSONText.quote(alias)),"
        report += "\"current_version\":\(current.map(String.init) ?? "null"),\"passed\":\(passed),\"checks\":["
        report += results.map(Self.json).joined(separator: ",") + "]}"
        let record = EvaluationRecord(id: id, project: project, kind: "promotion", model: "\(model)@\(version)", dataset: datasetsUsed.first ?? "-",
                                      datasetVersion: 0, keyID: keyID, createdAt: createdAt, report: report)
        try await store.insertEvaluation(record)
        return Outcome(passed: passed, results: results, evaluation: record)
    }

    static func json(_ r: CheckResult) -> String {
        "{\"check\":\(r.check),\"passed\":\(r.passed),\"value\":\(r.value.map(jsonNumber) ?? "null"),\"limit\":\(JSONText.quote(r.limit))"
            + (r.detail.map { ",\"detail\":\(JSONText.quote($0))" } ?? "") + "}"
    }

    static func bounds(_ low: Double?, _ high: Double?) -> String {
        [low.map { "min \($0)" }, high.map { "max \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    static func metric(_ name: String, in scores: Scores, dataset: String) throws -> Double? {
        // Held-out metrics of a k-fold job are the folds' means (cv_ prefix).
        scores[name] ?? scores["cv_" + name]
    }

    /// A version's metrics on a dataset holding its target column, computed from its predictions.
    func scores(project: String, version: ModelVersion, dataset name: String) async throws -> Scores {
        let record = try await datasets.record(project: project, name: name)
        guard TableFormat(rawValue: record.format) != nil else {
            throw PlatformError.invalid(field: "checks", message: "dataset '\(name)' holds \(record.format) tensors; promotion checks score tables")
        }
        let files = try await artifacts.open(version.artifact)
        let pseudonyms = try await datasets.pseudonyms(project: project)
        let prepared = try await datasets.preparedTable(record)
        return try await TrainingJobs.onTrainingThread {
            var source = prepared
            let table = try invalidAsField("dataset") { try source.read() }
            let model = try LoadedModel.load(files: files, pseudonyms: pseudonyms)
            return try Self.scores(model, table: table)
        }
    }

    static func scores(_ model: LoadedModel, table: DataTable) throws -> Scores {
        let target: String?
        switch model.body {
        case .pipeline(let artifact, _): target = artifact.target
        case .network(let artifact, _): target = artifact.target
        case .encoder, .language, .recommender, .forecaster, .speech: target = nil
        }
        guard let target, let truthColumn = table.column(named: target) else {
            throw PlatformError.invalid(field: "checks", message: "the dataset has no column '\(target ?? "target")' to score the model against")
        }
        var predictions: [Prediction] = []
        for start in stride(from: 0, to: table.rowCount, by: 1024) {
            predictions += try model.predict(.table(table.rows(Array(start..<min(table.rowCount, start + 1024)))))
        }
        if let labels = model.labels {
            let index = Dictionary(labels.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            var truth: [Int] = [], predicted: [Int] = [], probabilities: [[Double]] = []
            for (r, p) in predictions.enumerated() {
                guard let t = truthColumn.data.string(at: r).flatMap({ index[$0] }) else { continue }
                truth.append(t); predicted.append(p.label.flatMap { index[$0] } ?? 0)
                if let probs = p.probabilities { probabilities.append(probs) }
            }
            guard !truth.isEmpty else { throw PlatformError.invalid(field: "checks", message: "no row of '\(target)' holds one of the model's labels") }
            let (precision, recall, f1) = Metrics.precisionRecallF1(truth, predicted, classes: labels.count, average: .macro)
            var scores: Scores = ["accuracy": Metrics.accuracy(truth, predicted), "precision_macro": precision, "recall_macro": recall, "f1_macro": f1]
            if probabilities.count == truth.count {
                scores["log_loss"] = Metrics.logLoss(truth, probabilities)
                scores["roc_auc"] = labels.count == 2 ? Metrics.rocAUC(truth.map { $0 == 1 }, probabilities.map { $0[1] }) : Metrics.rocAUCOneVsRest(truth, probabilities)
            }
            return scores
        }
        guard case .numeric(let truth) = truthColumn.data else {
            throw PlatformError.invalid(field: "checks", message: "'\(target)' is not numeric, but the model is a regressor")
        }
        let predicted = predictions.map { $0.values.first ?? .nan }
        return ["r2": Metrics.r2(truth, predicted), "rmse": Metrics.rootMeanSquaredError(truth, predicted), "mae": Metrics.meanAbsoluteError(truth, predicted)]
    }

    func fairnessValue(project: String, version: ModelVersion, dataset: String, metric: String, sensitive: [String], positive: String?) async throws -> Double? {
        var body: [String: Any] = ["model": "\(version.name)@\(version.version)", "dataset": dataset, "sensitive": sensitive]
        // The target is all this needs from the artifact: read from model.json, not by loading
        // the model (the evaluation loads it once, with the project's pseudonym key).
        let files = try await artifacts.open(version.artifact)
        guard let manifest = files.data("model.json"), let object = try? JSONSerialization.jsonObject(with: manifest) as? [String: Any],
              let target = object["target"] as? String else {
            throw PlatformError.invalid(field: "checks", message: "\(version.name)@\(version.version) has no target column; fairness checks need a table model")
        }
        body["target"] = target
        if let positive { body["positive_label"] = positive }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let (report, _, _) = try await fairness.compute(project: project, request: text)
        guard let object = try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any],
              let views = object["by"] as? [[String: Any]],
              let view = views.first(where: { ($0["sensitive"] as? [String]) == sensitive }) ?? views.last else { return nil }
        return view[metric] as? Double
    }

    /// p99 milliseconds of `batch`-row forward passes of the model on this node, after a
    /// warm-up: feature rows from the training background when the artifact has one (real
    /// values, so trees take their real paths), otherwise a constant tensor.
    func latencyP99(project: String, version: ModelVersion, batch: Int) async throws -> Double {
        let files = try await artifacts.open(version.artifact)
        let pseudonyms = try await datasets.pseudonyms(project: project)
        return try await TrainingJobs.onTrainingThread {
            let model = try LoadedModel.load(files: files, pseudonyms: pseudonyms)
            let rows: [Float]
            if let background = model.trainingProfile?.background, !background.isEmpty {
                rows = (0..<batch).flatMap { background[$0 % background.count].map(Float.init) }
            } else {
                rows = [Float](repeating: 0.5, count: batch * model.inputShape.reduce(1, *))
            }
            var times: [Double] = []
            for i in 0..<220 {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try model.predict(features: rows, rows: batch)
                if i >= 20 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
            }
            return Self.p99(times)
        }
    }

    static func p99(_ times: [Double]) -> Double {
        let sorted = times.sorted()
        return sorted[min(sorted.count - 1, Int((0.99 * Double(sorted.count)).rounded(.up)) - 1)]
    }
}
