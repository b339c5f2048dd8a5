import Crypto
import Foundation

/// What a key may do. Inference-only keys can call prediction endpoints and nothing else.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin, developer, viewer, inference

    public func allows(_ action: Action) -> Bool {
        switch (self, action) {
        case (.admin, .operate): return false  // only the operator project's admins: see Principal.require
        case (.admin, _): return true
        case (.developer, .read), (.developer, .write), (.developer, .infer): return true
        case (.viewer, .read), (.viewer, .infer): return true
        case (.inference, .infer): return true
        default: return false
        }
    }
}

public enum Action: String, Sendable { case read, write, infer, manageKeys = "manage_keys", operate }

/// The authenticated caller of a request.
public struct Principal: Sendable, Equatable {
    public let keyID: String
    public let project: String
    public let role: Role
    /// The key's quota, checked by `RateLimiter` (copied from the key's record at authentication).
    public var limits: RateLimits = .unlimited
    /// Endpoints this key may call for inference; nil for all of its project's.
    public var endpoints: Set<String>?

    public init(keyID: String, project: String, role: Role, limits: RateLimits = .unlimited, endpoints: Set<String>? = nil) {
        self.keyID = keyID; self.project = project; self.role = role; self.limits = limits; self.endpoints = endpoints
    }

    /// Refuses inference on an endpoint outside the key's scope.
    public func requireEndpoint(_ name: String) throws {
        if let endpoints, !endpoints.contains(name) {
            throw PlatformError.forbidden("this key may call only the endpoints \(endpoints.sorted().joined(separator: ", ")); not '\(name)'")
        }
    }

    /// Whether the key may see raw data values (previews, downloads): developers and admins.
    public var seesRawValues: Bool { role == .admin || role == .developer }

    /// The project whose admins operate the server: create projects, read server-wide metrics.
    public static let operatorProject = "default"

    public func require(_ action: Action) throws {
        if action == .operate {
            guard role == .admin && project == Self.operatorProject else {
                throw PlatformError.forbidden("only admin keys of the '\(Self.operatorProject)' project may operate the server (projects, server metrics)")
            }
            return
        }
        guard role.allows(action) else {
            throw PlatformError.forbidden("a \(role.rawValue) key may not \(action.rawValue.replacingOccurrences(of: "_", with: " "))")
        }
    }
}

/// A stored API key: never the secret, only its SHA-256.
public struct APIKeyRecord: Codable, Sendable, Equatable {
    public var id: String
    public var project: String
    public var role: Role
    public var name: String
    public var secretHash: String
    public var createdAt: Date
    public var revokedAt: Date?
    public var limits: RateLimits
    /// After this instant the key is refused (nil: never expires).
    public var expiresAt: Date?
    /// Endpoints the key may call for inference (nil: every endpoint of its project).
    public var endpoints: [String]?

    public init(id: String, project: String, role: Role, name: String, secretHash: String, createdAt: Date, revokedAt: Date? = nil,
                limits: RateLimits = .unlimited, expiresAt: Date? = nil, endpoints: [String]? = nil) {
        self.id = id; self.project = project; self.role = role; self.name = name
        self.secretHash = secretHash; self.createdAt = createdAt; self.revokedAt = revokedAt; self.limits = limits
        self.expiresAt = expiresAt; self.endpoints = endpoints
    }
}

/// Key tokens look like `maas_<id>_<secret>`: the id finds the record, the secret is checked
/// against its stored hash in constant time.
public enum APIKeyToken {
    public static func generate() -> (id: String, secret: String, token: String) {
        let id = randomBase62(12), secret = randomBase62(40)
        return (id, secret, "maas_\(id)_\(secret)")
    }

    public static func parse(_ token: String) -> (id: String, secret: String)? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "maas", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    public static func hash(_ secret: String) -> String { Digest.hex(SHA256.hash(data: Data(secret.utf8))) }

    /// Equal-length comparison that takes the same time wherever the first difference is.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    static func randomBase62(_ count: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

/// Lower-case hex of SHA-256 digests, the one spelling of checksums across the platform.
public enum Digest {
    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        // By hand: String(format:) per byte cost ~40 µs per key check, a fifth of a request.
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func sha256(_ bytes: Data) -> String { hex(SHA256.hash(data: bytes)) }
}
