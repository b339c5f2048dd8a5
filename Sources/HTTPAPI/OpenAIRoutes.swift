import Foundation
import Hummingbird
import Platform

/// The OpenAI-compatible surface: `POST /v1/embeddings` (and the OpenAI listing inside
/// `GET /v1/models`). `"model"` names a deployed endpoint of the caller's project; the same keys,
/// queues, metrics and usage as every other prediction apply.
extension APIServer {
    static let maximumEmbeddingInputs = 2048

    static func addOpenAIRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.POST, "/v1/embeddings", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.infer)
            let body = try await request.json(context).fields(["model", "input", "encoding_format", "dimensions", "user"])
            let name = try body.requiredString("model")
            let texts: [String]
            switch body["input"] {
            case .string(let text)?: texts = [text]
            case let value? where value.elements?.allSatisfy({ $0.string != nil }) == true: texts = value.elements!.compactMap(\.string)
            case nil: throw PlatformError.invalid(field: "input", message: "is required: a string or a list of strings")
            default: throw PlatformError.invalid(field: "input", message: "must be a string or a list of strings (token arrays are not accepted)")
            }
            guard (1...maximumEmbeddingInputs).contains(texts.count) else {
                throw PlatformError.invalid(field: "input", message: "must hold 1 to \(maximumEmbeddingInputs) strings, got \(texts.count)")
            }
            if let empty = texts.firstIndex(where: \.isEmpty) { throw PlatformError.invalid(field: "input[\(empty)]", message: "must not be empty") }
            let format = body["encoding_format"]?.string ?? "float"
            guard format == "float" || format == "base64" else {
                throw PlatformError.invalid(field: "encoding_format", message: "must be float or base64, got '\(format)'")
            }
            let target = try await s.endpoints.target(for: caller, endpoint: name)
            guard let encoder = target.model.encoder else {
                throw PlatformError.invalid(field: "model", message: "'\(name)' serves a \(target.model.kind) model, not an embedding model")
            }
            if let dimensions = body["dimensions"]?.number, dimensions != Double(encoder.dimension) {
                throw PlatformError.invalid(field: "dimensions", message: "this model gives \(encoder.dimension) dimensions; it cannot shorten them")
            }
            let result = try await infer(s, caller, deadline: try deadline(request), endpoint: name, target, .texts(texts))
            s.usage.record(project: caller.project, keyID: caller.keyID, requests: 0, promptTokens: result.tokens)
            s.rateLimiter.charge(keyID: caller.keyID, limits: caller.limits, tokens: result.tokens)
            var data: [String] = []
            data.reserveCapacity(texts.count)
            for (index, prediction) in result.predictions.enumerated() {
                let embedding: String
                if format == "base64" {
                    var bytes = [UInt8]()
                    bytes.reserveCapacity(prediction.values.count * 4)
                    for value in prediction.values { withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes += $0 } }
                    embedding = "\"" + Data(bytes).base64EncodedString() + "\""
                } else {
                    embedding = "[" + prediction.values.map { JSONWriter.number(Float($0)) }.joined(separator: ",") + "]"
                }
                data.append("{\"object\":\"embedding\",\"index\":\(index),\"embedding\":\(embedding)}")
            }
            return timed(jsonResponse("{\"object\":\"list\",\"data\":[" + data.joined(separator: ",") + "],\"model\":\(JSONWriter.quote(name)),"
                                      + "\"usage\":{\"prompt_tokens\":\(result.tokens),\"total_tokens\":\(result.tokens)}}"), result)
        }
    }

    /// OpenAI's model listing: the endpoints a request's `"model"` can name.
    static func openAIModelList(_ s: PlatformServices, project: String) async -> String {
        let items = await s.endpoints.list(project: project).map { entry in
            "{\"id\":\(JSONWriter.quote(entry.deployment.name)),\"object\":\"model\",\"created\":\(Int(entry.deployment.createdAt.timeIntervalSince1970)),"
                + "\"owned_by\":\(JSONWriter.quote(project))}"
        }
        return "\"object\":\"list\",\"data\":[" + items.joined(separator: ",") + "]"
    }
}
