import Dispatch
import Tensor

/// Training or evaluation data: inputs [N] + sample shape, with class indices or target values.
public struct LabelledData: Sendable {
    public enum Targets: Sendable {
        /// Class indices (sparse categorical, or 0/1 for binary).
        case classes([Int32])
        /// Target values [N] + output shape (regression, one-hot, multi-label).
        case values(Tensor)
    }

    public var inputs: Tensor
    public var targets: Targets

    public init(inputs: Tensor, targets: Targets) {
        self.inputs = inputs
        self.targets = targets
    }

    public var count: Int { inputs.shape.first ?? 0 }

    public func batch(_ indices: some Collection<Int>) -> LabelledData {
        switch targets {
        case .classes(let labels): return LabelledData(inputs: inputs.gather(rows: indices), targets: .classes(indices.map { labels[$0] }))
        case .values(let values): return LabelledData(inputs: inputs.gather(rows: indices), targets: .values(values.gather(rows: indices)))
        }
    }

    /// The first `count - n` samples and the last `n` (Keras' `validation_split` takes the tail).
    public func splitTail(_ n: Int) -> (head: LabelledData, tail: LabelledData) {
        (batch(0..<(count - n)), batch((count - n)..<count))
    }
}

/// Progress after each optimiser step.
public struct StepProgress: Sendable {
    public var epoch, epochs, step, stepsPerEpoch: Int
    public var loss: Float
    public var samplesPerSecond: Double
    public var secondsRemaining: Double
}

/// Metrics at the end of an epoch.
public struct EpochReport: Sendable, Codable {
    public var epoch: Int
    public var loss: Float
    public var accuracy: Float?
    public var validationLoss: Float?
    public var validationAccuracy: Float?
    public var seconds: Double
    public var samplesPerSecond: Double
    public var learningRate: Float

    enum CodingKeys: String, CodingKey {
        case epoch, loss, accuracy, seconds, validationLoss = "val_loss", validationAccuracy = "val_accuracy"
        case samplesPerSecond = "samples_per_second", learningRate = "learning_rate"
    }
}

/// The training loop: seeded shuffles, mini-batches, loss, backward, optimiser step,
/// validation and early stopping, reporting progress through callbacks.
public final class Trainer {
    public let model: Model
    public let optimizer: Optimizer
    private var rng: SeededGenerator
    /// What the run spent, when the spec asks for differential privacy (after `fit`).
    public private(set) var privacy: PrivacyReport?

    public init(model: Model, seed: UInt64? = nil) {
        self.model = model
        optimizer = Optimizer(model.spec.optimizer)
        rng = SeededGenerator(seed: (seed ?? model.spec.seed ?? 0) &+ 0x5EED)
    }

    /// Mean loss of a batch, from the model's (logit) output.
    func loss(_ output: Variable, _ targets: LabelledData.Targets) -> Variable {
        switch (model.spec.loss, targets) {
        case (.sparseCategoricalCrossEntropy, .classes(let labels)):
            return output.softmaxCrossEntropy(labels: labels)
        case (.categoricalCrossEntropy, .values(let t)):
            return output.softmaxCrossEntropy(targets: t)
        case (.binaryCrossEntropy, _):
            return output.sigmoidCrossEntropy(targets: targetTensor(targets, like: output.value))
        case (.meanSquaredError, _):
            return output.meanSquaredError(targets: targetTensor(targets, like: output.value))
        case (.meanAbsoluteError, _):
            return output.meanAbsoluteError(targets: targetTensor(targets, like: output.value))
        case (.categoricalCrossEntropy, .classes(let labels)):
            return output.softmaxCrossEntropy(labels: labels)
        case (.sparseCategoricalCrossEntropy, .values(let t)):
            return output.softmaxCrossEntropy(labels: t.scalars.map { Int32($0) })
        }
    }

    private func targetTensor(_ targets: LabelledData.Targets, like output: Tensor) -> Tensor {
        switch targets {
        case .values(let t): return t.reshaped(output.shape)
        case .classes(let labels): return Tensor(shape: output.shape, scalars: labels.map { Float($0) })
        }
    }

