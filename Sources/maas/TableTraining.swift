import Datasets
import Foundation
import NeuralNet
import Tensor

/// Networks trained on a table: the same preprocessing as classical learners turns raw columns
/// into the input tensor (text becomes token-id sequences when the network starts with an
/// embedding), and the fitted pipeline is saved with the model.
extension Train {
    func trainNetworkOnTable(_ modelSpec: ModelSpec) throws {
        guard let target else { throw CommandFailure("--target is required to train a network on a table") }
        let table = try readTable(data)
        guard let targetColumn = table.column(named: target) else {
            throw CommandFailure("target: no column named '\(target)'; columns: \(table.columnNames.joined(separator: ", "))")
        }
        var prep = try preprocessing.map { try JSONDecoder().decode(PreprocessingSpec.self, from: Data(try jsonArgument($0).utf8)) }
            ?? PreprocessingSpec()
        if let first = modelSpec.layers.first, first.type == .embedding {
            // Token ids: 0 pads, 1 is out of vocabulary, so the vocabulary gets input_dim − 2 words.
            prep.text.vectorize = .sequence
            prep.text.maxLength = modelSpec.input.shape.reduce(1, *)
            prep.text.maxFeatures = max(1, (first.inputDim ?? 2) - 2)
        }
        let classifying = modelSpec.loss != .meanSquaredError && modelSpec.loss != .meanAbsoluteError
        let labels = classifying ? try LabelEncoding.fit(targetColumn) : nil
        let encoded = try labels?.encode(targetColumn)
        let split = Splits.trainTest(count: table.rowCount, testFraction: testFraction, labels: encoded, seed: seed ?? modelSpec.seed ?? 0)
        let preprocessor = try FittedPreprocessor.fit(prep, table: table.rows(split.train), target: target)
        let width = modelSpec.input.shape.reduce(1, *)
        guard preprocessor.width == width else {
            throw CommandFailure("input.shape \(modelSpec.input.shape) holds \(width) values, but the preprocessed columns give \(preprocessor.width) features (\(preprocessor.inputNames.joined(separator: ", ")))")
        }
        func dataset(_ rows: [Int]) throws -> LabelledData {
            let x = try preprocessor.transform(table.rows(rows))
            let inputs = Tensor(shape: [rows.count] + modelSpec.input.shape, scalars: x.values.map { Float($0) })
            if let encoded { return LabelledData(inputs: inputs, targets: .classes(rows.map { Int32(encoded[$0]) })) }
            guard case .numeric(let values) = targetColumn.data else { throw CommandFailure("a regression target must be numeric") }
            return LabelledData(inputs: inputs, targets: .values(Tensor(shape: [rows.count, 1], scalars: rows.map { Float(values[$0]) })))
        }
        let (train, test) = (try dataset(split.train), try dataset(split.test))
        let model = try Model(spec: modelSpec, seed: seed)
        let trainer = Trainer(model: model, seed: seed)
        let progress = ProgressBar()
        _ = trainer.fit(train, onStep: json ? nil : { progress.update($0) }, onEpoch: { json ? printJSON(["epoch": $0.epoch, "loss": $0.loss]) : progress.finish($0) })
        let (loss, accuracy) = trainer.evaluate(test)
        var metrics = ["test_loss": Double(loss)]
        if let accuracy { metrics["test_accuracy"] = Double(accuracy) }
        print("held-out \(test.count) rows: " + metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", metrics[$0]!))" }.joined(separator: ", "))
        let artifact = ModelArtifact(spec: modelSpec, labels: labels?.classes, metrics: metrics,
                                     lineage: ["data": data, "seed": String(seed ?? modelSpec.seed ?? 0)],
                                     preprocessing: preprocessor, target: target)
        try artifact.save(model: model, to: output)
        print("wrote \(output)")
    }
}

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
