import Foundation
import NIOSSL
import PostgresNIO

/// Why a `--database` setting cannot be used; every message names the setting and what to fix.
public struct DatabaseSettingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A PostgreSQL connection string as libpq and psql read it:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require][&host=/socket/folder]`.
/// The password may instead come from `PGPASSWORD`, so that it need not appear in a process list.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    /// A folder holding the server's Unix socket (`?host=/path`), used instead of TCP.
    public var socketFolder: String?
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// `setting` names the flag the text came from, for the error message.
    public init(_ text: String, setting: String = "--database", environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw DatabaseSettingError("\(setting): expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, got '\(Self.redacted(text))'")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        socketFolder = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? Int(query["port"] ?? "") ?? 5432
        guard (1...65535).contains(port) else { throw DatabaseSettingError("\(setting): port \(port) is not between 1 and 65535") }
        guard let user = components.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw DatabaseSettingError("\(setting): the URL names no user (postgres://USER@HOST/DATABASE)")
        }
        self.user = user
        password = components.password.flatMap { $0.removingPercentEncoding } ?? environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else {
            throw DatabaseSettingError("\(setting): the URL names no database (postgres://USER@HOST/DATABASE)")
        }
        database = path.removingPercentEncoding ?? path
        let mode = query["sslmode"] ?? "prefer"
        guard let tls = TLSMode(rawValue: mode == "allow" ? "prefer" : mode == "verify-full" || mode == "verify-ca" ? "require" : mode) else {
            throw DatabaseSettingError("\(setting): sslmode '\(mode)' is not one of disable, prefer, require, verify-full")
        }
        self.tls = tls
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (socketFolder.map { "?host=\($0)" } ?? "")
    }

    /// Hides whatever sits between `://user:` and `@` in text that failed to parse.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex),
              let colon = text.range(of: ":", range: scheme.upperBound..<at.lowerBound) else { return text }
        return text.replacingCharacters(in: colon.upperBound..<at.lowerBound, with: "***")
    }

    func clientTLS() -> PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }

    func clientConfiguration() -> PostgresClient.Configuration {
        if let socketFolder {
            return PostgresClient.Configuration(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: clientTLS())
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socketFolder {
            return PostgresConnection.Configuration(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
