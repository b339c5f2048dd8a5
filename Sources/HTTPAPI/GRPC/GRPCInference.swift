import Dispatch
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Platform
import ServiceLifecycle

/// The KServe v2 / Triton gRPC inference protocol (`inference.GRPCInferenceService`) over the
/// same keys (`authorization: Bearer …` metadata), endpoints, batching queues, usage and
/// inference metrics as the HTTP routes: a request takes the same path as POST /v2/…/infer from
/// the decoded tensors on. Liveness, readiness and server metadata need no key, as
/// /v2/health/* does not.
struct GRPCInferenceService: Inference_GRPCInferenceService.ServiceProtocol {
    let services: PlatformServices

    func serverLive(request: ServerRequest<Inference_ServerLiveRequest>, context: ServerContext) async throws -> ServerResponse<Inference_ServerLiveResponse> {
        try await call("ServerLive", request.metadata) { Inference_ServerLiveResponse.with { $0.live = true } }
    }

    func serverReady(request: ServerRequest<Inference_ServerReadyRequest>, context: ServerContext) async throws -> ServerResponse<Inference_ServerReadyResponse> {
        try await call("ServerReady", request.metadata) { Inference_ServerReadyResponse.with { $0.ready = true } }
    }

    func serverMetadata(request: ServerRequest<Inference_ServerMetadataRequest>, context: ServerContext) async throws -> ServerResponse<Inference_ServerMetadataResponse> {
        try await call("ServerMetadata", request.metadata) {
            Inference_ServerMetadataResponse.with { $0.name = "swiftmaas"; $0.version = APIServer.version; $0.extensions = [] }
        }
    }

    func modelReady(request: ServerRequest<Inference_ModelReadyRequest>, context: ServerContext) async throws -> ServerResponse<Inference_ModelReadyResponse> {
        try await call("ModelReady", request.metadata) {
            let caller = try await authenticate(request.metadata, method: "ModelReady")
            _ = try await services.endpoints.target(for: caller, endpoint: try Self.name(request.message.name, field: "name"),
                                                    version: try Self.version(request.message.version, field: "version"))
            return Inference_ModelReadyResponse.with { $0.ready = true }
        }
    }

    func modelMetadata(request: ServerRequest<Inference_ModelMetadataRequest>, context: ServerContext) async throws -> ServerResponse<Inference_ModelMetadataResponse> {
        try await call("ModelMetadata", request.metadata) {
            let caller = try await authenticate(request.metadata, method: "ModelMetadata")
            let name = try Self.name(request.message.name, field: "name")
            let target = try await services.endpoints.target(for: caller, endpoint: name, version: try Self.version(request.message.version, field: "version"))
            let signature = APIServer.ModelSignature(target.model)
            func tensors(_ list: [APIServer.ModelSignature.Tensor]) -> [Inference_ModelMetadataResponse.TensorMetadata] {
                list.map { t in .with { $0.name = t.name; $0.datatype = t.datatype; $0.shape = t.shape.map(Int64.init) } }
            }
            return Inference_ModelMetadataResponse.with {
                $0.name = name
                $0.versions = [String(target.version.version)]
                $0.platform = signature.platform
                $0.inputs = tensors(signature.inputs)
                $0.outputs = tensors(signature.outputs)
            }
        }
    }

    func modelInfer(request: ServerRequest<Inference_ModelInferRequest>, context: ServerContext) async throws -> ServerResponse<Inference_ModelInferResponse> {
        try await call("ModelInfer", request.metadata) {
            let caller = try await authenticate(request.metadata, method: "ModelInfer")
            try caller.require(.infer)
            let message = request.message
            let name = try Self.name(message.modelName, field: "model_name")
            let version = try Self.version(message.modelVersion, field: "model_version")
            // Resolved before the tensors are read: a caller outside the project gets NOT_FOUND whatever it sends.
            let target = try await services.endpoints.target(for: caller, endpoint: name, version: version)
            let input = try Self.predictionInput(message)
            let result = try await APIServer.infer(services, caller, deadline: try Self.deadline(request.metadata), endpoint: name, target, input,
                                                   namedVersion: version != nil)
            var response = Inference_ModelInferResponse()
            response.modelName = name
            response.modelVersion = String(target.version.version)
            response.id = message.id
            try Self.fill(&response, result.predictions, requested: message.outputs.map(\.name))
            return response
        }
    }

    // MARK: Calls, keys and errors

