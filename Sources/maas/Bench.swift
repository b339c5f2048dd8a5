import ArgumentParser
import COpenBLAS
import Dispatch
import Datasets
import Foundation
import LanguageModels
import Learners
import NeuralNet
import Platform
import Tensor

/// Measurements that bench/run.sh sets beside PyTorch's; each prints JSON lines.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Micro- and model benchmarks (see bench/run.sh for the side-by-side runs).",
        subcommands: [BenchTrain.self, BenchInfer.self, BenchConv.self, BenchGEMM.self, BenchFit.self, BenchEmbed.self, BenchGenerate.self, BenchSealing.self, BenchQueue.self, BenchTreeShap.self])
}

/// The seed networks of bench/run.sh, each the same spec, data, batch and optimizer as
/// bench/torch_models.py's model of the same name; one JSON line per epoch.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a seed network: cnn or mlp (Fashion-MNIST), lstm, gru or transformer (synthetic text).")

    @Option(help: "cnn | mlp | lstm | gru | transformer") var model: String
    @Option(help: "Batch size (default: 128 for cnn and mlp, 32 for the text models).") var batch: Int?
    @Option var epochs = 1
    @Option(help: "Text models: sequences (default 3200).") var samples = 3200
    @Option(help: "Fashion-MNIST folder (IDX files).") var data = "/usr/share/datasets/fashion-mnist"
    @Option var seed: UInt64 = 0

    static func spec(_ model: String, batch: Int?) throws -> (spec: ModelSpec, length: Int?) {
        let text: String, length: Int?
        switch model {
        case "cnn", "mlp":
            text = try String(contentsOfFile: "examples/fashion_\(model).json", encoding: .utf8)
            length = nil
        case "lstm", "gru":
            length = 100
            text = """
            {"input": {"shape": [100]},
             "layers": [{"type": "embedding", "input_dim": 10000, "output_dim": 64},
                        {"type": "\(model)", "units": 64, "return_sequences": true}, {"type": "\(model)", "units": 64},
                        {"type": "dense", "units": 1, "activation": "sigmoid"}],
             "loss": "binary_crossentropy", "optimizer": {"type": "adam", "lr": 0.001}, "batch_size": 32}
            """
        case "transformer":
            // Two post-norm encoder blocks as PyTorch's nn.TransformerEncoderLayer (d=128, 4 heads,
            // feed-forward 512, dropout 0.1), mean-pooled, a logistic output.
            length = 128
            text = """
            {"input": {"shape": [128]},
             "layers": [{"type": "embedding", "input_dim": 10000, "output_dim": 128},
                        {"type": "transformer_encoder", "heads": 4, "ff_dim": 512, "rate": 0.1},
                        {"type": "transformer_encoder", "heads": 4, "ff_dim": 512, "rate": 0.1},
                        {"type": "global_average_pooling1d"}, {"type": "dense", "units": 1, "activation": "sigmoid"}],
             "loss": "binary_crossentropy", "optimizer": {"type": "adam", "lr": 0.001}, "batch_size": 32}
            """
        default: throw CommandFailure("--model must be cnn, mlp, lstm, gru or transformer")
        }
        var spec = try ModelSpec.parse(text)
        if let batch { spec.batchSize = batch }
        spec.validationSplit = nil
        return (spec, length)
    }

    func run() throws {
        let (spec, length) = try Self.spec(model, batch: batch)
        let data: LabelledData
        if let length {
            // Token ids 1…9999; the label depends on the first ten (as torch_models.py's data).
            var rng = SeededGenerator(seed: seed)
            var ids: [Float] = [], labels: [Int32] = []
            for _ in 0..<samples {
                let row = (0..<length).map { _ in Float(1 + rng.next() % 9999) }
                ids += row
                labels.append(row.prefix(10).reduce(0, +) / 10 > 5000 ? 1 : 0)
            }
            data = LabelledData(inputs: Tensor(shape: [samples, length], scalars: ids), targets: .classes(labels))
        } else {
            let train = try LabelledImages.loadIDXFolder(self.data, split: "train")
            data = LabelledData(inputs: train.images, targets: .classes(train.labels))
        }
        let name = batch.map { "\(model)-b\($0)" } ?? model
        let trainer = Trainer(model: try Model(spec: spec, seed: seed))
        _ = try trainer.fit(data, epochs: epochs, onEpoch: { report in
            printJSON(["peer": "swiftmaas", "model": name, "epoch": report.epoch, "seconds": report.seconds, "samples": data.count,
                       "samples_per_s": report.samplesPerSecond, "peak_rss_mib": peakRSSMiB(), "kernels": KernelPath.current])
        })
    }
}

