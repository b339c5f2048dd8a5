import ArgumentParser
import Dispatch
import Foundation
import Learners
import Tensor

/// TreeSHAP over the trees `bench/explain/treeshap.py` exported from shap's own TreeExplainer,
/// on the same rows: prints one JSON line with the seconds the attributions took (best of
/// `repeats`), single-threaded and on every core, and a checksum to compare with shap's.
struct BenchTreeShap: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "treeshap", abstract: "TreeSHAP time on trees exported from shap.")

    @Option(help: "JSON with trees (left, right, feature, threshold, value, cover) and rows x.") var trees: String
    @Option var repeats = 3

    struct Export: Decodable {
        struct Tree: Decodable { let left: [Int], right: [Int], feature: [Int], threshold: [Double], value: [[Double]], cover: [Double] }
        let trees: [Tree]
        let x: [[Double]]
        let base_offset: [Double]
    }

    func run() throws {
        let export = try JSONDecoder().decode(Export.self, from: Data(contentsOf: URL(fileURLWithPath: trees)))
        let shapTrees = export.trees.map { t in
            ShapTree(feature: zip(t.feature, t.left).map { $1 < 0 ? -1 : $0 }, threshold: t.threshold, left: t.left, right: t.right,
                     value: t.value.flatMap { $0 }, cover: t.cover, outputs: t.value.first?.count ?? 1)
        }
        let explainer = TreeEnsembleExplainer(trees: shapTrees, outputs: export.base_offset.count, scale: 1, offset: export.base_offset)
        let rows = export.x
        func timed(threads: Int) -> (Double, Double) {
            var best = Double.infinity, checksum = 0.0
            for _ in 0..<repeats {
                var sums = [Double](repeating: 0, count: rows.count)
                let start = DispatchTime.now().uptimeNanoseconds
                sums.withUnsafeMutableBufferPointer { out in
                    let slots = out  // disjoint indices per thread
                    if threads == 1 {
                        for (r, row) in rows.enumerated() { slots[r] = explainer.explain(row).joined().reduce(0) { $0 + abs($1) } }
                    } else {
                        parallelEach(rows.count) { r in slots[r] = explainer.explain(rows[r]).joined().reduce(0) { $0 + abs($1) } }
                    }
                }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                checksum = sums.reduce(0, +)
            }
            return (best, checksum)
        }
        let (single, checksum) = timed(threads: 1)
        let (parallel, _) = timed(threads: ComputeThreads.count)
        print("{\"rows\":\(rows.count),\"trees\":\(shapTrees.count),\"seconds_1_thread\":\(single),\"seconds_all_threads\":\(parallel),\"threads\":\(ComputeThreads.count),\"abs_sum\":\(checksum)}")
    }
}
