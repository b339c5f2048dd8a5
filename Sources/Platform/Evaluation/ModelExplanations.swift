import Datasets
import Foundation
import Learners
import NeuralNet
import Tensor

/// How to explain: the method (nil picks the exact one the model supports), KernelSHAP's
/// coalition budget and seed, integrated gradients' steps and baseline, and which outputs.
public struct ExplainOptions: Sendable {
    public static let methods = ["tree", "linear", "kernel", "integrated_gradients"]
    public var method: String?
    public var samples: Int?
    public var seed: UInt64 = 0
    public var steps = 64
    /// `zeros` (Captum's default) or `mean` (the training means, for tabular networks).
    public var baseline = "zeros"
    /// The class to explain for networks (integrated gradients follow one output); nil: the
    /// predicted class.
    public var target: String?
    public init() {}

    static let maxRows = 1000, maxKernelRows = 50, maxSamples = 100_000
}

/// One output's explanation of one row, in raw input columns: base + Σ attributions = value.
public struct OutputAttribution: Sendable {
    public var output: String
    public var base: Double
    public var value: Double
    /// Per raw input column (a one-hot group summed back into its column), in column order.
    public var attributions: [(column: String, value: Double)]
    /// Per token present, for text columns explained as bags of words.
    public var tokens: [(column: String, token: String, value: Double)]
}

public struct RowExplanation: Sendable {
    public var prediction: Prediction
    public var outputs: [OutputAttribution]
    /// For image inputs: attributions per input value (the input's shape) and a PNG heat map.
    public var image: (shape: [Int], values: [Double], png: Data)?
}

public struct ExplanationReport: Sendable {
    public var method: String
    public var units: String
    public var rows: [RowExplanation]
    /// For KernelSHAP: coalitions per row; for integrated gradients: steps.
    public var samples: Int?
}

extension LoadedModel {
    /// Attributions of `input`'s predictions. Runs on the caller's thread: call it off the
    /// event loop.
    public func explain(_ input: PredictionInput, options: ExplainOptions) throws -> ExplanationReport {
        if let method = options.method, !ExplainOptions.methods.contains(method) {
            throw PlatformError.invalid(field: "method", message: "must be one of \(ExplainOptions.methods.joined(separator: ", ")), got '\(method)'")
        }
        let (values, rows) = try features(input)
        guard rows <= ExplainOptions.maxRows else {
            throw PlatformError.invalid(field: "instances", message: "at most \(ExplainOptions.maxRows) rows per explanation, got \(rows)")
        }
        let predictions = try predict(features: values, rows: rows)
        switch body {
        case .pipeline(let artifact, let pipeline):
            return try explainPipeline(artifact, pipeline, values: values, rows: rows, predictions: predictions, options: options)
        case .network(let artifact, let model):
            return try explainNetwork(artifact, model, values: values, rows: rows, predictions: predictions, options: options)
        case .encoder, .language, .recommender, .forecaster, .speech:
            throw PlatformError.invalid(field: "method", message: "\(kind) models cannot be explained; explanations cover classical pipelines and networks")
        }
    }

    private func explainPipeline(_ artifact: PipelineArtifact, _ pipeline: TrainedPipeline, values: [Float], rows: Int,
                                 predictions: [Prediction], options: ExplainOptions) throws -> ExplanationReport {
        let width = values.count / max(rows, 1)
        let x = (0..<rows).map { r in values[(r * width)..<((r + 1) * width)].map(Double.init) }
        let method = options.method ?? ExactExplainer.preferredMethod(for: pipeline.learner)
        let labels = artifact.labels
        if method == "integrated_gradients" {
            throw PlatformError.invalid(field: "method", message: "integrated_gradients explains networks; this \(pipeline.spec.algorithm.rawValue) model takes \(ExactExplainer.preferredMethod(for: pipeline.learner)) or kernel")
        }
        if method == "kernel" {
            guard let background = artifact.profile?.background, !background.isEmpty else {
                throw PlatformError.invalid(field: "method", message: "this model's artifact has no background sample (trained before profiles were recorded); retrain it to use method 'kernel'")
            }
            guard rows <= ExplainOptions.maxKernelRows else {
                throw PlatformError.invalid(field: "instances", message: "method 'kernel' explains at most \(ExplainOptions.maxKernelRows) rows per request, got \(rows)")
            }
            if let samples = options.samples, samples < 2 || samples > ExplainOptions.maxSamples {
                throw PlatformError.invalid(field: "samples", message: "must be between 2 and \(ExplainOptions.maxSamples), got \(samples)")
            }
            let learner = pipeline.learner
            let classes = labels?.count
            let model: KernelExplainer.Model = { m in
                if classes != nil, let probabilities = learner.predictProbabilities(m) { return probabilities }
                let predicted = learner.predict(m)
                guard let classes else { return Matrix(rows: m.rows, columns: 1, values: predicted) }
                // A classifier without probabilities: explain the one-hot of its decision.
                var out = Matrix(rows: m.rows, columns: classes)
                for (r, label) in predicted.enumerated() { out[r, Int(label)] = 1 }
                return out
            }
            let groups = columnRanges(artifact.preprocessing)
            let explainer = try KernelExplainer(model: model, background: Matrix(rows: background.count, columns: width, values: background.flatMap { $0 }),
                                                groups: groups, units: labels == nil ? .value : .probability)
            let samples = options.samples ?? KernelExplainer.defaultSamples(groups: groups.count)
            let explained = x.map { explainer.explain($0, samples: samples, seed: options.seed) }
            return ExplanationReport(method: method, units: explainer.units.rawValue, rows: explained.enumerated().map { r, attribution in
                RowExplanation(prediction: predictions[r], outputs: outputs(attribution, perColumn: true, row: x[r], preprocessor: artifact.preprocessing,
                                                                            labels: labels, target: artifact.target), image: nil)
            }, samples: samples)
        }
        let exact: ExactExplainer?
        do { exact = try ExactExplainer.make(for: pipeline.learner, method: method, means: artifact.profile?.featureMeans) }
        catch let error as DataError { throw PlatformError.invalid(field: error.field, message: error.message) }
        guard let exact else {
            throw PlatformError.invalid(field: "method", message: "a \(pipeline.spec.algorithm.rawValue) model cannot be explained with method '\(method)'; use \(ExactExplainer.preferredMethod(for: pipeline.learner)) or kernel")
        }
        return ExplanationReport(method: method, units: exact.units.rawValue, rows: x.enumerated().map { r, row in
            RowExplanation(prediction: predictions[r], outputs: outputs(exact.explain(row), perColumn: false, row: row, preprocessor: artifact.preprocessing,
                                                                        labels: labels, target: artifact.target), image: nil)
        }, samples: nil)
    }