/// Inference of the seed CNN through the engine (`Model.predict`, as endpoints call it) on
/// Fashion-MNIST test images, batch by batch; torch_models.py --infer measures PyTorch alike.
struct BenchInfer: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "infer", abstract: "Seconds per batch of the seed CNN's inference.")

    @Option var batch = 1
    @Option(help: "Images to classify per round.") var images = 2000
    @Option var rounds = 5
    @Option var data = "/usr/share/datasets/fashion-mnist"

    func run() throws {
        let (spec, _) = try BenchTrain.spec("cnn", batch: nil)
        let network = try Model(spec: spec, seed: 1)
        let test = try LabelledImages.loadIDXFolder(data, split: "test").prefix(images)
        let batches = stride(from: 0, to: test.count, by: batch).map { test.images.slice(rows: $0..<min(test.count, $0 + batch)) }
        var perBatch: [Double] = []
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            for x in batches { _ = try network.predict(x, batchSize: batch) }
            perBatch.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(batches.count))
        }
        printJSON(["peer": "swiftmaas", "model": "cnn-infer-b\(batch)", "seconds": median(perBatch), "batches": batches.count,
                   "peak_rss_mib": peakRSSMiB(), "kernels": KernelPath.current])
    }
}

/// The seed CNN's three convolutions, forward and backward, on oneDNN and on im2col + SGEMM:
/// milliseconds per step of each, and how far apart their results are.
struct BenchConv: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "conv", abstract: "oneDNN vs im2col + SGEMM on the seed CNN's convolutions.")

    @Option var batch = 128
    @Option var repeats = 20

    func run() throws {
        let backend = Tensor.backend
        var rng = SeededGenerator(seed: 3)
        for (height, channels, filters) in [(28, 1, 32), (13, 32, 64), (5, 64, 64)] {
            let x = Tensor.normal([batch, height, height, channels], using: &rng), w = Tensor.normal([3, 3, channels, filters], using: &rng)
            let b = Tensor.normal([filters], using: &rng)
            let g = Conv2DGeometry(input: x.shape, kernel: (3, 3), stride: (1, 1), samePadding: false)
            let dy = Tensor.normal([batch, g.outHeight, g.outWidth, filters], using: &rng)
            func both(_ onednn: Bool) -> (y: Tensor, dx: Tensor?, dw: Tensor, db: Tensor?) {
                let (y, saved) = onednn ? backend.convolution(x, w, bias: b, geometry: g) : { let r = backend.conv2d(x, w, bias: b, geometry: g); return (r.output, ConvolutionSaved.patches(r.patches)) }()
                let (dx, dw, db) = backend.convolutionBackward(saved: saved, weight: w, hasBias: true, geometry: g, gradient: dy, needInputGradient: channels > 1)
                return (y, dx, dw, db)
            }
            func difference(_ a: Tensor?, _ b: Tensor?) -> Double {
                guard let a, let b else { return 0 }
                return zip(a.scalars, b.scalars).map { Double(abs($0 - $1)) / max(1, Double(abs($1))) }.max() ?? 0
            }
            let fast = both(true), reference = both(false)
            var times: [Bool: [Double]] = [true: [], false: []]
            for _ in 0..<5 {
                for onednn in [true, false] {
                    let start = DispatchTime.now().uptimeNanoseconds
                    for _ in 0..<repeats { _ = both(onednn) }
                    times[onednn]!.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(repeats))
                }
            }
            printJSON(["layer": "\(height)x\(height)x\(channels)->\(filters)", "batch": batch, "onednn_ms": median(times[true]!),
                       "im2col_ms": median(times[false]!), "onednn": OneDNN.available ? KernelPath.current : "unavailable",
                       "max_relative_difference": [difference(fast.y, reference.y), difference(fast.dx, reference.dx),
                                                   difference(fast.dw, reference.dw), difference(fast.db, reference.db)].max()!])
        }
    }
}

