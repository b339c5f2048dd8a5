import Datasets
import Foundation
import NeuralNet
import Tensor

extension Predict {
    /// Raw rows through the saved preprocessing, then the network; labels with probabilities.
    func predictNetworkOnTable(_ artifact: ModelArtifact, _ network: Model, _ preprocessor: FittedPreprocessor) throws {
        guard let input else { throw CommandFailure("--input is required: a table with the model's columns") }
        let x = try preprocessor.transform(try readTable(input))
        let outputs = try network.predict(Tensor(shape: [x.rows] + artifact.spec.input.shape, scalars: x.values.map { Float($0) }))
        let width = outputs.count / max(x.rows, 1), values = outputs.scalars
        for row in 0..<min(limit, x.rows) {
            let out = Array(values[(row * width)..<((row + 1) * width)])
            if let labels = artifact.labels {
                if width == 1 {
                    let positive = out[0] > 0.5
                    print("\(row)\t\(labels[positive ? min(1, labels.count - 1) : 0])\t\(String(format: "%.4f", positive ? out[0] : 1 - out[0]))")
                } else {
                    let best = out.indices.max { out[$0] < out[$1] }!
                    print("\(row)\t\(labels[best])\t\(String(format: "%.4f", out[best]))")
                }
            } else {
                print("\(row)\t" + out.map { String(format: "%.6g", $0) }.joined(separator: "\t"))
            }
        }
    }
}
