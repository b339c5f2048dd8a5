import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Failures talking to an S3-compatible store, with what the store said.
public enum S3Error: Error, CustomStringConvertible, Equatable {
    /// The store answered with an error status (S3's error code and message from its XML body).
    case status(Int, code: String, message: String, key: String)
    /// No answer: the endpoint cannot be reached.
    case unreachable(String, reason: String)

    public var description: String {
        switch self {
        case .status(let status, let code, let message, let key):
            return "the object store answered \(status) \(code) for '\(key)'" + (message.isEmpty ? "" : ": \(message)")
        case .unreachable(let endpoint, let reason): return "the object store at \(endpoint) cannot be reached (\(reason))"
        }
    }

    /// A missing object or bucket.
    public var isNotFound: Bool {
        if case .status(404, _, _, _) = self { return true }
        return false
    }
}

/// A small S3 REST client over async-http-client: path-style addressing (`endpoint/bucket/key`),
/// every request signed with Signature V4, bodies hashed for `x-amz-content-sha256`, objects
/// larger than one part uploaded in parts (multipart upload), reads streamed.
public struct S3Client: Sendable {
    public let endpoint: URL
    public let bucket: String
    public let signer: SignatureV4
    let http: HTTPClient
    /// Bytes per part of a multipart upload (S3's minimum for all but the last part is 5 MiB).
    public var partSize = 8 << 20

    /// Fails a request at once when its connection cannot be made (the default retries until
    /// the request's deadline), so a store that is down is an `unreachable` error in seconds.
    public static let defaultHTTP: HTTPClient = {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(60)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public init(endpoint: URL, bucket: String, signer: SignatureV4, http: HTTPClient = S3Client.defaultHTTP) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.signer = signer
        self.http = http
    }

    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// Answers S3 asks a client to retry (InternalError, SlowDown), as AWS's SDKs do: a few times,
    /// with growing pauses, before the error reaches the caller.
    static let retryStatuses: Set<Int> = [500, 503]
    static let retryPauses: [Duration] = [.milliseconds(100), .milliseconds(400), .milliseconds(1600)]

    /// Sends one signed request and collects the answer (bodies of control requests are small).
    func send(_ method: HTTPMethod, key: String?, query: [(String, String)] = [], body: [UInt8] = [],
              headers extra: [(String, String)] = [], expect: Set<Int> = [200]) async throws -> Response {
        for attempt in 0...Self.retryPauses.count {
            let response = try await execute(method, key: key, query: query, body: body, headers: extra)
            var bytes: [UInt8] = []
            for try await buffer in response.body { bytes.append(contentsOf: buffer.readableBytesView) }
            let status = Int(response.status.code)
            if expect.contains(status) { return Response(status: status, headers: response.headers, body: bytes) }
            guard Self.retryStatuses.contains(status), attempt < Self.retryPauses.count else {
                throw Self.failure(status: status, body: bytes, key: key ?? bucket)
            }
            try await Task.sleep(for: Self.retryPauses[attempt])
        }
        preconditionFailure("the last attempt returns or throws")
    }

    func execute(_ method: HTTPMethod, key: String?, query: [(String, String)], body: [UInt8], headers extra: [(String, String)]) async throws
        -> HTTPClientResponse {
        let path = "/" + bucket + (key.map { "/" + $0 } ?? "")
        let host = endpoint.port.map { "\(endpoint.host ?? "localhost"):\($0)" } ?? (endpoint.host ?? "localhost")
        let payloadHash = body.isEmpty ? SignatureV4.emptyPayloadHash : SignatureV4.hex(SHA256.hash(data: body))
        let signed = signer.sign(method: method.rawValue, path: path, query: query, headers: [("host", host)] + extra,
                                 payloadHash: payloadHash, date: Date())
        let queryText = query.isEmpty ? "" : "?" + query.map { SignatureV4.encode($0.0) + "=" + SignatureV4.encode($0.1) }.joined(separator: "&")
        var request = HTTPClientRequest(url: endpoint.absoluteString.trimmingSuffix("/") + SignatureV4.encode(path, keepSlash: true) + queryText)
        request.method = method
        for (name, value) in extra + signed { request.headers.add(name: name, value: value) }
        if !body.isEmpty || method == .PUT || method == .POST { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            return try await http.execute(request, timeout: .seconds(60))
        } catch let error as CancellationError {
            throw error
        } catch {
            throw S3Error.unreachable(endpoint.absoluteString, reason: "\(error)")
        }
    }

    static func failure(status: Int, body: [UInt8], key: String) -> S3Error {
        let text = String(decoding: body, as: UTF8.self)
        return .status(status, code: XMLFields.first("Code", in: text) ?? "", message: XMLFields.first("Message", in: text) ?? "", key: key)
    }

    /// Creates the bucket; one that exists already (owned by us) is fine.
    public func createBucket() async throws {
        _ = try await send(.PUT, key: nil, expect: [200, 409])
    }

