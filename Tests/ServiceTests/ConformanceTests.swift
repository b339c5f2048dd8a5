import Foundation
import HTTPAPI
import Testing

/// What schemathesis (tests/conformance.sh) checks from outside, pinned here where it is cheap.
@Suite struct Conformance {
    /// RFC 3339 date-times, against Python's datetime for the same instants.
    @Test func rfc3339TimesParseAsTheStandardSays() {
        let cases: [(String, Double)] = [
            ("2027-01-31T12:00:00Z", 1_801_396_800), ("2027-01-31t12:00:00z", 1_801_396_800),
            ("2581-12-07T10:03:40-21:07", 19_310_857_840), ("1969-12-31T23:59:59.25+05:30", -19_800.75),
            ("2000-02-29T23:59:59Z", 951_868_799), ("2000-02-29T23:59:60Z", 951_868_799),
        ]
        for (text, seconds) in cases {
            #expect(APIServer.parseRFC3339(text)?.timeIntervalSince1970 == seconds, "\(text)")
        }
        for bad in ["", "2027-01-31", "2027-01-31T12:00:00", "1999-02-29T00:00:00Z", "2027-13-01T00:00:00Z", "2027-01-31T24:00:00Z",
                    "2027-01-31T12:00:00.Z", "2027-01-31T12:00:00+2400", "2027-01-31T12:00:00Z ", "２027-01-31T12:00:00Z"] {
            #expect(APIServer.parseRFC3339(bad) == nil, "\(bad)")
        }
    }
}

/// A known path asked with a method it does not take answers 405 and says what it takes; HEAD
/// is GET without the body; an unknown path stays 404.
@Suite struct MethodsOverHTTP {
    @Test func undeclaredMethodsAnswer405WithAllow() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-methods-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        func allow(_ headers: [AnyHashable: Any]) -> String? {
            headers.first { ($0.key as? String)?.lowercased() == "allow" }?.value as? String
        }
        for (method, path, allowed) in [("TRACE", "/metrics", "GET, HEAD"), ("DELETE", "/openapi.json", "GET, HEAD"),
                                        ("PUT", "/v1/keys", "GET, HEAD, POST"), ("GET", "/v1/models/wine:predict", "POST"),
                                        ("PATCH", "/v1/datasets/wine/rows", nil)] {
            let response = try await server.request(method, path, key: admin)
            if let allowed {
                #expect(response.status == 405 && allow(response.headers) == allowed, "\(method) \(path): \(response.status) \(response.headers)")
                #expect((response.json["error"] as? [String: Any])?["message"] as? String == "\(method) is not a method of \(path); allowed: \(allowed)")
            } else {
                #expect(response.status == 404, "\(method) \(path)")
            }
        }
        let head = try await server.raw("HEAD", "/v2/health/live", key: nil)
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(try await server.request("GET", "/v1/nothing-here", key: admin).status == 404)
        await server.stop()
    }
}
