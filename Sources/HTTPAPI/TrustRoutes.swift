import Foundation
import Hummingbird
import HummingbirdTLS
import NIOSSL
import Platform

/// The server's TLS settings: a certificate chain and key (PEM), TLS 1.2 at least, and
/// optionally a CA whose client certificates are required (mutual TLS).
public struct ServerTLS: Sendable {
    public let configuration: TLSConfiguration
    /// The files, for the gRPC port (its transport reads them itself).
    let certificateFile: String, keyFile: String, clientCAFile: String?

    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) throws {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificateFile) }
        catch { throw PlatformError.invalid(field: "--tls-cert", message: "cannot read a PEM certificate chain from \(certificateFile): \(error)") }
        guard !chain.isEmpty else { throw PlatformError.invalid(field: "--tls-cert", message: "\(certificateFile) holds no certificate") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyFile, format: .pem) }
        catch { throw PlatformError.invalid(field: "--tls-key", message: "cannot read a PEM private key from \(keyFile): \(error)") }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCAFile {
            guard FileManager.default.isReadableFile(atPath: clientCAFile) else {
                throw PlatformError.invalid(field: "--tls-client-ca", message: "cannot read \(clientCAFile)")
            }
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .file(clientCAFile)
        }
        self.configuration = configuration
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}

extension APIServer {
    static func auditJSON(_ e: AuditEntry) -> String {
        "{\"sequence\":\(e.sequence),\"at\":\(JSONWriter.quote(e.at.formatted(.iso8601))),\"actor\":\(JSONWriter.quote(e.actor)),"
            + "\"project\":\(JSONWriter.quote(e.project)),\"action\":\(JSONWriter.quote(e.action)),\"resource\":\(JSONWriter.quote(e.resource)),"
            + "\"request_id\":\(JSONWriter.quote(e.requestID)),\"outcome\":\(JSONWriter.quote(e.outcome)),"
            + "\"previous_hash\":\(JSONWriter.quote(e.previousHash)),\"hash\":\(JSONWriter.quote(e.hash))}"
    }

    static func addTrustRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        // How a model version treats groups of people on a dataset (fairlearn's group metrics).
        api.route(.POST, "/v1/evaluations", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let buffer = try await request.collectBody(context)
            _ = try buffer.withUnsafeReadableBytes { raw in try WireJSONParser.parse(raw.bindMemory(to: UInt8.self)) }
            let record = try await s.fairness.evaluate(project: caller.project, keyID: caller.keyID, request: String(buffer: buffer))
            try await context.audit(s, "evaluate", "evaluation:\(record.id) model:\(record.model)")
            var response = jsonResponse(record.report, status: .created)
            response.headers[.location] = "/v1/evaluations/\(record.id)"
            return response
        }
        api.route(.GET, "/v1/evaluations", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.read)
            let pageRequest = try PageRequest(request)
            let page = pageRequest.page(try await s.fairness.list(project: caller.project), descending: true) { PageRequest.timeKey($0.createdAt, $0.id) }
            return jsonResponse("{" + PageRequest.members("evaluations", page.items.map { e in
                "{\"id\":\(JSONWriter.quote(e.id)),\"kind\":\(JSONWriter.quote(e.kind)),\"model\":\(JSONWriter.quote(e.model)),"
                    + "\"dataset\":\(JSONWriter.quote(e.dataset)),\"dataset_version\":\(e.datasetVersion),"
                    + "\"created_at\":\(JSONWriter.quote(e.createdAt.formatted(.iso8601)))}"
            }, next: page.nextToken) + "}")
        }
        api.route(.GET, "/v1/evaluations/{id}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            return jsonResponse(try await s.fairness.evaluation(project: caller.project, id: try context.parameters.require("id")).report)
        }
        // Re-wraps every data key under a new master key while the server keeps serving. With a
        // key file (the default), the server writes the new key itself; with MAAS_MASTER_KEY,
        // give {"new_master_key_file": "/path"} and set MAAS_MASTER_KEY to it before the next start.
        api.route(.POST, "/v1/admin/master-key/rotate", catalog) { request, context in
            try context.caller().require(.operate)
            // A body that cannot be read or says something else must not rotate to a generated key.
            guard let buffer = try? await request.body.collect(upTo: 1 << 16) else {
                throw PlatformError.payloadTooLarge(limit: 1 << 16)
            }
            var newKey: MasterKey?
            if buffer.readableBytes > 0 {
                let body = try buffer.withUnsafeReadableBytes { raw in try WireJSONParser.parse(raw.bindMemory(to: UInt8.self)) }.fields(["new_master_key_file"])
                if let value = body["new_master_key_file"] {
                    guard let path = value.string, !path.isEmpty else {
                        throw PlatformError.invalid(field: "new_master_key_file", message: "must be a non-empty string: a server-side file holding the new key")
                    }
                    newKey = try MasterKey(file: URL(fileURLWithPath: path), source: "new_master_key_file \(path)")
                }
            }
            let (id, count) = try await s.vault.rotate(to: newKey)
            try await context.audit(s, "master_key.rotate", "master_key:\(id)")
            return jsonResponse("{\"master_key_id\":\(JSONWriter.quote(id)),\"rewrapped_data_keys\":\(count)}")
        }
        // The audit trail: a project's admins see their project's entries, the operator everyone's.
        // Filters: action, actor (key id), since/until (RFC 3339), after (sequence), limit.
        api.route(.GET, "/v1/audit", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            let query = request.uri.queryParameters
            func time(_ name: String) throws -> Date? {
                guard let text = query.get(name) else { return nil }
                guard let date = parseRFC3339(text) else { throw PlatformError.invalid(field: name, message: "must be an RFC 3339 time such as 2027-01-31T12:00:00Z") }
                return date
            }
            func integer(_ name: String, _ range: ClosedRange<Int>, _ fallback: Int) throws -> Int {
                guard let text = query.get(name) else { return fallback }
                guard let n = Int(text), range.contains(n) else { throw PlatformError.invalid(field: name, message: "must be an integer from \(range.lowerBound) to \(range.upperBound)") }
                return n
            }
            func text(_ name: String) throws -> String? {
                guard let value = query.get(name) else { return nil }
                guard !value.isEmpty else { throw PlatformError.invalid(field: name, message: "must not be empty (leave it out to match every \(name))") }
                return value
            }
            let everyone = caller.project == Principal.operatorProject
            let entries = try await s.audit.entries(project: everyone ? nil : caller.project, action: try text("action"), actor: try text("actor"),
                                                    since: try time("since"), until: try time("until"), after: try integer("after", 0...Int.max, 0),
                                                    limit: try integer("limit", 1...10_000, 1000))
            return jsonResponse("{\"entries\":[" + entries.map(auditJSON).joined(separator: ",") + "]}")
        }
        // Walks the whole chain; names every edited, removed or forged entry.
        api.route(.GET, "/v1/audit/verify", catalog) { _, context in
            try context.caller().require(.operate)
            let result = try await s.audit.verify()
            return jsonResponse("{\"entries\":\(result.entries),\"intact\":\(result.intact),\"problems\":[" + result.problems.map(JSONWriter.quote).joined(separator: ",") + "]}")
        }
    }
}