    /// Stores one object in a single request. Returns its ETag.
    @discardableResult
    public func put(_ key: String, _ bytes: [UInt8]) async throws -> String {
        let response = try await send(.PUT, key: key, body: bytes, headers: [("content-md5", Data(Insecure.MD5.hash(data: bytes)).base64EncodedString())])
        return response.headers.first(name: "etag") ?? ""
    }

    /// Stores an object from chunks of any size, in parts once it outgrows one part; nothing is
    /// visible under `key` until the last part is in (an abandoned upload is aborted).
    @discardableResult
    public func upload<Chunks: AsyncSequence>(_ key: String, chunks: Chunks) async throws -> String where Chunks.Element == [UInt8] {
        var pending: [UInt8] = []
        var uploadID: String?
        var parts: [(Int, String)] = []
        do {
            for try await chunk in chunks {
                pending.append(contentsOf: chunk)
                // More than a part's worth: at least two parts, so this one can go.
                while pending.count > partSize {
                    if uploadID == nil { uploadID = try await startMultipart(key) }
                    let part = Array(pending.prefix(partSize))
                    pending.removeFirst(partSize)
                    parts.append((parts.count + 1, try await uploadPart(key, uploadID: uploadID!, number: parts.count + 1, bytes: part)))
                }
            }
            guard let uploadID else { return try await put(key, pending) }
            parts.append((parts.count + 1, try await uploadPart(key, uploadID: uploadID, number: parts.count + 1, bytes: pending)))
            return try await completeMultipart(key, uploadID: uploadID, parts: parts)
        } catch {
            if let uploadID { _ = try? await send(.DELETE, key: key, query: [("uploadId", uploadID)], expect: [200, 204, 404]) }
            throw error
        }
    }

    func startMultipart(_ key: String) async throws -> String {
        let response = try await send(.POST, key: key, query: [("uploads", "")])
        guard let id = XMLFields.first("UploadId", in: String(decoding: response.body, as: UTF8.self)) else {
            throw S3Error.status(response.status, code: "NoUploadId", message: "the store started a multipart upload without an id", key: key)
        }
        return id
    }

    func uploadPart(_ key: String, uploadID: String, number: Int, bytes: [UInt8]) async throws -> String {
        let response = try await send(.PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)], body: bytes)
        return response.headers.first(name: "etag") ?? ""
    }

    func completeMultipart(_ key: String, uploadID: String, parts: [(Int, String)]) async throws -> String {
        let xml = "<CompleteMultipartUpload>" + parts.map { "<Part><PartNumber>\($0.0)</PartNumber><ETag>\($0.1)</ETag></Part>" }.joined()
            + "</CompleteMultipartUpload>"
        let response = try await send(.POST, key: key, query: [("uploadId", uploadID)], body: Array(xml.utf8))
        // S3 may answer 200 with an error document once the parts are joined.
        let text = String(decoding: response.body, as: UTF8.self)
        if text.contains("<Error>") { throw Self.failure(status: 500, body: response.body, key: key) }
        return XMLFields.first("ETag", in: text) ?? ""
    }

    /// The whole object.
    public func get(_ key: String) async throws -> [UInt8] {
        var out: [UInt8] = []
        try await read(key) { out.append(contentsOf: $0) }
        return out
    }

    /// The object a buffer at a time, as the store sends it.
    public func read(_ key: String, range: ClosedRange<Int>? = nil, _ consume: ([UInt8]) throws -> Void) async throws {
        let headers = range.map { [("range", "bytes=\($0.lowerBound)-\($0.upperBound)")] } ?? []
        let response = try await execute(.GET, key: key, query: [], body: [], headers: headers)
        let status = Int(response.status.code)
        guard status == 200 || status == 206 else {
            var bytes: [UInt8] = []
            for try await buffer in response.body { bytes.append(contentsOf: buffer.readableBytesView) }
            throw Self.failure(status: status, body: bytes, key: key)
        }
        for try await buffer in response.body { try consume(Array(buffer.readableBytesView)) }
    }

    /// The object's size, or nil when there is none.
    public func size(_ key: String) async throws -> Int? {
        let response = try await send(.HEAD, key: key, expect: [200, 404])
        return response.status == 404 ? nil : response.headers.first(name: "content-length").flatMap(Int.init)
    }

    public func delete(_ key: String) async throws {
        _ = try await send(.DELETE, key: key, expect: [200, 204, 404])
    }

    /// Every key under `prefix` (ListObjectsV2, following continuation tokens).
    public func list(prefix: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let text = String(decoding: try await send(.GET, key: nil, query: query).body, as: UTF8.self)
            keys += XMLFields.all("Key", in: text)
            token = XMLFields.first("IsTruncated", in: text) == "true" ? XMLFields.first("NextContinuationToken", in: text) : nil
        } while token != nil
        return keys
    }
}

/// The few fields read from S3's XML answers (flat, known element names), without an XML library:
/// FoundationXML would need libxml2 in the static binary.
enum XMLFields {
    static func all(_ name: String, in text: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(name)>"), let close = rest.range(of: "</\(name)>", range: open.upperBound..<rest.endIndex) {
            out.append(unescape(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return out
    }

    static func first(_ name: String, in text: String) -> String? { all(name, in: text).first }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
