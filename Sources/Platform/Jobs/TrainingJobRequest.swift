import Datasets
import Foundation
import Learners
import NeuralNet

/// A submitted training job, validated: what to train, on which dataset, how to measure it.
///
/// ```json
/// {"name": "fashion", "dataset": "fm-images", "labels": "fm-labels",
///  "spec": {"input": …, "layers": […]}, "validation": {"holdout": 0.2}, "seed": 1, "epochs": 2}
/// {"name": "wine", "dataset": "wine", "target": "target", "spec": {"algorithm": "svm"},
///  "preprocessing": {…}, "validation": {"kfold": 5}}
/// ```
public struct TrainingJobRequest: Sendable {
    /// Registered model the job's version goes to.
    public var modelName: String
    public var dataset: String
    /// An IDX/NPY dataset of class labels, when `dataset` holds images (IDX/NPY tensors).
    public var labels: String?
    /// Target column, when `dataset` is a table.
    public var target: String?
    public var recipe: ModelRecipe
    public var specText: String
    public var preprocessing: PreprocessingSpec
    public var scheme: HeldOutScheme
    public var seed: UInt64?
    public var epochs: Int?
    /// Within the project, higher runs first (-10 to 10, default 0).
    public var priority = 0

    static let fields: Set<String> = ["name", "dataset", "labels", "target", "spec", "preprocessing", "validation", "seed", "epochs", "priority"]

    public static func parse(_ text: String) throws -> TrainingJobRequest {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PlatformError.invalid(field: "body", message: "expected a JSON object")
        }
        for key in object.keys where !fields.contains(key) {
            throw PlatformError.invalid(field: key, message: "unknown field; allowed: \(fields.sorted().joined(separator: ", "))")
        }
        func string(_ key: String, required: Bool) throws -> String? {
            guard let value = object[key] else {
                if required { throw PlatformError.invalid(field: key, message: "is required (a string)") }
                return nil
            }
            guard let text = value as? String, !text.isEmpty else { throw PlatformError.invalid(field: key, message: "must be a non-empty string") }
            return text
        }
        func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let value = object[key] else { return nil }
            guard let number = jsonInteger(value), range.contains(number) else {
                throw PlatformError.invalid(field: key, message: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        let name = try string("name", required: true)!
        try ModelRegistry.checkName(name, field: "name")
        guard let spec = object["spec"] as? [String: Any] else {
            throw PlatformError.invalid(field: "spec", message: "is required: a network spec ({\"input\", \"layers\", …}) or a learner spec ({\"algorithm\", …})")
        }
        let specText = String(decoding: try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys]), as: UTF8.self)
        let recipe = try invalidAsField("spec") { try ModelRecipe.parse(specText) }
        var preprocessing = PreprocessingSpec()
        if let value = object["preprocessing"] {
            guard let prep = value as? [String: Any] else { throw PlatformError.invalid(field: "preprocessing", message: "must be an object") }
            preprocessing = try invalidAsField("preprocessing") {
                try JSONDecoder().decode(PreprocessingSpec.self, from: JSONSerialization.data(withJSONObject: prep))
            }
        }
        var scheme = HeldOutScheme.holdout(0.2)
        if let value = object["validation"] {
            guard let validation = value as? [String: Any], validation.count == 1 else {
                throw PlatformError.invalid(field: "validation", message: "must be {\"holdout\": fraction} or {\"kfold\": k}")
            }
            if let fraction = (validation["holdout"] as? NSNumber)?.doubleValue {
                guard fraction > 0 && fraction < 1 else { throw PlatformError.invalid(field: "validation.holdout", message: "must be a fraction in (0, 1), got \(fraction)") }
                scheme = .holdout(fraction)
            } else if let k = (validation["kfold"] as? NSNumber)?.doubleValue {
                guard k == k.rounded(), (2...100).contains(k) else { throw PlatformError.invalid(field: "validation.kfold", message: "must be an integer from 2 to 100, got \(k)") }
                scheme = .kFold(Int(k))
            } else {
                throw PlatformError.invalid(field: "validation", message: "must be {\"holdout\": fraction} or {\"kfold\": k}")
            }
        }
        var request = TrainingJobRequest(
            modelName: name, dataset: try string("dataset", required: true)!, labels: try string("labels", required: false),
            target: try string("target", required: false), recipe: recipe, specText: specText, preprocessing: preprocessing,
            scheme: scheme, seed: try integer("seed", in: 0...Int.max).map(UInt64.init), epochs: try integer("epochs", in: 1...10_000))
        // A recommender's target is optional: the rating or weight column (else `rating` or
        // `weight` if present, else each interaction counts 1); so is a forecaster's (the value
        // column, `value` by default).
        var targetOptional = false
        if case .learner(let spec) = recipe, spec.algorithm == .matrixFactorization || spec.algorithm.isForecaster { targetOptional = true }
        if request.labels == nil && request.target == nil && !targetOptional {
            throw PlatformError.invalid(field: "target", message: "is required for a table dataset (or give 'labels': a label dataset for images)")
        }
        request.priority = try JobPriority.parse(object["priority"])
        return request
    }
}

/// Runs `body`, turning spec and data errors into `PlatformError.invalid` under `field`.
func invalidAsField<T>(_ field: String, _ body: () throws -> T) throws -> T {
    do { return try body() }
    catch let error as SpecError { throw PlatformError.invalid(field: error.path.isEmpty ? field : "\(field).\(error.path)", message: error.message) }
    catch let error as DataError {
        // Preprocessing errors already name their full path (preprocessing.reweigh, …).
        let named = error.field.isEmpty ? field : error.field == field || error.field.hasPrefix("preprocessing") ? error.field : "\(field).\(error.field)"
        throw PlatformError.invalid(field: named, message: error.message)
    }
    catch let error as DecodingError {
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            throw PlatformError.invalid(field: path.isEmpty ? field : "\(field).\(path)", message: c.debugDescription)
        @unknown default: throw PlatformError.invalid(field: field, message: "\(error)")
        }
    }
}