    /// Runs a call, counts it by method and status code, and turns platform errors into gRPC
    /// status codes with the same messages the HTTP API gives.
    private func call<Message: Sendable>(_ method: String, _ metadata: Metadata, _ body: () async throws -> Message) async throws -> ServerResponse<Message> {
        let start = DispatchTime.now().uptimeNanoseconds
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        do {
            let message = try await RequestTracing.withGRPCSpan(method, metadata: metadata) {
                do { return try await body() } catch { throw Self.rpcError(error) }
            }
            services.metrics.recordGRPC(method: method, code: "ok", seconds: seconds())
            return ServerResponse(message: message)
        } catch {
            let rpc = Self.rpcError(error)
            services.metrics.recordGRPC(method: method, code: Self.codeName(rpc.code), seconds: seconds())
            throw rpc
        }
    }

    private func authenticate(_ metadata: Metadata, method: String) async throws -> Principal {
        let authorization = metadata[stringValues: "authorization"].first(where: { _ in true })
        let principal: Principal
        do {
            principal = try await services.keys.authenticate(authorization: authorization)
        } catch {
            try? await services.audit.record(actor: KeyRing.claimedKeyID(authorization: authorization) ?? "anonymous", project: "",
                                             action: "request.denied", resource: "gRPC \(method)", requestID: UUID().uuidString, outcome: "unauthenticated")
            throw error
        }
        _ = try services.rateLimiter.admit(keyID: principal.keyID, limits: principal.limits)
        RequestTracing.tag(project: principal.project)
        return principal
    }

    static func rpcError(_ error: any Error) -> RPCError {
        if let rpc = error as? RPCError { return rpc }
        guard let platform = error as? PlatformError else {
            if let json = error as? WireJSONError { return RPCError(code: .invalidArgument, message: json.description) }
            return RPCError(code: .internalError, message: "internal error; see the server log")
        }
        // Back-off hints travel as `retry-after` (seconds) in the trailing metadata, as the
        // HTTP API sends Retry-After.
        var metadata: Metadata = [:]
        if let seconds = platform.retryAfter { metadata.addString(String(seconds), forKey: "retry-after") }
        let code: RPCError.Code
        switch platform {
        case .unauthenticated: code = .unauthenticated
        case .forbidden: code = .permissionDenied
        case .notFound: code = .notFound
        case .invalid: code = .invalidArgument
        case .conflict: code = .failedPrecondition
        case .payloadTooLarge, .overloaded, .rateLimited: code = .resourceExhausted
        case .unavailable: code = .unavailable
        case .deadlineExceeded: code = .deadlineExceeded
        }
        return RPCError(code: code, message: platform.description, metadata: metadata)
    }

    static func codeName(_ code: RPCError.Code) -> String {
        switch code {
        case .unauthenticated: "unauthenticated"
        case .permissionDenied: "permission_denied"
        case .notFound: "not_found"
        case .invalidArgument: "invalid_argument"
        case .failedPrecondition: "failed_precondition"
        case .resourceExhausted: "resource_exhausted"
        case .unavailable: "unavailable"
        case .deadlineExceeded: "deadline_exceeded"
        case .cancelled: "cancelled"
        default: "internal"
        }
    }

    // MARK: Decoding requests

    static func name(_ text: String, field: String) throws -> String {
        guard !text.isEmpty else { throw PlatformError.invalid(field: field, message: "is required: the endpoint's name") }
        return text
    }

    /// An empty version is the endpoint's serving version, as in the HTTP paths without /versions/N.
    static func version(_ text: String, field: String) throws -> Int? {
        guard !text.isEmpty else { return nil }
        guard let version = Int(text), version >= 1 else { throw PlatformError.invalid(field: field, message: "must be a version number of 1 or more, got '\(text)'") }
        return version
    }

    /// The call's deadline from its `grpc-timeout` header (digits and a unit: H, M, S, m, u, n).
    static func deadline(_ metadata: Metadata) throws -> UInt64? {
        guard let text = metadata[stringValues: "grpc-timeout"].first(where: { _ in true }), let unit = text.last,
              let amount = Double(text.dropLast()) else { return nil }
        let perUnit: [Character: Double] = ["H": 3600, "M": 60, "S": 1, "m": 1e-3, "u": 1e-6, "n": 1e-9]
        guard let scale = perUnit[unit] else { return nil }
        return DispatchTime.now().uptimeNanoseconds + UInt64(min(amount * scale, 3600) * 1e9)
    }