struct BenchGEMM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "GFLOP/s of the dense layers' GEMMs through SwiftMaaS vs cblas_sgemm called directly.")

    @Option(help: "Repetitions per measurement.") var repeats = 100

    func run() throws {
        // The forward and both backward products of the 784-512-256-10 MLP at batch 128.
        let shapes: [(String, Int, Int, Int)] = [("784x512", 128, 784, 512), ("512x256", 128, 512, 256), ("256x10", 128, 256, 10)]
        var rng = SeededGenerator(seed: 1)
        for (name, m, k, n) in shapes {
            let x = Tensor.normal([m, k], using: &rng), w = Tensor.normal([k, n], using: &rng), b = Tensor.normal([n], using: &rng)
            let g = Tensor.normal([m, n], using: &rng)
            let flops = 2.0 * Double(m * k * n)
            let backend = Tensor.backend
            // Interleave ours and the raw call, several rounds, keep the medians.
            var ours: [Double] = [], raw: [Double] = [], oursBackward: [Double] = [], rawBackward: [Double] = []
            let c = UnsafeMutablePointer<Float>.allocate(capacity: max(m * n, k * n, m * k))
            defer { c.deallocate() }
            let xs = x.scalars, ws = w.scalars, gs = g.scalars
            for _ in 0..<11 {
                ours.append(time(repeats) { _ = backend.linear(x, w, bias: b) })
                // The reference is OpenBLAS with its own threading on every core; ours keeps it
                // single-threaded and splits the product across its own threads.
                openblas_set_num_threads(Int32(ComputeThreads.count))
                defer { openblas_set_num_threads(1) }
                raw.append(time(repeats) {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, xs, Int32(k), ws, Int32(n), 0, c, Int32(n))
                })
                openblas_set_num_threads(1)
                oursBackward.append(time(repeats) {
                    _ = backend.linearBackward(x, w, hasBias: true, gradient: g, needInputGradient: true)
                })
                openblas_set_num_threads(Int32(ComputeThreads.count))
                rawBackward.append(time(repeats) {
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(n), Int32(m), 1, xs, Int32(k), gs, Int32(n), 0, c, Int32(n))
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(k), Int32(n), 1, gs, Int32(n), ws, Int32(n), 0, c, Int32(k))
                })
            }
            let f = median(ours), r = median(raw), fb = median(oursBackward), rb = median(rawBackward)
            printJSON(["gemm": name, "m": m, "k": k, "n": n,
                       "swiftmaas_gflops": flops / f / 1e9, "openblas_gflops": flops / r / 1e9, "forward_efficiency": r / f,
                       "swiftmaas_backward_gflops": 2 * flops / fb / 1e9, "openblas_backward_gflops": 2 * flops / rb / 1e9,
                       "backward_efficiency": rb / fb])
        }
    }

    /// Seconds per call of `body`, averaged over `n` calls.
    func time(_ n: Int, _ body: () -> Void) -> Double {
        body()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(n)
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

/// Peak resident set of this process, from /proc (VmHWM).
func peakRSSMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
    return kib / 1024
}

func printJSON(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    // Unbuffered: bench/run.sh reads these lines from a pipe while the process still runs.
    FileHandle.standardOutput.write(String(decoding: data, as: UTF8.self) + "\n")
}

struct BenchFit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Time one learner's fit on a table (after preprocessing), for bench/sklearn_fit.py.")

    @Option var data: String
    @Option var target: String
    @Option(help: "Learner spec (inline JSON or a file).") var model: String

    func run() throws {
        let spec = try LearnerSpec.parse(try jsonArgument(model))
        let table = try readTable(data)
        guard let targetColumn = table.column(named: target) else { throw CommandFailure("no column named \(target)") }
        let task = try TrainedPipeline.inferTask(spec, targetColumn)
        let labels = task == .regression ? nil : try LabelEncoding.fit(targetColumn)
        let preprocessor = try FittedPreprocessor.fit(PreprocessingSpec(), table: table, target: target)
        let x = try preprocessor.transform(table)
        let y = try labels.map { try $0.encode(targetColumn).map(Double.init) } ?? {
            guard case .numeric(let v) = targetColumn.data else { throw CommandFailure("target must be numeric") }
            return v
        }()
        var learner = try makeLearner(spec, task: labels.map { .classification(classes: $0.classes.count) } ?? .regression)
        let start = DispatchTime.now().uptimeNanoseconds
        try learner.fit(x, y)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let predicted = learner.predict(x)
        let correct = zip(predicted, y).filter { $0 == $1 }.count
        printJSON(["algorithm": spec.algorithm.rawValue, "seconds": seconds, "rows": x.rows,
                   "training_accuracy": Double(correct) / Double(max(x.rows, 1))])
    }
}

