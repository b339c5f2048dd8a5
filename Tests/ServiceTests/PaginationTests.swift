import Foundation
import Platform
import Testing

/// Long lists come in pages: `limit` and the `next_page_token` of the previous page. A page
/// neither repeats nor skips an item when others are added or removed between two requests.
@Suite struct PaginationOverHTTP {
    @Test func listsArePagedByKeysetTokens() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-pages-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        for i in 0..<7 {
            #expect(try await server.request("POST", "/v1/datasets/d\(i)?format=csv", key: admin, body: "x,y\n1,\(i)\n").status == 201)
        }
        func names(_ response: (status: Int, json: [String: Any], headers: [AnyHashable: Any])) -> [String] {
            (response.json["datasets"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        let first = try await server.request("GET", "/v1/datasets?limit=3", key: admin)
        #expect(names(first) == ["d0", "d1", "d2"])
        let token = try #require(first.json["next_page_token"] as? String)
        // Between two pages: one item after the cursor is removed and one is added after it.
        #expect(try await server.request("DELETE", "/v1/datasets/d3", key: admin).status == 200)
        #expect(try await server.request("POST", "/v1/datasets/d25?format=csv", key: admin, body: "x,y\n1,2\n").status == 201)
        let second = try await server.request("GET", "/v1/datasets?limit=3&page_token=\(token)", key: admin)
        #expect(names(second) == ["d25", "d4", "d5"], "\(second.json)")
        let last = try await server.request("GET", "/v1/datasets?limit=3&page_token=\(try #require(second.json["next_page_token"] as? String))", key: admin)
        #expect(names(last) == ["d6"] && last.json["next_page_token"] == nil, "\(last.json)")
        // Without a limit, the default page holds all of these.
        #expect(names(try await server.request("GET", "/v1/datasets", key: admin)).count == 7)

        // Keys page in creation order; walking every page gives the whole list once.
        for i in 0..<4 {
            #expect(try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "viewer", "name": "k\#(i)"}"#).status == 201)
        }
        let everyKey = (try await server.request("GET", "/v1/keys", key: admin).json["keys"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(everyKey.count == 5)
        var walked: [String] = [], next: String? = nil, pages = 0
        repeat {
            let page = try await server.request("GET", "/v1/keys?limit=2" + (next.map { "&page_token=\($0)" } ?? ""), key: admin)
            #expect(page.status == 200)
            walked += (page.json["keys"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            next = page.json["next_page_token"] as? String
            pages += 1
        } while next != nil && pages < 10
        #expect(walked == everyKey && pages == 3, "\(walked) vs \(everyKey)")

        // Bad paging input names the field.
        for (query, field) in [("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("page_token=a%21b", "page_token"), ("page_token=", "page_token")] {
            let refused = try await server.request("GET", "/v1/training-jobs?\(query)", key: admin)
            #expect(refused.status == 400 && (refused.json["error"] as? [String: Any])?["field"] as? String == field, "\(query): \(refused.json)")
        }
        // Any token of the alphabet is a position, never an error (the document's pattern allows it).
        #expect(try await server.request("GET", "/v1/models?page_token=A", key: admin).status == 200)
        await server.stop()
    }
}