    /// The request's tensors as the HTTP route reads them: values from `raw_input_contents`
    /// (little-endian, row-major; BYTES as 4-byte lengths and bytes) or from each tensor's
    /// typed `contents`.
    static func predictionInput(_ request: Inference_ModelInferRequest) throws -> PredictionInput {
        guard !request.inputs.isEmpty else {
            throw PlatformError.invalid(field: "inputs", message: "is required: at least one tensor {name, datatype, shape, contents}")
        }
        let raw = request.rawInputContents
        guard raw.isEmpty || raw.count == request.inputs.count else {
            throw PlatformError.invalid(field: "raw_input_contents", message: "holds \(raw.count) buffers for \(request.inputs.count) inputs; send one per input or none")
        }
        var tensors: [APIServer.InputTensor] = []
        for (i, input) in request.inputs.enumerated() {
            let path = "inputs[\(i)]"
            guard !input.name.isEmpty else { throw PlatformError.invalid(field: "\(path).name", message: "is required") }
            guard !input.shape.isEmpty, input.shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 40 }) else {
                throw PlatformError.invalid(field: "\(path).shape", message: "is required: a list of non-negative integers")
            }
            guard input.shape.reduce(1.0, { $0 * Double($1) }) <= Double(APIServer.maximumBodyBytes) else {
                throw PlatformError.invalid(field: "\(path).shape", message: "holds \(input.shape.map(String.init).joined(separator: "×")) elements, more than a request can carry")
            }
            let count = input.shape.reduce(1) { $0 * Int($1) }, rows = Int(input.shape[0])
            if !raw.isEmpty {
                let bytes = raw[i], field = "raw_input_contents[\(i)]"
                if input.datatype == "BYTES" {
                    tensors.append((input.name, rows, nil, try lengthPrefixedStrings(bytes, count: count, field: field)))
                    continue
                }
                guard let size = APIServer.binaryElementSizes[input.datatype] else {
                    throw PlatformError.invalid(field: "\(path).datatype", message: "must be one of BYTES, \(APIServer.binaryElementSizes.keys.sorted().joined(separator: ", ")); got '\(input.datatype)'")
                }
                guard bytes.count == count * size else {
                    throw PlatformError.invalid(field: field, message: "is \(bytes.count) bytes; shape \(input.shape) of \(input.datatype) needs \(count * size)")
                }
                tensors.append((input.name, rows, try bytes.withUnsafeBytes { try APIServer.binaryTensor($0, datatype: input.datatype, count: count, path: path) }, nil))
                continue
            }
            let contents = input.contents
            let numbers: [Float]
            switch input.datatype {
            case "BYTES":
                guard contents.bytesContents.count == count else {
                    throw PlatformError.invalid(field: "\(path).contents.bytes_contents", message: "holds \(contents.bytesContents.count) values, shape \(input.shape) needs \(count)")
                }
                tensors.append((input.name, rows, nil, contents.bytesContents.map { String(decoding: $0, as: UTF8.self) }))
                continue
            case "FP32": numbers = contents.fp32Contents
            case "FP64": numbers = contents.fp64Contents.map { Float($0) }
            case "INT8", "INT16", "INT32": numbers = contents.intContents.map { Float($0) }
            case "INT64": numbers = contents.int64Contents.map { Float($0) }
            case "UINT8", "UINT16", "UINT32": numbers = contents.uintContents.map { Float($0) }
            case "UINT64": numbers = contents.uint64Contents.map { Float($0) }
            case "BOOL": numbers = contents.boolContents.map { $0 ? 1 : 0 }
            default:
                throw PlatformError.invalid(field: "\(path).datatype", message: "must be one of BOOL, BYTES, FP32, FP64, INT8-64, UINT8-64 (FP16 only as raw contents); got '\(input.datatype)'")
            }
            guard numbers.count == count else {
                throw PlatformError.invalid(field: "\(path).contents", message: "holds \(numbers.count) \(input.datatype) values, shape \(input.shape) needs \(count)")
            }
            if let bad = numbers.firstIndex(where: { !$0.isFinite }) {
                throw PlatformError.invalid(field: "\(path).contents", message: "value \(bad) is \(numbers[bad]); inputs must be finite numbers")
            }
            tensors.append((input.name, rows, numbers, nil))
        }
        return try APIServer.predictionInput(tensors)
    }

    /// Triton's raw BYTES layout: each element a little-endian UInt32 length, then its bytes.
    static func lengthPrefixedStrings(_ bytes: Data, count: Int, field: String) throws -> [String] {
        try bytes.withUnsafeBytes { buffer in
            var strings: [String] = [], offset = 0
            strings.reserveCapacity(min(count, buffer.count / 4))
            while offset < buffer.count {
                guard offset + 4 <= buffer.count else { throw PlatformError.invalid(field: field, message: "ends inside the length of element \(strings.count)") }
                let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                offset += 4
                guard length <= buffer.count - offset else {
                    throw PlatformError.invalid(field: field, message: "element \(strings.count) claims \(length) bytes, \(buffer.count - offset) remain")
                }
                strings.append(String(decoding: UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)]), as: UTF8.self))
                offset += length
            }
            guard strings.count == count else { throw PlatformError.invalid(field: field, message: "holds \(strings.count) strings, the shape needs \(count)") }
            return strings
        }
    }

    // MARK: Encoding answers

    /// The outputs the HTTP route answers (label and probabilities, or predictions), as raw
    /// contents the way Triton sends them; `requested` keeps only the named ones.
    static func fill(_ response: inout Inference_ModelInferResponse, _ predictions: [Prediction], requested: [String]) throws {
        let n = predictions.count
        var outputs: [(tensor: Inference_ModelInferResponse.InferOutputTensor, raw: Data)] = []
        func tensor(_ name: String, _ datatype: String, _ shape: [Int]) -> Inference_ModelInferResponse.InferOutputTensor {
            .with { $0.name = name; $0.datatype = datatype; $0.shape = shape.map(Int64.init) }
        }
        func floats(_ values: [Double]) -> Data {
            var data = Data(capacity: values.count * 4)
            for value in values { withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            return data
        }
        if predictions.first?.label != nil {
            var labels = Data()
            for p in predictions {
                let utf8 = Array((p.label ?? "").utf8)
                withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { labels.append(contentsOf: $0) }
                labels.append(contentsOf: utf8)
            }
            outputs.append((tensor("label", "BYTES", [n]), labels))
            if let k = predictions.first?.probabilities?.count {
                outputs.append((tensor("probabilities", "FP32", [n, k]), floats(predictions.flatMap { $0.probabilities ?? [] })))
            }
        } else {
            let width = predictions.first?.values.count ?? 0
            outputs.append((tensor("predictions", "FP32", [n, width]), floats(predictions.flatMap(\.values))))
        }
        if !requested.isEmpty {
            let names = outputs.map(\.tensor.name)
            for (i, name) in requested.enumerated() where !names.contains(name) {
                throw PlatformError.invalid(field: "outputs[\(i)].name", message: "'\(name)' is not an output of this model; it answers \(names.joined(separator: ", "))")
            }
            outputs = outputs.filter { requested.contains($0.tensor.name) }
        }
        response.outputs = outputs.map(\.tensor)
        response.rawOutputContents = outputs.map(\.raw)
    }
}