    private func explainNetwork(_ artifact: ModelArtifact, _ model: Model, values: [Float], rows: Int,
                                predictions: [Prediction], options: ExplainOptions) throws -> ExplanationReport {
        let method = options.method ?? "integrated_gradients"
        guard method == "integrated_gradients" else {
            throw PlatformError.invalid(field: "method", message: "networks are explained with integrated_gradients, got '\(method)'")
        }
        guard options.steps >= 2 && options.steps <= 1024 else {
            throw PlatformError.invalid(field: "steps", message: "must be between 2 and 1024, got \(options.steps)")
        }
        if model.spec.layers.first?.type == .embedding {
            throw PlatformError.invalid(field: "method", message: "this network starts with an embedding: token ids have no gradient to integrate; explain a model on numeric inputs")
        }
        let width = values.count / max(rows, 1)
        let baseline: [Float]
        switch options.baseline {
        case "zeros": baseline = [Float](repeating: 0, count: width)
        case "mean":
            guard let means = artifact.profile?.featureMeans, means.count == width else {
                throw PlatformError.invalid(field: "baseline", message: "'mean' needs the training means recorded with tabular networks; use 'zeros'")
            }
            baseline = means.map(Float.init)
        default: throw PlatformError.invalid(field: "baseline", message: "must be 'zeros' or 'mean', got '\(options.baseline)'")
        }
        let labels = artifact.labels
        var explained: [RowExplanation] = []
        for r in 0..<rows {
            let x = Array(values[(r * width)..<((r + 1) * width)])
            let prediction = predictions[r]
            var target = 0
            if let labels {
                if let wanted = options.target {
                    guard let index = labels.firstIndex(of: wanted) else {
                        throw PlatformError.invalid(field: "target", message: "'\(wanted)' is not a class of this model; classes: \(labels.joined(separator: ", "))")
                    }
                    target = index
                } else {
                    target = prediction.label.flatMap { labels.firstIndex(of: $0) } ?? 0
                }
                // A single sigmoid output explains the second class's probability.
                if model.outputShape.reduce(1, *) == 1 { target = 0 }
            }
            let result: (attributions: [Double], output: Double, baselineOutput: Double)
            do {
                result = try integratedGradientsLock.withLock {
                    try IntegratedGradients.attribute(model: model, x: x, baseline: baseline, target: target, steps: options.steps)
                }
            } catch let error as SpecError { throw PlatformError.invalid(field: error.path, message: error.message) }
            let name = labels.map { $0[min(target, $0.count - 1)] } ?? "output"
            let attribution = FeatureAttribution(base: [result.baselineOutput], values: [result.attributions], units: .probability)
            var row = RowExplanation(prediction: prediction, outputs: [], image: nil)
            if let preprocessor = artifact.preprocessing {
                row.outputs = outputs(attribution, perColumn: false, row: x.map(Double.init), preprocessor: preprocessor, labels: [name], target: name)
            } else {
                let shape = model.spec.input.shape
                row.outputs = [OutputAttribution(output: name, base: result.baselineOutput, value: result.output,
                                                 attributions: [("input", result.attributions.reduce(0, +))], tokens: [])]
                if shape.count >= 2 {
                    row.image = (shape, result.attributions, HeatMap.png(result.attributions, shape: shape))
                }
            }
            row.outputs[0].value = result.output
            explained.append(row)
        }
        return ExplanationReport(method: method, units: labels == nil ? "value" : "probability", rows: explained, samples: options.steps)
    }