    /// Number of correct predictions in a batch, for classification losses.
    func correctCount(_ output: Tensor, _ targets: LabelledData.Targets) -> Int? {
        switch model.spec.loss {
        case .sparseCategoricalCrossEntropy, .categoricalCrossEntropy:
            let predicted = output.argmaxRows()
            switch targets {
            case .classes(let labels): return zip(predicted, labels).filter { $0 == Int($1) }.count
            case .values(let t): return zip(predicted, t.argmaxRows()).filter { $0 == $1 }.count
            }
        case .binaryCrossEntropy:
            // Outputs are logits here: positive means class 1.
            let truth = targetTensor(targets, like: output).scalars
            return zip(output.scalars, truth).filter { ($0 > 0) == ($1 > 0.5) }.count
        case .meanSquaredError, .meanAbsoluteError:
            return nil
        }
    }

    /// Loss and accuracy (for classifiers) over a dataset, in inference mode. Batches default
    /// to the training batch size, whose buffers the pool already holds.
    public func evaluate(_ data: LabelledData, batchSize: Int? = nil) -> (loss: Float, accuracy: Float?) {
        let batchSize = batchSize ?? model.spec.batchSize
        var context = ForwardContext(training: false)
        var totalLoss: Double = 0, correct = 0, sawAccuracy = false
        var start = 0
        while start < data.count {
            let end = min(data.count, start + batchSize)
            let batch = data.batch(start..<end)
            let output = model.forward(batch.inputs, context: &context, logits: true)
            totalLoss += Double(loss(output, batch.targets).value.scalar) * Double(end - start)
            if let c = correctCount(output.value, batch.targets) { correct += c; sawAccuracy = true }
            start = end
        }
        let n = Double(max(data.count, 1))
        return (Float(totalLoss / n), sawAccuracy ? Float(Double(correct) / n) : nil)
    }

