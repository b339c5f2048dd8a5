import Datasets
import Foundation
import LanguageModels
import Learners
import NeuralNet
import Tensor

/// Inputs an endpoint accepts, already parsed from the wire.
public enum PredictionInput: Sendable {
    /// Raw named values per row (TF-Serving `instances` objects).
    case records([[String: CellValue]])
    /// Flattened numeric rows (Open Inference Protocol tensors, or arrays of numbers).
    case rows(values: [Float], rowCount: Int)
    /// One raw text per row, for models with a single text column.
    case texts([String])
    /// A table of raw columns (batch prediction over a dataset).
    case table(DataTable)
}

/// One row's prediction: a class label with probabilities, or values.
public struct Prediction: Sendable, Equatable {
    public var label: String?
    public var probabilities: [Double]?
    public var values: [Double]
}

/// A model loaded for serving. Inference only reads parameters (batch-norm statistics change
/// only in training mode), so one instance serves concurrent requests.
public final class LoadedModel: @unchecked Sendable {
    public enum Body {
        case network(ModelArtifact, Model)
        case pipeline(PipelineArtifact, TrainedPipeline)
        /// A pretrained sentence encoder: texts in, unit-length embeddings out.
        case encoder(SentenceEncoder)
        /// A language model: prompts in, generated text out (through a GenerationQueue).
        case language(LlamaModel)
        /// A matrix-factorisation recommender: users (or items they chose) in, ranked items out.
        case recommender(Recommender)
        /// Forecasters of one or many series: a series id and a horizon in, future values out.
        case forecaster(Forecaster)
        /// Speech recognition (Whisper): audio in, text with timestamps out (through a TranscriptionQueue).
        case speech(WhisperTranscriber)
    }

    public let body: Body
    public let kind: String
    /// Bytes the artifact's files take: the weights, which dominate the memory a loaded model holds.
    public private(set) var memoryBytes = 0
    /// The column policies its training data had (`policies.json`): raw inputs get the same
    /// treatment, so a served model sees values as it was trained on them.
    public private(set) var inputPolicies = ColumnPolicies()
    private var pseudonyms: Pseudonyms?
    /// Integrated gradients run backward passes that write the parameters' gradients: one at a
    /// time per loaded model (predictions are unaffected: they never read gradients).
    let integratedGradientsLock = NSLock()

    init(body: Body, kind: String) {
        self.body = body
        self.kind = kind
    }

    /// The name of the artifact file that records the training data's column policies.
    public static let policiesFile = "policies.json"

