import Datasets
import Tensor

extension TrainedPipeline {
    /// The profile stored with the artifact, from the rows the pipeline was fitted on: raw
    /// column distributions and the model's own predictions (drift), transformed feature means
    /// (linear SHAP) and up to 100 random transformed rows (KernelSHAP's background; fewer for
    /// wide inputs, so the artifact stays small).
    public func profile(_ table: DataTable, seed: UInt64 = 0) throws -> TrainingProfile {
        let x = try preprocessor.transform(table)
        let n = x.rows, p = x.columns
        let means = x.columnMeans
        var rng = SeededGenerator(seed: seed ^ 0x5DEECE66D)
        var order = Array(0..<n)
        order.shuffle(using: &rng)
        let backgroundRows = Array(order.prefix(min(100, max(1, 50_000 / max(p, 1)))))
        let background = backgroundRows.map { Array(x.row($0)) }
        // Predictions on up to 2,000 of the rows describe what the model said in training.
        let predicted = Array(order.prefix(2000)).sorted()
        let sample = Matrix(rows: predicted.count, columns: p, values: predicted.flatMap { Array(x.row($0)) })
        let outputs = learner.predict(sample)
        let prediction: ColumnProfile
        if let labels {
            prediction = .categorical("prediction", values: outputs.map { labels.classes[Int($0)] }, categories: labels.classes)
        } else {
            prediction = .numeric("prediction", values: outputs)
        }
        return TrainingProfile(rows: n, columns: TrainingProfile.columns(of: table, preprocessor: preprocessor),
                               prediction: prediction, featureMeans: means, background: background)
    }
}
