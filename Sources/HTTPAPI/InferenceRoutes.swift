import Datasets
import Foundation
import Hummingbird
import Platform

extension APIServer {
    static func addInferenceRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        // Open Inference Protocol v2: model metadata and readiness.
        api.route(.GET, "/v2/models/{name}", catalog) { _, context in
            let caller = try context.caller()
            let name = try context.parameters.require("name")
            let (model, version) = try await s.endpoints.model(project: caller.project, endpoint: name)
            return jsonResponse(metadataJSON(name, model, version))
        }
        api.route(.GET, "/v2/models/{name}/ready", catalog) { _, context in
            let caller = try context.caller()
            _ = try await s.endpoints.model(project: caller.project, endpoint: try context.parameters.require("name"))
            return jsonResponse("{\"ready\":true}")
        }
        api.route(.POST, "/v2/models/{name}/infer", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.infer)
            let name = try context.parameters.require("name")
            // Resolve first: a caller outside the project gets 404 whatever it sends.
            let (model, version) = try await s.endpoints.model(project: caller.project, endpoint: name)
            let body = try await request.json(context).fields(["id", "inputs", "outputs", "parameters"])
            let predictions = try model.predict(try parseInferenceInputs(body["inputs"]))
            var text = "{\"model_name\":\(JSONWriter.quote(name)),\"model_version\":\"\(version.version)\""
            if let id = body["id"]?.string { text += ",\"id\":\(JSONWriter.quote(id))" }
            return jsonResponse(text + ",\"outputs\":" + outputsJSON(predictions) + "}")
        }
        // TF-Serving style: POST /v1/models/{name}:predict with {"instances": [...]}.
        api.route(.POST, "/v1/models/{name}:predict", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.infer)
            let name = try context.parameters.require("name")
            let (model, _) = try await s.endpoints.model(project: caller.project, endpoint: name)
            let body = try await request.json(context).fields(["instances", "signature_name"])
            let predictions = try model.predict(try parseInstances(body["instances"]))
            return jsonResponse("{\"predictions\":[" + predictions.map(predictionJSON).joined(separator: ",") + "]}")
        }
    }

    static func metadataJSON(_ name: String, _ model: LoadedModel, _ version: ModelVersion) -> String {
        let inputs: String
        if let columns = model.inputColumnTypes {
            inputs = columns.map { "{\"name\":\(JSONWriter.quote($0.name)),\"datatype\":\"\($0.datatype)\",\"shape\":[-1]}" }.joined(separator: ",")
        } else {
            inputs = "{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,\(model.inputShape.map(String.init).joined(separator: ","))]}"
        }
        let outputs = model.labels != nil
            ? "{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[-1]},{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,\(model.labels!.count)]}"
            : "{\"name\":\"predictions\",\"datatype\":\"FP32\",\"shape\":[-1,-1]}"
        return "{\"name\":\(JSONWriter.quote(name)),\"versions\":[\"\(version.version)\"],\"platform\":\"swiftmaas-\(model.kind)\","
            + "\"inputs\":[\(inputs)],\"outputs\":[\(outputs)]}"
    }

    static let numericTypes: Set<String> = ["FP32", "FP64", "FP16", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64", "BOOL"]

    /// One numeric tensor → rows; one BYTES tensor → texts; several named tensors → records.
    static func parseInferenceInputs(_ value: WireJSON?) throws -> PredictionInput {
        guard let items = value?.elements, !items.isEmpty else {
            throw PlatformError.invalid(field: "inputs", message: "is required: a non-empty list of {name, shape, datatype, data}")
        }
        var tensors: [(name: String, rows: Int, numbers: [Float]?, strings: [String]?)] = []
        for (i, item) in items.enumerated() {
            let path = "inputs[\(i)]"
            let fields = try item.fields(["name", "shape", "datatype", "data", "parameters"], at: path)
            guard let name = fields["name"]?.string else { throw PlatformError.invalid(field: "\(path).name", message: "is required (a string)") }
            guard let shape = fields["shape"]?.flattenedNumbers()?.map({ Int($0) }), !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }) else {
                throw PlatformError.invalid(field: "\(path).shape", message: "is required: a list of non-negative integers")
            }
            guard let datatype = fields["datatype"]?.string else { throw PlatformError.invalid(field: "\(path).datatype", message: "is required") }
            let count = shape.reduce(1, *)
            guard let data = fields["data"] else { throw PlatformError.invalid(field: "\(path).data", message: "is required") }
            if datatype == "BYTES" {
                guard let strings = data.flattenedStrings(), strings.count == count else {
                    throw PlatformError.invalid(field: "\(path).data", message: "expected \(count) strings for shape \(shape)")
                }
                tensors.append((name, shape[0], nil, strings))
            } else if numericTypes.contains(datatype) {
                guard let numbers = data.flattenedNumbers() else {
                    throw PlatformError.invalid(field: "\(path).data", message: "expected numbers for datatype \(datatype)")
                }
                guard numbers.count == count else {
                    throw PlatformError.invalid(field: "\(path).data", message: "holds \(numbers.count) values, shape \(shape) needs \(count)")
                }
                tensors.append((name, shape[0], numbers, nil))
            } else {
                throw PlatformError.invalid(field: "\(path).datatype", message: "must be one of BYTES, \(numericTypes.sorted().joined(separator: ", ")); got \(datatype)")
            }
        }
        if tensors.count == 1 {
            let t = tensors[0]
            if let numbers = t.numbers { return .rows(values: numbers, rowCount: t.rows) }
            return .texts(t.strings!)
        }
        let rows = tensors[0].rows
        guard tensors.allSatisfy({ $0.rows == rows }) else {
            throw PlatformError.invalid(field: "inputs", message: "named inputs must all have the same first dimension")
        }
        return .records((0..<rows).map { r in
            Dictionary(uniqueKeysWithValues: tensors.map { t in
                (t.name, t.numbers.map { CellValue.number(Double($0[r])) } ?? .string(t.strings![r]))
            })
        })
    }

    /// `instances`: objects of named raw values, arrays of numbers, or strings.
    static func parseInstances(_ value: WireJSON?) throws -> PredictionInput {
        guard let value else { throw PlatformError.invalid(field: "instances", message: "is required: a non-empty list") }
        if case .numbers(let flat) = value {  // a list of scalars: one value per row
            guard !flat.isEmpty else { throw PlatformError.invalid(field: "instances", message: "must not be empty") }
            return .rows(values: flat, rowCount: flat.count)
        }
        guard let items = value.elements, !items.isEmpty else { throw PlatformError.invalid(field: "instances", message: "is required: a non-empty list") }
        if items.allSatisfy({ $0.string != nil }) { return .texts(items.compactMap(\.string)) }
        if items.allSatisfy({ $0.object != nil }) {
            return .records(try items.enumerated().map { i, item in
                try item.object!.mapValues { cell -> CellValue in
                    switch cell {
                    case .number(let n): return .number(n)
                    case .string(let s): return .string(s)
                    case .null: return .missing
                    case .bool(let b): return .number(b ? 1 : 0)
                    default: throw PlatformError.invalid(field: "instances[\(i)]", message: "values must be numbers, strings, booleans or null")
                    }
                }
            })
        }
        var values: [Float] = []
        var width: Int?
        for (i, item) in items.enumerated() {
            guard let numbers = item.flattenedNumbers() else {
                throw PlatformError.invalid(field: "instances[\(i)]", message: "expected an object of named values, a string, or an array of numbers")
            }
            if let width, numbers.count != width {
                throw PlatformError.invalid(field: "instances[\(i)]", message: "holds \(numbers.count) values, instances[0] holds \(width)")
            }
            width = numbers.count
            values += numbers
        }
        return .rows(values: values, rowCount: items.count)
    }

    static func outputsJSON(_ predictions: [Prediction]) -> String {
        let n = predictions.count
        if predictions.first?.label != nil {
            let labels = predictions.map { JSONWriter.quote($0.label ?? "") }.joined(separator: ",")
            var text = "[{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[\(n)],\"data\":[\(labels)]}"
            if let k = predictions.first?.probabilities?.count {
                let probabilities = predictions.flatMap { $0.probabilities ?? [] }.map { JSONWriter.number(Float($0)) }.joined(separator: ",")
                text += ",{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[\(n),\(k)],\"data\":[\(probabilities)]}"
            }
            return text + "]"
        }
        let width = predictions.first?.values.count ?? 0
        let values = predictions.flatMap(\.values).map { JSONWriter.number(Float($0)) }.joined(separator: ",")
        return "[{\"name\":\"predictions\",\"datatype\":\"FP32\",\"shape\":[\(n),\(width)],\"data\":[\(values)]}]"
    }

    static func predictionJSON(_ p: Prediction) -> String {
        guard let label = p.label else {
            return p.values.count == 1 ? JSONWriter.number(p.values[0]) : "[" + p.values.map { JSONWriter.number($0) }.joined(separator: ",") + "]"
        }
        var text = "{\"label\":\(JSONWriter.quote(label))"
        if let probabilities = p.probabilities { text += ",\"probabilities\":[" + probabilities.map { JSONWriter.number(Float($0)) }.joined(separator: ",") + "]" }
        return text + "}"
    }
}
