import Hummingbird

/// The web console: static files compiled into the binary (Package.swift embeds them with
/// `.embedInCode`), served at `/` without a key. Every view calls the public API with the key
/// the user signs in with, so the console can do nothing the API cannot.
enum ConsoleAssets {
    struct Asset: Sendable {
        let contentType: String
        let body: ByteBuffer
        let etag: String
    }

    static let byPath: [String: Asset] = {
        func asset(_ bytes: [UInt8], _ type: String) -> Asset {
            // FNV-1a of the bytes: a validator for conditional requests, not a security digest.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return Asset(contentType: type, body: ByteBuffer(bytes: bytes), etag: "\"\(String(hash, radix: 16))\"")
        }
        let index = asset(PackageResources.index_html, "text/html; charset=utf-8")
        return [
            "/": index,
            "/console/app.js": asset(PackageResources.app_js, "text/javascript; charset=utf-8"),
            "/console/api.js": asset(PackageResources.api_js, "text/javascript; charset=utf-8"),
            "/console/chart.js": asset(PackageResources.chart_js, "text/javascript; charset=utf-8"),
            "/console/views.js": asset(PackageResources.views_js, "text/javascript; charset=utf-8"),
            "/console/style.css": asset(PackageResources.style_css, "text/css; charset=utf-8"),
        ]
    }()

    /// No inline script or style, nothing from another origin, never framed: a value from the
    /// API that holds markup can only ever be text.
    static let securityHeaders: HTTPFields = {
        func name(_ text: String) -> HTTPFields.Element.Name { HTTPFields.Element.Name(text)! }
        return [
            .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                + "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
            name("X-Content-Type-Options"): "nosniff",
            name("X-Frame-Options"): "DENY",
            name("Referrer-Policy"): "no-referrer",
            name("Cross-Origin-Opener-Policy"): "same-origin",
        ]
    }()
}

extension APIServer {
    static func addConsoleRoutes(_ router: Router<APIContext>) {
        for (path, asset) in ConsoleAssets.byPath {
            router.get(RouterPath(path)) { request, _ -> Response in
                var headers = ConsoleAssets.securityHeaders
                headers[.eTag] = asset.etag
                headers[.cacheControl] = "no-cache"
                if request.headers[.ifNoneMatch] == asset.etag { return Response(status: .notModified, headers: headers) }
                headers[.contentType] = asset.contentType
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
            }
        }
    }
}
