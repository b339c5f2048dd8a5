import Datasets
import Foundation
import Hummingbird
import Platform

extension APIServer {
    static func addInferenceRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        // Open Inference Protocol v2: model metadata, readiness and inference, for the endpoint's
        // serving version or a named version of its model.
        for versioned in [false, true] {
            let base = versioned ? "/v2/models/{name}/versions/{version}" : "/v2/models/{name}"
            api.route(.GET, base, catalog) { _, context in
                let caller = try context.caller()
                let name = try context.parameters.require("name")
                let target = try await s.endpoints.target(for: caller, endpoint: name, version: try versionParameter(context))
                return jsonResponse(metadataJSON(name, target.model, target.version))
            }
            api.route(.GET, base + "/ready", catalog) { _, context in
                let caller = try context.caller()
                _ = try await s.endpoints.target(for: caller, endpoint: try context.parameters.require("name"),
                                                 version: try versionParameter(context))
                return jsonResponse("{\"ready\":true}")
            }
            api.route(.POST, base + "/infer", catalog) { request, context in
                let caller = try context.caller()
                try caller.require(.infer)
                let name = try context.parameters.require("name")
                // Resolve first: a caller outside the project gets 404 whatever it sends.
                let target = try await s.endpoints.target(for: caller, endpoint: name, version: try versionParameter(context))
                let buffer = try await request.collectBody(context)
                let (body, input) = try parseInferenceRequest(buffer, headers: request.headers)
                let result = try await infer(s, caller, deadline: try deadline(request), endpoint: name, target, input, namedVersion: versioned)
                var text = "{\"model_name\":\(JSONWriter.quote(name)),\"model_version\":\"\(target.version.version)\""
                if let id = body["id"]?.string { text += ",\"id\":\(JSONWriter.quote(id))" }
                return timed(jsonResponse(text + ",\"outputs\":" + outputsJSON(result.predictions) + "}"), result)
            }
        }
        // TF-Serving style: POST /v1/models/{name}:predict with {"instances": [...]}.
        api.route(.POST, "/v1/models/{name}:predict", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.infer)
            let name = try context.parameters.require("name")
            let target = try await s.endpoints.target(for: caller, endpoint: name)
            let body = try await request.json(context).fields(["instances", "signature_name"])
            let result = try await infer(s, caller, deadline: try deadline(request), endpoint: name, target, try parseInstances(body["instances"]))
            return timed(jsonResponse("{\"predictions\":[" + result.predictions.map(predictionJSON).joined(separator: ",") + "]}"), result)
        }
    }

    /// `POST /v1/endpoints/{name}/explain`: the prediction body (`instances`, or Open Inference
    /// Protocol `inputs`) plus options; attributions per row in raw input columns.
    static func addExplainRoute(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.POST, "/v1/endpoints/{name}/explain", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.infer)
            let name = try context.parameters.require("name")
            let target = try await s.endpoints.target(for: caller, endpoint: name)
            let body = try await request.json(context).fields(["instances", "inputs", "method", "samples", "seed", "steps", "baseline", "target"])
            let input: PredictionInput
            switch (body["instances"], body["inputs"]) {
            case (let instances?, nil): input = try parseInstances(instances)
            case (nil, let inputs?): input = try parseInferenceInputs(inputs)
            default: throw PlatformError.invalid(field: "instances", message: "send either instances (as for :predict) or inputs (as for /infer), not both or neither")
            }
            var options = ExplainOptions()
            if let method = body["method"] {
                guard let text = method.string else { throw PlatformError.invalid(field: "method", message: "must be a string: \(ExplainOptions.methods.joined(separator: ", "))") }
                options.method = text == "auto" ? nil : text
            }
            func integer(_ field: String) throws -> Int? {
                guard let value = body[field] else { return nil }
                guard let n = value.number, n == n.rounded(), n >= 0, n < 1e15 else { throw PlatformError.invalid(field: field, message: "must be a non-negative integer") }
                return Int(n)
            }
            options.samples = try integer("samples")
            options.seed = UInt64(try integer("seed") ?? 0)
            options.steps = try integer("steps") ?? 64
            if let baseline = body["baseline"] {
                guard let text = baseline.string else { throw PlatformError.invalid(field: "baseline", message: "must be 'zeros' or 'mean'") }
                options.baseline = text
            }
            if let wanted = body["target"] {
                guard let text = wanted.string else { throw PlatformError.invalid(field: "target", message: "must be a class label (a string)") }
                options.target = text
            }
            let report = try await target.model.explainOffLoop(input, options: options)
            s.usage.record(project: caller.project, keyID: caller.keyID, rows: report.rows.count)
            return jsonResponse(explanationJSON(report, endpoint: name, version: target.version.version))
        }
    }

    /// Drift of an endpoint's live inputs and predictions against its training profile, and
    /// the PSI threshold over which a feature raises an event.
    static func addDriftRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.GET, "/v1/endpoints/{name}/drift", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let name = try context.parameters.require("name")
            // The primary version, never a random canary draw: a report must not change between reads.
            try caller.requireEndpoint(name)
            let primary = try await s.endpoints.primaryVersion(project: caller.project, endpoint: name)
            let target = try await s.endpoints.target(for: caller, endpoint: name, version: primary)
            let report = s.drift.report(project: caller.project, endpoint: name, version: target.version.version, model: target.model)
            return jsonResponse(driftJSON(report, endpoint: name))
        }
        api.route(.PUT, "/v1/endpoints/{name}/drift", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name")
            _ = try await s.endpoints.target(for: caller, endpoint: name)
            let body = try await request.json(context).fields(["psi_threshold"])
            guard let psi = body["psi_threshold"]?.number else {
                throw PlatformError.invalid(field: "psi_threshold", message: "is required: a positive number (0.1 moderate, 0.25 large shift)")
            }
            try await s.drift.setThreshold(project: caller.project, endpoint: name, psi: psi)
            try await context.audit(s, "set_drift_threshold", "endpoint:\(name) psi:\(psi)")
            return jsonResponse("{\"endpoint\":\(JSONWriter.quote(name)),\"psi_threshold\":\(JSONWriter.number(psi))}")
        }
    }

    static func driftJSON(_ report: DriftMonitor.Report, endpoint: String) -> String {
        func optional(_ v: Double?) -> String { v.map { $0.isFinite ? JSONWriter.number($0) : "null" } ?? "null" }
        func feature(_ f: DriftMonitor.FeatureDrift) -> String {
            let status = f.psi == nil ? "insufficient_data" : (f.over ? "drift" : "ok")
            var text = "{\"name\":\(JSONWriter.quote(f.name)),\"kind\":\"\(f.kind)\",\"status\":\"\(status)\",\"live_rows\":\(f.liveRows),"
                + "\"psi\":\(optional(f.psi)),\"jensen_shannon\":\(optional(f.jensenShannon)),"
            if let ks = f.ks {
                text += "\"ks\":{\"statistic\":\(JSONWriter.number(ks.statistic)),\"p_value\":\(JSONWriter.number(ks.pValue)),\"method\":\"\(ks.method)\"},"
            } else {
                text += "\"ks\":null,"
            }
            return text + "\"missing_share\":{\"live\":\(JSONWriter.number(f.liveMissingShare)),\"training\":\(JSONWriter.number(f.trainingMissingShare))}}"
        }
        var text = "{\"endpoint\":\(JSONWriter.quote(endpoint)),\"model_version\":\(report.version),\"profiled\":\(report.profiled),"
            + "\"window_rows\":\(DriftMonitor.windowRows),\"rows_seen\":\(report.rowsSeen),\"psi_threshold\":\(JSONWriter.number(report.threshold)),"
            + "\"minimum_rows\":\(DriftMonitor.minimumRows),"
        text += "\"drifted\":[" + (report.features + [report.prediction].compactMap { $0 }).filter(\.over).map { JSONWriter.quote($0.name) }.joined(separator: ",") + "],"
        text += "\"features\":[" + report.features.map(feature).joined(separator: ",") + "],"
        text += "\"prediction\":" + (report.prediction.map(feature) ?? "null")
        return text + "}"
    }

    static func explanationJSON(_ report: ExplanationReport, endpoint: String, version: Int) -> String {
        var text = "{\"endpoint\":\(JSONWriter.quote(endpoint)),\"model_version\":\(version),\"method\":\(JSONWriter.quote(report.method)),"
            + "\"units\":\(JSONWriter.quote(report.units))"
        if let samples = report.samples { text += ",\"\(report.method == "kernel" ? "samples" : "steps")\":\(samples)" }
        text += ",\"explanations\":["
        text += report.rows.map { row in
            var item = "{\"prediction\":" + predictionJSON(row.prediction) + ",\"outputs\":["
            item += row.outputs.map { o in
                var out = "{\"output\":\(JSONWriter.quote(o.output)),\"base_value\":\(JSONWriter.number(o.base)),\"value\":\(JSONWriter.number(o.value)),\"attributions\":{"
                out += o.attributions.map { "\(JSONWriter.quote($0.column)):\(JSONWriter.number($0.value))" }.joined(separator: ",") + "}"
                if !o.tokens.isEmpty {
                    out += ",\"tokens\":[" + o.tokens.map {
                        "{\"column\":\(JSONWriter.quote($0.column)),\"token\":\(JSONWriter.quote($0.token)),\"value\":\(JSONWriter.number($0.value))}"
                    }.joined(separator: ",") + "]"
                }
                return out + "}"
            }.joined(separator: ",") + "]"
            if let image = row.image {
                item += ",\"image\":{\"shape\":[\(image.shape.map(String.init).joined(separator: ","))],\"attributions\":["
                    + image.values.map { JSONWriter.number(Float($0)) }.joined(separator: ",") + "],\"heatmap_png\":\"\(image.png.base64EncodedString())\"}"
            }
            return item + "}"
        }.joined(separator: ",")
        return text + "]}"
    }

    /// `Server-Timing` says where a request's time went (queue wait, forward pass, batch size),
    /// so a slow request can be diagnosed from the client without server access.
    static func timed(_ response: Response, _ result: BatchedResult) -> Response {
        var response = response
        // Milliseconds with µs precision, formatted by hand (String(format:) costs microseconds).
        func milliseconds(_ seconds: Double) -> String {
            let us = Int((seconds * 1e6).rounded())
            let fraction = String(us % 1000)
            return "\(us / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        }
        response.headers[.init("server-timing")!] = "queue;dur=\(milliseconds(result.queueSeconds)), compute;dur=\(milliseconds(result.computeSeconds)), batch;desc=\"\(result.batchRows) rows\""

        return response
    }

    static func versionParameter(_ context: APIContext) throws -> Int? {
        guard let text = context.parameters.get("version") else { return nil }
        guard let version = Int(text), version >= 1 else { throw PlatformError.invalid(field: "version", message: "must be a version number of 1 or more, got '\(text)'") }
        return version
    }

    /// The client's deadline: `timeout` header or query parameter, in seconds (e.g. 0.25).
    static func deadline(_ request: Request) throws -> UInt64? {
        guard let text = request.headers[.init("timeout")!] ?? request.uri.queryParameters.get("timeout") else { return nil }
        guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
            throw PlatformError.invalid(field: "timeout", message: "must be a number of seconds in (0, 3600], got '\(text)'")
        }
        return DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    }

    /// Features on the request's task, the forward pass in the endpoint's batch; metrics and usage recorded.
    /// A request that names a version (or is drawn to a canary) is not mirrored to a shadow.
    static func infer(_ s: PlatformServices, _ caller: Principal, deadline: UInt64?, endpoint: String,
                      _ target: InferenceEndpoints.Target, _ input: PredictionInput, namedVersion: Bool = false) async throws -> BatchedResult {
        let result: BatchedResult, rows: Int
        do {
            if target.model.encoder != nil {
                guard case .texts(let texts) = input else { _ = try target.model.features(input); throw PlatformError.invalid(field: "inputs", message: "send texts") }
                rows = texts.count
                result = try await target.batcher.submit(texts: texts, deadline: deadline)
            } else {
                let (values, count) = try target.model.features(input)
                rows = count
                result = try await target.batcher.submit(values: values, rows: count, deadline: deadline)
            }
        } catch {
            s.metrics.recordInferenceFailure(project: caller.project, endpoint: endpoint, version: target.version.version)
            // Only the server's failures count against a canary's SLO, not a client's bad input.
            if target.isCanary, !(error is PlatformError && { if case PlatformError.invalid = error { return true } else { return false } }()) {
                s.canaries.record(project: caller.project, endpoint: endpoint, failed: true, seconds: 0)
            }
            throw error
        }
        if target.isCanary {
            s.canaries.record(project: caller.project, endpoint: endpoint, failed: false, seconds: result.queueSeconds + result.computeSeconds)
        }
        s.metrics.recordInference(project: caller.project, endpoint: endpoint, version: target.version.version, result: result, rows: rows)
        RequestTracing.recordInference(result, endpoint: endpoint, version: target.version.version)
        s.usage.record(project: caller.project, keyID: caller.keyID, rows: rows)
        s.drift.record(project: caller.project, endpoint: endpoint, version: target.version.version, model: target.model, input: input, predictions: result.predictions)
        // The shadow is compared with the primary: canary answers and named versions are not mirrored.
        if !namedVersion, !target.isCanary, target.model.encoder == nil, let shadow = s.shadows.draw(project: caller.project, endpoint: endpoint), shadow.version != target.version.version {
            mirror(s, project: caller.project, endpoint: endpoint, shadow: shadow, input: input, primary: result)
        }
        return result
    }

    /// Computes a mirrored request on the shadow version after the client has its answer; the
    /// outcome only feeds the shadow's statistics.
    static func mirror(_ s: PlatformServices, project: String, endpoint: String, shadow: ShadowTraffic.Config, input: PredictionInput, primary: BatchedResult) {
        Task.detached {
            let start = DispatchTime.now().uptimeNanoseconds
            var predictions: [Prediction]?
            do {
                let other = try await s.endpoints.target(project: project, endpoint: endpoint, version: shadow.version)
                let (values, rows) = try other.model.features(input)
                predictions = try await other.batcher.submit(values: values, rows: rows).predictions
            } catch {
                predictions = nil
            }
            s.shadows.record(project: project, endpoint: endpoint, primary: primary.predictions, shadow: predictions,
                             primarySeconds: primary.queueSeconds + primary.computeSeconds,
                             shadowSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }

    /// A shadow version for an endpoint: mirrored requests, compared, never answered from.
    static func addShadowRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.PUT, "/v1/endpoints/{name}/shadow", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name")
            let primary = try await s.endpoints.version(project: caller.project, endpoint: name)
            let body = try await request.json(context).fields(["model", "share"])
            let reference = try body.requiredString("model")
            let version = try await s.registry.resolve(project: caller.project, reference: reference)
            guard version.name == primary.name else {
                throw PlatformError.invalid(field: "model", message: "a shadow is another version of the endpoint's model '\(primary.name)', got '\(version.name)'")
            }
            guard version.version != primary.version else {
                throw PlatformError.invalid(field: "model", message: "\(reference) is the version the endpoint already serves")
            }
            let share = body["share"]?.number ?? 1
            try await s.shadows.set(project: caller.project, endpoint: name, config: .init(version: version.version, share: share))
            // Load it now, so the first mirrored requests measure the model rather than its load.
            _ = try await s.endpoints.target(project: caller.project, endpoint: name, version: version.version)
            try await context.audit(s, "shadow.set", "endpoint:\(name) shadow:\(version.name)@\(version.version) share:\(share)")
            return jsonResponse(shadowJSON(s, caller.project, name))
        }
        api.route(.GET, "/v1/endpoints/{name}/shadow", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let name = try context.parameters.require("name")
            _ = try await s.endpoints.version(project: caller.project, endpoint: name)
            guard s.shadows.config(project: caller.project, endpoint: name) != nil else { throw PlatformError.notFound(kind: "shadow", name: name) }
            return jsonResponse(shadowJSON(s, caller.project, name))
        }
        api.route(.DELETE, "/v1/endpoints/{name}/shadow", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name")
            guard s.shadows.config(project: caller.project, endpoint: name) != nil else { throw PlatformError.notFound(kind: "shadow", name: name) }
            try await s.shadows.set(project: caller.project, endpoint: name, config: nil)
            try await context.audit(s, "shadow.remove", "endpoint:\(name)")
            return Response(status: .noContent)
        }
    }

    static func shadowJSON(_ s: PlatformServices, _ project: String, _ endpoint: String) -> String {
        guard let config = s.shadows.config(project: project, endpoint: endpoint) else { return "{}" }
        let stats = s.shadows.stats(project: project, endpoint: endpoint)
        func percentile(_ values: [Double], _ q: Double) -> String {
            guard !values.isEmpty else { return "null" }
            let sorted = values.sorted()
            return JSONWriter.number(sorted[min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1)] * 1000)
        }
        let compared = stats.mirrored - stats.failed
        return "{\"endpoint\":\(JSONWriter.quote(endpoint)),\"shadow_version\":\(config.version),\"share\":\(JSONWriter.number(config.share)),"
            + "\"mirrored\":\(stats.mirrored),\"failed\":\(stats.failed),"
            + "\"agreement_rate\":\(compared > 0 ? JSONWriter.number(Double(stats.agreed) / Double(compared)) : "null"),"
            + "\"mean_prediction_difference\":\(compared > 0 ? JSONWriter.number(stats.differenceSum / Double(compared)) : "null"),"
            + "\"latency_ms\":{\"shadow_p50\":\(percentile(stats.shadowLatencies, 0.5)),\"shadow_p99\":\(percentile(stats.shadowLatencies, 0.99)),"
            + "\"primary_p50\":\(percentile(stats.primaryLatencies, 0.5)),\"primary_p99\":\(percentile(stats.primaryLatencies, 0.99))}}"
    }

    /// The JSON part of an inference request and its inputs. With `Inference-Header-Content-Length`
    /// the body is that many bytes of JSON followed by the inputs' raw little-endian tensor data
    /// (the protocol's binary extension): each input with `parameters.binary_data_size` takes its
    /// bytes from there in order, straight into a Float buffer.
    static func parseInferenceRequest(_ buffer: ByteBuffer, headers: HTTPFields) throws -> ([String: WireJSON], PredictionInput) {
        var jsonLength = buffer.readableBytes
        if let text = headers[.init("inference-header-content-length")!] {
            guard let n = Int(text), n >= 0, n <= buffer.readableBytes else {
                throw PlatformError.invalid(field: "Inference-Header-Content-Length", message: "must be between 0 and the body length (\(buffer.readableBytes)), got '\(text)'")
            }
            jsonLength = n
        }
        return try buffer.withUnsafeReadableBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let body = try WireJSONParser.parse(UnsafeBufferPointer(rebasing: bytes[0..<jsonLength])).fields(["id", "inputs", "outputs", "parameters"])
            let binary = UnsafeRawBufferPointer(rebasing: raw[jsonLength...])
            return (body, try parseInferenceInputs(body["inputs"], binary: binary))
        }
    }

    /// A model's inputs and outputs as the Open Inference Protocol describes them (HTTP and gRPC metadata).
    struct ModelSignature {
        struct Tensor { let name: String, datatype: String, shape: [Int] }
        let platform: String
        let inputs: [Tensor]
        let outputs: [Tensor]

        init(_ model: LoadedModel) {
            platform = "swiftmaas-\(model.kind)"
            if let encoder = model.encoder {
                inputs = [Tensor(name: "text", datatype: "BYTES", shape: [-1])]
                outputs = [Tensor(name: "predictions", datatype: "FP32", shape: [-1, encoder.dimension])]
                return
            }
            if let columns = model.inputColumnTypes {
                inputs = columns.map { Tensor(name: $0.name, datatype: $0.datatype, shape: [-1]) }
            } else {
                inputs = [Tensor(name: "input", datatype: "FP32", shape: [-1] + model.inputShape)]
            }
            if let labels = model.labels {
                outputs = [Tensor(name: "label", datatype: "BYTES", shape: [-1]), Tensor(name: "probabilities", datatype: "FP32", shape: [-1, labels.count])]
            } else {
                outputs = [Tensor(name: "predictions", datatype: "FP32", shape: [-1, -1])]
            }
        }
    }

    static func metadataJSON(_ name: String, _ model: LoadedModel, _ version: ModelVersion) -> String {
        let signature = ModelSignature(model)
        func tensors(_ list: [ModelSignature.Tensor]) -> String {
            list.map { "{\"name\":\(JSONWriter.quote($0.name)),\"datatype\":\"\($0.datatype)\",\"shape\":[\($0.shape.map(String.init).joined(separator: ","))]}" }
                .joined(separator: ",")
        }
        return "{\"name\":\(JSONWriter.quote(name)),\"versions\":[\"\(version.version)\"],\"platform\":\"\(signature.platform)\","
            + "\"inputs\":[\(tensors(signature.inputs))],\"outputs\":[\(tensors(signature.outputs))]}"
    }

    static let numericTypes: Set<String> = ["FP32", "FP64", "FP16", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64", "BOOL"]

    /// One numeric tensor → rows; one BYTES tensor → texts; several named tensors → records.
    static func parseInferenceInputs(_ value: WireJSON?, binary: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws -> PredictionInput {
        var binaryOffset = 0
        guard let items = value?.elements, !items.isEmpty else {
            throw PlatformError.invalid(field: "inputs", message: "is required: a non-empty list of {name, shape, datatype, data}")
        }
        var tensors: [InputTensor] = []
        for (i, item) in items.enumerated() {
            let path = "inputs[\(i)]"
            let fields = try item.fields(["name", "shape", "datatype", "data", "parameters"], at: path)
            guard let name = fields["name"]?.string else { throw PlatformError.invalid(field: "\(path).name", message: "is required (a string)") }
            guard let numbers = fields["shape"]?.flattenedNumbers(), !numbers.isEmpty,
                  numbers.allSatisfy({ $0 >= 0 && Double($0) <= Double(1 << 40) && $0 == $0.rounded() }) else {
                throw PlatformError.invalid(field: "\(path).shape", message: "is required: a list of non-negative integers")
            }
            let shape = numbers.map { Int($0) }
            // The element count, refused before it can overflow (the body cap bounds real tensors).
            guard shape.reduce(1.0, { $0 * Double($1) }) <= Double(APIServer.maximumBodyBytes) else {
                throw PlatformError.invalid(field: "\(path).shape", message: "holds \(shape.map(String.init).joined(separator: "×")) elements, more than a request can carry")
            }
            guard let datatype = fields["datatype"]?.string else { throw PlatformError.invalid(field: "\(path).datatype", message: "is required") }
            let count = shape.reduce(1, *)
            if let size = fields["parameters"]?["binary_data_size"]?.number {
                let byteCount = Int(exactly: size) ?? -1
                guard byteCount >= 0, byteCount <= binary.count - binaryOffset else {
                    throw PlatformError.invalid(field: "\(path).parameters.binary_data_size", message: "\(size) bytes from offset \(binaryOffset) run past the \(binary.count) bytes of binary data")
                }
                let slice = UnsafeRawBufferPointer(rebasing: binary[binaryOffset..<(binaryOffset + byteCount)])
                binaryOffset += byteCount
                tensors.append((name, shape.first ?? 0, try binaryTensor(slice, datatype: datatype, count: count, path: path), nil))
                continue
            }
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
        return try predictionInput(tensors)
    }

    /// A decoded input tensor: its values as numbers, or as strings for BYTES.
    typealias InputTensor = (name: String, rows: Int, numbers: [Float]?, strings: [String]?)

    /// One tensor is the model's whole input (rows of numbers, or texts); several are named
    /// columns, one value per row each (HTTP and gRPC requests alike).
    static func predictionInput(_ tensors: [InputTensor]) throws -> PredictionInput {
        if tensors.count == 1 {
            let t = tensors[0]
            if let numbers = t.numbers { return .rows(values: numbers, rowCount: t.rows) }
            return .texts(t.strings!)
        }
        let rows = tensors[0].rows
        guard tensors.allSatisfy({ $0.rows == rows }) else {
            throw PlatformError.invalid(field: "inputs", message: "named inputs must all have the same first dimension")
        }
        var seen = Set<String>()
        for t in tensors where !seen.insert(t.name).inserted {
            throw PlatformError.invalid(field: "inputs", message: "names input '\(t.name)' twice; each column is one input")
        }
        // One value per row and column: a column tensor of shape [rows, 2] would leave values unread.
        for t in tensors where (t.numbers?.count ?? t.strings?.count ?? 0) != rows {
            throw PlatformError.invalid(field: "inputs", message: "input '\(t.name)' holds \(t.numbers?.count ?? t.strings?.count ?? 0) values for \(rows) rows; a named column takes one value per row")
        }
        return .records((0..<rows).map { r in
            Dictionary(uniqueKeysWithValues: tensors.map { t in
                (t.name, t.numbers.map { CellValue.number(Double($0[r])) } ?? .string(t.strings![r]))
            })
        })
    }

    /// Little-endian tensor bytes as Float values.
    static let binaryElementSizes = ["FP32": 4, "FP64": 8, "INT8": 1, "UINT8": 1, "INT16": 2, "UINT16": 2, "INT32": 4, "UINT32": 4, "INT64": 8, "UINT64": 8, "BOOL": 1]

    static func binaryTensor(_ bytes: UnsafeRawBufferPointer, datatype: String, count: Int, path: String) throws -> [Float] {
        let sizes = binaryElementSizes
        guard let size = sizes[datatype] else {
            throw PlatformError.invalid(field: "\(path).datatype", message: "binary data must be one of \(sizes.keys.sorted().joined(separator: ", ")); got \(datatype)")
        }
        guard bytes.count == count * size else {
            throw PlatformError.invalid(field: "\(path).parameters.binary_data_size", message: "is \(bytes.count) bytes; shape and \(datatype) need \(count * size)")
        }
        func load<T: FixedWidthInteger>(_: T.Type) -> [Float] { (0..<count).map { Float(T(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * size, as: T.self))) } }
        let values: [Float]
        switch datatype {
        case "FP32":
            values = [Float](unsafeUninitializedCapacity: count) { out, n in
                _ = memcpy(out.baseAddress!, bytes.baseAddress!, count * 4)
                n = count
            }
        case "FP64": values = (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))) }
        case "INT8": values = load(Int8.self)
        case "UINT8", "BOOL": values = load(UInt8.self)
        case "INT16": values = load(Int16.self)
        case "UINT16": values = load(UInt16.self)
        case "INT32": values = load(Int32.self)
        case "UINT32": values = load(UInt32.self)
        case "INT64": values = load(Int64.self)
        default: values = load(UInt64.self)
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw PlatformError.invalid(field: "\(path).data", message: "value \(bad) is \(values[bad]); inputs must be finite numbers")
        }
        return values
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
