import Datasets
import Foundation
import Learners
import Tensor

/// `POST /v1/explanation-jobs`: a version's global behaviour over a dataset, as a job (progress
/// per column, cancellable), stored as an evaluation when it ends:
/// `{"kind": "permutation_importance", "model": "churn@3", "dataset": "holdout", "target": "churned",
///   "n_repeats": 5, "seed": 0, "metric": "accuracy", "max_rows": 10000}` or
/// `{"kind": "partial_dependence", …, "features": ["age", "plan"], "grid_resolution": 20}`.
public struct GlobalExplanationRequest: Sendable {
    public var kind: String
    public var model: String
    public var dataset: String
    public var target: String?
    public var repeats = 5
    public var seed: UInt64 = 0
    public var metric: String?
    public var features: [String] = []
    public var gridResolution = 20
    public var maxRows = 10_000
    public var priority = 0

    static let kinds = ["permutation_importance", "partial_dependence"]
    static let fields: Set<String> = ["kind", "model", "dataset", "target", "n_repeats", "seed", "metric", "features", "grid_resolution", "max_rows", "priority"]

    public static func parse(_ text: String) throws -> GlobalExplanationRequest {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PlatformError.invalid(field: "body", message: "expected a JSON object")
        }
        for key in object.keys where !fields.contains(key) {
            throw PlatformError.invalid(field: key, message: "unknown field; allowed: \(fields.sorted().joined(separator: ", "))")
        }
        func string(_ key: String) throws -> String {
            guard let value = object[key] as? String, !value.isEmpty else { throw PlatformError.invalid(field: key, message: "is required (a string)") }
            return value
        }
        func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value = object[key] else { return nil }
            guard let n = jsonInteger(value), range.contains(n) else { throw PlatformError.invalid(field: key, message: "must be an integer in \(range.lowerBound)...\(range.upperBound)") }
            return n
        }
        let kind = try string("kind")
        guard kinds.contains(kind) else { throw PlatformError.invalid(field: "kind", message: "must be one of \(kinds.joined(separator: ", ")), got '\(kind)'") }
        var request = GlobalExplanationRequest(kind: kind, model: try string("model"), dataset: try string("dataset"))
        request.target = object["target"] as? String
        request.repeats = try integer("n_repeats", 1...100) ?? 5
        request.seed = UInt64(try integer("seed", 0...Int(Int32.max)) ?? 0)
        request.gridResolution = try integer("grid_resolution", 2...200) ?? 20
        request.maxRows = try integer("max_rows", 10...1_000_000) ?? 10_000
        request.priority = try integer("priority", -100...100) ?? 0
        if let metric = object["metric"] {
            let allowed = PromotionPolicy.classificationMetrics + PromotionPolicy.regressionMetrics
            guard let metric = metric as? String, allowed.contains(metric) else {
                throw PlatformError.invalid(field: "metric", message: "must be one of \(allowed.joined(separator: ", "))")
            }
            request.metric = metric
        }
        if kind == "partial_dependence" {
            guard let features = object["features"] as? [String], !features.isEmpty, features.count <= 10 else {
                throw PlatformError.invalid(field: "features", message: "is required for partial dependence: 1 to 10 column names")
            }
            request.features = features
        } else if let value = object["features"] {
            // Permutation importance of chosen columns only (all of the model's inputs by default).
            guard let features = value as? [String], !features.isEmpty, features.count <= 1000, Set(features).count == features.count else {
                throw PlatformError.invalid(field: "features", message: "must be 1 to 1000 distinct input column names")
            }
            request.features = features
        }
        return request
    }
}

extension TrainingJobs {
    /// Validates and queues a global explanation job.
    public func submitExplanation(project: String, keyID: String, request text: String) async throws -> JobRecord {
        let request = try GlobalExplanationRequest.parse(text)
        let version = try await registry.resolve(project: project, reference: request.model)
        let dataset = try await datasets.record(project: project, name: request.dataset)
        guard TableFormat(rawValue: dataset.format) != nil else {
            throw PlatformError.invalid(field: "dataset", message: "'\(dataset.name)' holds \(dataset.format) tensors; global explanations permute table columns")
        }
        var job = JobRecord(id: "job_" + APIKeyToken.randomBase62(16), project: project, kind: JobRecord.explanation, state: .queued,
                            request: text, createdAt: Date(), modelName: version.name, keyID: keyID)
        job.priority = request.priority
        return try await enqueue(job)
    }

    /// The evaluation a finished explanation job stored.
    public static func evaluationID(job id: String) -> String { "eval_" + id.dropFirst(4) }

