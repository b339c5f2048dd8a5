import ArgumentParser
import Datasets
import Foundation
import Learners
import NeuralNet
import Platform
import Tensor

@main
struct Maas: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maas",
        abstract: "SwiftMaaS: train, evaluate and serve models from one binary.",
        subcommands: [Serve.self, Worker.self, Train.self, Predict.self, Eval.self, DatasetCommands.self, JobCommands.self, ModelCommands.self,
                      Deploy.self, Generate.self, Transcribe.self, Bench.self, AdminCommands.self, AuditCommands.self, Check.self])
}

/// A user-facing failure: printed as one line, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Loads a labelled image folder (MNIST-layout IDX files) as training and test sets.
func loadImageFolder(_ path: String) throws -> (train: LabelledData, test: LabelledData?) {
    let train = try LabelledImages.loadIDXFolder(path, split: "train")
    let test = try? LabelledImages.loadIDXFolder(path, split: "test")
    return (LabelledData(inputs: train.images, targets: .classes(train.labels)),
            test.map { LabelledData(inputs: $0.images, targets: .classes($0.labels)) })
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a model locally and write its artifact.")

    @Option(help: "Model spec (JSON or YAML): a network ({\"layers\": …}) or a classical learner ({\"algorithm\": …}).") var spec: String
    @Option(help: "Training data: a folder of IDX files (train-*/t10k-*) for networks; CSV, TSV or JSON Lines for learners.") var data: String
    @Option(help: "Target column (classical learners).") var target: String?
    @Option(help: "Fraction of rows held out to report metrics (classical learners).") var testFraction = 0.2
    @Option(help: "Preprocessing spec: a JSON file or inline JSON (classical learners).") var preprocessing: String?
    @Option(help: "Override the spec's epoch count.") var epochs: Int?
    @Option(help: "Use only the first N training samples.") var limit: Int?
    @Option(help: "Seed for initialisation, shuffling and dropout.") var seed: UInt64?
    @Option(help: "Artifact directory to write.") var output: String = "maas-data/models/latest"
    @Flag(help: "Print one JSON line per epoch instead of a progress bar.") var json = false

    func run() throws {
        let recipe: ModelRecipe
        do { recipe = try ModelRecipe.parse(try jsonArgument(spec)) } catch let error as SpecError { throw CommandFailure("model spec \(spec): \(error)") }
        let seedText = String(seed ?? 0)
        let data: TrainingData
        switch recipe {
        case .learner(let learnerSpec):
            switch learnerSpec.algorithm {
            case .holtWinters, .autoregressive, .matrixFactorization:
                // Interactions (user, item, optional rating or weight and timestamp), or series
                // (timestamp, value, optional series id), validated as training jobs validate
                // them: each user's last interaction held out, or rolling forecast origins.
                data = .table(try readTable(self.data), target: target ?? "")
            default:
                guard let target else { throw CommandFailure("--target is required to train a classical learner") }
                data = .table(try readTable(self.data), target: target)
            }
        case .network:
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: self.data, isDirectory: &isDirectory), !isDirectory.boolValue {
                guard let target else { throw CommandFailure("--target is required to train a network on a table") }
                data = .table(try readTable(self.data), target: target)
            } else {
                var (train, test) = try loadImageFolder(self.data)
                if let limit { train = train.batch(0..<min(limit, train.count)) }
                data = .images(train, test: test)
            }
        }
        let prep = try preprocessing.map { try JSONDecoder().decode(PreprocessingSpec.self, from: Data(try jsonArgument($0).utf8)) }
            ?? PreprocessingSpec()
        var hooks = TrainingHooks()
        let progress = ProgressBar()
        hooks.log = { FileHandle.standardError.write($0 + "\n") }
        if json {
            hooks.onEpoch = { report in
                var row: [String: Any] = ["epoch": report.epoch, "loss": report.loss, "seconds": report.seconds,
                                          "samples_per_s": report.samplesPerSecond, "peak_rss_mib": peakRSSMiB()]
                if let accuracy = report.accuracy { row["accuracy"] = accuracy }
                printJSON(row)
            }
        } else {
            hooks.onStep = { progress.update($0) }
            hooks.onEpoch = { progress.finish($0) }
        }
        let outcome: TrainingOutcome
        do {
            outcome = try ModelTraining.run(recipe, data: data, preprocessing: prep, scheme: .holdout(testFraction), seed: seed,
                                            epochs: epochs, lineage: ["data": self.data, "seed": seedText], hooks: hooks,
                                            output: { [output] in try ArtifactDirectory.write($0, to: output) })
        } catch let error as PlatformError { throw CommandFailure("\(error)") }
        print("held-out metrics:")
        for name in outcome.metrics.keys.sorted() { print("  \(name): \(String(format: "%.4f", outcome.metrics[name]!))") }
        print("wrote \(output)")
    }
}

struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print predictions of a saved model, or of a served endpoint with --endpoint.")

    @Option(name: .customLong("model"), help: "Artifact directory (model.json + weights.safetensors).") var modelPath: String?
    var model: String { modelPath ?? "" }
    @Option(help: "A deployed endpoint on the server at MAAS_URL (key in MAAS_API_KEY).") var endpoint: String?
    @Option(help: "Input: an IDX file (images), a CSV/text file with one flattened sample per line, a table for classical models, or user ids for recommenders.") var input: String?
    @Option(help: "Print at most N predictions.") var limit: Int = 20
    @Option(help: "Forecasters: periods ahead to forecast (default: the horizon it was validated on).") var steps: Int?
    @Option(help: "Forecasters: the series id, for a model of many series.") var series: String?
    @Option(help: "Recommenders: a user id to recommend for.") var user: String?
    @Option(help: "Recommenders: items per user.") var top: Int = 10

    func run() async throws {
        if let endpoint { return try await predictRemotely(endpoint) }
        guard modelPath != nil else { throw CommandFailure("give --model (an artifact directory) or --endpoint (a deployed endpoint)") }
        switch ArtifactDirectory.kind(of: model) {
        case "classical": return try predictClassical()
        case "forecaster": return try forecast()
        case "recommender": return try recommend()
        default: break
        }
        let (artifact, network) = try ModelArtifact.load(from: model)
        if let preprocessor = artifact.preprocessing { return try predictNetworkOnTable(artifact, network, preprocessor) }
        guard let input else { throw CommandFailure("--input is required for this model") }
        let samples = try readSamples(input, sampleShape: artifact.spec.input.shape)
        let outputs = try network.predict(samples)
        let width = outputs.count / max(outputs.shape[0], 1)
        let values = outputs.scalars
        for row in 0..<min(limit, outputs.shape[0]) {
            let out = Array(values[(row * width)..<((row + 1) * width)])
            if let labels = artifact.labels, labels.count == width, width > 1 {
                let best = out.indices.max { out[$0] < out[$1] }!
                print("\(row)\t\(labels[best])\t\(String(format: "%.4f", out[best]))")
            } else {
                print("\(row)\t" + out.map { String(format: "%.6g", $0) }.joined(separator: "\t"))
            }
        }
    }

    /// Raw rows in, labels (with probability) or values out: the fitted preprocessing runs first.
    func predictClassical() throws {
        let (artifact, pipeline) = try PipelineArtifact.load(from: model)
        guard let input else { throw CommandFailure("--input is required: a table with the model's columns") }
        let table = try readTable(input)
        let x = try pipeline.preprocessor.transform(table)
        let predictions = pipeline.learner.predict(x)
        let probabilities = pipeline.learner.predictProbabilities(x)
        for row in 0..<min(limit, predictions.count) {
            if let labels = artifact.labels {
                let label = labels[Int(predictions[row])]
                let p = probabilities.map { String(format: "\t%.4f", $0[row, Int(predictions[row])]) } ?? ""
                print("\(row)\t\(label)\(p)")
            } else {
                print("\(row)\t\(String(format: "%.6g", predictions[row]))")
            }
        }
    }

    /// IDX images are scaled to [0, 1] like the training data; text rows are taken as given.
    func readSamples(_ path: String, sampleShape: [Int]) throws -> Tensor {
        if let idx = try? IDXReader.read(path: path), idx.rank >= 2 {
            let n = idx.shape[0]
            return Tensor(shape: [n] + sampleShape) { out in
                idx.withUnsafeBufferPointer { src in
                    precondition(src.count == out.count, "IDX samples do not match the model input \(sampleShape)")
                    for i in out.indices { out[i] = src[i] / 255 }
                }
            }
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CommandFailure("cannot read \(path)") }
        var rows: [[Float]] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split { $0 == "," || $0 == " " || $0 == "\t" }
            var row: [Float] = []
            for (column, field) in fields.enumerated() {
                guard let v = Float(field) else { throw CommandFailure("\(path):\(number + 1):\(column + 1): '\(field)' is not a number") }
                row.append(v)
            }
            guard row.count == sampleShape.reduce(1, *) else {
                throw CommandFailure("\(path):\(number + 1): \(row.count) values, the model takes \(sampleShape.reduce(1, *)) per sample")
            }
            rows.append(row)
        }
        return Tensor(shape: [rows.count] + sampleShape, scalars: rows.flatMap { $0 })
    }
}

/// One-line progress on stderr: epoch, step, loss, samples/s, ETA.
final class ProgressBar {
    private var lastDraw: UInt64 = 0

    func update(_ p: StepProgress) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 100_000_000 || p.step == p.stepsPerEpoch else { return }
        lastDraw = now
        let width = 30, filled = width * p.step / p.stepsPerEpoch
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let line = String(format: "\repoch %d/%d [%@] %d/%d loss %.4f %.0f samples/s ETA %@ ", p.epoch, p.epochs, bar,
                          p.step, p.stepsPerEpoch, p.loss, p.samplesPerSecond, formatDuration(p.secondsRemaining))
        FileHandle.standardError.write(line)
    }

    func finish(_ r: EpochReport) {
        var line = String(format: "\repoch %d: loss %.4f", r.epoch, r.loss)
        if let a = r.accuracy { line += String(format: " accuracy %.4f", a) }
        if let v = r.validationLoss { line += String(format: " val_loss %.4f", v) }
        if let v = r.validationAccuracy { line += String(format: " val_accuracy %.4f", v) }
        line += String(format: " (%.1fs, %.0f samples/s)", r.seconds, r.samplesPerSecond)
        FileHandle.standardError.write(line + String(repeating: " ", count: 20) + "\n")
    }
}

func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
}

extension FileHandle {
    func write(_ string: String) { write(Data(string.utf8)) }
}
