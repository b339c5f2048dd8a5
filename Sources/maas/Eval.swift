import ArgumentParser
import Datasets
import Foundation
import Learners

/// Reads a table by extension: CSV/TSV (delimiter from the extension) or JSON Lines.
func readTable(_ path: String) throws -> DataTable {
    let lower = path.lowercased()
    if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return try JSONLinesReader.read(path: path) }
    return try CSVReader(delimiter: lower.hasSuffix(".tsv") ? "\t" : ",").read(path: path)
}

/// A JSON value given inline or as a file path.
func jsonArgument(_ value: String) throws -> String {
    if value.trimmingCharacters(in: .whitespaces).hasPrefix("{") { return value }
    guard let text = try? String(contentsOfFile: value, encoding: .utf8) else { throw CommandFailure("cannot read \(value)") }
    return text
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cross-validate a classical learner on a table and print per-fold and mean metrics.")

    @Option(help: "Data: CSV, TSV or JSON Lines with a header.") var data: String
    @Option(help: "Target column.") var target: String
    @Option(help: "Learner spec: a JSON file or inline JSON, e.g. '{\"algorithm\": \"svm\", \"kernel\": \"rbf\"}'.") var model: String
    @Option(help: "Validation: a fold count, kfold:K, loo (leave one out), bootstrap:N (out-of-bag scores) or holdout:F.") var cv = "5"
    @Option(help: "Preprocessing spec: a JSON file or inline JSON.") var preprocessing: String?
    @Option(help: "Shuffle rows before splitting, with this seed (default: scikit-learn's unshuffled folds).") var seed: UInt64?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let spec = try LearnerSpec.parse(try jsonArgument(model))
        let prep = try preprocessing.map { try JSONDecoder().decode(PreprocessingSpec.self, from: Data(try jsonArgument($0).utf8)) }
            ?? PreprocessingSpec()
        let table = try readTable(data)
        let result = try CrossValidation.run(spec, preprocessing: prep, table: table, target: target,
                                             scheme: try ValidationScheme(parsing: cv), seed: seed)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        let names = result.mean.keys.sorted()
        print("\(spec.algorithm.rawValue) (\(result.task)), validation \(cv) on \(table.rowCount) rows")
        print(["fold"].plus(names).map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
        for (i, fold) in result.folds.enumerated() {
            print(["\(i + 1)"].plus(names.map { String(format: "%.4f", fold[$0] ?? .nan) }).map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
        }
        print(["mean"].plus(names.map { String(format: "%.4f", result.mean[$0] ?? .nan) }).map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
    }
}

extension Array {
    func plus(_ other: [Element]) -> [Element] { self + other }
}
