import Foundation
import Tensor

/// Everything needed to continue a training run after its last completed epoch as if it had
/// never stopped: weights, optimiser moments, the trainer's random state, the epoch reports
/// so far and early-stopping bookkeeping. Stored as one safetensors file.
public struct TrainingCheckpoint: Sendable {
    public var completedEpochs: Int
    public var reports: [EpochReport]
    public var model: [String: Tensor]
    public var optimizerStepCount: Int
    public var optimizerFirst: [Tensor]
    public var optimizerSecond: [Tensor]
    public var randomState: [UInt64]
    /// Early stopping: the best monitored score so far, epochs since it, and its weights when kept.
    public var bestScore: Float?
    public var epochsWithoutImprovement: Int
    public var bestModel: [String: Tensor]

    public func encoded() throws -> [UInt8] {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in model { tensors["model.\(name)"] = tensor }
        for (name, tensor) in bestModel { tensors["best.\(name)"] = tensor }
        for (i, tensor) in optimizerFirst.enumerated() { tensors["optimizer.first.\(i)"] = tensor }
        for (i, tensor) in optimizerSecond.enumerated() { tensors["optimizer.second.\(i)"] = tensor }
        var metadata = ["completed_epochs": String(completedEpochs), "optimizer_steps": String(optimizerStepCount),
                        "random_state": randomState.map(String.init).joined(separator: ","),
                        "epochs_without_improvement": String(epochsWithoutImprovement),
                        "reports": String(decoding: try JSONEncoder().encode(reports), as: UTF8.self)]
        if let bestScore { metadata["best_score"] = String(bestScore) }
        return Safetensors.encode(tensors, metadata: metadata)
    }

    public static func decode(_ bytes: [UInt8], path: String = "<checkpoint>") throws -> TrainingCheckpoint {
        let (tensors, metadata) = try Safetensors.decode(bytes, path: path)
        func field(_ key: String) throws -> String {
            guard let value = metadata[key] else { throw SpecError(path, "checkpoint lacks '\(key)'") }
            return value
        }
        func prefixed(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        func indexed(_ prefix: String) -> [Tensor] {
            prefixed(prefix).sorted { Int($0.key)! < Int($1.key)! }.map(\.value)
        }
        let randomState = try field("random_state").split(separator: ",").compactMap { UInt64($0) }
        guard let completed = Int(try field("completed_epochs")), let steps = Int(try field("optimizer_steps")),
              let waited = Int(try field("epochs_without_improvement")), randomState.count == 4 else {
            throw SpecError(path, "checkpoint metadata is malformed")
        }
        return TrainingCheckpoint(completedEpochs: completed,
                                  reports: try JSONDecoder().decode([EpochReport].self, from: Data(try field("reports").utf8)),
                                  model: prefixed("model."), optimizerStepCount: steps,
                                  optimizerFirst: indexed("optimizer.first."), optimizerSecond: indexed("optimizer.second."),
                                  randomState: randomState, bestScore: metadata["best_score"].flatMap(Float.init),
                                  epochsWithoutImprovement: waited, bestModel: prefixed("best."))
    }
}