    /// Trains for the spec's epochs (or `epochs`). Holds out `validation_split` when no
    /// validation set is given. Returns one report per epoch run.
    ///
    /// `resumeFrom` continues a run after its checkpoint's last epoch, taking exactly the steps
    /// the uninterrupted run would have taken. `shouldStop` is asked before every step, so a
    /// cancelled run stops mid-epoch. `onCheckpoint` gets the state after every epoch.
    public func fit(_ data: LabelledData, validation: LabelledData? = nil, epochs: Int? = nil,
                    resumeFrom checkpoint: TrainingCheckpoint? = nil, shouldStop: (() -> Bool)? = nil,
                    onStep: ((StepProgress) -> Void)? = nil, onEpoch: ((EpochReport) -> Void)? = nil,
                    onCheckpoint: ((TrainingCheckpoint) -> Void)? = nil) throws -> [EpochReport] {
        var train = data, validation = validation
        if validation == nil, let split = model.spec.validationSplit, split > 0 {
            let held = Int(Float(data.count) * split)
            if held > 0 && held < data.count { (train, validation) = data.splitTail(held) }
        }
        let epochs = epochs ?? model.spec.epochs
        let batchSize = model.spec.batchSize
        let stepsPerEpoch = (train.count + batchSize - 1) / batchSize
        let parameters = model.parameters
        var reports: [EpochReport] = []
        var best: (value: Float, state: [String: Tensor])?
        var epochsWithoutImprovement = 0
        let stopping = model.spec.earlyStopping
        var lr = optimizer.spec.lr
        var firstEpoch = 0
        if let checkpoint {
            try model.load(stateDictionary: checkpoint.model)
            optimizer.restore(stepCount: checkpoint.optimizerStepCount, first: checkpoint.optimizerFirst, second: checkpoint.optimizerSecond)
            rng.state = checkpoint.randomState
            reports = checkpoint.reports
            firstEpoch = checkpoint.completedEpochs
            epochsWithoutImprovement = checkpoint.epochsWithoutImprovement
            if let score = checkpoint.bestScore { best = (score, checkpoint.bestModel) }
            if let stopping, epochsWithoutImprovement > stopping.patience { firstEpoch = epochs }
        }

        let dp = try model.spec.privacy.map { try PrivateSteps($0, examples: train.count, stepsPerEpoch: stepsPerEpoch, epochs: epochs) }
        func spent(_ completedEpochs: Int) {
            guard let dp else { return }
            privacy = dp.report(steps: completedEpochs * stepsPerEpoch)
        }
        spent(firstEpoch)

        for epoch in firstEpoch..<max(firstEpoch, epochs) {
            let start = DispatchTime.now().uptimeNanoseconds
            var order: [Int] = []
            if dp == nil {
                order = Array(0..<train.count)
                order.shuffle(using: &rng)
            }
            var context = ForwardContext(training: true, rng: rng.split())
            var lossSum: Double = 0, correct = 0, classifying = false, seenExamples = 0
            for step in 0..<stepsPerEpoch {
                if let shouldStop, shouldStop() { return reports }
                // DP-SGD samples each batch anew (every example with probability q), which its
                // privacy analysis assumes; otherwise the epoch's shuffle is cut into batches.
                let indices = dp.map { $0.sample(using: &rng) } ?? Array(order[(step * batchSize)..<min(train.count, (step + 1) * batchSize)])
                var output: Variable?, batchLoss: Variable?
                var batch: LabelledData?
                if !indices.isEmpty {
                    let b = train.batch(indices)
                    context.perExample = dp == nil ? nil : PerExampleTape(examples: indices.count)
                    let y = model.forward(b.inputs, context: &context, logits: true)
                    let l = loss(y, b.targets)
                    if let tape = context.perExample {
                        // The gradient of the summed loss: each example's own gradient, unscaled.
                        l.backward(seed: Tensor(shape: l.value.shape, repeating: Float(indices.count)))
                        try dp!.clip(tape, parameters: parameters)
                        context.perExample = nil
                    } else {
                        l.backward()
                    }
                    (output, batchLoss, batch) = (y, l, b)
                } else if dp != nil {
                    for p in parameters { p.grad = Tensor(zeros: p.shape) }
                }
                dp?.addNoise(parameters, using: &rng)
                lr = optimizer.learningRate(step: epoch * stepsPerEpoch + step, epoch: epoch, totalSteps: epochs * stepsPerEpoch)
                optimizer.step(parameters, lr: lr)
                let value = batchLoss?.value.scalar ?? 0
                lossSum += Double(value) * Double(indices.count)
                seenExamples += indices.count
                if let output, let batch, let c = correctCount(output.value, batch.targets) { correct += c; classifying = true }
                if let onStep {
                    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    let seen = min(train.count, (step + 1) * batchSize)
                    let rate = Double(seen) / max(elapsed, 1e-9)
                    let remaining = Double(train.count - seen + (epochs - epoch - 1) * train.count) / rate
                    onStep(StepProgress(epoch: epoch + 1, epochs: epochs, step: step + 1, stepsPerEpoch: stepsPerEpoch,
                                        loss: value, samplesPerSecond: rate, secondsRemaining: remaining))
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            spent(epoch + 1)
            var report = EpochReport(epoch: epoch + 1, loss: Float(lossSum / Double(max(seenExamples, 1))),
                                     accuracy: classifying ? Float(Double(correct) / Double(max(seenExamples, 1))) : nil,
                                     seconds: seconds, samplesPerSecond: Double(train.count) / seconds, learningRate: lr)
            if let validation {
                let (vLoss, vAccuracy) = evaluate(validation)
                report.validationLoss = vLoss
                report.validationAccuracy = vAccuracy
            }
            reports.append(report)
            onEpoch?(report)
            var stop = false

            if let stopping {
                let (value, higherIsBetter): (Float?, Bool) = switch stopping.monitor {
                case "val_accuracy": (report.validationAccuracy, true)
                case "accuracy": (report.accuracy, true)
                case "loss": (report.loss, false)
                default: (report.validationLoss, false)
                }
                if let value {
                    let score = higherIsBetter ? value : -value
                    if best == nil || score > best!.value + (stopping.minDelta ?? 0) {
                        best = (score, stopping.restoreBestWeights == true ? model.stateDictionary : [:])
                        epochsWithoutImprovement = 0
                    } else {
                        epochsWithoutImprovement += 1
                        stop = epochsWithoutImprovement > stopping.patience
                    }
                }
            }
            if let onCheckpoint {
                let moments = optimizer.state
                onCheckpoint(TrainingCheckpoint(completedEpochs: epoch + 1, reports: reports, model: model.stateDictionary,
                                                optimizerStepCount: moments.stepCount, optimizerFirst: moments.first,
                                                optimizerSecond: moments.second, randomState: rng.state, bestScore: best?.value,
                                                epochsWithoutImprovement: epochsWithoutImprovement, bestModel: best?.state ?? [:]))
            }
            if stop { break }
        }
        if let best, stopping?.restoreBestWeights == true, !best.state.isEmpty {
            try? model.load(stateDictionary: best.state)
        }
        return reports
    }
}