    /// Loads any artifact kind the registry accepts for serving, from its files (decrypted in
    /// memory, or a folder). `pseudonyms` is the project's, for `hash` policies.
    public static func load(files: ArtifactFiles, pseudonyms: Pseudonyms? = nil) throws -> LoadedModel {
        let model = try loadBody(files: files)
        model.memoryBytes = files.totalBytes
        // A speech model's float16 file is held as Float32: its memory is the weights', not the file's.
        if let speech = model.speech { model.memoryBytes = max(files.totalBytes, speech.model.weightBytes) }
        if let data = files.data(policiesFile) {
            guard let texts = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw SealedError.integrity(files.describe(policiesFile), "not a JSON object of column policies")
            }
            model.inputPolicies = try invalidAsField("policies") { try ColumnPolicies(texts: texts) }
            if model.inputPolicies.byColumn.values.contains(.hash) && pseudonyms == nil {
                throw PlatformError.conflict("this model's training data had hashed columns; it loads only with its project's pseudonym key")
            }
            model.pseudonyms = pseudonyms
        }
        return model
    }

    public static func load(directory: URL) throws -> LoadedModel { try load(files: ArtifactFiles(directory: directory.path)) }

    private static func loadBody(files: ArtifactFiles) throws -> LoadedModel {
        switch ArtifactDirectory.kind(of: files) {
        case LanguageModelArtifact.kind:
            let name = LanguageModelArtifact.fileName
            let gguf: GGUFFile
            if let buffer = files.buffer(name) { gguf = try GGUFFile(buffer: buffer, name: files.describe(name)) }
            else if let path = files.path(name) { gguf = try GGUFFile(path: path) }
            else { throw PlatformError.invalid(field: "artifact", message: "\(files.location) holds no \(name)") }
            return LoadedModel(body: .language(try LlamaModel(file: gguf)), kind: LanguageModelArtifact.kind)
        case SentenceEncoderArtifact.kind:
            return LoadedModel(body: .encoder(try SentenceEncoder(files: files)), kind: SentenceEncoderArtifact.kind)
        case "recommender":
            return LoadedModel(body: .recommender(Recommender(try RecommenderArtifact.load(from: files))), kind: "recommender")
        case SpeechRecognizerArtifact.kind:
            return LoadedModel(body: .speech(try SpeechRecognizerArtifact.load(files)), kind: SpeechRecognizerArtifact.kind)
        case "forecaster":
            return LoadedModel(body: .forecaster(Forecaster(try invalidAsField("artifact") { try ForecasterArtifact.load(from: files) })), kind: "forecaster")
        case "classical":
            let (artifact, pipeline) = try PipelineArtifact.load(from: files)
            return LoadedModel(body: .pipeline(artifact, pipeline), kind: "classical")
        case "neural_network", nil:
            let (artifact, model) = try ModelArtifact.load(from: files)
            return LoadedModel(body: .network(artifact, model), kind: "neural_network")
        case let other?:
            throw PlatformError.invalid(field: "kind", message: "\(other) models are not served by prediction endpoints yet; use maas predict")
        }
    }

    /// Records and tables under the training data's policies.
    func applyingPolicies(_ records: [[String: CellValue]]) -> [[String: CellValue]] {
        guard !inputPolicies.isEmpty else { return records }
        return inputPolicies.apply(to: records, pseudonym: { self.pseudonyms?($0) ?? $0 })
    }

    func applyingPolicies(_ table: DataTable) -> DataTable {
        guard !inputPolicies.isEmpty else { return table }
        return inputPolicies.apply(to: table, pseudonym: { self.pseudonyms?($0) ?? $0 })
    }

    /// Class labels for classifiers.
    public var labels: [String]? {
        switch body {
        case .network(let a, _): return a.labels
        case .pipeline(let a, _): return a.labels
        case .encoder, .language, .recommender, .forecaster, .speech: return nil
        }
    }

    /// The language model, when this model is one.
    public var language: LlamaModel? {
        if case .language(let model) = body { return model }
        return nil
    }

    /// The speech recogniser, when this model is one.
    public var speech: WhisperTranscriber? {
        if case .speech(let transcriber) = body { return transcriber }
        return nil
    }

    /// The sentence encoder, when this model is one.
    public var encoder: SentenceEncoder? {
        if case .encoder(let encoder) = body { return encoder }
        return nil
    }

    /// Named raw input columns when the model takes raw rows; nil when it takes a tensor.
    public var inputColumns: [String]? {
        switch body {
        case .network(let a, _): return a.preprocessing?.inputNames
        case .pipeline(let a, _): return a.preprocessing.inputNames
        case .encoder, .language: return ["text"]
        case .recommender: return ["user"]
        case .forecaster: return ["series"]
        case .speech: return ["file"]
        }
    }

    /// Raw input columns with their wire datatype: FP32 for numeric columns, BYTES for
    /// categories and text.
    public var inputColumnTypes: [(name: String, datatype: String)]? {
        preprocessor?.columns.map { column in
            if case .numeric = column { return (column.name, "FP32") }
            return (column.name, "BYTES")
        }
    }

    /// Per-row input shape for tensor input.
    public var inputShape: [Int] {
        switch body {
        case .network(let a, _): return a.preprocessing.map { [$0.width] } ?? a.spec.input.shape
        case .pipeline(let a, _): return [a.preprocessing.width]
        case .encoder, .language, .recommender, .forecaster, .speech: return [1]
        }
    }

    var preprocessor: FittedPreprocessor? {
        switch body {
        case .network(let a, _): return a.preprocessing
        case .pipeline(let a, _): return a.preprocessing
        case .encoder, .language, .recommender, .forecaster, .speech: return nil
        }
    }

    /// Turns any accepted input into the feature rows the model computes on (cheap: runs on
    /// the request's task, so the batch thread only does the forward pass).
    public func features(_ input: PredictionInput) throws -> (values: [Float], rows: Int) {
        if encoder != nil {
            throw PlatformError.invalid(field: "inputs", message: "this model is a sentence encoder: send texts (a BYTES tensor, or strings as instances)")
        }
        if language != nil {
            throw PlatformError.invalid(field: "inputs", message: "this model is a language model: use /v1/chat/completions or /v1/completions")
        }
        if case .recommender = body {
            throw PlatformError.invalid(field: "inputs", message: "this model is a recommender: use POST /v1/endpoints/{name}/recommend or /similar-items")
        }
        if case .forecaster = body {
            throw PlatformError.invalid(field: "inputs", message: "this model is a forecaster: use POST /v1/endpoints/{name}/forecast")
        }
        if case .speech = body {
            throw PlatformError.invalid(field: "inputs", message: "this model recognises speech: use POST /v1/audio/transcriptions or /v1/audio/translations")
        }
        switch input {
        case .rows(let values, let rows):
            if let names = inputColumns {
                // A model with fitted preprocessing takes raw values, one per input column in order.
                guard rows > 0, values.count == rows * names.count else {
                    throw PlatformError.invalid(field: "inputs", message: "expected \(names.count) raw values per row (columns \(names.joined(separator: ", "))), got \(values.count) values for \(rows) rows")
                }
                let records = (0..<rows).map { r in Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, CellValue.number(Double(values[r * names.count + $0]))) }) }
                return try features(.records(records))
            }
            let width = inputShape.reduce(1, *)
            guard rows > 0, values.count == rows * width else {
                throw PlatformError.invalid(field: "inputs", message: "expected \(width) values per row (shape \(inputShape)), got \(values.count) values for \(rows) rows")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw PlatformError.invalid(field: "inputs", message: "value \(bad) is \(values[bad]); inputs must be finite numbers")
            }
            return (values, rows)
        case .records(let records):
            guard let preprocessor else {
                throw PlatformError.invalid(field: "instances", message: "this model takes numeric tensors of shape \(inputShape), not named values")
            }
            do {
                let m = try preprocessor.transform(records: applyingPolicies(records))
                return (m.values.map { Float($0) }, m.rows)
            } catch let error as DataError {
                throw PlatformError.invalid(field: error.field, message: error.message)
            }
        case .table(let raw):
            let table = applyingPolicies(raw)
            guard let preprocessor else {
                // A tensor model over a table: every column numeric, one value per input feature.
                var values = [Float](repeating: 0, count: table.rowCount * table.columns.count)
                for (c, column) in table.columns.enumerated() {
                    guard case .numeric(let numbers) = column.data else {
                        throw PlatformError.invalid(field: "dataset", message: "column '\(column.name)' is not numeric; this model takes numeric tensors")
                    }
                    for r in numbers.indices { values[r * table.columns.count + c] = Float(numbers[r]) }
                }
                return try features(.rows(values: values, rowCount: table.rowCount))
            }
            let m = try invalidAsField("dataset") { try preprocessor.transform(table) }
            return (m.values.map { Float($0) }, m.rows)
        case .texts(let texts):
            guard let names = inputColumns, names.count == 1 else {
                throw PlatformError.invalid(field: "instances", message: "raw strings need a model with one text column; this one takes \(inputColumns?.joined(separator: ", ") ?? "a numeric tensor")")
            }
            return try features(.records(texts.map { [names[0]: .string($0)] }))
        }
    }

    /// Embeddings of texts as prediction values, with the tokens each text took; nil unless
    /// this model is a sentence encoder.
    public func embed(_ texts: [String]) -> (predictions: [Prediction], tokenCounts: [Int])? {
        guard let encoder else { return nil }
        let (embeddings, counts) = encoder.embed(texts)
        return (embeddings.map { Prediction(label: nil, probabilities: nil, values: $0.map(Double.init)) }, counts)
    }

    public func predict(_ input: PredictionInput) throws -> [Prediction] {
        if case .texts(let texts) = input, let embedded = embed(texts) { return embedded.predictions }
        let (values, rows) = try features(input)
        return try predict(features: values, rows: rows)
    }

    /// Predictions for feature rows (the output of `features`), possibly several requests' rows.
    public func predict(features values: [Float], rows: Int) throws -> [Prediction] {
        switch body {
        case .encoder, .language:
            throw PlatformError.invalid(field: "inputs", message: "this \(kind) model does not take feature rows")
        case .recommender:
            throw PlatformError.invalid(field: "inputs", message: "a recommender answers POST /v1/endpoints/{name}/recommend and /similar-items, not predictions")
        case .forecaster:
            throw PlatformError.invalid(field: "inputs", message: "a forecaster answers POST /v1/endpoints/{name}/forecast, not predictions")
        case .speech:
            throw PlatformError.invalid(field: "inputs", message: "a speech model answers POST /v1/audio/transcriptions and /v1/audio/translations, not predictions")
        case .network(let artifact, let model):
            let output: Tensor
            do { output = try model.predict(Tensor(shape: [rows] + artifact.spec.input.shape, scalars: values)) }
            catch let error as SpecError { throw PlatformError.invalid(field: error.path, message: error.message) }
            let width = output.count / max(rows, 1), out = output.scalars
            return (0..<rows).map { r in
                let row = out[(r * width)..<((r + 1) * width)].map(Double.init)
                guard let labels = artifact.labels else { return Prediction(label: nil, probabilities: nil, values: row) }
                if width == 1 {  // sigmoid output: probability of the second class
                    let p = row[0]
                    return Prediction(label: labels[p > 0.5 ? min(1, labels.count - 1) : 0], probabilities: [1 - p, p], values: row)
                }
                let best = row.indices.max { row[$0] < row[$1] }!
                return Prediction(label: labels[min(best, labels.count - 1)], probabilities: row, values: row)
            }
        case .pipeline(let artifact, let pipeline):
            let x = Matrix(rows: rows, columns: values.count / max(rows, 1), values: values.map(Double.init))
            let predicted = pipeline.learner.predict(x)
            let probabilities = pipeline.learner.predictProbabilities(x)
            return (0..<rows).map { r in
                guard let labels = artifact.labels else { return Prediction(label: nil, probabilities: nil, values: [predicted[r]]) }
                return Prediction(label: labels[Int(predicted[r])], probabilities: probabilities.map { Array($0.row(r)) }, values: [predicted[r]])
            }
        }
    }
}

/// A pretrained sentence encoder stored as the Hugging Face directory it came in (config.json,
/// model.safetensors, vocab.txt) plus a model.json naming its kind.
public enum SentenceEncoderArtifact {
    public static let kind = "sentence_encoder"

    static let requiredFiles = ["config.json", "model.safetensors", "vocab.txt"]

    /// Whether `directory` holds a BERT encoder in Hugging Face's layout.
    public static func recognizes(_ directory: URL) -> Bool {
        requiredFiles.allSatisfy { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }

    static func descriptor(source: String) -> Data {
        Data("{\"format_version\":1,\"kind\":\"\(kind)\",\"metrics\":{},\"lineage\":{\"source\":\(JSONText.quote(source))}}".utf8)
    }

    /// The model files sealed into a staging area with a model.json descriptor.
    public static func stage(_ directory: URL, into staging: ArtifactStaging) throws {
        for name in ["config.json", "model.safetensors", "vocab.txt", "sentence_bert_config.json", "tokenizer.json", "tokenizer_config.json"] {
            let source = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: source.path) { try staging.copy(source, as: name) }
        }
        try staging.write(descriptor(source: directory.lastPathComponent), as: "model.json")
    }
}