/// The gRPC server beside the HTTP one, started and stopped with it.
struct GRPCInferenceServer: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let transport: HTTP2ServerTransport.Posix
    let onListening: @Sendable (Int) async -> Void

    init(services: PlatformServices, host: String, port: Int, tls: ServerTLS?, onListening: @escaping @Sendable (Int) async -> Void) {
        let security: HTTP2ServerTransport.Posix.TransportSecurity = tls.map { tls in
            .tls(certificateChain: [.file(path: tls.certificateFile, format: .pem)], privateKey: .file(path: tls.keyFile, format: .pem)) { config in
                if let ca = tls.clientCAFile {
                    config.clientCertificateVerification = .noHostnameVerification
                    config.trustRoots = .certificates([.file(path: ca, format: .pem)])
                }
            }
        } ?? .plaintext
        // The transport binds addresses, not names: `localhost` is the IPv4 loopback, a colon an IPv6 address.
        let address: GRPCNIOTransportCore.SocketAddress = host.contains(":") ? .ipv6(host: host, port: port)
            : .ipv4(host: host == "localhost" ? "127.0.0.1" : host, port: port)
        transport = HTTP2ServerTransport.Posix(address: address, transportSecurity: security, config: .defaults { config in
            // The HTTP API's body cap, not gRPC's default 4 MiB: a batch of images fits either way.
            config.rpc.maxRequestPayloadSize = APIServer.maximumBodyBytes
        })
        server = GRPCServer(transport: transport, services: [GRPCInferenceService(services: services)])
        self.onListening = onListening
    }

    func run() async throws {
        let announce = Task { [transport, onListening] in
            if let address = try? await transport.listeningAddress, let port = address.ipv4?.port ?? address.ipv6?.port { await onListening(port) }
        }
        defer { announce.cancel() }
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: { [server] in
            server.beginGracefulShutdown()
        }
    }
}