    func explainGlobally(_ job: JobRecord, control: JobControl, sink: AsyncStream<Update>.Continuation) async throws -> TrainingOutcome {
        let request = try GlobalExplanationRequest.parse(job.request)
        let version = try await registry.resolve(project: job.project, reference: request.model)
        let dataset = try await datasets.record(project: job.project, name: request.dataset)
        let files = try await artifacts.open(version.artifact)
        let pseudonyms = try await datasets.pseudonyms(project: job.project)
        let prepared = try await datasets.preparedTable(dataset)
        let modelName = "\(version.name)@\(version.version)"
        sink.yield(.event(type: "log", data: "{\"message\":\(JSONText.quote("\(request.kind) of \(modelName) on '\(dataset.name)'"))}"))
        let result = try await Self.onTrainingThread { () -> (String, Double)? in
            var source = prepared
            var table = try invalidAsField("dataset") { try source.read() }
            if table.rowCount > request.maxRows {
                var rng = SeededGenerator(seed: request.seed)
                var rows = Array(0..<table.rowCount)
                rows.shuffle(using: &rng)
                table = table.rows(Array(rows.prefix(request.maxRows)).sorted())
            }
            let model = try LoadedModel.load(files: files, pseudonyms: pseudonyms)
            guard let columns = model.inputColumns, model.encoder == nil, model.language == nil else {
                throw PlatformError.invalid(field: "model", message: "\(modelName) takes a tensor, not named columns; global explanations permute raw columns")
            }
            return request.kind == "permutation_importance"
                ? try Self.permutationImportance(request, model: model, columns: columns, table: table, control: control, sink: sink)
                : try Self.partialDependence(request, model: model, table: table, control: control, sink: sink)
        }
        guard let (report, headline) = result else { return TrainingOutcome(metrics: [:], cancelled: true, trainingRows: 0) }
        let id = Self.evaluationID(job: job.id), createdAt = Date()
        let text = "{\"id\":\(JSONText.quote(id)),\"kind\":\(JSONText.quote(request.kind)),\"created_at\":\(JSONText.quote(createdAt.formatted(.iso8601))),"
            + "\"job\":\(JSONText.quote(job.id)),\"model\":\(JSONText.quote(modelName)),\"dataset\":\(JSONText.quote(dataset.name)),\"dataset_version\":\(dataset.version),"
            + report.dropFirst()
        try await store.insertEvaluation(EvaluationRecord(id: id, project: job.project, kind: request.kind, model: modelName, dataset: dataset.name,
                                                          datasetVersion: dataset.version, keyID: job.keyID, createdAt: createdAt, report: text))
        return TrainingOutcome(metrics: request.kind == "permutation_importance" ? ["baseline_score": headline] : [:], cancelled: false,
                               trainingRows: min(dataset.rows, request.maxRows))
    }

    static func permutationImportance(_ request: GlobalExplanationRequest, model: LoadedModel, columns: [String], table: DataTable,
                                      control: JobControl, sink: AsyncStream<Update>.Continuation) throws -> (String, Double)? {
        let classifier = model.labels != nil
        let metric = request.metric ?? (classifier ? "accuracy" : "r2")
        guard (classifier ? PromotionPolicy.classificationMetrics : PromotionPolicy.regressionMetrics).contains(metric) else {
            throw PlatformError.invalid(field: "metric", message: "\(metric) does not apply to a \(classifier ? "classifier" : "regressor")")
        }
        guard let target = request.target ?? Self.target(of: model), table.column(named: target) != nil else {
            throw PlatformError.invalid(field: "target", message: "is required: the dataset column holding the truth (columns: \(table.columnNames.joined(separator: ", ")))")
        }
        let scoredTable = table.renaming(target: target, for: model)
        for (i, name) in request.features.enumerated() where !columns.contains(name) {
            throw PlatformError.invalid(field: "features[\(i)]", message: "'\(name)' is not an input of the model; inputs: \(columns.joined(separator: ", "))")
        }
        let columns = request.features.isEmpty ? columns : request.features
        for name in columns where table.column(named: name) == nil {
            throw PlatformError.invalid(field: "dataset", message: "has no column '\(name)', an input of the model")
        }
        let lowerIsBetter = PromotionPolicy.lowerIsBetter.contains(metric)
        func score(_ column: Int?, _ order: [Int]?) throws -> Double {
            var permuted = scoredTable
            if let column, let order { permuted = permuted.permuting(column: columns[column], order: order) }
            let value = try PromotionGates.scores(model, table: permuted)[metric] ?? .nan
            // Importance is the drop in score: for an error, the rise.
            return lowerIsBetter ? -value : value
        }
        sink.yield(.progress("{\"columns_done\":0,\"columns\":\(columns.count)}"))
        guard let result = try PermutationImportance.compute(
            columns: columns.count, repeats: request.repeats,
            permutation: PermutationImportance.seededPermutation(rows: table.rowCount, seed: request.seed), score: score,
            progress: { sink.yield(.progress("{\"columns_done\":\($0),\"columns\":\(columns.count)}")) },
            shouldStop: { control.shouldStop }) else { return nil }
        let baseline = lowerIsBetter ? -result.baseline : result.baseline
        let rows = zip(columns.indices, columns).sorted { result.means[$0.0] > result.means[$1.0] }.map { c, name in
            "{\"column\":\(JSONText.quote(name)),\"importance_mean\":\(jsonNumber(result.means[c])),\"importance_std\":\(jsonNumber(result.standardDeviations[c])),"
                + "\"importances\":[" + result.importances[c].map(jsonNumber).joined(separator: ",") + "]}"
        }
        return ("{\"metric\":\(JSONText.quote(metric)),\"rows\":\(table.rowCount),\"n_repeats\":\(request.repeats),\"seed\":\(request.seed),"
                + "\"baseline_score\":\(jsonNumber(baseline)),\"features\":[" + rows.joined(separator: ",") + "]}", baseline)
    }

