import Foundation

/// Live API keys, cached in memory: authenticating a request costs a dictionary lookup and a
/// hash, not a database read. Changes go to the store first, then to the cache.
public actor KeyRing {
    private let store: any MetadataStore
    private var records: [String: APIKeyRecord] = [:]
    /// Key id used for an operator-supplied admin key (MAAS_ADMIN_KEY) of any format.
    static let environmentKeyID = "env-admin"

    public init(store: any MetadataStore) async throws {
        self.store = store
        for record in try await store.keys() { records[record.id] = record }
    }

    /// Re-reads every key: another node sharing the store created, revoked or changed one.
    public func reload() async throws {
        var fresh: [String: APIKeyRecord] = [:]
        for record in try await store.keys() { fresh[record.id] = record }
        records = fresh
    }

    /// The quota of a live key, by key id (nil for a key this node does not know).
    public func limits(keyID: String) -> RateLimits? { records[keyID]?.limits }

    /// The caller behind an `Authorization: Bearer …` header value.
    public func authenticate(authorization: String?) throws -> Principal {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            throw PlatformError.unauthenticated("missing API key: send 'Authorization: Bearer <key>'")
        }
        // Trimmed by hand: Foundation's trimmingCharacters bridges through NSString on every request.
        var trimmed = authorization.dropFirst(7)
        while trimmed.first == " " || trimmed.first == "\t" { trimmed.removeFirst() }
        while trimmed.last == " " || trimmed.last == "\t" { trimmed.removeLast() }
        let token = String(trimmed)
        let (id, secret) = APIKeyToken.parse(token) ?? (Self.environmentKeyID, token)
        guard let record = records[id], record.revokedAt == nil,
              APIKeyToken.constantTimeEqual(record.secretHash, APIKeyToken.hash(secret)) else {
            throw PlatformError.unauthenticated("invalid or revoked API key")
        }
        if let expiry = record.expiresAt, expiry <= Date() {
            throw PlatformError.unauthenticated("API key \(record.id) expired at \(expiry.formatted(.iso8601))")
        }
        return Principal(keyID: record.id, project: record.project, role: record.role, limits: record.limits,
                         endpoints: record.endpoints.map(Set.init))
    }

    /// The key id a token names, whether or not it is valid (to say who was refused).
    public nonisolated static func claimedKeyID(authorization: String?) -> String? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        return APIKeyToken.parse(String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces))?.id
    }

    /// On an empty store: creates the `default` project and an admin key, returning its token
    /// (shown once). `fixed` (MAAS_ADMIN_KEY) is used as that key when given.
    public func bootstrap(fixed: String?) async throws -> String? {
        if let fixed, !fixed.isEmpty {
            let hash = APIKeyToken.hash(APIKeyToken.parse(fixed)?.secret ?? fixed)
            let id = APIKeyToken.parse(fixed)?.id ?? Self.environmentKeyID
            if records[id]?.secretHash != hash {
                if !(try await store.projectExists("default")) { try await store.createProject("default") }
                let record = APIKeyRecord(id: id, project: "default", role: .admin, name: "admin (MAAS_ADMIN_KEY)", secretHash: hash, createdAt: Date())
                try await store.insertKey(record)
                records[id] = record
            }
            return nil
        }
        guard records.values.filter({ $0.revokedAt == nil }).isEmpty else { return nil }
        if !(try await store.projectExists("default")) { try await store.createProject("default") }
        return try await create(project: "default", role: .admin, name: "initial admin").token
    }

    public func create(project: String, role: Role, name: String, limits: RateLimits = .unlimited, expiresAt: Date? = nil,
                       endpoints: [String]? = nil) async throws -> (record: APIKeyRecord, token: String) {
        guard (1...64).contains(name.count) else { throw PlatformError.invalid(field: "name", message: "must be 1 to 64 characters") }
        if let expiresAt, expiresAt <= Date() {
            throw PlatformError.invalid(field: "expires_at", message: "must be in the future; got \(expiresAt.formatted(.iso8601))")
        }
        if let endpoints {
            guard !endpoints.isEmpty, endpoints.count <= 1000 else { throw PlatformError.invalid(field: "endpoints", message: "must list 1 to 1000 endpoint names (omit it for every endpoint)") }
            for name in endpoints { try ModelRegistry.checkName(name, field: "endpoints") }
        }
        let (id, secret, token) = APIKeyToken.generate()
        let record = APIKeyRecord(id: id, project: project, role: role, name: name, secretHash: APIKeyToken.hash(secret), createdAt: Date(),
                                  limits: try limits.validated(), expiresAt: expiresAt, endpoints: endpoints)
        try await store.insertKey(record)
        records[id] = record
        return (record, token)
    }

    public func list(project: String) -> [APIKeyRecord] {
        records.values.filter { $0.project == project }.sorted { $0.createdAt < $1.createdAt }
    }

    public func revoke(id: String, project: String) async throws {
        guard let record = records[id], record.project == project else { throw PlatformError.notFound(kind: "key", name: id) }
        guard record.revokedAt == nil else { return }
        let now = Date()
        try await store.revokeKey(id: id, at: now)
        records[id]?.revokedAt = now
    }

    /// Replaces a live key's quota; takes effect on its next request.
    public func setLimits(id: String, project: String, limits: RateLimits) async throws -> APIKeyRecord {
        guard var record = records[id], record.project == project, record.revokedAt == nil else { throw PlatformError.notFound(kind: "key", name: id) }
        record.limits = try limits.validated()
        try await store.updateKeyLimits(id: id, limits: record.limits)
        records[id] = record
        return record
    }

    /// A new key with the same project, role and name; the old one stops working at once.
    public func rotate(id: String, project: String) async throws -> (record: APIKeyRecord, token: String) {
        guard let old = records[id], old.project == project, old.revokedAt == nil else { throw PlatformError.notFound(kind: "key", name: id) }
        if let expiry = old.expiresAt, expiry <= Date() {
            throw PlatformError.conflict("key \(id) expired at \(expiry.formatted(.iso8601)); create a new key instead")
        }
        // The new key keeps the old one's expiry and scope: rotation replaces a secret, it grants nothing.
        let fresh = try await create(project: project, role: old.role, name: old.name, limits: old.limits,
                                     expiresAt: old.expiresAt, endpoints: old.endpoints)
        try await revoke(id: id, project: project)
        return fresh
    }
}