    /// Transformed columns per raw input column.
    func columnRanges(_ preprocessor: FittedPreprocessor) -> [Range<Int>] {
        var start = 0
        return preprocessor.columns.map { column in
            defer { start += column.width }
            return start..<(start + column.width)
        }
    }

    /// Per-output attributions in raw columns. `perColumn`: the values are already one per raw
    /// column (KernelSHAP over column groups); otherwise one per transformed feature, summed.
    private func outputs(_ attribution: FeatureAttribution, perColumn: Bool, row: [Double], preprocessor: FittedPreprocessor,
                         labels: [String]?, target: String) -> [OutputAttribution] {
        let ranges = columnRanges(preprocessor)
        return attribution.values.enumerated().map { k, values in
            var columns: [(String, Double)] = [], tokens: [(String, String, Double)] = []
            for (c, column) in preprocessor.columns.enumerated() {
                if perColumn { columns.append((column.name, values[c])); continue }
                let range = ranges[c]
                columns.append((column.name, range.reduce(0) { $0 + values[$1] }))
                if case .bagOfWords(_, _, let vocabulary, _) = column {
                    for j in range where row[j] != 0 { tokens.append((column.name, vocabulary[j - range.lowerBound], values[j])) }
                }
            }
            let name: String
            if let labels {
                // One margin for two classes: the log-odds of the second.
                name = attribution.values.count == 1 && labels.count == 2 ? labels[1] : labels[min(k, labels.count - 1)]
            } else {
                name = target
            }
            let base = attribution.base[k]
            return OutputAttribution(output: name, base: base, value: base + values.reduce(0, +), attributions: columns, tokens: tokens)
        }
    }
}

/// A grayscale-on-red PNG of attribution magnitudes, one pixel per input position (channels
/// summed), scaled so the largest magnitude is full intensity.
enum HeatMap {
    static func png(_ values: [Double], shape: [Int]) -> Data {
        // [H, W] or [H, W, C] (channels last) or [C, H, W] with C ≤ 4.
        let (height, width, channels, channelsFirst): (Int, Int, Int, Bool)
        if shape.count == 3 && shape[0] <= 4 && shape[2] > 4 { (height, width, channels, channelsFirst) = (shape[1], shape[2], shape[0], true) }
        else { (height, width, channels, channelsFirst) = (shape[0], shape[1], shape.count == 3 ? shape[2] : 1, false) }
        var magnitude = [Double](repeating: 0, count: height * width)
        for y in 0..<height { for x in 0..<width { for c in 0..<channels {
            let i = channelsFirst ? (c * height + y) * width + x : (y * width + x) * channels + c
            if i < values.count { magnitude[y * width + x] += values[i] }
        } } }
        let peak = magnitude.map(abs).max() ?? 0
        var raw = [UInt8]()
        raw.reserveCapacity(height * (1 + width * 3))
        for y in 0..<height {
            raw.append(0)  // filter: none
            for x in 0..<width {
                let v = peak > 0 ? magnitude[y * width + x] / peak : 0
                // Positive evidence red, negative blue.
                let level = UInt8(min(255, (abs(v) * 255).rounded()))
                raw += v >= 0 ? [level, 0, 0] : [0, 0, level]
            }
        }
        return PNG.encode(rgb: raw, width: width, height: height)
    }
}

extension LoadedModel {
    /// `explain` on its own thread, off the server's event loops (a forest's KernelSHAP can take
    /// seconds).
    public func explainOffLoop(_ input: PredictionInput, options: ExplainOptions) async throws -> ExplanationReport {
        try await TrainingJobs.onTrainingThread { try self.explain(input, options: options) }
    }
}

extension LoadedModel {
    /// Mean |SHAP| per raw input column over the training background (each output's column
    /// attribution taken in absolute value, summed over outputs), largest first; nil when the
    /// model has no exact explainer or its artifact no background.
    public func globalImportance() -> [(column: String, value: Double)]? {
        guard case .pipeline(let artifact, let pipeline) = body, let background = artifact.profile?.background, !background.isEmpty else { return nil }
        let method = ExactExplainer.preferredMethod(for: pipeline.learner)
        guard method != "kernel",
              let exact = try? ExactExplainer.make(for: pipeline.learner, method: method, means: artifact.profile?.featureMeans) else { return nil }
        let ranges = columnRanges(artifact.preprocessing)
        var totals = [Double](repeating: 0, count: ranges.count)
        for row in background {
            for values in exact.explain(row).values {
                for (c, range) in ranges.enumerated() { totals[c] += abs(range.reduce(0) { $0 + values[$1] }) }
            }
        }
        return zip(artifact.preprocessing.inputNames, totals.map { $0 / Double(background.count) }).map { (column: $0, value: $1) }
            .sorted { $0.value > $1.value }
    }
}