    static func partialDependence(_ request: GlobalExplanationRequest, model: LoadedModel, table: DataTable,
                                  control: JobControl, sink: AsyncStream<Update>.Continuation) throws -> (String, Double)? {
        var sections: [String] = []
        let outputs = model.labels ?? ["prediction"]
        for (i, feature) in request.features.enumerated() {
            if control.shouldStop { return nil }
            guard let column = table.column(named: feature) else {
                throw PlatformError.invalid(field: "features[\(i)]", message: "no column named '\(feature)'; columns: \(table.columnNames.joined(separator: ", "))")
            }
            let grid: [CellValue]
            switch column.data {
            case .numeric(let values): grid = PartialDependence.grid(values, resolution: request.gridResolution).map { .number($0) }
            case .text(let values): grid = Array(Set(values.compactMap { $0 })).sorted().prefix(request.gridResolution).map { .string($0) }
            }
            var averages: [[Double]] = []
            for value in grid {
                let predictions = try model.predict(.table(table.setting(column: feature, to: value)))
                var sums = [Double](repeating: 0, count: outputs.count)
                for p in predictions {
                    let values = p.probabilities ?? p.values
                    for k in 0..<min(values.count, sums.count) { sums[k] += values[k] }
                }
                averages.append(sums.map { $0 / Double(max(predictions.count, 1)) })
            }
            func cell(_ v: CellValue) -> String {
                switch v { case .number(let n): return jsonNumber(n); case .string(let s): return JSONText.quote(s); case .missing: return "null" }
            }
            sections.append("{\"feature\":\(JSONText.quote(feature)),\"grid\":[" + grid.map(cell).joined(separator: ",") + "],\"average\":{"
                + outputs.enumerated().map { k, name in "\(JSONText.quote(name)):[" + averages.map { jsonNumber($0[k]) }.joined(separator: ",") + "]" }.joined(separator: ",") + "}}")
            sink.yield(.progress("{\"features_done\":\(i + 1),\"features\":\(request.features.count)}"))
        }
        return ("{\"rows\":\(table.rowCount),\"grid_resolution\":\(request.gridResolution),\"outputs\":[" + outputs.map(JSONText.quote).joined(separator: ",")
                + "],\"partial_dependence\":[" + sections.joined(separator: ",") + "]}", 0)
    }

    static func target(of model: LoadedModel) -> String? {
        switch model.body {
        case .pipeline(let artifact, _): return artifact.target
        case .network(let artifact, _): return artifact.target
        case .encoder, .language, .recommender, .forecaster, .speech: return nil
        }
    }
}

extension DataTable {
    /// The table with `column`'s row r holding row order[r]'s value.
    func permuting(column name: String, order: [Int]) -> DataTable {
        var table = self
        guard let index = table.columns.firstIndex(where: { $0.name == name }) else { return self }
        switch table.columns[index].data {
        case .numeric(let v): table.columns[index].data = .numeric(order.map { v[$0] })
        case .text(let v): table.columns[index].data = .text(order.map { v[$0] })
        }
        return table
    }

    /// The table with every row of `column` set to `value`.
    func setting(column name: String, to value: CellValue) -> DataTable {
        var table = self
        guard let index = table.columns.firstIndex(where: { $0.name == name }) else { return self }
        switch (table.columns[index].data, value) {
        case (.numeric(let v), .number(let n)): table.columns[index].data = .numeric([Double](repeating: n, count: v.count))
        case (.text(let v), .string(let s)): table.columns[index].data = .text([String?](repeating: s, count: v.count))
        case (let data, _): table.columns[index].data = data
        }
        return table
    }

    /// The table as the model scores it: the truth in the column the model was trained on.
    func renaming(target: String, for model: LoadedModel) -> DataTable {
        guard let trained = TrainingJobs.target(of: model), trained != target else { return self }
        var table = self
        table.columns.removeAll { $0.name == trained }
        if let moved = table.columns.firstIndex(where: { $0.name == target }) { table.columns[moved].name = trained }
        return table
    }
}