struct BenchEmbed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence embeddings per second (batches of --batch) with a BERT encoder directory.")

    @Option var model = "models/all-minilm-l6-v2"
    @Option(help: "A text file, one sentence per line.") var sentences: String
    @Option var batch = 32
    @Option(help: "Passes over the sentences; the first warms up and is not counted.") var passes = 3

    func run() throws {
        let encoder = try SentenceEncoder(directory: model)
        guard let text = try? String(contentsOfFile: sentences, encoding: .utf8) else { throw CommandFailure("cannot read \(sentences)") }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        var rates: [Double] = []
        for pass in 0..<passes {
            let start = DispatchTime.now().uptimeNanoseconds
            for first in stride(from: 0, to: lines.count, by: batch) {
                _ = encoder.embed(Array(lines[first..<min(lines.count, first + batch)]))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if pass > 0 { rates.append(Double(lines.count) / seconds) }
        }
        printJSON(["peer": "swiftmaas", "sentences": lines.count, "batch": batch, "embeddings_per_s": rates.sorted()[rates.count / 2],
                   "peak_rss_mib": peakRSSMiB()])
    }
}

struct BenchGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Prompt-processing and decode tokens/s of a GGUF model (greedy), and resident memory.")

    @Option var model = "models/smollm2-135m-instruct-q4_1.gguf"
    @Option(help: "Prompt text (repeated to reach --prompt-tokens).") var prompt = "The history of the city is long and full of surprises. "
    @Option var promptTokens = 128
    @Option var decodeTokens = 128
    @Option(help: "Concurrent sequences through the server's continuous-batching scheduler (0: one sequence, no scheduler).") var streams = 0

    func run() async throws {
        let llm = try LlamaModel(path: model)
        if streams > 0 { return try await runStreams(llm) }
        var ids: [Int32] = []
        while ids.count < promptTokens { ids += llm.tokenizer.encode(prompt) }
        ids = Array(ids.prefix(promptTokens))
        let session = LlamaModel.Session(model: llm, capacity: promptTokens + decodeTokens + 1)
        var start = DispatchTime.now().uptimeNanoseconds
        var logits = try llm.forward(ids, session: session)
        let prefill = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<decodeTokens {
            let next = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
            logits = try llm.forward([next], session: session)
        }
        let decode = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        printJSON(["peer": "swiftmaas", "prompt_tokens": promptTokens, "prompt_tokens_per_s": Double(promptTokens) / prefill,
                   "decode_tokens": decodeTokens, "decode_tokens_per_s": Double(decodeTokens) / decode, "peak_rss_mib": peakRSSMiB(),
                   "model_file_mib": Double(((try? FileManager.default.attributesOfItem(atPath: model)[.size]) as? Int) ?? 0) / 1_048_576,
                   "kv_cache_mib": Double(session.bytes) / 1_048_576, "kernels": "\(IntegerKernels.current)"])
    }

    /// Aggregate decode tokens/s of `streams` concurrent greedy generations.
    func runStreams(_ llm: LlamaModel) async throws {
        let queue = GenerationQueue(model: llm, maxQueue: streams, maxActive: streams, contextTokens: promptTokens + decodeTokens + 8)
        var options = SamplingOptions()
        options.temperature = 0
        options.maxTokens = decodeTokens
        let topics = ["the sea", "a city", "the mountains", "a library", "the desert", "a forest", "the moon", "a river", "a market", "the sky"]
        let prompts = (0..<streams).map { i in llm.promptTokens(llm.chatPrompt([("user", "Write a long story about \(topics[i % topics.count]).")])) }
        let start = DispatchTime.now().uptimeNanoseconds
        let results = try await withThrowingTaskGroup(of: GenerationResult.self) { group in
            let options = options
            for prompt in prompts { group.addTask { try await queue.submit(prompt: prompt, options: options) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let generated = results.reduce(0) { $0 + $1.completionTokens }
        queue.close()
        printJSON(["peer": "swiftmaas", "streams": streams, "generated_tokens": generated, "seconds": seconds,
                   "aggregate_tokens_per_s": Double(generated) / seconds, "peak_rss_mib": peakRSSMiB(), "kernels": "\(IntegerKernels.current)"])
    }
}
